// Shared helpers for the Caja pages. No framework, no build step.
// Every piece of user-provided text goes through textContent (h() below), never HTML parsing.
//
// Words on screen are translated with Django's JavaScript catalog (/jsi18n/<lang>.js, a classic
// script each page loads before its modules): the globals gettext, ngettext and interpolate. Write
// gettext("literal") and ngettext("%(n)s vote", "%(n)s votes", n) with string literals, so
// `make messages` (xgettext) finds them, and fill placeholders with fmt() below.
import { clear, h, inkOn, replace } from "./dom.js";
import { labelPicture, picture, picturesById } from "./pictures.js";

// dom.js is a leaf (it imports nothing): pictures.js builds elements with it, and an import
// circle between two modules breaks the hashed static storage's rewriting of imports.
export { clear, h, inkOn, picture, replace };

const G = globalThis;
// Without the catalog (a test page, a failed load) the page still works, in English.
if (typeof G.gettext !== "function") G.gettext = (s) => s;
if (typeof G.ngettext !== "function") G.ngettext = (one, many, n) => (n === 1 ? one : many);
if (typeof G.interpolate !== "function") {
  G.interpolate = (s, args, named) =>
    named
      ? s.replace(/%\(\w+\)s/g, (m) => String(args[m.slice(2, -2)]))
      : s.replace(/%s/g, () => String(args.shift()));
}

/** A translated sentence with named placeholders: fmt(gettext("%(n)s votes"), {n: 3}). */
export function fmt(text, args) {
  return G.interpolate(text, args, true);
}

/** User text (a nickname, an answer) inside a sentence: isolated so that an Arabic or Hebrew
 * nickname keeps its own direction without reordering the words around it. */
export function bidi(text) {
  return `\u2068${text}\u2069`;
}

/** The page's JSON config (json_script): `caja-config`, or `caja-types` (the types' renderers). */
export function readConfig(id = "caja-config") {
  const el = document.getElementById(id);
  return el ? JSON.parse(el.textContent) : {};
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
  } catch (_err) {
    return {
      status: 0,
      ok: false,
      data: null,
      error: { code: "NETWORK", message: gettext("Connection problem.") },
      headers: new Headers(),
    };
  }
  let data = null;
  if ((res.headers.get("Content-Type") || "").includes("json")) {
    try {
      data = await res.json();
    } catch (_err) {
      data = null;
    }
  }
  const error =
    !res.ok && res.status !== 304
      ? data?.error || { code: `HTTP_${res.status}`, message: res.statusText }
      : null;
  return { status: res.status, ok: res.ok, data, error, headers: res.headers };
}

/** Human words for an API error; field details (e.g. profanity) included. */
export function errorText(result, overrides = {}) {
  const err = result.error || {};
  if (overrides[err.code]) return overrides[err.code];
  const defaults = {
    NETWORK: gettext("Connection problem. Check your network and try again."),
    THROTTLED: gettext("Too many requests. Please wait a moment and try again."),
    SESSION_NOT_ACTIVE: gettext("This session has ended."),
    ACTIVITY_NOT_ACTIVE: gettext("This activity is closed."),
    ALREADY_ANSWERED: gettext("You have already answered this question."),
    TIME_UP: gettext("Time is up: your answer was not counted."),
    NICKNAME_TAKEN: gettext("That nickname is taken. Please choose another."),
    NOT_FOUND: gettext("Not found."),
    NOT_AUTHENTICATED: gettext("Please log in again."),
    PERMISSION_DENIED: gettext("You are not allowed to do that."),
  };
  if (err.code === "VALIDATION_ERROR" && err.details && typeof err.details === "object") {
    const parts = [];
    for (const [field, messages] of Object.entries(err.details)) {
      const label = fieldLabel(field);
      for (const m of [].concat(messages))
        parts.push(label ? fmt(gettext("%(field)s: %(message)s"), { field: label, message: m }) : String(m));
    }
    if (parts.length) return parts.join(" ");
  }
  return defaults[err.code] || err.message || gettext("Something went wrong.");
}

function fieldLabel(field) {
  const word = /^response_data\.words\.(\d+)$/.exec(field);
  if (word) return fmt(gettext("Word %(n)s"), { n: Number(word[1]) + 1 });
  if (field === "nickname") return gettext("Nickname");
  if (field === "text") return gettext("Question"); // a Q&A question (its only free-text field at the top level)
  if (field === "anonymous") return gettext("Anonymous");
  if (field.startsWith("response_data")) return "";
  return field;
}

export function activityHeading(activity) {
  const c = activity.config || {};
  return (
    c.question || c.story || c.prompt || c.title || activity.title || activity.type_label || activity.type
  );
}

// More rows than a big screen shows in one column at a readable size: the presenter lays them out in two.
export function manyClass(n) {
  return n > 6 ? " many" : "";
}

// Numbers in the page's language (<html lang>): "66.7%" in English, "66,7 %" in German.
const numberFormats = new Map();
function numberFormat(options) {
  const key = JSON.stringify(options);
  if (!numberFormats.has(key)) {
    let f;
    try {
      f = new Intl.NumberFormat(document.documentElement.lang || undefined, options);
    } catch {
      f = new Intl.NumberFormat(undefined, options);
    }
    numberFormats.set(key, f);
  }
  return numberFormats.get(key);
}

/** A number with at most `digits` decimals, in the page's language. */
export function fmtNum(value, digits = 2) {
  return numberFormat({ maximumFractionDigits: digits }).format(Number(value) || 0);
}

/** A percentage (0–100, as the API sends it) with at most one decimal, in the page's language. */
export function fmtPct(p) {
  return numberFormat({ style: "percent", maximumFractionDigits: 1 }).format((Number(p) || 0) / 100);
}

// --- views shared by both pages (numbers always as text too) ---------------------------------

export function podium(items, { highlight = null, limit = 10 } = {}) {
  const top = (items || []).slice(0, limit);
  if (!top.length) return h("p", { class: "muted", text: gettext("No scores yet.") });
  const list = h("ol", { class: "podium", attrs: { "aria-label": gettext("Leaderboard") } });
  top.forEach((p, i) => {
    // Equal scores share a place (the API's rank: 1, 1, 3) and its medal.
    const place = p.rank || i + 1;
    list.appendChild(
      h(
        "li",
        {
          class: `podium-row place-${place}${highlight === p.participant_id ? " mine" : ""}`,
          dataset: { rank: place },
        },
        h("span", { class: "place", text: `${place}.` }),
        h("span", { class: "nick", text: p.nickname }),
        h("span", { class: "score", text: fmt(ngettext("%(n)s pt", "%(n)s pts", p.score), { n: p.score }) }),
        h("span", {
          class: "correct-count",
          text: fmt(ngettext("%(n)s correct", "%(n)s correct", p.correct_count), { n: p.correct_count }),
        }),
      ),
    );
  });
  return list;
}

/**
 * The team race (issue 26): a bar per team, as long as its average score per member (so team sizes do
 * not decide it), best first, equal averages sharing a place. `teams`: the API's team board
 * ([{id, name, color, members, score, average, rank}]). The names and figures are text in the page's
 * colours (the team's colour fills the bar and a swatch only: it need not contrast with text).
 */
export function teamRace(teams, { label = gettext("Team race") } = {}) {
  const items = teams || [];
  const best = Math.max(0, ...items.map((t) => t.average));
  const list = h("ol", { class: "team-race", attrs: { "aria-label": label } });
  for (const t of items) {
    const share = best > 0 ? Math.max(2, Math.round((t.average / best) * 100)) : 2;
    list.appendChild(
      h(
        "li",
        { class: `team-row place-${t.rank}`, dataset: { teamId: t.id, rank: t.rank } },
        h("span", { class: "place", text: `${t.rank}.` }),
        h(
          "span",
          { class: "team-name" },
          h("span", { class: "team-swatch", style: { background: t.color } }),
          h("bdi", { text: t.name }),
        ),
        h(
          "span",
          { class: "team-avg" },
          fmt(ngettext("%(n)s pt per member", "%(n)s pts per member", Math.round(t.average)), {
            n: fmtNum(t.average),
          }),
          h("span", {
            class: "muted team-members",
            text: fmt(ngettext(" · %(n)s member", " · %(n)s members", t.members), { n: t.members }),
          }),
        ),
        h(
          "span",
          { class: "team-bar", attrs: { "aria-hidden": "true" } },
          h("span", { class: "team-bar-fill", style: { width: `${share}%`, background: t.color } }),
        ),
      ),
    );
  }
  return list;
}

/**
 * Polite, rate-limited announcements of changing results. The state is polled every 2 s; a screen
 * reader must not read the results out at that pace. A sentence is announced only when it differs
 * from the last one, and at most once per `gap` ms (the latest sentence waits for the gap); `now`
 * skips the wait, for events (a reveal, a new activity).
 */
export class Announcer {
  constructor(gap = 15000) {
    this.gap = gap;
    this.last = null;
    this.at = 0;
    this.timer = null;
  }
  say(text, { now = false } = {}) {
    if (!text || text === this.last) return;
    clearTimeout(this.timer);
    const wait = now ? 0 : Math.max(0, this.at + this.gap - Date.now());
    const go = () => {
      this.last = text;
      this.at = Date.now();
      announce(text);
    };
    if (wait === 0) go();
    else this.timer = setTimeout(go, wait);
  }
  /** Remember the sentence without saying it (it is already on the screen as the activity starts). */
  quiet(text) {
    this.last = text;
  }
}

export function announce(text) {
  const el = document.getElementById("announcer");
  if (!el) return;
  el.textContent = "";
  setTimeout(() => {
    el.textContent = text;
  }, 50);
}

// --- the activity types' renderers ------------------------------------------------------------
// Each type package ships its renderers as ES modules (activities/types/<key>/static: phone.js,
// presenter.js, served under caja-types/<key>/). The server lists them in the page (`caja-types`: key → label, supports_reveal, supports_reset, state_key and the module's URL for this
// page), so the pages know no type by name: they dispatch on the key. A renderer is the module's
// default export; every hook is optional and receives `ctx`, which holds `ui` (below) and what the
// page offers (see phone_activity.js `activityCtx` and present.js `stageCtx`).
//
// Phone (join.js):   form(ctx) → Node, mine(ctx, data) → [prefix, text | list of text or Node], update(ctx, previous),
//                    sentence(ctx, results) → string | null, timer (a countdown line),
//                    ownPanel (not shown as an activity), panel(ctx, info, state) and
//                    closePanel(ctx) (its own panel, driven by its state key: the Q&A).
// Presenter:         stage(ctx, activity) → Node (under the heading), ownStage (stage() fills the
//                    whole stage), side(ctx, info) (the state key's column beside the activity),
//                    summary(ctx, item, results) → {content, note}, sentence(ctx, results),
//                    revealLabel (the Reveal button's text), controls(ctx) → {update()} | null
//                    (owner controls of its own, e.g. the link to moderation: present_controls.js).
// Moderation page:   moderation(ctx) → {update() → bool} (its panel, ctx.mount: moderate.js).

/** The helpers every renderer gets in ctx. */
export const ui = {
  h,
  picture,
  picturesById,
  labelPicture,
  clear,
  replace,
  fmt,
  bidi,
  parseTime,
  announce,
  errorText,
  podium,
  teamRace,
  manyClass,
  fmtPct,
  fmtNum,
  activityHeading,
};

/** Import every type's renderer for this page: key → {label, ..., renderer}. A module that fails to
 * load leaves an empty renderer (the page still shows the activity's heading and count). */
export async function loadTypes(types) {
  const out = {};
  await Promise.all(
    Object.entries(types || {}).map(async ([key, info]) => {
      let renderer = {};
      if (info.module) {
        try {
          renderer = (await import(info.module)).default || {};
        } catch (err) {
          console.error(`Caja: no renderer for ${key}`, err);
        }
      }
      out[key] = { ...info, key, renderer };
    }),
  );
  return out;
}
