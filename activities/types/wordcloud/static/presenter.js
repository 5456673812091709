// Word cloud on the big screen; the end summary keeps the most given words.
import { cloud, sentence } from "./results.js";

export default {
  stage: (ctx, a) => (a.results ? cloud(ctx, a.results) : null),

  summary(ctx, _a, r) {
    const all = r.words || [];
    const words = ctx
      .topRows(
        all.map((w) => [w, w.count]),
        ctx.SUMMARY_WORDS,
      )
      .map(([w]) => w);
    const total = all.length;
    const note =
      words.length < total
        ? // Translators: under the end summary of a word cloud that shows only the most given words.
          ctx.fmt(ngettext("Top %(shown)s of %(total)s word", "Top %(shown)s of %(total)s words", total), {
            shown: words.length,
            total,
          })
        : null;
    return { content: cloud(ctx, { ...r, words }), note };
  },

  sentence: (ctx, r) => sentence(ctx, r),
};
