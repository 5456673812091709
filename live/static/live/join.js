// Participant page: /join/<code>. Join with a nickname, then follow the live activity.
import {
  Announcer, StatePoller, activityHeading, announce, api, bidi, clear, errorText, fmt, h, loadTypes, podium, readConfig,
  replace, ui,
} from "./common.js";

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
let cur = null; // the activity on screen
const announcer = new Announcer(); // results, politely and rarely (not on every poll)

function load() {
  try { return JSON.parse(localStorage.getItem(storeKey) || "null"); } catch (err) { return null; }
}
function save(value) {
  try { localStorage.setItem(storeKey, JSON.stringify(value)); } catch (err) { /* private mode */ }
}
function forget() {
  try { localStorage.removeItem(storeKey); } catch (err) { /* ignore */ }
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
  if (stored && stored.token) {
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
    id: "nickname", name: "nickname", type: "text", required: true, maxLength: 30,
    autocomplete: "nickname", attrs: { "aria-describedby": "nickname-hint join-error", spellcheck: "false" },
  });
  const button = h("button", { type: "submit", class: "btn btn-primary", text: gettext("Join") });
  const form = h("form", { class: "card stack join-form", id: "join-form", attrs: { novalidate: "" } },
    h("label", { for: "nickname", text: gettext("Your nickname") }),
    input,
    h("p", { class: "hint", id: "nickname-hint", text: gettext("1 to 30 characters, shown on the big screen.") }),
    button,
    error);
  if (message) error.textContent = message;
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const nickname = input.value.trim();
    if (!nickname) { error.textContent = gettext("Please enter a nickname."); input.focus(); return; }
    button.disabled = true;
    error.textContent = "";
    const res = await api("/api/v1/join", { method: "POST", body: { join_code: cfg.join_code, nickname } });
    button.disabled = false;
    if (res.status === 201) {
      me = { token: res.data.token, participant_id: res.data.id, nickname: res.data.nickname };
      save(me);
      return startLive();
    }
    if (res.status === 404) { error.textContent = gettext("No open session has this code. It may have ended."); return; }
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
  if (reactionBar) reactionBar.hidden = true;
  if (poller) poller.stop();
  if (heartbeat) clearTimeout(heartbeat);
  stopTimers();
  for (const t of panels()) if (t.renderer.closePanel) t.renderer.closePanel(panelCtx);
  setView("removed", h("section", { class: "card stack notice", attrs: { role: "alert" } },
    h("h2", { text: gettext("You were removed from this session") }),
    h("p", { text: gettext("The organizer removed you. You can close this page.") })));
}

function showEnded() {
  setView("ended", h("section", { class: "card stack notice" },
    h("h2", { text: gettext("This session has ended") }),
    h("p", { text: gettext("Thanks for your interest. Ask the organizer for the next one.") })));
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
        setView("ended", h("section", { class: "card stack notice" }, h("h2", { text: gettext("This session no longer exists") })));
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
  api: (path, options = {}) => api(path, { ...options, token: me && me.token }),
  poke: () => { if (poller) poller.poke(); },
  pollSeconds: () => (poller ? poller.override || poller.interval : 2),
  removed: () => showRemoved(),
};

// --- state → screen ---------------------------------------------------------------------------

function lobby(state) {
  const status = state ? state.session.status : cfg.session_status;
  const count = state ? state.participant_count : null;
  return h("section", { class: "card stack lobby", id: "lobby" },
    h("h2", { text: gettext("You're in!") }),
    h("p", { text: status === "draft" ? gettext("The session has not started yet. Keep this page open.") : gettext("Waiting for the next activity…") }),
    count !== null ? h("p", { class: "muted", text: fmt(ngettext("%(n)s participant here", "%(n)s participants here", count), { n: count }) }) : null);
}

// --- reactions and rehearsals (every view) -----------------------------------------------------------
// While the session is active, a bar of five reactions above whatever the page shows (the lobby, an
// activity, the Q&A). A 429 (more than 2 a second) or a refusal disables the bar for a moment.
// Translators: the names of the reaction buttons (read by screen readers, shown as tooltips).
const REACTIONS = [["like", "👍", gettext("Like")], ["love", "❤️", gettext("Love")], ["laugh", "😂", gettext("Laugh")], ["wow", "😮", gettext("Wow")], ["clap", "👏", gettext("Applause")]];
const reactionBar = document.getElementById("reaction-bar");
let reactionPause = null;

function buildReactions() {
  if (!reactionBar || reactionBar.firstChild) return;
  for (const [kind, emoji, name] of REACTIONS) {
    const b = h("button", { type: "button", class: "reaction", dataset: { kind }, attrs: { "aria-label": name, title: name } },
      h("span", { attrs: { "aria-hidden": "true" }, text: emoji }));
    b.addEventListener("click", () => react(kind, b));
    reactionBar.appendChild(b);
  }
}

function pauseReactions(ms) {
  for (const b of reactionBar.querySelectorAll("button")) b.disabled = true;
  clearTimeout(reactionPause);
  reactionPause = setTimeout(() => { for (const b of reactionBar.querySelectorAll("button")) b.disabled = false; }, ms);
}

async function react(kind, button) {
  if (!me) return;
  button.classList.remove("sent");
  const res = await api(`/api/v1/sessions/${cfg.session_id}/reactions`, { method: "POST", token: me.token, body: { kind } });
  if (res.status === 202) {
    void button.offsetWidth; // restart the little pop
    button.classList.add("sent");
  } else if (res.status === 429) {
    pauseReactions(Math.max(1, Number(res.headers.get("Retry-After")) || 1) * 1000);
  } else if (res.status === 401) {
    showRemoved();
  } else {
    pauseReactions(2000);
    if (poller) poller.poke();
  }
}

function showLive(state) {
  const banner = document.getElementById("rehearsal-banner");
  if (banner) banner.hidden = !state.session.rehearsal;
  if (reactionBar) {
    const on = !!me && state.session.status === "active";
    if (on) buildReactions();
    reactionBar.hidden = !on;
  }
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
  stopTimers();
  cur = null;
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
    if (cur) stopTimers();
    cur = null;
    if (view !== "lobby" || app.dataset.lobbyStatus !== session.status || app.dataset.count !== String(state.participant_count)) {
      setView("lobby", lobby(state));
      app.dataset.lobbyStatus = session.status;
      app.dataset.count = String(state.participant_count);
    }
    return;
  }
  if (!cur || cur.id !== a.id || view !== "activity") {
    buildActivity(a);
  } else {
    updateActivity(a);
  }
}

function stopTimers() {
  if (cur && cur.timer) clearInterval(cur.timer);
  cancelRetry(cur);
}

async function buildActivity(a) {
  stopTimers();
  delete app.dataset.lobbyStatus;
  const renderer = typeOf(a).renderer;
  cur = { id: a.id, type: a.type, renderer, config: a.config || {}, activity: a, mine: null, loaded: false, prev: null };
  cur.ctx = activityCtx(cur);
  const heading = activityHeading(a);
  const label = labelOf(a);
  announce(fmt(gettext("New activity (%(label)s): %(heading)s"), { label, heading: bidi(heading) }));
  cur.els = {
    form: h("div", { class: "answer-area" }),
    mine: h("p", { class: "my-answer", id: "my-answer" }),
    feedback: h("p", { class: "feedback", id: "feedback", attrs: { role: "status" } }),
    timer: h("p", { class: "countdown", id: "countdown", attrs: { role: "timer", "aria-live": "off" } }),
    results: h("div", { class: "results-area", id: "results" }),
    count: h("p", { class: "muted response-count" }),
  };
  setView("activity", h("section", { class: "stack activity", dataset: { type: a.type, activityId: a.id } },
    h("p", { class: "kicker", text: a.title && a.title !== heading ? `${label} · ${a.title}` : label }),
    h("h2", { class: "question", id: "question", text: heading }),
    renderer.timer ? cur.els.timer : null,
    cur.els.form, cur.els.mine, cur.els.feedback, cur.els.count, cur.els.results));
  const thisOne = cur;
  await loadMine();
  if (cur !== thisOne) return;
  cur.loaded = true;
  renderForm();
  updateActivity(a);
  // An answer this page could not send before a reload: send it now (unless one is stored).
  const waiting = loadPending(a.id);
  if (waiting && !cur.mine) submit(waiting);
  else if (!waiting) clearPending();
}

async function loadMine() {
  const res = await api(`/api/v1/sessions/${cfg.session_id}/activities/${cur.id}/responses/mine`, { token: me.token });
  if (res.status === 401) { showRemoved(); return; }
  if (res.status === 200 && res.data) cur.mine = res.data.response_data;
  else cur.mine = null;
}

// --- answers that must not be lost ------------------------------------------------------------
// An answer the server has not acknowledged (no network, a 503 during a database blip, a 429) is
// kept, in memory and in localStorage so a reload keeps it too, and sent again until it is
// acknowledged, the activity ends, or the person answers again (which replaces it). The wait
// doubles from 1 s up to 15 s with jitter, and honours Retry-After with jitter on top, so 5,000
// phones refused together do not come back together. Retrying is safe: one answer per participant
// per activity is a database constraint, and a replace type stores the same answer again.
const RETRY_STATUSES = new Set([0, 429, 502, 503, 504]);
const RETRY_BASE_MS = 1000;
const RETRY_MAX_MS = 15000;
const pendingKey = `caja.pending.${cfg.session_id}`;

function savePending(activityId, data) {
  try { localStorage.setItem(pendingKey, JSON.stringify({ activity_id: activityId, data })); } catch (err) { /* private mode */ }
}
function loadPending(activityId) {
  try {
    const p = JSON.parse(localStorage.getItem(pendingKey) || "null");
    return p && p.activity_id === activityId ? p.data : null;
  } catch (err) { return null; }
}
function clearPending() {
  try { localStorage.removeItem(pendingKey); } catch (err) { /* ignore */ }
}

function retryDelay(attempt, headers) {
  const backoff = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (attempt - 1));
  let wait = backoff / 2 + Math.random() * (backoff / 2);
  const after = Number(headers && headers.get("Retry-After"));
  if (after > 0) wait = Math.max(wait, after * 1000 * (1 + Math.random() * 0.5));
  return wait;
}

function cancelRetry(one) {
  if (one && one.retryTimer) { clearTimeout(one.retryTimer); one.retryTimer = null; }
}

async function submit(data) {
  const thisOne = cur;
  cancelRetry(thisOne); // a new answer replaces one still waiting to be sent
  thisOne.pending = { data, attempt: 0 };
  savePending(thisOne.id, data);
  return send(thisOne);
}

async function send(thisOne) {
  const p = thisOne.pending;
  thisOne.retryTimer = null;
  setFeedback(p.attempt ? gettext("Sending again…") : gettext("Sending…"));
  const res = await api(`/api/v1/sessions/${cfg.session_id}/activities/${thisOne.id}/responses`, {
    method: "POST", token: me.token, body: { response_data: p.data },
  });
  if (thisOne.pending !== p) return false; // answered again meanwhile: that one counts
  if (cur !== thisOne) { thisOne.pending = null; clearPending(); return false; } // the activity is gone
  if (RETRY_STATUSES.has(res.status)) {
    p.attempt += 1;
    const wait = retryDelay(p.attempt, res.headers);
    const s = Math.ceil(wait / 1000);
    const text = res.status === 0
      ? gettext("Not sent yet (no connection). Sending… again in %(s)s s. Keep this page open.")
      : res.status === 429
        ? gettext("Not sent yet (the server is busy). Sending… again in %(s)s s. Keep this page open.")
        : gettext("Not sent yet (the server is unavailable). Sending… again in %(s)s s. Keep this page open.");
    setFeedback(fmt(text, { s }), true);
    cur.els.feedback.setAttribute("role", "status"); // polite: it is news, not an error of theirs
    thisOne.retryTimer = setTimeout(() => send(thisOne), wait);
    renderMine();
    return false;
  }
  thisOne.pending = null;
  clearPending();
  if (res.status === 200 || res.status === 201) {
    cur.mine = res.data.response_data;
    setFeedback(res.status === 201 ? gettext("Answer sent. Thank you!") : gettext("Answer updated."));
    renderForm();
    updateActivity(cur.activity);
    poller.poke();
    return true;
  }
  if (res.status === 401) { showRemoved(); return false; }
  if (res.error && res.error.code === "ALREADY_ANSWERED") {
    await loadMine();
    // This very answer is stored: a retry (ours, or a proxy's) whose first try got through and
    // whose acknowledgement was lost on the way back. That is "sent", not an error.
    if (cur === thisOne && JSON.stringify(cur.mine) === JSON.stringify(p.data)) {
      setFeedback(gettext("Answer sent. Thank you!"));
      renderForm();
      updateActivity(cur.activity);
      return true;
    }
  }
  setFeedback(errorText(res), true);
  if (res.error && ["TIME_UP", "ACTIVITY_NOT_ACTIVE", "ALREADY_ANSWERED"].includes(res.error.code)) {
    cur.closed = res.error.code !== "ALREADY_ANSWERED";
    renderForm();
  }
  poller.poke();
  return false;
}

// Back online: the waiting answer goes now rather than at the end of its backoff.
window.addEventListener("online", () => {
  if (cur && cur.pending && cur.retryTimer) { cancelRetry(cur); send(cur); }
});

function setFeedback(text, isError = false) {
  if (!cur) return;
  cur.els.feedback.textContent = text;
  cur.els.feedback.classList.toggle("error", isError);
  cur.els.feedback.setAttribute("role", isError ? "alert" : "status");
}

// --- the type's renderer ----------------------------------------------------------------------
// What the activity on screen shows (its form, the answer sent, its results) is drawn by its type's
// renderer (activities/types/<key>/static/phone.js) through this ctx: the shared helpers (common.js
// ui), the activity's data and the page's hooks. Answers go through ctx.submit (submit() above: kept,
// retried until acknowledged).

function activityCtx(one) {
  return {
    ...ui,
    me,
    get els() { return one.els; },
    get activity() { return one.activity; },
    get config() { return one.config; },
    get mine() { return one.mine; },
    set mine(value) { one.mine = value; },
    get closed() { return !!one.closed; },
    set closed(value) { one.closed = value; },
    get sending() { return !!one.pending; },
    now: () => poller.now(),
    submit: (data) => (cur === one ? submit(data) : Promise.resolve(false)),
    feedback: (text, isError = false) => { if (cur === one) setFeedback(text, isError); },
    renderForm: () => { if (cur === one) renderForm(); },
    /** Run fn every ms while this activity is on screen (one timer per activity; stopTimers ends it). */
    every(fn, ms) { if (!one.timer) one.timer = setInterval(() => { if (cur === one) fn(); }, ms); },
    stopEvery() { if (one.timer) { clearInterval(one.timer); one.timer = null; } },
  };
}

function renderForm() {
  const area = cur.els.form;
  clear(area);
  const form = cur.renderer.form ? cur.renderer.form(cur.ctx) : null;
  if (form) area.appendChild(form);
  renderMine();
}

function renderMine() {
  const waiting = cur.pending && cur.pending.attempt ? cur.pending.data : null;
  const m = waiting || cur.mine;
  const el = cur.els.mine;
  if (!m) { el.textContent = ""; return; }
  const [prefix, text] = cur.renderer.mine ? cur.renderer.mine(cur.ctx, m) : [gettext("Your answer: "), ""];
  replace(el, prefix,
    h("strong", { class: "my-answer-value", text }),
    waiting ? h("span", { class: "muted sending", text: gettext(" (sending…)") }) : null);
}

// --- live updates of the activity on screen ------------------------------------------------------

function updateActivity(a) {
  const prev = cur.activity;
  cur.activity = a;
  cur.config = a.config || cur.config;
  if (!cur.loaded) return;
  const n = a.response_count || 0;
  cur.els.count.textContent = fmt(ngettext("%(n)s answer so far", "%(n)s answers so far", n), { n });
  if (cur.renderer.update) cur.renderer.update(cur.ctx, prev);
  announceResults(a);
}

// A reveal is announced at once (with the verdict, if the renderer wrote one); running results the person can see (after
// answering) at most every 15 s and only when the sentence changes.
function announceResults(a) {
  const r = a.results;
  const sentence = cur.renderer.sentence ? cur.renderer.sentence(cur.ctx, r) : null;
  if (r && r.revealed) {
    if (cur.announcedReveal) return;
    cur.announcedReveal = true;
    const verdict = cur.els.results.querySelector("#verdict"); // a verdict of the renderer's (quiz)
    announcer.say(verdict ? `${verdict.textContent} ${sentence}` : sentence, { now: true });
  } else {
    cur.announcedReveal = false;
    if (cur.mine) announcer.say(sentence);
  }
}

// --- the end ----------------------------------------------------------------------------------

async function showSummary(state) {
  if (view === "summary") return;
  view = "summary";
  stopTimers();
  cur = null;
  poller.stop();
  const body = h("div", { class: "stack" }, h("p", { class: "muted", text: gettext("Loading results…") }));
  // The nickname is an element of its own (bold): the sentence around it, translated whole.
  const thanks = gettext("Thanks for taking part, %(name)s!").split("%(name)s");
  setView("summary", h("section", { class: "card stack summary", id: "summary" },
    h("h2", { text: gettext("This session has ended") }),
    h("p", {}, thanks[0], h("strong", { text: me.nickname }), thanks[1] || ""),
    h("p", { class: "muted", text: fmt(ngettext("%(n)s participant", "%(n)s participants", state.participant_count), { n: state.participant_count }) }),
    body));
  announce(gettext("The session has ended."));
  const res = await api(`/api/v1/sessions/${cfg.session_id}/leaderboard`);
  const items = (res.data && res.data.items) || [];
  const rank = items.findIndex((p) => p.participant_id === me.participant_id);
  replace(body,
    items.length ? h("h3", { text: gettext("Final leaderboard") }) : null,
    items.length ? podium(items, { highlight: me.participant_id }) : null,
    rank >= 0 ? h("p", { class: "my-score", text: fmt(ngettext("You placed #%(rank)s with %(score)s point.", "You placed #%(rank)s with %(score)s points.", items[rank].score), { rank: rank + 1, score: items[rank].score }) }) : null);
}

init();
