// Ranking on the big screen: the room's order with points and average rank.
import { ranks, sentence } from "./results.js";

export default {
  stage: (ctx, a) => (a.results ? ranks(ctx, a.results) : null),

  summary(ctx, a, r) {
    const all = r.items || [];
    const items = all.slice(0, ctx.SUMMARY_ROWS);
    return { content: ranks(ctx, { ...r, items }), note: ctx.cutNote(items.length, all.length, "items") };
  },

  sentence: (ctx, r) => sentence(ctx, r),
};
