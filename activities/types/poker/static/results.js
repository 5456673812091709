// Planning-poker results, shared by the phone and the big screen. The cards come from the server
// (public config `cards`, or the distribution's own order, which is the deck's).

export function cardsOf(config) {
  if (Array.isArray(config.cards)) return config.cards;
  if (Array.isArray(config.deck)) return config.deck;
  return [];
}

/** How a card shows on screen: the built-in decks' coffee card (a break) in the page's language. */
export function cardName(card) {
  // Translators: the planning-poker card that asks for a break.
  return card === "coffee" ? gettext("coffee") : card;
}

export function distribution(ui, results, cards) {
  const { h, fmt } = ui;
  const dist = results.distribution || {};
  const entries = Object.entries(dist);
  const ordered = cards ? cards.filter((c) => dist[c]).map((c) => [c, dist[c]]) : entries;
  for (const [c, n] of entries) if (!ordered.find(([k]) => k === c)) ordered.push([c, n]);
  const max = Math.max(1, ...ordered.map(([, n]) => n));
  const list = h("ol", {
    class: `bars poker-bars${ui.manyClass(ordered.length)}`,
    attrs: { "aria-label": gettext("Vote distribution") },
  });
  for (const [card, n] of ordered) {
    list.appendChild(
      h(
        "li",
        { class: "bar-row", dataset: { card } },
        h(
          "div",
          { class: "bar-label" },
          h("span", { class: "bar-text card-face", text: cardName(card) }),
          h("span", { class: "bar-value", text: fmt(ngettext("%(n)s vote", "%(n)s votes", n), { n }) }),
        ),
        h(
          "div",
          { class: "bar-track", attrs: { "aria-hidden": "true" } },
          h("div", { class: "bar-fill", style: { width: `${(n / max) * 100}%` } }),
        ),
      ),
    );
  }
  const stats = h(
    "dl",
    { class: "stats" },
    h(
      "div",
      {},
      h("dt", { text: gettext("Votes") }),
      h("dd", { class: "stat-votes", text: results.vote_count ?? 0 }),
    ),
    h(
      "div",
      {},
      h("dt", { text: gettext("Average") }),
      h("dd", { class: "stat-average", text: results.average == null ? "–" : ui.fmtNum(results.average) }),
    ),
    h(
      "div",
      {},
      h("dt", { text: gettext("Median") }),
      h("dd", { class: "stat-median", text: results.median == null ? "–" : ui.fmtNum(results.median) }),
    ),
    h(
      "div",
      {},
      h("dt", { text: gettext("Consensus") }),
      // Translators: whether every vote of a planning-poker round was the same card.
      h("dd", { class: "stat-consensus", text: results.consensus ? gettext("Yes") : gettext("No") }),
    ),
  );
  return h("div", { class: "results poker-results" }, list, stats);
}

export function sentence(ui, r) {
  if (!r?.revealed) return null;
  const n = r.vote_count || 0;
  // Translators: an average or median of planning-poker votes that does not exist (no numeric card voted).
  const none = gettext("none");
  const args = { n, average: r.average ?? none, median: r.median ?? none };
  return r.consensus
    ? ui.fmt(
        ngettext(
          "Cards revealed: %(n)s vote, average %(average)s, median %(median)s, consensus.",
          "Cards revealed: %(n)s votes, average %(average)s, median %(median)s, consensus.",
          n,
        ),
        args,
      )
    : ui.fmt(
        ngettext(
          "Cards revealed: %(n)s vote, average %(average)s, median %(median)s, no consensus.",
          "Cards revealed: %(n)s votes, average %(average)s, median %(median)s, no consensus.",
          n,
        ),
        args,
      );
}
