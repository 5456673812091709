// Poll on the big screen: the bars as votes arrive; the end summary keeps the most chosen options.
import { bars, sentence } from "./results.js";

export default {
  stage: (ctx, a) => (a.results ? bars(ctx, a.results) : null),

  summary(ctx, a, r) {
    if (!r.options) return {};
    const keep = new Set(ctx.topRows(r.options.map((o) => [o.id, o.count]), ctx.SUMMARY_ROWS).map(([id]) => id));
    const options = r.options.filter((o) => keep.has(o.id));
    return { content: bars(ctx, { ...r, options }), note: ctx.cutNote(options.length, r.options.length, "options") };
  },

  sentence: (ctx, r) => sentence(ctx, r),
};
