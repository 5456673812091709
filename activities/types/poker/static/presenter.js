// Planning poker on the big screen: card backs while votes are hidden, the distribution once revealed.
import { cardsOf, distribution, sentence } from "./results.js";

/** The series' last session's median beside the revealed cards (results.previous), in place. */
function withPrevious(ctx, el, previous) {
  const { h, fmt } = ctx;
  if (!previous) return el;
  const median = previous.summary ? previous.summary.median : null;
  if (previous.summary && (median === null || median === undefined)) return el; // no numeric vote then
  el.appendChild(
    h("p", {
      class: "muted poker-previous",
      text: previous.summary
        ? // Translators: under planning poker's revealed cards: the median of the series' last session.
          fmt(gettext("Previous median: %(median)s"), { median })
        : gettext("Last time: too few answers"),
    }),
  );
  return el;
}

export default {
  revealLabel: gettext("Reveal cards"),

  stage(ctx, a) {
    const { h, fmt } = ctx;
    const r = a.results || { revealed: false, vote_count: a.response_count || 0 };
    if (r.revealed) return withPrevious(ctx, distribution(ctx, r, cardsOf(a.config || {})), r.previous);
    const n = r.vote_count || 0;
    const shown = Math.min(n, 24);
    const backs = h("ul", { class: "card-backs", attrs: { "aria-hidden": "true" } });
    for (let i = 0; i < shown; i++) backs.appendChild(h("li", { class: "card-back" }));
    return h(
      "div",
      { class: "results poker-hidden" },
      backs,
      h("p", {
        class: "vote-count",
        id: "vote-count",
        text:
          n > shown
            ? fmt(
                ngettext(
                  // Translators: planning poker before the reveal; only %(shown)s card backs fit on the screen.
                  "%(n)s vote (%(shown)s shown), cards face down",
                  "%(n)s votes (%(shown)s shown), cards face down",
                  n,
                ),
                { n, shown },
              )
            : fmt(ngettext("%(n)s vote, cards face down", "%(n)s votes, cards face down", n), { n }),
      }),
    );
  },

  summary(ctx, _a, r) {
    if (!r.distribution) return {};
    const all = Object.keys(r.distribution); // the deck's order (the server's)
    const keep = new Set(ctx.topRows(Object.entries(r.distribution), ctx.SUMMARY_ROWS).map(([card]) => card));
    const cards = all.filter((c) => keep.has(c));
    const dist = Object.fromEntries(cards.map((c) => [c, r.distribution[c]]));
    const total = all.length;
    const note =
      cards.length < total
        ? // Translators: under the end summary of planning poker that shows only the most voted cards.
          ctx.fmt(ngettext("Top %(shown)s of %(total)s card", "Top %(shown)s of %(total)s cards", total), {
            shown: cards.length,
            total,
          })
        : null;
    return { content: distribution(ctx, { ...r, distribution: dist }, cards), note };
  },

  sentence: (ctx, r) => sentence(ctx, r),
};
