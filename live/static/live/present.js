// Presenter page: /present/<session id>. The big screen, with controls for the owning organizer.
import {
  Announcer, StatePoller, activityHeading, announce, api, bidi, errorText, fmt, h, loadTypes, podium, readConfig,
  replace, ui,
} from "./common.js";

const cfg = readConfig();
// The activity types' presenter renderers (common.js loadTypes), keyed by type: this page names none.
const types = await loadTypes(readConfig("caja-types"));
const typeOf = (a) => types[a.type] || { label: a.type, renderer: {} };
// The page's label is in the session's language (the API sends English).
const labelOf = (a) => typeOf(a).label || a.type_label;
const sid = cfg.session_id;
const stage = document.getElementById("stage");
const body = document.body;
let state = null;
let shownActivity = null;
let ticker = null; // the one interval a renderer may run (a quiz's countdown): ended on every redraw
let summaryShown = false;
let wasRevealed = false;
const announcer = new Announcer();

// ?theme=light|dark forces the big screen's theme; otherwise it follows prefers-color-scheme (caja.css).
const theme = new URLSearchParams(location.search).get("theme");
if (theme === "light" || theme === "dark") body.classList.add(`theme-${theme}`);

// --- fitting the stage to the screen -------------------------------------------------------------
// Everything on the big screen is sized in em of a viewport-relative font (caja.css), so the layout is
// the same at 720p and 4K. Content that is still too much for the stage (a 20-option poll, a long
// question, a big leaderboard) is shrunk: the largest --fit in [FIT_MIN, 1] with which the stage does
// not overflow, found by bisection (a few synchronous layouts, done before the next paint, so no flicker).
const main = document.getElementById("main");
const FIT_MIN = 0.3;
function overflows() {
  return main.scrollHeight > main.clientHeight + 1 || main.scrollWidth > main.clientWidth + 1;
}
function fit() {
  stage.style.setProperty("--fit", "1");
  if (!overflows()) return;
  let lo = FIT_MIN;
  let hi = 1;
  for (let i = 0; i < 8; i++) {
    const mid = (lo + hi) / 2;
    stage.style.setProperty("--fit", String(mid));
    if (overflows()) hi = mid; else lo = mid;
  }
  stage.style.setProperty("--fit", String(lo));
}
// A resize of the window (or the QR code arriving and taking its column) re-fits. Border box: the
// stage's own scrollbar must not trigger another round.
new ResizeObserver(() => fit()).observe(main, { box: "border-box" });

const poller = new StatePoller(sid, {
  onState: (s) => { state = s; render(); },
  onError: (res) => { if (res.status === 404) replace(stage, h("p", { class: "big-message", text: gettext("This session no longer exists.") })); },
});

// --- rendering ---------------------------------------------------------------------------------

function render() {
  draw();
  fit();
}

function draw() {
  const s = state;
  document.getElementById("session-name").textContent = s.session.name;
  document.getElementById("participant-count").textContent = String(s.participant_count);
  // Translators: after the big number of participants in the header (the number is a separate element).
  document.getElementById("participant-label").textContent = ngettext("participant", "participants", s.participant_count);
  document.getElementById("session-status").textContent = { draft: gettext("Not started"), active: gettext("Live"), completed: gettext("Ended") }[s.session.status] || s.session.status;
  rehearsalShow(s);
  reactionsShow(s);
  const a = s.current_activity;
  const running = s.session.status === "active" && a && a.status === "active";
  body.classList.toggle("lobby", !running && s.session.status !== "completed");
  body.classList.toggle("running", !!running);
  body.classList.toggle("completed", s.session.status === "completed");
  updateControls();

  if (s.session.status === "completed") { renderSummary(); return; }
  summaryShown = false;
  if (!running) {
    stopTicker();
    shownActivity = null;
    replace(stage, h("div", { class: "lobby-message stack" },
      h("p", { class: "big-message", text: s.session.status === "draft" ? gettext("Join now: we start soon") : gettext("Join now") }),
      h("p", { class: "sub-message", text: gettext("Scan the QR code or open the link on your phone.") })),
      sides(s).map(([, aside]) => aside));
    return;
  }
  if (!shownActivity || shownActivity !== a.id) {
    shownActivity = a.id;
    announce(fmt(gettext("Now: %(label)s. %(heading)s"), { label: labelOf(a), heading: bidi(activityHeading(a)) }));
    announcer.quiet(sentenceOf(a));
  } else {
    // A reveal is news at once; running totals wait their turn (Announcer).
    const revealed = a.results && a.results.revealed;
    announcer.say(sentenceOf(a), { now: !!revealed && !wasRevealed });
  }
  wasRevealed = !!(a.results && a.results.revealed);
  renderActivity(a);
}

// --- the types' renderers -----------------------------------------------------------------------
// What an activity shows is drawn by its type's renderer (activities/types/<key>/static/presenter.js)
// through this ctx: the shared helpers (common.js ui), the state and the page's hooks.

const stageCtx = {
  ...ui,
  sessionId: sid,
  get state() { return state; },
  // The owning organizer's page: owner controls a renderer adds (open text's Hide) call ownerApi (the
  // session cookie + CSRF) and report through message (the control bar's status line).
  canControl: !!cfg.can_control,
  ownerApi: (path, options = {}) => api(path, { ...options, csrf: cfg.csrf_token }),
  message: (text) => message(text),
  now: () => poller.now(),
  poke: () => poller.poke(),
  /** Run fn every ms until the next redraw (one at a time: a new one replaces the last). */
  every(fn, ms) { stopTicker(); ticker = setInterval(fn, ms); },
  stopEvery: () => stopTicker(),
  // The end summary's cut (see summaryItem).
  SUMMARY_ROWS: 6,
  SUMMARY_WORDS: 20,
  topRows,
};

function stopTicker() {
  if (ticker) clearInterval(ticker);
  ticker = null;
}

function sentenceOf(a) {
  const r = typeOf(a).renderer;
  return r.sentence ? r.sentence(stageCtx, a.results) : null;
}

/** The columns types add beside what is on screen while the state carries their key (an open Q&A):
 * [type key, element] pairs. */
function sides(s) {
  const out = [];
  for (const t of Object.values(types)) {
    const info = t.state_key ? s[t.state_key] : null;
    if (info && t.renderer.side) out.push([t.key, t.renderer.side(stageCtx, info)]);
  }
  return out;
}

function renderActivity(a) {
  stopTicker();
  const renderer = typeOf(a).renderer;
  if (renderer.ownStage && renderer.stage) { replace(stage, renderer.stage(stageCtx, a)); return; }
  const heading = activityHeading(a);
  const label = labelOf(a);
  const content = renderer.stage ? renderer.stage(stageCtx, a) : null;
  const section = h("section", { class: "stack activity", dataset: { type: a.type, activityId: a.id } },
    h("p", { class: "kicker", text: a.title && a.title !== heading ? `${label} · ${a.title}` : label }),
    h("h2", { class: `question${heading.length > 120 ? " long" : ""}`, id: "question", text: heading }),
    content,
    h("p", { class: "response-count", id: "response-count", text: fmt(ngettext("%(n)s response", "%(n)s responses", a.response_count || 0), { n: a.response_count || 0 }) }));
  // A column a type adds (an open Q&A) goes to the activity's right (fit() shrinks both together).
  const [side] = sides(state);
  replace(stage, side ? h("div", { class: `with-${side[0]}` }, section, side[1]) : section);
}

async function renderSummary() {
  stopTicker();
  if (summaryShown) return;
  summaryShown = true;
  shownActivity = null;
  announce(gettext("The session has ended."));
  const s = state;
  const details = h("div", { class: "stack" }, h("p", { class: "muted", text: gettext("Loading results…") }));
  replace(stage, h("section", { class: "stack summary", id: "summary" },
    h("h2", { class: "question", text: gettext("Thank you!") }),
    h("p", { class: "summary-count", text: fmt(ngettext("%(n)s participant took part", "%(n)s participants took part", s.participant_count), { n: s.participant_count }) }),
    details));
  const parts = [];
  let leaderboard = null;
  if (cfg.can_control) {
    const [res, acts] = await Promise.all([
      api(`/api/v1/sessions/${sid}/results`),
      api(`/api/v1/sessions/${sid}/activities?limit=100`),
    ]);
    if (res.ok && res.data) {
      const configs = {};
      for (const act of (acts.data && acts.data.items) || []) configs[act.id] = act;
      for (const item of res.data.activities || []) {
        const full = configs[item.id] || item;
        parts.push(summaryItem({ ...item, config: full.config || {} }, item.results));
      }
      leaderboard = res.data.leaderboard;
    }
  }
  if (leaderboard === null) {
    const a = s.current_activity;
    if (a && a.results) parts.push(summaryItem(a, a.results));
    const lb = await api(`/api/v1/sessions/${sid}/leaderboard`);
    leaderboard = (lb.data && lb.data.items) || [];
  }
  replace(details,
    parts.length ? h("div", { class: "summary-activities", style: { "--columns": String(Math.min(parts.length, 4)) } }, parts) : null,
    h("h3", { class: "podium-title", text: gettext("Final podium") }),
    podium(leaderboard, { limit: 10 }));
  fit();
}

// The end screen recaps every activity side by side on one screen, so each shows its most chosen rows
// only, and says so ("Top 6 of 20 options": the renderer's summary(), with stageCtx's SUMMARY_ROWS, builds
// the whole sentence); the full results stay in the admin and the exports.
function topRows(rows, n) {
  return [...rows].sort((x, y) => y[1] - x[1]).slice(0, n);
}

function summaryItem(a, r) {
  const answers = r.total_responses ?? r.vote_count ?? 0;
  const renderer = typeOf(a).renderer;
  const { content = null, note = null } = renderer.summary ? renderer.summary(stageCtx, a, r) : {};
  return h("article", { class: "summary-item stack", dataset: { type: a.type } },
    h("h3", { text: fmt(gettext("%(label)s: %(heading)s"), { label: labelOf(a), heading: bidi(activityHeading(a)) }) }),
    h("p", { class: "summary-answers", text: fmt(ngettext("%(n)s answer", "%(n)s answers", answers), { n: answers }) }),
    content,
    note ? h("p", { class: "summary-note muted", text: note }) : null);
}

// --- rehearsal -----------------------------------------------------------------------------------
// A rehearsal (state.session.rehearsal) says so in the header, on every screen that shows it.
function rehearsalShow(s) {
  const banner = document.getElementById("rehearsal-banner");
  if (banner) banner.hidden = !s.session.rehearsal;
  body.classList.toggle("rehearsal", !!s.session.rehearsal);
}

// --- reactions ---------------------------------------------------------------------------------
// The state counts each kind of reaction over the last window_seconds. When a count grows between two
// states, that many (at most a few) emoji float up the lane above the QR code for a few seconds: in
// the join column, never over the results or the control bar. With prefers-reduced-motion nothing
// moves: the lane shows a counter per kind instead (caja.css shows one or the other).
const REACTIONS = { like: ["👍", gettext("Like")], love: ["❤️", gettext("Love")], laugh: ["😂", gettext("Laugh")], wow: ["😮", gettext("Wow")], clap: ["👏", gettext("Applause")] };
const FLOAT_MAX = 6; // per kind and state: a burst of 50 does not make 50 nodes
const FLOAT_MS = 3200;
let lastReactions = null;
const lane = document.getElementById("reaction-lane");

function reactionsShow(s) {
  if (!lane) return;
  const counts = (s.reactions && s.reactions.counts) || {};
  const live = s.session.status === "active";
  const floats = lane.querySelector(".reaction-floats");
  const counters = lane.querySelector(".reaction-counts");
  lane.hidden = !live;
  replace(counters, Object.entries(REACTIONS).filter(([kind]) => counts[kind]).map(([kind, [emoji, name]]) =>
    h("li", { class: "reaction-count", dataset: { kind } },
      h("span", { class: "reaction-emoji", attrs: { "aria-hidden": "true" }, text: emoji }),
      h("span", { class: "visually-hidden", text: fmt(gettext("%(name)s: "), { name }) }),
      h("span", { class: "reaction-number", text: String(counts[kind]) }))));
  if (live && lastReactions) {
    for (const [kind, [emoji]] of Object.entries(REACTIONS)) {
      const grew = (counts[kind] || 0) - (lastReactions[kind] || 0);
      for (let i = 0; i < Math.min(grew, FLOAT_MAX); i++) {
        const el = h("span", {
          class: "reaction-float", text: emoji, dataset: { kind },
          style: { left: `${5 + Math.random() * 70}%`, animationDelay: `${i * 180}ms` },
        });
        floats.appendChild(el);
        setTimeout(() => el.remove(), FLOAT_MS + i * 180);
      }
    }
  }
  lastReactions = live ? { ...counts } : null;
}

// --- controls (owning organizer only) ------------------------------------------------------------

const controls = document.getElementById("controls");
const btn = (id) => document.getElementById(id);
const message = (text) => { const el = btn("control-message"); if (el) el.textContent = text || ""; };

function updateControls() {
  if (!controls || !state) return;
  const s = state;
  const a = s.current_activity;
  const active = s.session.status === "active";
  const running = active && a && a.status === "active";
  const completed = s.session.status === "completed";
  btn("btn-start").hidden = s.session.status !== "draft";
  btn("btn-rehearse").hidden = s.session.status !== "draft";
  btn("btn-end-rehearsal").hidden = !s.session.rehearsal;
  btn("btn-next").hidden = completed;
  const t = a ? typeOf(a) : null;
  const revealable = running && t.supports_reveal && !(a.results && a.results.revealed);
  btn("btn-reveal").hidden = !revealable;
  btn("btn-reveal").textContent = (t && t.renderer.revealLabel) || gettext("Reveal");
  btn("btn-reset").hidden = !(running && t.supports_reset && ((a.results && a.results.revealed) || a.response_count));
  btn("btn-complete").hidden = completed;
  controls.hidden = completed && !s.session.rehearsal; // an ended rehearsal can still be wiped
  updateQnaControl();
}

let busy = false;
async function act(fn) {
  if (busy || !cfg.can_control) return;
  busy = true;
  message("");
  try { await fn(); } finally { busy = false; }
}

function failed(res) {
  if (res.status === 401 || res.status === 403) message(gettext("Your login has expired: reload the page and log in again."));
  else message(errorText(res, { INVALID_TRANSITION: res.error && res.error.message }));
}

const csrf = cfg.csrf_token;
const patchStatus = (status) => api(`/api/v1/sessions/${sid}`, { method: "PATCH", csrf, body: { status } });

async function start() {
  const res = await patchStatus("active");
  // Started meanwhile (another tab, the admin, this screen's state a poll behind): Next goes on.
  const already = res.status === 409 && res.error && res.error.details && res.error.details.from === "active";
  if (!res.ok && !already) failed(res);
  poller.poke();
  return res.ok || already;
}

function next() {
  return act(async () => {
    if (state && state.session.status === "completed") return;
    if (state && state.session.status === "draft" && !(await start())) return;
    const res = await api(`/api/v1/sessions/${sid}/next`, { method: "POST", csrf });
    if (res.ok) poller.accept(res.data);
    else if (res.status === 409 && res.error && res.error.code !== "INVALID_TRANSITION") message(gettext("No more activities. End the session when you are ready."));
    else failed(res);
    poller.poke();
  });
}

function reveal() {
  return act(async () => {
    const a = state && state.current_activity;
    if (!a || a.status !== "active" || !typeOf(a).supports_reveal) return;
    const res = await api(`/api/v1/sessions/${sid}/activities/${a.id}/reveal`, { method: "POST", csrf });
    if (!res.ok) failed(res);
    poller.poke();
  });
}

function reset() {
  return act(async () => {
    const a = state && state.current_activity;
    if (!a || !typeOf(a).supports_reset) return;
    const res = await api(`/api/v1/sessions/${sid}/activities/${a.id}/reset`, { method: "POST", csrf });
    if (!res.ok) failed(res);
    else message(gettext("New round: votes cleared."));
    poller.poke();
  });
}

let confirmTimer = null;
function complete() {
  const b = btn("btn-complete");
  if (!confirmTimer) {
    b.textContent = gettext("Press again to end");
    b.classList.add("confirm");
    confirmTimer = setTimeout(() => { confirmTimer = null; b.textContent = gettext("End session"); b.classList.remove("confirm"); }, 5000);
    return;
  }
  clearTimeout(confirmTimer);
  confirmTimer = null;
  b.textContent = gettext("End session");
  b.classList.remove("confirm");
  act(async () => {
    const res = await patchStatus("completed");
    if (!res.ok) failed(res);
    poller.poke();
  });
}

// Rehearse: a draft goes live as a rehearsal. End rehearsal (press twice, like End session) deletes
// its participants and answers and brings the session back to a draft with the same join code.
function rehearse() {
  return act(async () => {
    const res = await api(`/api/v1/sessions/${sid}/rehearse`, { method: "POST", csrf });
    if (!res.ok) failed(res);
    else message(gettext("Rehearsal started: answers will be deleted when it ends."));
    poller.poke();
  });
}

let endRehearsalTimer = null;
function endRehearsal() {
  const b = btn("btn-end-rehearsal");
  if (!endRehearsalTimer) {
    b.textContent = gettext("Press again to end the rehearsal");
    b.classList.add("confirm");
    endRehearsalTimer = setTimeout(() => { endRehearsalTimer = null; b.textContent = gettext("End rehearsal"); b.classList.remove("confirm"); }, 5000);
    return;
  }
  clearTimeout(endRehearsalTimer);
  endRehearsalTimer = null;
  b.textContent = gettext("End rehearsal");
  b.classList.remove("confirm");
  act(async () => {
    const res = await api(`/api/v1/sessions/${sid}/end-rehearsal`, { method: "POST", csrf });
    if (!res.ok) failed(res);
    else message(gettext("Rehearsal ended: its answers are deleted. The session is a draft again."));
    poller.poke();
  });
}

if (controls) {
  btn("btn-start").addEventListener("click", () => act(start));
  btn("btn-rehearse").addEventListener("click", rehearse);
  btn("btn-end-rehearsal").addEventListener("click", endRehearsal);
  btn("btn-next").addEventListener("click", next);
  btn("btn-reveal").addEventListener("click", reveal);
  btn("btn-reset").addEventListener("click", reset);
  btn("btn-complete").addEventListener("click", complete);
  document.addEventListener("keydown", (ev) => {
    if (ev.altKey || ev.ctrlKey || ev.metaKey || ev.defaultPrevented) return;
    const t = ev.target;
    const tag = t && t.tagName ? t.tagName.toLowerCase() : "";
    if (["input", "textarea", "select"].includes(tag) || (t && t.isContentEditable)) return;
    if (t && t.closest && t.closest("dialog")) return; // moderating questions: keys are for the dialog
    if (ev.key === "ArrowRight" || ev.key === "PageDown") { ev.preventDefault(); next(); }
    else if (ev.key === " " && !["button", "a", "summary"].includes(tag)) { ev.preventDefault(); next(); }
    else if (ev.key === "r" || ev.key === "R") { ev.preventDefault(); reveal(); }
  });
}

// --- Q&A moderation (owning organizer only) ---------------------------------------------------------
// A "Questions" button in the control bar opens a modal dialog (focus stays inside, Escape closes it):
// approve or hide what waits, pin one (the big slot), mark answered, hide, show again. Pending questions
// are not in the state snapshot, so while a Q&A is open this screen asks for their number now and then
// (one small request every few seconds, from the organizer's screen only).
const qnaDialog = document.getElementById("qna-dialog");
const mod = { items: null, timer: null, busy: false, pending: null };
const PENDING_EVERY_S = 5;

function modUrl(path = "") {
  return `/api/v1/sessions/${sid}/activities/${state.qna.activity_id}/questions${path}`;
}
function modMessage(text) { const el = btn("qna-mod-message"); if (el) el.textContent = text || ""; }

function updateQnaControl() {
  const b = btn("btn-questions");
  if (!b) return;
  const open = !!(state && state.qna && state.session.status === "active");
  b.hidden = !open;
  if (!open) {
    clearInterval(mod.timer);
    mod.timer = null;
    if (qnaDialog && qnaDialog.open) qnaDialog.close();
    return;
  }
  if (!mod.timer) {
    refreshModeration();
    mod.timer = setInterval(refreshModeration, (poller.override ? poller.override * 2 : PENDING_EVERY_S) * 1000);
  } else if (qnaDialog.open) {
    refreshModeration(); // the state changed: the lists may have too
  }
}

async function refreshModeration() {
  if (!state || !state.qna) return;
  if (qnaDialog.open) { await loadModeration(); return; }
  const res = await api(modUrl("?status=pending&limit=1"));
  if (res.ok && res.data) paintPending(res.data.total);
}

function paintPending(n) {
  mod.pending = n;
  btn("btn-questions").textContent = n ? fmt(ngettext("Questions · %(n)s waiting", "Questions · %(n)s waiting", n), { n }) : gettext("Questions");
  btn("qna-pending-count").textContent = `(${n})`;
}

async function loadModeration() {
  const res = await api(modUrl("?sort=top&limit=100"));
  if (!res.ok || !res.data) { if (res.status === 401 || res.status === 403) failedMod(res); return; }
  const items = res.data.items || [];
  if (mod.items && JSON.stringify(items) === JSON.stringify(mod.items)) return; // nothing new: keep the focus where it is
  mod.items = items;
  renderModeration();
}

function failedMod(res) {
  if (res.status === 401 || res.status === 403) modMessage(gettext("Your login has expired: reload the page and log in again."));
  else modMessage(errorText(res, { INVALID_TRANSITION: res.error && res.error.message }));
}

// The moderation actions: [key (data-action, stable), button text, what done says, the change].
const MOD_ACTIONS = {
  Approve: [gettext("Approve"), gettext("Approved"), { status: "visible" }],
  Hide: [gettext("Hide"), gettext("Hidden"), { status: "hidden" }],
  Show: [gettext("Show"), gettext("Shown again"), { status: "visible" }],
  Pin: [gettext("Pin"), gettext("Pinned: now answering"), { pinned: true }],
  Unpin: [gettext("Unpin"), gettext("Unpinned"), { pinned: false }],
  "Mark answered": [gettext("Mark answered"), gettext("Marked answered"), { status: "answered" }],
  Reopen: [gettext("Reopen"), gettext("Open again"), { status: "visible" }],
};

function modActions(q) {
  const keys = q.status === "pending" ? ["Approve", "Hide"]
    : q.status === "hidden" ? ["Show"]
      : [q.pinned ? "Unpin" : "Pin", q.status === "answered" ? "Reopen" : "Mark answered", "Hide"];
  return keys.map((key) => [key, MOD_ACTIONS[key][0], MOD_ACTIONS[key][2]]);
}

function modRow(q) {
  const textId = `mod-text-${q.id}`;
  const notes = [q.nickname ?? gettext("Anonymous"), fmt(ngettext("%(n)s upvote", "%(n)s upvotes", q.upvotes), { n: q.upvotes })];
  if (q.pinned) notes.push(gettext("Pinned"));
  if (q.status === "answered") notes.push(gettext("Answered"));
  return h("li", { class: "mod-row", dataset: { questionId: q.id, status: q.status } },
    h("p", { class: "mod-text", id: textId, text: q.text }),
    h("p", { class: "mod-meta", text: notes.join(" · ") }),
    h("div", { class: "mod-actions" }, modActions(q).map(([key, label, change]) => {
      // Many rows have an "Approve": each button is described by its question for a screen reader.
      const b = h("button", { type: "button", class: "btn", text: label, dataset: { action: key }, attrs: { "aria-describedby": textId } });
      b.addEventListener("click", () => moderate(q, key, change));
      return b;
    })));
}

function renderModeration() {
  const active = document.activeElement;
  const row = active && qnaDialog.contains(active) ? active.closest("[data-question-id]") : null;
  const keep = row ? { id: row.dataset.questionId, action: active.dataset.action } : null;
  const items = mod.items || [];
  const groups = { pending: [], shown: [], hidden: [] };
  for (const q of items) groups[q.status === "pending" ? "pending" : q.status === "hidden" ? "hidden" : "shown"].push(q);
  for (const [key, list] of Object.entries(groups)) {
    replace(btn(`qna-${key}`), list.length ? list.map(modRow) : h("li", { class: "muted mod-empty", text: gettext("None.") }));
  }
  paintPending(groups.pending.length);
  if (keep) refocus(keep);
}

// After an action the question may have moved (approved: from "waiting" to "shown"): the focus follows it.
function refocus({ id, action }) {
  const row = [...qnaDialog.querySelectorAll("[data-question-id]")].find((el) => el.dataset.questionId === id);
  const buttons = row ? [...row.querySelectorAll("button")] : [];
  const target = buttons.find((b) => b.dataset.action === action) || buttons[0] || btn("qna-close");
  target.focus();
}

async function moderate(q, label, change) {
  if (mod.busy) return;
  mod.busy = true;
  modMessage("");
  const res = await api(modUrl(`/${q.id}`), { method: "PATCH", csrf, body: change });
  mod.busy = false;
  if (!res.ok) { failedMod(res); await loadModeration(); return; }
  const done = (MOD_ACTIONS[label] || [])[1] || gettext("Done");
  const quoted = q.text.length > 60 ? `${q.text.slice(0, 60)}…` : q.text;
  modMessage(fmt(gettext("%(done)s: “%(question)s”"), { done, question: bidi(quoted) }));
  mod.items = null; // re-render even if the list happens to look the same
  const row = { id: q.id, action: label };
  await loadModeration();
  refocus(row);
  poller.poke();
}

if (qnaDialog) {
  btn("btn-questions").addEventListener("click", async () => {
    mod.items = null;
    modMessage("");
    qnaDialog.showModal();
    await loadModeration();
  });
  btn("qna-close").addEventListener("click", () => qnaDialog.close());
}

// --- full screen (for everyone: a viewer's laptop on the projector too) ------------------------------
const fullscreenButton = document.getElementById("btn-fullscreen");
function toggleFullscreen() {
  if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
  else document.documentElement.requestFullscreen().catch(() => {});
}
if (fullscreenButton && document.fullscreenEnabled) {
  fullscreenButton.hidden = false;
  fullscreenButton.addEventListener("click", toggleFullscreen);
  document.addEventListener("fullscreenchange", () => {
    const on = !!document.fullscreenElement;
    fullscreenButton.textContent = on ? gettext("Exit full screen") : gettext("Full screen");
  });
  document.addEventListener("keydown", (ev) => {
    if (ev.altKey || ev.ctrlKey || ev.metaKey || ev.defaultPrevented) return;
    const tag = ev.target && ev.target.tagName ? ev.target.tagName.toLowerCase() : "";
    if (["input", "textarea", "select"].includes(tag)) return;
    if (ev.target && ev.target.closest && ev.target.closest("dialog")) return;
    if (ev.key === "f" || ev.key === "F") { ev.preventDefault(); toggleFullscreen(); }
  });
}

poller.start();
