// Presenter page: /present/<session id>. The big screen, with controls for the owning organizer.
import {
  Announcer, StatePoller, activityHeading, announce, api, deckCards, errorText, h, parseTime, plural,
  pokerDistribution, podium, pollBars, quizOptions, readConfig, replace, resultsSentence, typeLabel, wordCloud,
} from "./common.js";

const cfg = readConfig();
const sid = cfg.session_id;
const stage = document.getElementById("stage");
const body = document.body;
let state = null;
let shownActivity = null;
let countdown = null;
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
  onError: (res) => { if (res.status === 404) replace(stage, h("p", { class: "big-message", text: "This session no longer exists." })); },
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
  document.getElementById("participant-label").textContent = s.participant_count === 1 ? "participant" : "participants";
  document.getElementById("session-status").textContent = { draft: "Not started", active: "Live", completed: "Ended" }[s.session.status] || s.session.status;
  const a = s.current_activity;
  const running = s.session.status === "active" && a && a.status === "active";
  body.classList.toggle("lobby", !running && s.session.status !== "completed");
  body.classList.toggle("running", !!running);
  body.classList.toggle("completed", s.session.status === "completed");
  updateControls();

  if (s.session.status === "completed") { renderSummary(); return; }
  summaryShown = false;
  if (!running) {
    stopCountdown();
    shownActivity = null;
    replace(stage, h("div", { class: "lobby-message stack" },
      h("p", { class: "big-message", text: s.session.status === "draft" ? "Join now: we start soon" : "Join now" }),
      h("p", { class: "sub-message", text: "Scan the QR code or open the link on your phone." })),
      s.qna ? qnaSide(s.qna) : null);
    return;
  }
  if (!shownActivity || shownActivity !== a.id) {
    shownActivity = a.id;
    announce(`Now: ${typeLabel(a.type)}. ${activityHeading(a)}`);
    announcer.quiet(resultsSentence(a));
  } else {
    // A reveal is news at once; running totals wait their turn (Announcer).
    const revealed = a.results && a.results.revealed;
    announcer.say(resultsSentence(a), { now: !!revealed && !wasRevealed });
  }
  wasRevealed = !!(a.results && a.results.revealed);
  renderActivity(a);
}

function renderActivity(a) {
  if (a.type === "qna") { stopCountdown(); replace(stage, qnaStage(a)); return; }
  const heading = activityHeading(a);
  const r = a.results;
  let content = null;
  if (a.type === "poll") content = r ? pollBars(r) : null;
  else if (a.type === "poker") content = pokerView(a);
  else if (a.type === "quiz") content = quizView(a);
  else if (a.type === "wordcloud") content = r ? wordCloud(r) : null;
  if (a.type !== "quiz") stopCountdown();
  const section = h("section", { class: "stack activity", dataset: { type: a.type, activityId: a.id } },
    h("p", { class: "kicker", text: a.title && a.title !== heading ? `${typeLabel(a.type)} · ${a.title}` : typeLabel(a.type) }),
    h("h2", { class: `question${heading.length > 120 ? " long" : ""}`, id: "question", text: heading }),
    content,
    h("p", { class: "response-count", id: "response-count", text: plural(a.response_count || 0, "response", "responses") }));
  // A Q&A open beside the live activity: a narrow column to its right (fit() shrinks both together).
  replace(stage, state.qna ? h("div", { class: "with-qna" }, section, qnaSide(state.qna)) : section);
}

// --- Q&A on the big screen ---------------------------------------------------------------------------
// The pinned question is the one being answered: it gets the big slot. The others follow by upvotes (the
// server's order). Question text is user text: textContent only (h()).

function votes(n) {
  return h("span", { class: "qna-votes" },
    h("span", { class: "qna-votes-n", text: n }), h("span", { class: "qna-votes-unit", text: n === 1 ? " upvote" : " upvotes" }));
}

function who(q) {
  return h("span", { class: "qna-who", text: q.nickname ?? "Anonymous" });
}

function qnaRow(q) {
  return h("li", { class: `qna-row${q.status === "answered" ? " answered" : ""}`, dataset: { questionId: q.id } },
    votes(q.upvotes),
    h("div", { class: "qna-row-body" },
      h("p", { class: "qna-row-text", text: q.text }),
      h("p", { class: "qna-row-meta" }, who(q),
        q.status === "answered" ? h("span", { class: "qna-answered", text: " · Answered" }) : null)));
}

function pinnedBlock(q) {
  return h("div", { class: "qna-pinned", id: "qna-pinned", dataset: { questionId: q.id } },
    h("p", { class: "qna-label", text: "Now answering" }),
    h("p", { class: "qna-pinned-text", text: q.text }),
    h("p", { class: "qna-row-meta" }, who(q), " · ", votes(q.upvotes)));
}

/** The Q&A as the current activity: the whole stage, the top questions large. */
function qnaStage(a) {
  const info = state.qna && state.qna.activity_id === a.id ? state.qna : null;
  const r = a.results || {};
  const questions = (r.questions || (info && info.top) || []).slice(0, 10);
  const count = r.question_count ?? (info ? info.question_count : questions.length);
  const pinned = questions.find((q) => q.pinned);
  const rest = questions.filter((q) => q !== pinned);
  return h("section", { class: "stack activity qna-stage", dataset: { type: "qna", activityId: a.id } },
    h("p", { class: "kicker", text: a.title && a.title !== activityHeading(a) ? `Q&A · ${a.title}` : "Q&A" }),
    h("h2", { class: "question", id: "question", text: activityHeading(a) }),
    pinned ? pinnedBlock(pinned) : null,
    rest.length
      ? h("ol", { class: `qna-board${rest.length > 4 ? " many" : ""}`, id: "qna-board", attrs: { "aria-label": "Top questions" } }, rest.map(qnaRow))
      : (pinned ? null : h("p", { class: "sub-message", text: "No questions yet: ask yours from your phone." })),
    h("p", { class: "response-count", id: "response-count", text: plural(count, "question", "questions") }));
}

/** The Q&A beside another activity (or the lobby): the pinned question and the top 3, compact. */
function qnaSide(info) {
  const top = info.top || [];
  const pinned = top.find((q) => q.pinned);
  const rest = top.filter((q) => q !== pinned).slice(0, 3);
  return h("aside", { class: "qna-side stack", id: "qna-side", attrs: { "aria-labelledby": "qna-side-title" } },
    h("h2", { class: "qna-side-title", id: "qna-side-title" }, "Questions ", h("span", { class: "qna-side-count", text: `(${info.question_count})` })),
    h("p", { class: "qna-side-prompt", text: info.prompt }),
    pinned ? pinnedBlock(pinned) : null,
    rest.length ? h("ol", { class: "qna-board", id: "qna-board", attrs: { "aria-label": "Top questions" } }, rest.map(qnaRow)) : null,
    top.length ? null : h("p", { class: "qna-side-empty", text: "Ask yours from your phone." }));
}

function pokerView(a) {
  const r = a.results || { revealed: false, vote_count: a.response_count || 0 };
  if (r.revealed) return pokerDistribution(r, deckCards(a.config || {}));
  const n = r.vote_count || 0;
  const shown = Math.min(n, 24);
  const backs = h("ul", { class: "card-backs", attrs: { "aria-hidden": "true" } });
  for (let i = 0; i < shown; i++) backs.appendChild(h("li", { class: "card-back" }));
  return h("div", { class: "results poker-hidden" },
    backs,
    h("p", { class: "vote-count", id: "vote-count", text: `${plural(n, "vote", "votes")}${n > shown ? ` (${shown} shown)` : ""}, cards face down` }));
}

function quizView(a) {
  const r = a.results;
  const c = a.config || {};
  if (r && r.revealed) {
    stopCountdown();
    return h("div", { class: "quiz-revealed" },
      quizOptions(r),
      h("div", { class: "stack" },
        h("h3", { class: "podium-title", text: "Leaderboard" }),
        podium(r.leaderboard || [])));
  }
  const list = h("ol", { class: "quiz-list" });
  (c.options || []).forEach((o, i) => list.appendChild(h("li", { class: "quiz-list-item" },
    h("span", { class: "letter", text: String.fromCharCode(65 + i) }), h("span", { text: o.label }))));
  const timer = h("p", { class: "countdown big-countdown", id: "countdown", attrs: { role: "timer" } });
  startCountdown(a, timer);
  return h("div", { class: "stack" }, timer, list);
}

function startCountdown(a, el) {
  stopCountdown();
  const limit = (a.config || {}).time_limit_seconds;
  const start = parseTime(a.activated_at);
  if (!limit || start === null) return;
  const deadline = start + limit * 1000;
  const tick = () => {
    const left = Math.ceil((deadline - poller.now()) / 1000);
    el.textContent = left > 0 ? `${left}` : "Time is up";
    el.setAttribute("aria-label", left > 0 ? `${left} seconds left` : "Time is up");
    el.classList.toggle("urgent", left <= 5);
    if (left <= 0) { stopCountdown(); poller.poke(); }
  };
  tick();
  countdown = setInterval(tick, 250);
}

function stopCountdown() {
  if (countdown) clearInterval(countdown);
  countdown = null;
}

async function renderSummary() {
  stopCountdown();
  if (summaryShown) return;
  summaryShown = true;
  shownActivity = null;
  announce("The session has ended.");
  const s = state;
  const details = h("div", { class: "stack" }, h("p", { class: "muted", text: "Loading results…" }));
  replace(stage, h("section", { class: "stack summary", id: "summary" },
    h("h2", { class: "question", text: "Thank you!" }),
    h("p", { class: "summary-count", text: `${plural(s.participant_count, "participant", "participants")} took part` }),
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
    h("h3", { class: "podium-title", text: "Final podium" }),
    podium(leaderboard, { limit: 10 }));
  fit();
}

// The end screen recaps every activity side by side on one screen, so each shows its most chosen rows
// only, and says so ("Top 6 of 20 options"); the full results stay in the admin and the exports.
const SUMMARY_ROWS = 6;
const SUMMARY_WORDS = 20;

function topRows(rows, n) {
  return [...rows].sort((x, y) => y[1] - x[1]).slice(0, n);
}

function summaryItem(a, r) {
  const answers = r.total_responses ?? r.vote_count ?? 0;
  let content = null;
  let note = null;
  const cut = (shown, total, noun) => { if (shown < total) note = `Top ${shown} of ${total} ${noun}`; };
  if ((a.type === "poll" || a.type === "quiz") && r.options) {
    const keep = new Set(topRows(r.options.map((o) => [o.id, o.count]), SUMMARY_ROWS).map(([id]) => id));
    const options = r.options.filter((o) => keep.has(o.id));
    cut(options.length, r.options.length, "options");
    content = a.type === "poll" ? pollBars({ ...r, options }) : quizOptions({ ...r, options });
  } else if (a.type === "poker" && r.distribution) {
    const rows = topRows(Object.entries(r.distribution), SUMMARY_ROWS);
    cut(rows.length, Object.keys(r.distribution).length, "cards");
    content = pokerDistribution({ ...r, distribution: Object.fromEntries(rows) }, deckCards(a.config || {}));
  } else if (a.type === "wordcloud") {
    const words = topRows((r.words || []).map((w) => [w, w.count]), SUMMARY_WORDS).map(([w]) => w);
    cut(words.length, (r.words || []).length, "words");
    content = wordCloud({ ...r, words });
  }
  return h("article", { class: "summary-item stack", dataset: { type: a.type } },
    h("h3", { text: `${typeLabel(a.type)}: ${activityHeading(a)}` }),
    h("p", { class: "summary-answers", text: plural(answers, "answer", "answers") }),
    content,
    note ? h("p", { class: "summary-note muted", text: note }) : null);
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
  btn("btn-next").hidden = completed;
  const revealable = running && (a.type === "poker" || a.type === "quiz") && !(a.results && a.results.revealed);
  btn("btn-reveal").hidden = !revealable;
  btn("btn-reveal").textContent = a && a.type === "quiz" ? "Reveal answer" : "Reveal cards";
  btn("btn-reset").hidden = !(running && a.type === "poker" && ((a.results && a.results.revealed) || a.response_count));
  btn("btn-complete").hidden = completed;
  controls.hidden = completed;
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
  if (res.status === 401 || res.status === 403) message("Your login has expired: reload the page and log in again.");
  else message(errorText(res, { INVALID_TRANSITION: res.error && res.error.message }));
}

const csrf = cfg.csrf_token;
const patchStatus = (status) => api(`/api/v1/sessions/${sid}`, { method: "PATCH", csrf, body: { status } });

async function start() {
  const res = await patchStatus("active");
  if (!res.ok) failed(res);
  poller.poke();
  return res.ok;
}

function next() {
  return act(async () => {
    if (state && state.session.status === "completed") return;
    if (state && state.session.status === "draft" && !(await start())) return;
    const res = await api(`/api/v1/sessions/${sid}/next`, { method: "POST", csrf });
    if (res.ok) poller.accept(res.data);
    else if (res.status === 409 && res.error && res.error.code !== "INVALID_TRANSITION") message("No more activities. End the session when you are ready.");
    else failed(res);
    poller.poke();
  });
}

function reveal() {
  return act(async () => {
    const a = state && state.current_activity;
    if (!a || a.status !== "active" || !["poker", "quiz"].includes(a.type)) return;
    const res = await api(`/api/v1/sessions/${sid}/activities/${a.id}/reveal`, { method: "POST", csrf });
    if (!res.ok) failed(res);
    poller.poke();
  });
}

function reset() {
  return act(async () => {
    const a = state && state.current_activity;
    if (!a || a.type !== "poker") return;
    const res = await api(`/api/v1/sessions/${sid}/activities/${a.id}/reset`, { method: "POST", csrf });
    if (!res.ok) failed(res);
    else message("New round: votes cleared.");
    poller.poke();
  });
}

let confirmTimer = null;
function complete() {
  const b = btn("btn-complete");
  if (!confirmTimer) {
    b.textContent = "Press again to end";
    b.classList.add("confirm");
    confirmTimer = setTimeout(() => { confirmTimer = null; b.textContent = "End session"; b.classList.remove("confirm"); }, 5000);
    return;
  }
  clearTimeout(confirmTimer);
  confirmTimer = null;
  b.textContent = "End session";
  b.classList.remove("confirm");
  act(async () => {
    const res = await patchStatus("completed");
    if (!res.ok) failed(res);
    poller.poke();
  });
}

if (controls) {
  btn("btn-start").addEventListener("click", () => act(start));
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
  btn("btn-questions").textContent = n ? `Questions · ${n} waiting` : "Questions";
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
  if (res.status === 401 || res.status === 403) modMessage("Your login has expired: reload the page and log in again.");
  else modMessage(errorText(res, { INVALID_TRANSITION: res.error && res.error.message }));
}

function modActions(q) {
  if (q.status === "pending") return [["Approve", { status: "visible" }], ["Hide", { status: "hidden" }]];
  if (q.status === "hidden") return [["Show", { status: "visible" }]];
  return [
    q.pinned ? ["Unpin", { pinned: false }] : ["Pin", { pinned: true }],
    q.status === "answered" ? ["Reopen", { status: "visible" }] : ["Mark answered", { status: "answered" }],
    ["Hide", { status: "hidden" }],
  ];
}

function modRow(q) {
  const textId = `mod-text-${q.id}`;
  const notes = [q.nickname ?? "Anonymous", plural(q.upvotes, "upvote", "upvotes")];
  if (q.pinned) notes.push("Pinned");
  if (q.status === "answered") notes.push("Answered");
  return h("li", { class: "mod-row", dataset: { questionId: q.id, status: q.status } },
    h("p", { class: "mod-text", id: textId, text: q.text }),
    h("p", { class: "mod-meta", text: notes.join(" · ") }),
    h("div", { class: "mod-actions" }, modActions(q).map(([label, change]) => {
      // Many rows have an "Approve": each button is described by its question for a screen reader.
      const b = h("button", { type: "button", class: "btn", text: label, dataset: { action: label }, attrs: { "aria-describedby": textId } });
      b.addEventListener("click", () => moderate(q, label, change));
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
    replace(btn(`qna-${key}`), list.length ? list.map(modRow) : h("li", { class: "muted mod-empty", text: "None." }));
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
  const done = { Approve: "Approved", Hide: "Hidden", Show: "Shown again", Pin: "Pinned: now answering", Unpin: "Unpinned", "Mark answered": "Marked answered", Reopen: "Open again" };
  modMessage(`${done[label] || "Done"}: “${q.text.length > 60 ? `${q.text.slice(0, 60)}…` : q.text}”`);
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
    fullscreenButton.textContent = on ? "Exit full screen" : "Full screen";
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
