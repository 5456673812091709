// Planning-poker results, shared by the phone and the big screen. The cards come from the server
// (public config `cards`, or the distribution's own order, which is the deck's).

export function cardsOf(config) {
  if (Array.isArray(config.cards)) return config.cards;
  if (Array.isArray(config.deck)) return config.deck;
  return [];
}

export function distribution(ui, results, cards) {
  const { h, plural } = ui;
  const dist = results.distribution || {};
  const entries = Object.entries(dist);
  const ordered = cards ? cards.filter((c) => dist[c]).map((c) => [c, dist[c]]) : entries;
  for (const [c, n] of entries) if (!ordered.find(([k]) => k === c)) ordered.push([c, n]);
  const max = Math.max(1, ...ordered.map(([, n]) => n));
  const list = h("ol", { class: `bars poker-bars${ui.manyClass(ordered.length)}`, attrs: { "aria-label": "Vote distribution" } });
  for (const [card, n] of ordered) {
    list.appendChild(h("li", { class: "bar-row", dataset: { card } },
      h("div", { class: "bar-label" },
        h("span", { class: "bar-text card-face", text: card }),
        h("span", { class: "bar-value", text: plural(n, "vote", "votes") })),
      h("div", { class: "bar-track", attrs: { "aria-hidden": "true" } },
        h("div", { class: "bar-fill", style: { width: `${(n / max) * 100}%` } }))));
  }
  const stats = h("dl", { class: "stats" },
    h("div", {}, h("dt", { text: "Votes" }), h("dd", { class: "stat-votes", text: results.vote_count ?? 0 })),
    h("div", {}, h("dt", { text: "Average" }), h("dd", { class: "stat-average", text: results.average ?? "–" })),
    h("div", {}, h("dt", { text: "Median" }), h("dd", { class: "stat-median", text: results.median ?? "–" })),
    h("div", {}, h("dt", { text: "Consensus" }), h("dd", { class: "stat-consensus", text: results.consensus ? "Yes" : "No" })));
  return h("div", { class: "results poker-results" }, list, stats);
}

export function sentence(ui, r) {
  if (!r || !r.revealed) return null;
  return `Cards revealed: ${ui.plural(r.vote_count || 0, "vote", "votes")}, average ${r.average ?? "none"}, median ${r.median ?? "none"}, ${r.consensus ? "consensus" : "no consensus"}.`;
}
