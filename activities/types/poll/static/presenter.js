// Poll on the big screen: the bars as votes arrive; the end summary keeps the most chosen options.
import { bars, sentence } from "./results.js";

export default {
  // An option's picture (contract v1.2) goes in its bar, beside its label: the stage keeps its room
  // for the bars at every size.
  stage: (ctx, a) => (a.results ? bars(ctx, a.results, { options: a.config?.options }) : null),

  summary(ctx, _a, r) {
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
    return { content: bars(ctx, { ...r, options }), note };
  },

  sentence: (ctx, r) => sentence(ctx, r),
};
