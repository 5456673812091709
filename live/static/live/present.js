// Presenter page: /present/<session id>. The big screen, with controls for the owning organizer.
import {
  Announcer,
  activityHeading,
  announce,
  api,
  bidi,
  fmt,
  h,
  loadTypes,
  picture,
  podium,
  readConfig,
  replace,
  teamRace,
  ui,
} from "./common.js";
import { StatePoller } from "./poller.js";
import { presenterControls } from "./present_controls.js";
import { selfPacedDashboard } from "./present_selfpaced.js";
import { reactionLane } from "./reactions.js";
import { stageFitter } from "./stage_fit.js";
import { trendChart } from "./trend_chart.js";

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

// --- fitting the stage to the screen (stage_fit.js: shrink down to a readable floor, then page) ----
const main = document.getElementById("main");
const { fit } = stageFitter(main, stage);
// A resize of the window (or the QR code arriving and taking its column) re-fits. Border box: the
// stage's own scrollbar must not trigger another round.
new ResizeObserver(() => fit()).observe(main, { box: "border-box" });

const poller = new StatePoller(sid, {
  onState: (s) => {
    state = s;
    render();
  },
  onError: (res) => {
    if (res.status === 404)
      replace(stage, h("p", { class: "big-message", text: gettext("This session no longer exists.") }));
  },
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
  document.getElementById("participant-label").textContent = ngettext(
    // Translators: after the big number of participants in the header (the number is a separate element).
    "participant",
    "participants",
    s.participant_count,
  );
  document.getElementById("session-status").textContent =
    s.session.rehearsal && s.session.status === "completed"
      ? gettext("Rehearsal over")
      : { draft: gettext("Not started"), active: gettext("Live"), completed: gettext("Ended") }[
          s.session.status
        ] || s.session.status;
  rehearsalShow(s);
  reactionsShow(s);
  const a = s.current_activity;
  const running = s.session.status === "active" && a && a.status === "active";
  body.classList.toggle("lobby", !running && s.session.status !== "completed");
  body.classList.toggle("running", !!running);
  body.classList.toggle("completed", s.session.status === "completed");
  controlBar.update();

  body.classList.toggle("selfpaced", s.pace === "self");
  if (s.session.status === "completed") {
    dashboard.stop();
    renderSummary();
    return;
  }
  summaryShown = false;
  if (s.pace === "self" && s.session.status === "active") {
    // No current activity: each person walks the activities; the screen follows them all.
    stopTicker();
    shownActivity = null;
    dashboard.draw(s);
    return;
  }
  dashboard.stop();
  if (!running) {
    stopTicker();
    shownActivity = null;
    replace(
      stage,
      h(
        "div",
        { class: "lobby-message stack" },
        h("p", {
          class: "big-message",
          text: s.session.status === "draft" ? gettext("Join now: we start soon") : gettext("Join now"),
        }),
        h("p", { class: "sub-message", text: gettext("Scan the QR code or open the link on your phone.") }),
      ),
      sides(s).map(([, aside]) => aside),
    );
    return;
  }
  if (!shownActivity || shownActivity !== a.id) {
    shownActivity = a.id;
    announce(
      fmt(gettext("Now: %(label)s. %(heading)s"), { label: labelOf(a), heading: bidi(activityHeading(a)) }),
    );
    announcer.quiet(sentenceOf(a));
  } else {
    // A reveal is news at once; running totals wait their turn (Announcer).
    const revealed = a.results?.revealed;
    announcer.say(sentenceOf(a), { now: !!revealed && !wasRevealed });
  }
  wasRevealed = !!a.results?.revealed;
  renderActivity(a);
}

// --- the types' renderers -----------------------------------------------------------------------
// What an activity shows is drawn by its type's renderer (activities/types/<key>/static/presenter.js)
// through this ctx: the shared helpers (common.js ui), the state and the page's hooks.

const stageCtx = {
  ...ui,
  sessionId: sid,
  get state() {
    return state;
  },
  // The owning organizer's page: owner controls a renderer adds (open text's Hide) call ownerApi (the
  // session cookie + CSRF) and report through message (the control bar's status line; an optional
  // action {label, run, focus} adds a button beside it, e.g. "Show again").
  canControl: !!cfg.can_control,
  ownerApi: (path, options = {}) => api(path, { ...options, csrf: cfg.csrf_token }),
  message: (text, action) => controlBar.message(text, action),
  now: () => poller.now(),
  poke: () => poller.poke(),
  pollOverride: () => poller.override,
  /** Run fn every ms until the next redraw (one at a time: a new one replaces the last). */
  every(fn, ms) {
    stopTicker();
    ticker = setInterval(fn, ms);
  },
  stopEvery: () => stopTicker(),
  // The end summary's cut (see summaryItem).
  SUMMARY_ROWS: 4,
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
  if (renderer.ownStage && renderer.stage) {
    replace(stage, renderer.stage(stageCtx, a));
    return;
  }
  const heading = activityHeading(a);
  const label = labelOf(a);
  const content = renderer.stage ? renderer.stage(stageCtx, a) : null;
  const section = h(
    "section",
    { class: "stack activity", dataset: { type: a.type, activityId: a.id } },
    h("p", { class: "kicker", text: a.title && a.title !== heading ? `${label} · ${a.title}` : label }),
    h("h2", { class: `question${heading.length > 120 ? " long" : ""}`, id: "question", text: heading }),
    // The question's picture (contract v1.2), in em: it shrinks with the text when the stage is fitted.
    picture(a.config?.image, { maxHeight: "4em", cls: "picture question-picture" }),
    content,
    h("p", {
      class: "response-count",
      id: "response-count",
      text: fmt(ngettext("%(n)s response", "%(n)s responses", a.response_count || 0), {
        n: a.response_count || 0,
      }),
    }),
  );
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
  replace(
    stage,
    h(
      "section",
      { class: "stack summary", id: "summary" },
      h("h2", { class: "question", text: gettext("Thank you!") }),
      h("p", {
        class: "summary-count",
        text: fmt(
          ngettext("%(n)s participant took part", "%(n)s participants took part", s.participant_count),
          { n: s.participant_count },
        ),
      }),
      details,
    ),
  );
  const parts = [];
  let leaderboard = null;
  let teams = [];
  if (cfg.can_control) {
    const [res, acts, trends] = await Promise.all([
      api(`/api/v1/sessions/${sid}/results`),
      api(`/api/v1/sessions/${sid}/activities?limit=100`),
      seriesTrends(),
    ]);
    if (res.ok && res.data) {
      const configs = {};
      for (const act of acts.data?.items || []) configs[act.id] = act;
      for (const item of res.data.activities || []) {
        const full = configs[item.id] || item;
        const trend = full.track_key ? trendChart(...trendOf(trends, full, item.results)) : null;
        parts.push(summaryItem({ ...item, config: full.config || {} }, item.results, trend));
      }
      leaderboard = res.data.leaderboard;
      teams = res.data.teams || [];
    }
  }
  if (leaderboard === null) {
    const a = s.current_activity;
    if (a?.results) parts.push(summaryItem(a, a.results));
    const lb = await api(`/api/v1/sessions/${sid}/leaderboard`);
    leaderboard = lb.data?.items || [];
    teams = lb.data?.teams || [];
  }
  // The activities (paged by stage_fit.js when they do not all fit at a readable size) beside the podium;
  // without any score (no quiz) the activities take the whole width, no empty podium beside them.
  const noPodium = parts.length > 0 && !leaderboard?.length;
  replace(
    details,
    h(
      "div",
      { class: `summary-body${parts.length ? "" : " podium-only"}${noPodium ? " activities-only" : ""}` },
      parts.length
        ? h(
            "div",
            { class: "stack" },
            h(
              "div",
              {
                class: "summary-activities",
                style: { "--columns": String(Math.min(parts.length, 2)) },
                dataset: { pageable: "" },
              },
              parts,
            ),
          )
        : null,
      noPodium
        ? null
        : h(
            "div",
            { class: "summary-podium stack" },
            // With teams, the team podium first (issue 26): the room played as teams.
            teams.length ? h("h3", { class: "podium-title", text: gettext("Team podium") }) : null,
            teams.length ? teamRace(teams, { label: gettext("Team podium") }) : null,
            h("h3", { class: "podium-title", text: gettext("Final podium") }),
            pageable(podium(leaderboard, { limit: teams.length ? 5 : 10 })),
          ),
    ),
  );
  fit();
}

// --- trends (issue 27): a tracked activity of a session in a series shows its line chart ------------
// The series' trends (its owner's: GET /series/{sid}/trends) hold every point with its labels,
// this session's stored summary included; anyone else with the lifecycle right (a co-organizer, a
// presenter) gets 404 there and sees the earlier points the session results carry ("trend").
const TREND_POINTS = 6; // this session and up to 5 earlier ones, as the results' "trend"

async function seriesTrends() {
  const session = await api(`/api/v1/sessions/${sid}`);
  const series = session.ok ? session.data?.series_id : null;
  if (!series) return null;
  const res = await api(`/api/v1/series/${series}/trends`);
  return res.ok ? res.data?.items || [] : null;
}

/** [item, points] for trendChart: the series' item of this activity, its points up to this session. */
function trendOf(trends, act, results) {
  const item = (trends || []).find((t) => t.track_key === act.track_key && t.type === act.type);
  if (item) {
    const mine = item.points.findIndex((p) => p.session_id === sid);
    if (mine >= 0) return [item, item.points.slice(Math.max(0, mine + 1 - TREND_POINTS), mine + 1)];
  }
  return [{}, results?.trend || []];
}

/** Mark a list for paging together with the activities (stage_fit.js). */
function pageable(el) {
  if (el.tagName === "OL") el.dataset.pageable = "";
  return el;
}

// The end screen recaps every activity side by side on one screen, so each shows its most chosen rows
// only, and says so ("Top 4 of 20 options": the renderer's summary(), with stageCtx's SUMMARY_ROWS, builds
// the whole sentence); the full results stay in the admin and the exports.
function topRows(rows, n) {
  return [...rows].sort((x, y) => y[1] - x[1]).slice(0, n);
}

function summaryItem(a, r, trend = null) {
  const answers = r.total_responses ?? r.vote_count ?? 0;
  const renderer = typeOf(a).renderer;
  // count: a type that counts something else than answers says so in its own words (a Q&A's questions).
  const {
    content = null,
    note = null,
    count = null,
  } = renderer.summary ? renderer.summary(stageCtx, a, r) : {};
  return h(
    "article",
    { class: "summary-item stack", dataset: { type: a.type } },
    h("h3", {
      text: fmt(gettext("%(label)s: %(heading)s"), { label: labelOf(a), heading: bidi(activityHeading(a)) }),
    }),
    h("p", {
      class: "summary-answers",
      text: count ?? fmt(ngettext("%(n)s answer", "%(n)s answers", answers), { n: answers }),
    }),
    content,
    trend,
    note ? h("p", { class: "summary-note muted", text: note }) : null,
  );
}

// --- a self-paced session (present_selfpaced.js): a dashboard instead of a current activity ----------
const dashboard = selfPacedDashboard({ sid, stage, summaryItem, fit: () => fit() });

// --- rehearsal -----------------------------------------------------------------------------------
// A rehearsal (state.session.rehearsal) says so in the header, on every screen that shows it.
function rehearsalShow(s) {
  const banner = document.getElementById("rehearsal-banner");
  if (banner) banner.hidden = !s.session.rehearsal;
  body.classList.toggle("rehearsal", !!s.session.rehearsal);
}

// --- reactions (reactions.js: the lane above the QR code) ------------------------------------------
const reactionsShow = reactionLane(document.getElementById("reaction-lane")).show;

// --- controls (owning organizer only: present_controls.js) ----------------------------------------
const controlBar = presenterControls({ cfg, types, typeOf, poller, stageCtx, state: () => state });

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
    const tag = ev.target?.tagName ? ev.target.tagName.toLowerCase() : "";
    if (["input", "textarea", "select"].includes(tag)) return;
    if (ev.target?.closest?.("dialog")) return;
    if (ev.key === "f" || ev.key === "F") {
      ev.preventDefault();
      toggleFullscreen();
    }
  });
}

poller.start();
