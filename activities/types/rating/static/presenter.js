// Rating on the big screen: per statement its average and distribution, numbers as text.
import { ratings, sentence } from "./results.js";

export default {
  stage: (ctx, a) => (a.results ? ratings(ctx, a.results, a.config || {}) : null),

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
