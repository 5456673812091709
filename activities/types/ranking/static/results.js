// Ranking results, shared by the phone and the big screen: the room's order (Borda points, sorted by
// the server) with each item's points as a bar and as text, and its average rank.

export function ranks(ui, results, { mine = [] } = {}) {
  const { h } = ui;
  const items = results.items || [];
  const max = Math.max(1, ...items.map((i) => i.points || 0));
  const list = h("ol", { class: `bars ranking-results${ui.manyClass(items.length)}`, attrs: { "aria-label": "The room's ranking" } });
  items.forEach((item, i) => {
    const myPlace = mine.indexOf(item.id);
    list.appendChild(h("li", { class: "bar-row ranking-row", dataset: { itemId: item.id, place: i + 1 } },
      h("div", { class: "bar-label" },
        h("span", { class: "bar-text" }, h("span", { class: "rank-place", text: `${i + 1}. ` }), item.label,
          myPlace >= 0 ? h("span", { class: "muted rank-mine", text: ` (you: #${myPlace + 1})` }) : null),
        h("span", { class: "bar-value", text: `${item.points} pts · avg rank ${item.average_rank ?? "–"}` })),
      h("div", { class: "bar-track", attrs: { "aria-hidden": "true" } },
        h("div", { class: "bar-fill", style: { width: `${((item.points || 0) / max) * 100}%` } }))));
  });
  return h("div", { class: "results ranking-results-wrap", dataset: { total: results.total_responses || 0 } }, list);
}

export function sentence(ui, r) {
  if (!r || !r.total_responses || !(r.items || []).length) return null;
  const top = r.items[0];
  return `Ranking from ${ui.plural(r.total_responses, "person", "people")}: first ${top.label}, ${ui.plural(top.points, "point", "points")}.`;
}
