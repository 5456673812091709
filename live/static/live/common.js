// Shared helpers for the Caja pages. No framework, no build step.
// Every piece of user-provided text goes through textContent (h() below), never HTML parsing.

export const DECKS = {
  fibonacci: ["0", "1", "2", "3", "5", "8", "13", "21", "?", "coffee"],
  tshirt: ["XS", "S", "M", "L", "XL", "?"],
  powers_of_two: ["0", "1", "2", "4", "8", "16", "32", "?"],
};

export function readConfig() {
  const el = document.getElementById("caja-config");
  return el ? JSON.parse(el.textContent) : {};
}

/** Build an element. Strings become text nodes; props: class, text, attrs, on, hidden, ... */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = String(value);
    else if (key === "on") for (const [ev, fn] of Object.entries(value)) el.addEventListener(ev, fn);
    else if (key === "attrs") for (const [a, v] of Object.entries(value)) { if (v !== null && v !== undefined && v !== false) el.setAttribute(a, String(v)); }
    else if (key === "style") for (const [prop, v] of Object.entries(value)) { if (prop.startsWith("--")) el.style.setProperty(prop, v); else el.style[prop] = v; }
    else if (key === "dataset") Object.assign(el.dataset, value);
    else if (key in el) el[key] = value;
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

export function replace(el, ...children) {
  clear(el);
  append(el, children);
  return el;
}

/** ISO 8601 with microseconds → epoch ms (trim to milliseconds for every engine). */
export function parseTime(iso) {
  if (!iso) return null;
  const trimmed = String(iso).replace(/(\.\d{3})\d+/, "$1");
  const ms = Date.parse(trimmed);
  return Number.isNaN(ms) ? null : ms;
}

/** fetch + JSON with the Caja error envelope. Never throws: network errors give status 0. */
export async function api(path, { method = "GET", body, token, csrf, headers = {} } = {}) {
  const init = { method, headers: { Accept: "application/json", ...headers }, credentials: "same-origin" };
  if (token) init.headers["X-Participant-Token"] = token;
  if (csrf) init.headers["X-CSRFToken"] = csrf;
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch (err) {
    return { status: 0, ok: false, data: null, error: { code: "NETWORK", message: "Connection problem." }, headers: new Headers() };
  }
  let data = null;
  if ((res.headers.get("Content-Type") || "").includes("json")) {
    try { data = await res.json(); } catch (err) { data = null; }
  }
  const error = !res.ok && res.status !== 304 ? (data && data.error) || { code: `HTTP_${res.status}`, message: res.statusText } : null;
  return { status: res.status, ok: res.ok, data, error, headers: res.headers };
}

/** Human words for an API error; field details (e.g. profanity) included. */
export function errorText(result, overrides = {}) {
  const err = result.error || {};
  if (overrides[err.code]) return overrides[err.code];
  const defaults = {
    NETWORK: "Connection problem. Check your network and try again.",
    THROTTLED: "Too many requests. Please wait a moment and try again.",
    SESSION_NOT_ACTIVE: "This session has ended.",
    ACTIVITY_NOT_ACTIVE: "This activity is closed.",
    ALREADY_ANSWERED: "You have already answered this question.",
    TIME_UP: "Time is up: your answer was not counted.",
    NICKNAME_TAKEN: "That nickname is taken. Please choose another.",
    NOT_FOUND: "Not found.",
    NOT_AUTHENTICATED: "Please log in again.",
    PERMISSION_DENIED: "You are not allowed to do that.",
  };
  if (err.code === "VALIDATION_ERROR" && err.details && typeof err.details === "object") {
    const parts = [];
    for (const [field, messages] of Object.entries(err.details)) {
      const label = fieldLabel(field);
      for (const m of [].concat(messages)) parts.push(label ? `${label}: ${m}` : String(m));
    }
    if (parts.length) return parts.join(" ");
  }
  return defaults[err.code] || err.message || "Something went wrong.";
}

function fieldLabel(field) {
  const word = /^response_data\.words\.(\d+)$/.exec(field);
  if (word) return `Word ${Number(word[1]) + 1}`;
  if (field === "nickname") return "Nickname";
  if (field === "text") return "Question"; // a Q&A question (its only free-text field at the top level)
  if (field === "anonymous") return "Anonymous";
  if (field.startsWith("response_data")) return "";
  return field;
}

/**
 * Polls GET /api/v1/sessions/{id}/state politely: If-None-Match, X-Poll-Interval, exponential
 * backoff on errors, Retry-After on 429, slower while the page is hidden. `?poll=0.5` overrides
 * the interval (tests, demos).
 */
export class StatePoller {
  constructor(sessionId, { token = null, onState, onError } = {}) {
    this.url = `/api/v1/sessions/${sessionId}/state`;
    this.token = token;
    this.onState = onState;
    this.onError = onError || (() => {});
    this.etag = null;
    this.state = null;
    this.offset = 0; // server clock minus local clock, ms
    this.failures = 0;
    this.timer = null;
    this.stopped = false;
    this.inFlight = false;
    const override = Number(new URLSearchParams(location.search).get("poll"));
    this.override = override > 0 ? Math.max(0.25, override) : null;
    this.interval = this.override || 2;
    document.addEventListener("visibilitychange", () => {
      if (!document.hidden) this.poke();
    });
  }

  start() { this.stopped = false; this.tick(); }
  stop() { this.stopped = true; clearTimeout(this.timer); }
  now() { return Date.now() + this.offset; }

  /** Poll now (after an action of ours), without waiting for the timer. */
  poke() {
    if (this.stopped) return;
    clearTimeout(this.timer);
    if (this.inFlight) { this.again = true; return; }
    this.tick();
  }

  schedule(seconds) {
    if (this.stopped) return;
    clearTimeout(this.timer);
    let wait = seconds;
    if (document.hidden) wait = Math.max(wait, Math.min(15, wait * 5));
    this.timer = setTimeout(() => this.tick(), wait * 1000);
  }

  /** Feed a state body we got from elsewhere (e.g. the answer of POST /next). */
  accept(state) {
    if (!state || !state.session) return;
    const received = Date.now();
    const server = parseTime(state.server_time);
    if (server !== null) this.offset = server - received;
    this.state = state;
    this.onState(state);
  }

  async tick() {
    if (this.stopped) return;
    this.inFlight = true;
    const headers = {};
    if (this.etag) headers["If-None-Match"] = this.etag;
    const res = await api(this.url, { token: this.token, headers });
    this.inFlight = false;
    const suggested = Number(res.headers.get("X-Poll-Interval"));
    if (suggested > 0) this.interval = suggested;
    const base = this.override || this.interval;
    if (res.status === 200 && res.data) {
      this.failures = 0;
      this.etag = res.headers.get("ETag");
      this.accept(res.data);
      this.schedule(base);
    } else if (res.status === 304) {
      this.failures = 0;
      this.schedule(base);
    } else if (res.status === 429) {
      const retry = Number(res.headers.get("Retry-After")) || base * 2;
      this.schedule(Math.max(retry, base));
    } else {
      this.failures += 1;
      this.onError(res, this.failures);
      if (res.status === 404) { this.schedule(30); return; }
      this.schedule(Math.min(60, base * 2 ** Math.min(this.failures, 6)));
    }
    if (this.again) { this.again = false; this.poke(); }
  }
}

export function activityHeading(activity) {
  const c = activity.config || {};
  return c.question || c.story || c.prompt || activity.title || typeLabel(activity.type);
}

export function typeLabel(type) {
  return { poll: "Poll", poker: "Planning poker", quiz: "Quiz", wordcloud: "Word cloud", qna: "Q&A" }[type] || type;
}

export function deckCards(config) {
  if (Array.isArray(config.cards)) return config.cards;
  if (Array.isArray(config.deck)) return config.deck;
  return DECKS[config.deck] || DECKS.fibonacci;
}

export function plural(n, one, many) {
  return `${n} ${n === 1 ? one : many}`;
}

// More rows than a big screen shows in one column at a readable size: the presenter lays them out in two.
function manyClass(n) {
  return n > 6 ? " many" : "";
}

function fmtPct(p) {
  const n = Number(p) || 0;
  return `${Number.isInteger(n) ? n : n.toFixed(1)}%`;
}

// --- result views shared by both pages (numbers always as text too) -------------------------

export function pollBars(results, { mine = [] } = {}) {
  const total = results.total_responses || 0;
  const list = h("ol", { class: `bars${manyClass(results.options.length)}`, attrs: { "aria-label": "Results" } });
  const max = Math.max(1, ...results.options.map((o) => o.count));
  for (const o of results.options) {
    const row = h("li", { class: `bar-row${mine.includes(o.id) ? " mine" : ""}`, dataset: { optionId: o.id } },
      h("div", { class: "bar-label" },
        h("span", { class: "bar-text", text: o.label }),
        h("span", { class: "bar-value", text: `${o.count} · ${fmtPct(o.percentage)}` })),
      h("div", { class: "bar-track", attrs: { "aria-hidden": "true" } },
        h("div", { class: "bar-fill", style: { width: `${(o.count / max) * 100}%` } })));
    list.appendChild(row);
  }
  return h("div", { class: "results poll-results", dataset: { total } }, list);
}

export function pokerDistribution(results, cards) {
  const dist = results.distribution || {};
  const entries = Object.entries(dist);
  const ordered = cards ? cards.filter((c) => dist[c]).map((c) => [c, dist[c]]) : entries;
  for (const [c, n] of entries) if (!ordered.find(([k]) => k === c)) ordered.push([c, n]);
  const max = Math.max(1, ...ordered.map(([, n]) => n));
  const list = h("ol", { class: `bars poker-bars${manyClass(ordered.length)}`, attrs: { "aria-label": "Vote distribution" } });
  for (const [card, n] of ordered) {
    list.appendChild(h("li", { class: "bar-row", dataset: { card } },
      h("div", { class: "bar-label" },
        h("span", { class: "bar-text card-face", text: card }),
        h("span", { class: "bar-value", text: plural(n, "vote", "votes") })),
      h("div", { class: "bar-track", attrs: { "aria-hidden": "true" } },
        h("div", { class: "bar-fill", style: { width: `${(n / max) * 100}%` } }))));
  }
  const stats = h("dl", { class: "stats" },
    h("div", {}, h("dt", { text: "Votes" }), h("dd", { class: "stat-votes", text: results.vote_count ?? 0 })),
    h("div", {}, h("dt", { text: "Average" }), h("dd", { class: "stat-average", text: results.average ?? "–" })),
    h("div", {}, h("dt", { text: "Median" }), h("dd", { class: "stat-median", text: results.median ?? "–" })),
    h("div", {}, h("dt", { text: "Consensus" }), h("dd", { class: "stat-consensus", text: results.consensus ? "Yes" : "No" })));
  return h("div", { class: "results poker-results" }, list, stats);
}

export function quizOptions(results, { mine = null } = {}) {
  const list = h("ol", { class: `bars quiz-bars${manyClass((results.options || []).length)}`, attrs: { "aria-label": "Answers" } });
  const max = Math.max(1, ...(results.options || []).map((o) => o.count));
  for (const o of results.options || []) {
    const marks = [];
    if (o.correct) marks.push("correct");
    if (mine === o.id) marks.push("mine");
    list.appendChild(h("li", { class: `bar-row ${marks.join(" ")}`, dataset: { optionId: o.id } },
      h("div", { class: "bar-label" },
        h("span", { class: "bar-text" }, o.correct ? h("span", { class: "tick", text: "✓ " }) : null, o.label,
          o.correct ? h("span", { class: "visually-hidden", text: " (correct answer)" }) : null),
        h("span", { class: "bar-value", text: plural(o.count, "answer", "answers") })),
      h("div", { class: "bar-track", attrs: { "aria-hidden": "true" } },
        h("div", { class: "bar-fill", style: { width: `${(o.count / max) * 100}%` } }))));
  }
  const correct = (results.options || []).filter((o) => o.correct).map((o) => o.label);
  return h("div", { class: "results quiz-results" },
    correct.length ? h("p", { class: "correct-answer" }, "Correct answer: ", h("strong", { text: correct.join(", ") })) : null,
    list);
}

export function wordCloud(results, { mine = [] } = {}) {
  const words = results.words || [];
  if (!words.length) return h("p", { class: "muted", text: "No words yet." });
  const max = Math.max(...words.map((w) => w.count));
  const min = Math.min(...words.map((w) => w.count));
  const mineKeys = mine.map((w) => w.toLowerCase());
  const cloud = h("ul", { class: "cloud", attrs: { "aria-label": "Word cloud" } });
  for (const w of words) {
    const weight = max === min ? 0.5 : (w.count - min) / (max - min);
    cloud.appendChild(h("li", {
      class: `cloud-word${mineKeys.includes(String(w.text).toLowerCase()) ? " mine" : ""}`,
      style: { fontSize: `${(1 + weight * 2.2).toFixed(2)}em` },
      dataset: { count: w.count },
    }, h("span", { class: "cloud-text", text: w.text }), h("span", { class: "cloud-count", text: ` ${w.count}` })));
  }
  return h("div", { class: "results wordcloud-results", dataset: { total: results.total_responses || 0 } }, cloud);
}

export function podium(items, { highlight = null, limit = 10 } = {}) {
  const top = (items || []).slice(0, limit);
  if (!top.length) return h("p", { class: "muted", text: "No scores yet." });
  const list = h("ol", { class: "podium", attrs: { "aria-label": "Leaderboard" } });
  top.forEach((p, i) => {
    list.appendChild(h("li", { class: `podium-row place-${i + 1}${highlight === p.participant_id ? " mine" : ""}` },
      h("span", { class: "place", text: `${i + 1}.` }),
      h("span", { class: "nick", text: p.nickname }),
      h("span", { class: "score", text: `${p.score} pts` }),
      h("span", { class: "correct-count", text: `${p.correct_count} correct` })));
  });
  return list;
}

/**
 * One sentence with what a screen-reader user needs from the results now (the leader, the reveal),
 * or null when there is nothing to say. Announced politely, and only when it changes (see Announcer).
 */
export function resultsSentence(a) {
  const r = a && a.results;
  if (!r) return null;
  if (a.type === "poll" && r.options && r.total_responses) {
    const top = [...r.options].sort((x, y) => y.count - x.count)[0];
    return `Results: ${top.label} leads with ${plural(top.count, "vote", "votes")} of ${plural(r.total_responses, "response", "responses")}.`;
  }
  if (a.type === "poker" && r.revealed) {
    return `Cards revealed: ${plural(r.vote_count || 0, "vote", "votes")}, average ${r.average ?? "none"}, median ${r.median ?? "none"}, ${r.consensus ? "consensus" : "no consensus"}.`;
  }
  if (a.type === "quiz" && r.revealed) {
    const correct = (r.options || []).filter((o) => o.correct).map((o) => o.label).join(", ");
    const leader = (r.leaderboard || [])[0];
    return `Correct answer: ${correct}.${leader ? ` Leader: ${leader.nickname}, ${leader.score} points.` : ""}`;
  }
  if (a.type === "qna" && (r.questions || []).length) {
    const pinned = r.questions.find((q) => q.pinned);
    if (pinned) return `Now answering: ${pinned.text}`;
    return `Top question, ${plural(r.questions[0].upvotes, "upvote", "upvotes")}: ${r.questions[0].text}`;
  }
  if (a.type === "wordcloud" && (r.words || []).length) {
    const top = r.words.reduce((x, y) => (y.count > x.count ? y : x));
    return `Top word: ${top.text}, ${plural(top.count, "time", "times")}.`;
  }
  return null;
}

/**
 * Polite, rate-limited announcements of changing results. The state is polled every 2 s; a screen
 * reader must not read the results out at that pace. A sentence is announced only when it differs
 * from the last one, and at most once per `gap` ms (the latest sentence waits for the gap); `now`
 * skips the wait, for events (a reveal, a new activity).
 */
export class Announcer {
  constructor(gap = 15000) { this.gap = gap; this.last = null; this.at = 0; this.timer = null; }
  say(text, { now = false } = {}) {
    if (!text || text === this.last) return;
    clearTimeout(this.timer);
    const wait = now ? 0 : Math.max(0, this.at + this.gap - Date.now());
    const go = () => { this.last = text; this.at = Date.now(); announce(text); };
    if (wait === 0) go(); else this.timer = setTimeout(go, wait);
  }
  /** Remember the sentence without saying it (it is already on the screen as the activity starts). */
  quiet(text) { this.last = text; }
}

export function announce(text) {
  const el = document.getElementById("announcer");
  if (!el) return;
  el.textContent = "";
  setTimeout(() => { el.textContent = text; }, 50);
}
