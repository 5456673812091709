// Rating on the big screen: per statement its average and distribution, numbers as text.
import { ratings, sentence } from "./results.js";

export default {
  stage: (ctx, a) => (a.results ? ratings(ctx, a.results, a.config || {}) : null),

  summary(ctx, a, r) {
    const all = r.statements || [];
    const statements = all.slice(0, ctx.SUMMARY_ROWS);
    return { content: ratings(ctx, { ...r, statements }, a.config || {}), note: ctx.cutNote(statements.length, all.length, "statements") };
  },

  sentence: (ctx, r) => sentence(ctx, r),
};
