// Poll on the big screen: the bars as votes arrive; the end summary keeps the most chosen options.
// A tracked poll of a series also shows last session's share of each option as a faint bar behind
// the live one, and says it in words ("last time 40 %").
import { bars, sentence } from "./results.js";

/** Last session's point (results.previous, from the server) drawn into the bars, in place. */
function withPrevious(ctx, el, previous) {
  const { h, fmt, fmtPct } = ctx;
  if (!previous) return el;
  const summary = previous.summary;
  if (!summary) {
    // Translators: beside a poll on the big screen when last session's answers were too few to show.
    el.appendChild(h("p", { class: "muted previous-note", text: gettext("Last time: too few answers") }));
    return el;
  }
  for (const row of el.querySelectorAll(".bar-row")) {
    const pct = summary[row.dataset.optionId];
    if (typeof pct !== "number") continue; // an option new since last time: nothing to compare
    const track = row.querySelector(".bar-track");
    const fill = row.querySelector(".bar-fill");
    track.style.position = "relative";
    fill.style.position = "relative"; // the live bar stays on top of last time's
    track.insertBefore(
      h("div", {
        class: "bar-previous",
        style: {
          position: "absolute",
          inset: "0 auto 0 0",
          width: `${Math.min(100, pct)}%`,
          background: "var(--muted)",
          opacity: "0.35",
          borderRadius: "999px",
        },
      }),
      fill,
    );
    row.querySelector(".bar-label").appendChild(
      h("span", {
        class: "bar-previous-value muted",
        // Translators: beside a poll option on the big screen: its share in the series' last session.
        text: fmt(gettext("last time %(pct)s"), { pct: fmtPct(pct) }),
      }),
    );
  }
  return el;
}

export default {
  // An option's picture (contract v1.2) goes in its bar, beside its label: the stage keeps its room
  // for the bars at every size. A tracked poll shows last session's share behind each bar.
  stage: (ctx, a) =>
    a.results
      ? withPrevious(ctx, bars(ctx, a.results, { options: a.config?.options }), a.results.previous)
      : null,

  summary(ctx, a, r) {
    if (!r.options) return {};
    const keep = new Set(
      ctx
        .topRows(
          r.options.map((o) => [o.id, o.count]),
          ctx.SUMMARY_ROWS,
        )
        .map(([id]) => id),
    );
    const options = r.options.filter((o) => keep.has(o.id));
    const total = r.options.length;
    const note =
      options.length < total
        ? ctx.fmt(
            // Translators: under the end summary of a poll that shows only its most chosen options.
            ngettext("Top %(shown)s of %(total)s option", "Top %(shown)s of %(total)s options", total),
            { shown: options.length, total },
          )
        : null;
    return { content: bars(ctx, { ...r, options }, { options: a.config?.options }), note };
  },

  sentence: (ctx, r) => sentence(ctx, r),
};
