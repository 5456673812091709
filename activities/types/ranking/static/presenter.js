// Ranking on the big screen: the room's order with points and average rank.
import { ranks, sentence } from "./results.js";

export default {
  stage: (ctx, a) => (a.results ? ranks(ctx, a.results, { items: a.config?.items }) : null),

  summary(ctx, a, r) {
    const all = r.items || [];
    const items = all.slice(0, ctx.SUMMARY_ROWS);
    const total = all.length;
    const note =
      items.length < total
        ? // Translators: under the end summary of a ranking that shows only its first items.
          ctx.fmt(ngettext("Top %(shown)s of %(total)s item", "Top %(shown)s of %(total)s items", total), {
            shown: items.length,
            total,
          })
        : null;
    return { content: ranks(ctx, { ...r, items }, { items: a.config?.items }), note };
  },

  sentence: (ctx, r) => sentence(ctx, r),
};
