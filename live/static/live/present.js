// Presenter page: /present/<session id>. The big screen, with controls for the owning organizer.
import {
  Announcer,
  activityHeading,
  announce,
  api,
  bidi,
  fmt,
  h,
  inkOn,
  loadTypes,
  picture,
  readConfig,
  replace,
  ui,
} from "./common.js";
import { StatePoller } from "./poller.js";
import { presenterControls } from "./present_controls.js";
import { selfPacedDashboard } from "./present_selfpaced.js";
import { summaryScreen, topRows } from "./present_summary.js";
import { reactionLane } from "./reactions.js";
import { stageFitter } from "./stage_fit.js";

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
// A picture has no box until it loads (its size is CSS auto): one that arrives after the fit makes the
// stage taller without resizing #main, so its load re-fits (load does not bubble: captured here).
stage.addEventListener(
  "load",
  (ev) => {
    if (ev.target instanceof HTMLImageElement) fit();
  },
  true,
);

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
        lobbyTeams(s.session.teams),
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

/** The session's teams in the lobby (issue 26): a chip each, in the team's colour (black or white text,
 * whichever contrasts: dom.js inkOn, as on the phone) with its name and how many joined it
 * (`members`, counted in the state's rebuild), so the room sees which team to pick. */
function lobbyTeams(teams) {
  if (!teams?.length) return null;
  return h(
    "ul",
    { class: "lobby-teams", id: "lobby-teams", attrs: { "aria-label": gettext("Teams") } },
    teams.map((t) =>
      h(
        "li",
        {
          class: "team-chip",
          dataset: { teamId: t.id },
          // The style object (CSSOM), not a style attribute: the page's CSP allows no inline style.
          style: { backgroundColor: t.color, color: inkOn(t.color) },
        },
        h("span", { class: "team-chip-name", text: t.name }),
        h("span", {
          class: "team-chip-count",
          // Translators: on the big screen's lobby, under a team's name: how many people joined it.
          text: fmt(ngettext("%(n)s joined", "%(n)s joined", t.members || 0), { n: t.members || 0 }),
        }),
      ),
    ),
  );
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

function renderSummary() {
  stopTicker();
  if (summaryShown) return;
  summaryShown = true;
  shownActivity = null;
  summary.show(state);
}

// --- the end summary (present_summary.js) -----------------------------------------------------------
const summary = summaryScreen({
  sid,
  stage,
  cfg,
  typeOf,
  labelOf,
  stageCtx: () => stageCtx,
  fit: () => fit(),
});

// --- a self-paced session (present_selfpaced.js): a dashboard instead of a current activity ----------
const dashboard = selfPacedDashboard({ sid, stage, summaryItem: summary.item, fit: () => fit() });

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
