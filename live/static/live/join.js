// Participant page: /join/<code>. Join with a nickname, then follow the live activity.
import {
  Announcer,
  announce,
  api,
  errorText,
  fmt,
  h,
  loadTypes,
  podium,
  readConfig,
  replace,
  ui,
} from "./common.js";
import { activityScreen } from "./phone_activity.js";
import { StatePoller } from "./poller.js";
import { reactionBar } from "./reactions.js";

const cfg = readConfig();
// The activity types' phone renderers (common.js loadTypes), keyed by type: this page names none.
const types = await loadTypes(readConfig("caja-types"));
const NO_TYPE = { renderer: {} };
const typeOf = (a) => types[a.type] || { ...NO_TYPE, label: a.type };
// The page's label is in the page's language (the API sends English).
const labelOf = (a) => typeOf(a).label || a.type_label;
const app = document.getElementById("app");
// ?theme=light|dark forces the phone's theme, as on the presenter; otherwise prefers-color-scheme.
const theme = new URLSearchParams(location.search).get("theme");
if (theme === "light" || theme === "dark") document.body.classList.add(`theme-${theme}`);
const storeKey = `caja.participant.${cfg.session_id}`;
let me = null; // {token, participant_id, nickname}
let poller = null;
let view = null; // what the screen shows now: "join", "lobby", "activity", "summary", "removed", "ended"
const announcer = new Announcer(); // results, politely and rarely (not on every poll)
// The activity on screen (phone_activity.js, with its answer retry queue).
const screen = activityScreen({
  sessionId: cfg.session_id,
  typeOf,
  labelOf,
  me: () => me,
  poller: () => poller,
  setView: (name, ...children) => setView(name, ...children),
  announcer,
  removed: () => showRemoved(),
});
const reactions = reactionBar(document.getElementById("reaction-bar"), {
  sessionId: cfg.session_id,
  me: () => me,
  removed: () => showRemoved(),
  poke: () => {
    if (poller) poller.poke();
  },
});

function load() {
  try {
    return JSON.parse(localStorage.getItem(storeKey) || "null");
  } catch (_err) {
    return null;
  }
}
function save(value) {
  try {
    localStorage.setItem(storeKey, JSON.stringify(value));
  } catch (_err) {
    /* private mode */
  }
}
function forget() {
  try {
    localStorage.removeItem(storeKey);
  } catch (_err) {
    /* ignore */
  }
}

function showWho() {
  const who = document.getElementById("who");
  if (me) {
    document.getElementById("who-name").textContent = me.nickname;
    who.hidden = false;
  } else {
    who.hidden = true;
  }
}

function setView(name, ...children) {
  view = name;
  app.dataset.view = name;
  replace(app, ...children);
}

// --- entry ------------------------------------------------------------------------------------

async function init() {
  if (!cfg.session_id) return;
  const stored = load();
  if (stored?.token) {
    const res = await api("/api/v1/me", { token: stored.token });
    if (res.status === 200) {
      me = { ...stored, nickname: res.data.nickname, participant_id: res.data.id };
      save(me);
      return startLive();
    }
    if (res.status === 401 || res.status === 403) return showRemoved();
    me = stored; // offline or a hiccup: keep going with what we have
    return startLive();
  }
  if (cfg.session_status === "completed") return showEnded();
  showJoinForm();
}

function showJoinForm(message) {
  const error = h("p", { class: "error", id: "join-error", attrs: { role: "alert" } });
  const input = h("input", {
    id: "nickname",
    name: "nickname",
    type: "text",
    required: true,
    maxLength: 30,
    autocomplete: "nickname",
    attrs: { "aria-describedby": "nickname-hint join-error", spellcheck: "false" },
  });
  const button = h("button", { type: "submit", class: "btn btn-primary", text: gettext("Join") });
  const form = h(
    "form",
    { class: "card stack join-form", id: "join-form", attrs: { novalidate: "" } },
    h("label", { for: "nickname", text: gettext("Your nickname") }),
    input,
    h("p", {
      class: "hint",
      id: "nickname-hint",
      text: gettext("1 to 30 characters, shown on the big screen."),
    }),
    button,
    error,
  );
  if (message) error.textContent = message;
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const nickname = input.value.trim();
    if (!nickname) {
      error.textContent = gettext("Please enter a nickname.");
      input.focus();
      return;
    }
    button.disabled = true;
    error.textContent = "";
    const res = await api("/api/v1/join", { method: "POST", body: { join_code: cfg.join_code, nickname } });
    button.disabled = false;
    if (res.status === 201) {
      me = { token: res.data.token, participant_id: res.data.id, nickname: res.data.nickname };
      save(me);
      return startLive();
    }
    if (res.status === 404) {
      error.textContent = gettext("No open session has this code. It may have ended.");
      return;
    }
    error.textContent = errorText(res, {
      NICKNAME_TAKEN: gettext("That nickname is taken. Please choose another."),
      SESSION_NOT_ACTIVE: gettext("This session has ended."),
    });
    input.focus();
  });
  setView("join", form);
  input.focus();
}

function showRemoved() {
  forget();
  me = null;
  showWho();
  reactions.show(false);
  if (poller) poller.stop();
  if (heartbeat) clearTimeout(heartbeat);
  screen.stopTimers();
  for (const t of panels()) if (t.renderer.closePanel) t.renderer.closePanel(panelCtx);
  setView(
    "removed",
    h(
      "section",
      { class: "card stack notice", attrs: { role: "alert" } },
      h("h2", { text: gettext("You were removed from this session") }),
      h("p", { text: gettext("The organizer removed you. You can close this page.") }),
    ),
  );
}

function showEnded() {
  setView(
    "ended",
    h(
      "section",
      { class: "card stack notice" },
      h("h2", { text: gettext("This session has ended") }),
      h("p", { text: gettext("Thanks for your interest. Ask the organizer for the next one.") }),
    ),
  );
}

function startLive() {
  showWho();
  setView("lobby", lobby(null));
  poller = new StatePoller(cfg.session_id, {
    token: me.token,
    onState: render,
    onError: (res) => {
      if (res.status === 404) {
        poller.stop();
        setView(
          "ended",
          h(
            "section",
            { class: "card stack notice" },
            h("h2", { text: gettext("This session no longer exists") }),
          ),
        );
      }
    },
  });
  poller.start();
  startHeartbeat();
}

// Presence when a proxy cache answers our polls (deploy/nginx.conf): a small POST every ~30 s
// (jittered, so a room that joined together does not beat in step). Best-effort: errors are ignored.
const HEARTBEAT_MS = 30000;
let heartbeat = null;
function startHeartbeat() {
  if (heartbeat) clearTimeout(heartbeat);
  const beat = async () => {
    if (!me) return;
    await api(`/api/v1/sessions/${cfg.session_id}/heartbeat`, { method: "POST", token: me.token });
    heartbeat = setTimeout(beat, HEARTBEAT_MS * (0.8 + 0.4 * Math.random()));
  };
  heartbeat = setTimeout(beat, HEARTBEAT_MS * Math.random());
}

// Types that show themselves in a panel of their own, driven by their key in the state (an open
// Q&A: activities/types/qna/static/phone.js), beside #app or instead of it.
const panels = () => Object.values(types).filter((t) => t.state_key && t.renderer.panel);
const panelCtx = {
  ...ui,
  app,
  sessionId: cfg.session_id,
  api: (path, options = {}) => api(path, { ...options, token: me?.token }),
  poke: () => {
    if (poller) poller.poke();
  },
  pollSeconds: () => (poller ? poller.override || poller.interval : 2),
  removed: () => showRemoved(),
};

// --- state → screen ---------------------------------------------------------------------------

function lobby(state) {
  const status = state ? state.session.status : cfg.session_status;
  const count = state ? state.participant_count : null;
  return h(
    "section",
    { class: "card stack lobby", id: "lobby" },
    h("h2", { text: gettext("You're in!") }),
    h("p", {
      text:
        status === "draft"
          ? gettext("The session has not started yet. Keep this page open.")
          : gettext("Waiting for the next activity…"),
    }),
    count !== null
      ? h("p", {
          class: "muted",
          text: fmt(ngettext("%(n)s participant here", "%(n)s participants here", count), { n: count }),
        })
      : null,
  );
}

// --- reactions and rehearsals (every view) -----------------------------------------------------------

function showLive(state) {
  const banner = document.getElementById("rehearsal-banner");
  if (banner) banner.hidden = !state.session.rehearsal;
  reactions.show(!!me && state.session.status === "active");
}

// A rehearsal that ends deletes its participants: this phone's token is gone, so it starts again at the
// join form (same code), without a "you were removed" scare.
let wasRehearsal = false;
function rehearsalEnded(state) {
  const ended = wasRehearsal && !state.session.rehearsal && state.session.status === "draft";
  wasRehearsal = !!state.session.rehearsal;
  if (!ended) return false;
  forget();
  me = null;
  showWho();
  if (poller) poller.stop();
  if (heartbeat) clearTimeout(heartbeat);
  screen.close();
  for (const t of panels()) if (t.renderer.closePanel) t.renderer.closePanel(panelCtx);
  showLive(state);
  showJoinForm(gettext("The rehearsal is over and its answers were deleted. Join again for the session."));
  return true;
}

function render(state) {
  if (!me) return;
  if (rehearsalEnded(state)) return;
  showLive(state);
  for (const t of panels()) t.renderer.panel(panelCtx, state[t.state_key], state);
  const session = state.session;
  if (session.status === "completed") return showSummary(state);
  const a = state.current_activity;
  // A Q&A that is the current activity has no answer form: its panel (below) takes the screen, and
  // #app keeps the lobby underneath for when the organizer moves on.
  if (session.status !== "active" || !a || a.status !== "active" || typeOf(a).renderer.ownPanel) {
    screen.close();
    if (
      view !== "lobby" ||
      app.dataset.lobbyStatus !== session.status ||
      app.dataset.count !== String(state.participant_count)
    ) {
      setView("lobby", lobby(state));
      app.dataset.lobbyStatus = session.status;
      app.dataset.count = String(state.participant_count);
    }
    return;
  }
  const cur = screen.current();
  if (!cur || cur.id !== a.id || view !== "activity") {
    delete app.dataset.lobbyStatus;
    screen.build(a);
  } else {
    screen.update(a);
  }
}

// --- the end ----------------------------------------------------------------------------------

async function showSummary(state) {
  if (view === "summary") return;
  view = "summary";
  screen.close();
  poller.stop();
  const body = h("div", { class: "stack" }, h("p", { class: "muted", text: gettext("Loading results…") }));
  // The nickname is an element of its own (bold): the sentence around it, translated whole.
  const thanks = gettext("Thanks for taking part, %(name)s!").split("%(name)s");
  setView(
    "summary",
    h(
      "section",
      { class: "card stack summary", id: "summary" },
      h("h2", { text: gettext("This session has ended") }),
      h("p", {}, thanks[0], h("strong", { text: me.nickname }), thanks[1] || ""),
      h("p", {
        class: "muted",
        text: fmt(ngettext("%(n)s participant", "%(n)s participants", state.participant_count), {
          n: state.participant_count,
        }),
      }),
      body,
    ),
  );
  announce(gettext("The session has ended."));
  const res = await api(`/api/v1/sessions/${cfg.session_id}/leaderboard`);
  const items = res.data?.items || [];
  const rank = items.findIndex((p) => p.participant_id === me.participant_id);
  replace(
    body,
    items.length ? h("h3", { text: gettext("Final leaderboard") }) : null,
    items.length ? podium(items, { highlight: me.participant_id }) : null,
    rank >= 0
      ? h("p", {
          class: "my-score",
          text: fmt(
            ngettext(
              "You placed #%(rank)s with %(score)s point.",
              "You placed #%(rank)s with %(score)s points.",
              items[rank].score,
            ),
            { rank: rank + 1, score: items[rank].score },
          ),
        })
      : null,
  );
}

init();
