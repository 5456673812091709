// Participant page: /join/<code>. Join with a nickname, then follow the live activity.
import { Announcer, api, h, loadTypes, readConfig, replace, ui } from "./common.js";
import { drawSummary, endedNotice, lobby, removedNotice } from "./join_end.js";
import { joinForm } from "./join_form.js";
import { participantStore, whoBadge } from "./join_who.js";
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

// This phone's participant (localStorage) and the header's nickname and team (join_who.js).
const { load, save, forget } = participantStore(cfg.session_id);
const { showWho, showTeam, refreshTeam } = whoBadge({ me: () => me, teams: () => teams, save });
// The join form (join_form.js); a join starts following the session.
const showJoinForm = joinForm({
  joinCode: () => joinCode,
  setTeams: (list) => {
    teams = list;
  },
  rehearsing: () => rehearsing(),
  onJoined: (person) => {
    // A participant who joins during a rehearsal is deleted when it ends (see rehearsalOver).
    me = person;
    save(me);
    return startLive();
  },
  setView: (name, ...children) => setView(name, ...children),
});

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
  setView("removed", removedNotice());
}

function showEnded() {
  setView("ended", endedNotice());
}

function startLive() {
  if (poller) poller.stop(); // the join form's poller (after a rehearsal), without a token
  showWho();
  setView("lobby", lobby(null, cfg.session_status));
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
      setView("lobby", lobby(state, cfg.session_status));
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

// --- the end (join_end.js) -----------------------------------------------------------------------

/** The end. `mine`: what this person answered (a self-paced session's summary), above the leaderboard. */
function showSummary(state, mine = null) {
  if (view === "summary") return;
  view = "summary";
  screen.close();
  // A completed rehearsal may still be ended (wiped back to a draft): keep following it (render).
  if (!state.session.rehearsal) poller.stop();
  return drawSummary({ state, mine, me, sessionId: cfg.session_id, setView });
}

init();
