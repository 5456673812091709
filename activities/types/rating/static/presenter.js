// Rating on the big screen: per statement its average and distribution, numbers as text. A tracked
// rating of a series also shows each statement's average of the series' last session.
import { fmtAvg, ratings, sentence } from "./results.js";

/** Last session's averages (results.previous, from the server) beside today's, in place. */
function withPrevious(ctx, el, previous) {
  const { h, fmt } = ctx;
  if (!previous) return el;
  if (!previous.summary) {
    el.appendChild(h("p", { class: "muted previous-note", text: gettext("Last time: too few answers") }));
    return el;
  }
  for (const row of el.querySelectorAll(".rating-row")) {
    const avg = previous.summary[row.dataset.statementId];
    if (typeof avg !== "number") continue;
    row.querySelector(".bar-label").appendChild(
      h("span", {
        class: "rating-previous muted",
        // Translators: beside a rating statement on the big screen: its average in the series' last session.
        text: fmt(gettext("last time %(average)s avg"), { average: fmtAvg(ctx, avg) }),
      }),
    );
  }
  return el;
}

export default {
  stage: (ctx, a) =>
    a.results ? withPrevious(ctx, ratings(ctx, a.results, a.config || {}), a.results.previous) : null,

  summary(ctx, a, r) {
    const all = r.statements || [];
    // Two statements at most: each is a label, its average and its stacked bar under the legend, at
    // 16 px or more in a card of half the screen at 1280x720 (the fit test's summary).
    const statements = all.slice(0, Math.min(ctx.SUMMARY_ROWS, 2));
    const total = all.length;
    const note =
      statements.length < total
        ? ctx.fmt(
            // Translators: under the end summary of a rating scale that shows only its first statements.
            ngettext("Top %(shown)s of %(total)s statement", "Top %(shown)s of %(total)s statements", total),
            { shown: statements.length, total },
          )
        : null;
    return { content: ratings(ctx, { ...r, statements }, a.config || {}), note };
  },

  sentence: (ctx, r) => sentence(ctx, r),
};
