// The big screen's end summary: every activity's recap side by side (each type's summary()), the
// podium (and with teams the team podium), and a tracked activity's trend chart. Paged by stage_fit.js
// when it does not fit at a readable size. Split out of present.js (its own concern, no behaviour
// change): present.js decides when the summary shows, this module draws it.
import { activityHeading, announce, api, bidi, fmt, h, podium, replace, teamRace } from "./common.js";
import { trendChart } from "./trend_chart.js";

// The end screen recaps every activity side by side on one screen, so each shows its most chosen rows
// only, and says so ("Top 4 of 20 options": the renderer's summary(), with stageCtx's SUMMARY_ROWS, builds
// the whole sentence); the full results stay in the admin and the exports.
export function topRows(rows, n) {
  return [...rows].sort((x, y) => y[1] - x[1]).slice(0, n);
}

/** The end summary of session `sid` on `stage`: show(state) draws it (once per end), item() is one
 * activity's recap (the self-paced dashboard shows them too). `stageCtx()`: present.js's ctx of the
 * types' renderers; `fit()`: re-fit the stage once drawn. */
export function summaryScreen({ sid, stage, cfg, typeOf, labelOf, stageCtx, fit }) {
  async function show(state) {
    announce(gettext("The session has ended."));
    const s = state;
    const details = h(
      "div",
      { class: "stack" },
      h("p", { class: "muted", text: gettext("Loading results…") }),
    );
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
  // The series' trends (GET /series/{sid}/trends) hold the points with their labels, this session's
  // stored summary included: all of them for the series' owner; for a member of this session (a
  // co-organizer, a presenter: read-only, docs/api.md "Who reads the trends") its tracked activities,
  // with this session's point and up to 5 earlier ones. Should it fail, the earlier points the
  // session results carry ("trend") are shown instead.
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

  function summaryItem(a, r, trend = null) {
    const answers = r.total_responses ?? r.vote_count ?? 0;
    const renderer = typeOf(a).renderer;
    // count: a type that counts something else than answers says so in its own words (a Q&A's questions).
    const {
      content = null,
      note = null,
      count = null,
    } = renderer.summary ? renderer.summary(stageCtx(), a, r) : {};
    return h(
      "article",
      { class: "summary-item stack", dataset: { type: a.type } },
      h("h3", {
        text: fmt(gettext("%(label)s: %(heading)s"), {
          label: labelOf(a),
          heading: bidi(activityHeading(a)),
        }),
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

  return { show, item: summaryItem };
}
