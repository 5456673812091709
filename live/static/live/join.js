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
import { selfPacedScreen } from "./selfpaced.js";

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
let me = null; // {token, participant_id, nickname, team_id}
let teams = []; // the session's teams [{id, name, color}] (the state's session, or the join lookup)
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
  removed: () => gone(),
});
// A self-paced session (state.pace "self"): each person walks the activities (selfpaced.js).
const selfPaced = selfPacedScreen({
  sessionId: cfg.session_id,
  typeOf,
  labelOf,
  me: () => me,
  poller: () => poller,
  setView: (name, ...children) => setView(name, ...children),
  announcer,
  removed: () => gone(),
  showFinal: (state, mine) => showSummary(state, mine),
});
const reactions = reactionBar(document.getElementById("reaction-bar"), {
  sessionId: cfg.session_id,
  me: () => me,
  removed: () => gone(),
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
  showTeam();
}

// --- teams (issue 26): chosen at join as large coloured buttons, then shown throughout -------------

/** Black or white, whichever reads better on `hex` (#rrggbb): WCAG relative luminance. */
function inkOn(hex) {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = Number.parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  const lum = 0.2126 * r + 0.7152 * g + 0.0722 * b;
  return (lum + 0.05) / 0.05 > 1.05 / (lum + 0.05) ? "#000000" : "#ffffff";
}

// An organizer may move a participant to another team (PATCH .../participants/{pid}): the phone asks
// /me again once per activity (and at the session's start and end), spread over 2 s, so the badge
// follows a move by the next question without a request on every poll.
let teamCheckedFor = null;
function refreshTeam(moment) {
  if (!teams.length || !me || teamCheckedFor === moment) return;
  const first = teamCheckedFor === null;
  teamCheckedFor = moment;
  if (first) return; // the join or /me at load has just told it
  setTimeout(async () => {
    if (!me) return;
    const res = await api("/api/v1/me", { token: me.token });
    if (res.status === 200 && me && res.data.team_id !== me.team_id) {
      me.team_id = res.data.team_id;
      save(me);
      showTeam();
    }
  }, Math.random() * 2000);
}

/** The team badge beside the nickname, and the page's accent in the team's colour. */
function showTeam() {
  const badge = document.getElementById("who-team");
  const team = me?.team_id ? teams.find((t) => t.id === me.team_id) : null;
  if (badge) {
    badge.hidden = !team;
    badge.textContent = team ? team.name : "";
    if (team) {
      badge.style.background = team.color;
      badge.style.color = inkOn(team.color);
    }
  }
  document.body.classList.toggle("has-team", !!team);
  if (team) document.body.style.setProperty("--team-color", team.color);
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
      me = { ...stored, nickname: res.data.nickname, participant_id: res.data.id, team_id: res.data.team_id };
      save(me);
      return startLive();
    }
    me = stored; // a refusal (gone() says which screen), or offline: keep going with what we have
    if (res.status === 401 || res.status === 403) return gone();
    return startLive();
  }
  if (stored?.rejoin) {
    const res = await api(`/api/v1/sessions/${cfg.session_id}/state`);
    if (res.status === 200 && res.data?.session) return rehearsalOver(res.data, stored.nickname);
  }
  if (cfg.session_status === "completed") return showEnded();
  showJoinForm();
}

/**
 * The join form. `note`: a line above it that is news, not an error (the rehearsal is over); `nickname`:
 * the nickname to offer again (the one this phone had in the rehearsal).
 */
function showJoinForm({ note = "", nickname = "" } = {}) {
  const error = h("p", { class: "error", id: "join-error", attrs: { role: "alert" } });
  const noteLine = h("p", {
    class: "join-note",
    id: "join-note",
    attrs: { role: "status" },
    text: note || null,
  });
  const input = h("input", {
    id: "nickname",
    name: "nickname",
    type: "text",
    required: true,
    maxLength: 30,
    value: nickname,
    autocomplete: "nickname",
    dir: "auto",
    attrs: { "aria-describedby": "join-note nickname-hint join-error", spellcheck: "false" },
  });
  const button = h("button", { type: "submit", class: "btn btn-primary", text: gettext("Join") });
  // The session's teams, asked for once the form is up: a choice of large coloured buttons, or a line
  // saying the server picks (auto). One pressed at a time (aria-pressed), so each reads as a toggle.
  let chosenTeam = null;
  const teamArea = h("div", { class: "team-area" });
  const form = h(
    "form",
    { class: "card stack join-form", id: "join-form", attrs: { novalidate: "" } },
    noteLine,
    h("label", { for: "nickname", text: gettext("Your nickname") }),
    input,
    h("p", {
      class: "hint",
      id: "nickname-hint",
      text: gettext("1 to 30 characters, shown on the big screen."),
    }),
    teamArea,
    button,
    error,
  );
  let chooseTeam = false;
  api(`/api/v1/join/${joinCode}`).then((res) => {
    if (res.status !== 200 || !res.data?.teams?.length) return;
    teams = res.data.teams;
    if (res.data.team_assignment === "auto") {
      replace(
        teamArea,
        h("p", { class: "hint", id: "team-auto", text: gettext("You will be placed in a team.") }),
      );
      return;
    }
    chooseTeam = true;
    const buttons = teams.map((t) =>
      h("button", {
        type: "button",
        class: "team-choice",
        dataset: { teamId: t.id },
        text: t.name,
        dir: "auto",
        attrs: { "aria-pressed": "false" },
        // The style object (CSSOM), not a style attribute: the page's CSP allows no inline style.
        style: { backgroundColor: t.color, color: inkOn(t.color) },
        on: {
          click: (ev) => {
            chosenTeam = t.id;
            for (const b of buttons) b.setAttribute("aria-pressed", String(b === ev.currentTarget));
            error.textContent = "";
          },
        },
      }),
    );
    replace(
      teamArea,
      h(
        "fieldset",
        { class: "team-choices" },
        h("legend", { text: gettext("Choose your team") }),
        h("div", { class: "team-grid" }, ...buttons),
      ),
    );
  });
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const nickname = input.value.trim();
    if (!nickname) {
      error.textContent = gettext("Please enter a nickname.");
      input.focus();
      return;
    }
    if (chooseTeam && !chosenTeam) {
      error.textContent = gettext("Please choose a team.");
      teamArea.querySelector("button")?.focus();
      return;
    }
    button.disabled = true;
    error.textContent = "";
    const body = { join_code: joinCode, nickname, ...(chosenTeam ? { team_id: chosenTeam } : {}) };
    const res = await api("/api/v1/join", { method: "POST", body });
    button.disabled = false;
    if (res.status === 201) {
      // A participant who joins during a rehearsal is deleted when it ends (see rehearsalOver).
      me = {
        token: res.data.token,
        participant_id: res.data.id,
        nickname: res.data.nickname,
        team_id: res.data.team_id,
        rehearsal: rehearsing(),
      };
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

/** Stop following the session as a participant: the token is gone (removed, a rehearsal over). */
function stopLive() {
  forget();
  me = null;
  showWho();
  reactions.show(false);
  if (poller) poller.stop();
  poller = null;
  if (heartbeat) clearTimeout(heartbeat);
  screen.close();
  selfPaced.close();
  for (const t of panels()) if (t.renderer.closePanel) t.renderer.closePanel(panelCtx);
}

function showRemoved() {
  stopLive();
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
  if (poller) poller.stop(); // the join form's poller (after a rehearsal), without a token
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
    const res = await api(`/api/v1/sessions/${cfg.session_id}/heartbeat`, {
      method: "POST",
      token: me.token,
    });
    if (res.status === 401) return gone();
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
  removed: () => gone(),
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

// --- a token that is gone: removed, or a rehearsal over ------------------------------------------------
// Ending a rehearsal deletes its participants: their tokens answer 401 everywhere. The organizer may
// end it and start the real event within one poll, so this phone may never see the draft in between:
// what tells a rehearsal over from a removal is that this participant was in a rehearsal (me.rehearsal,
// kept with the token, so a reload knows it too) and the session is no longer one. Then the join form
// comes back with the nickname filled in, and follows the session (no token) to say when it starts.

let joinCode = cfg.join_code; // a rehearsal's end may give the session a fresh code
const rehearsing = () => {
  const banner = document.getElementById("rehearsal-banner");
  return !!banner && !banner.hidden;
};
let checking = null;

/** Any 401 of this phone's token (a vote, the list of questions, a reaction, the heartbeat, /me). */
function gone() {
  if (!me) return Promise.resolve(); // already at the join form or removed: late answers change nothing
  if (!checking)
    checking = (async () => {
      const was = me;
      let state = null;
      if (was.rehearsal) {
        const res = await api(`/api/v1/sessions/${cfg.session_id}/state`);
        if (res.status === 200 && res.data?.session) state = res.data;
      }
      checking = null;
      if (me !== was) return;
      if (state && !state.session.rehearsal) rehearsalOver(state);
      else showRemoved();
    })();
  return checking;
}

function rehearsalNote(state) {
  return state.session.status === "active"
    ? gettext("The rehearsal is over and the session has started. Join it with your nickname.")
    : gettext("The rehearsal is over and its answers were deleted. Join again for the session.");
}

function rehearsalOver(state, nickname = me?.nickname) {
  stopLive();
  // No token, but the nickname to offer again, after a reload too (init).
  save({ nickname, rejoin: true });
  showLive(state);
  followWithoutToken(state);
  showJoinForm({ note: rehearsalNote(state), nickname });
}

/** The join form after a rehearsal follows the session (no token): its code, when it starts or ends. */
function followWithoutToken(state) {
  let last = state;
  poller = new StatePoller(cfg.session_id, {
    onState: (s) => {
      if (me) return;
      showLive(s);
      const code = s.session.join_code;
      if (code && code !== joinCode) {
        joinCode = code;
        const shown = document.getElementById("join-code");
        if (shown) shown.textContent = code;
      }
      if (s.session.status === "completed") {
        if (poller) poller.stop();
        return showEnded();
      }
      const note = document.getElementById("join-note");
      if (note && rehearsalNote(s) !== rehearsalNote(last)) note.textContent = rehearsalNote(s);
      last = s;
    },
  });
  poller.start();
}

function render(state) {
  if (!me) return;
  if (state.session.teams) {
    teams = state.session.teams;
    showTeam();
    refreshTeam(state.current_activity?.id || state.session.status);
  }
  if (me.rehearsal && !state.session.rehearsal) return rehearsalOver(state);
  if (state.session.rehearsal && !me.rehearsal) {
    me.rehearsal = true; // joined before the rehearsal started: it goes with the rehearsal too
    save(me);
  }
  showLive(state);
  for (const t of panels()) t.renderer.panel(panelCtx, state[t.state_key], state);
  const session = state.session;
  if (state.pace === "self") return selfPaced.render(state);
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

/** The end. `mine`: what this person answered (a self-paced session's summary), above the leaderboard. */
async function showSummary(state, mine = null) {
  if (view === "summary") return;
  view = "summary";
  screen.close();
  // A completed rehearsal may still be ended (wiped back to a draft): keep following it (render).
  if (!state.session.rehearsal) poller.stop();
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
      mine,
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
