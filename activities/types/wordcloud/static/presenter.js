// Word cloud on the big screen; the end summary keeps the most given words.
import { cloud, sentence } from "./results.js";

export default {
  stage: (ctx, a) => (a.results ? cloud(ctx, a.results) : null),

  summary(ctx, a, r) {
    const all = r.words || [];
    const words = ctx.topRows(all.map((w) => [w, w.count]), ctx.SUMMARY_WORDS).map(([w]) => w);
    return { content: cloud(ctx, { ...r, words }), note: ctx.cutNote(words.length, all.length, "words") };
  },

  sentence: (ctx, r) => sentence(ctx, r),
};
