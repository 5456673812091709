// Ranking results, shared by the phone and the big screen: the room's order (Borda points, sorted by
// the server) with each item's points as a bar and as text, and its average rank.

export function ranks(ui, results, { mine = [], items: configItems = [] } = {}) {
  const { h, fmt } = ui;
  // The items' pictures (the config's, in their public form) at the start of their labels.
  const pictures = ui.picturesById(configItems);
  const items = results.items || [];
  const max = Math.max(1, ...items.map((i) => i.points || 0));
  const list = h("ol", {
    class: `bars ranking-results${ui.manyClass(items.length)}`,
    attrs: { "aria-label": gettext("The room's ranking") },
  });
  items.forEach((item, i) => {
    const myPlace = mine.indexOf(item.id);
    // The place, then the item's picture (in the label's line), then its label.
    const text = ui.labelPicture(
      h(
        "span",
        { class: "bar-text" },
        item.label,
        myPlace >= 0
          ? h("span", {
              class: "muted rank-mine",
              // Translators: after an item of the room's ranking, where the participant put it; keep the space at the start.
              text: fmt(gettext(" (you: #%(place)s)"), { place: myPlace + 1 }),
            })
          : null,
      ),
      pictures.get(item.id),
    );
    text.insertBefore(h("span", { class: "rank-place", text: `${i + 1}. ` }), text.firstChild);
    list.appendChild(
      h(
        "li",
        { class: "bar-row ranking-row", dataset: { itemId: item.id, place: i + 1 } },
        h(
          "div",
          { class: "bar-label" },
          text,
          h("span", {
            class: "bar-value",
            text: `${pts(ui, item.points)} · ${avgRank(ui, item.average_rank)}`,
          }),
        ),
        h(
          "div",
          { class: "bar-track", attrs: { "aria-hidden": "true" } },
          h("div", { class: "bar-fill", style: { width: `${((item.points || 0) / max) * 100}%` } }),
        ),
      ),
    );
  });
  return h(
    "div",
    { class: "results ranking-results-wrap", dataset: { total: results.total_responses || 0 } },
    list,
  );
}

function pts(ui, n) {
  // Translators: an item's Borda points in the room's ranking, abbreviated (the same in both English forms).
  return ui.fmt(ngettext("%(n)s pts", "%(n)s pts", n), { n });
}

function avgRank(ui, rank) {
  // Translators: an item's average place in the participants' rankings ("–" when nobody ranked it).
  return ui.fmt(gettext("avg rank %(rank)s"), { rank: rank ?? "–" });
}

export function sentence(ui, r) {
  if (!r?.total_responses || !(r.items || []).length) return null;
  const top = r.items[0];
  // Spoken only (the live region is visually hidden): user text needs no bidi isolates here.
  const points = ui.fmt(ngettext("%(n)s point", "%(n)s points", top.points), { n: top.points });
  return ui.fmt(
    ngettext(
      // Translators: a screen reader's summary of a ranking; %(points)s is e.g. "12 points".
      "Ranking from %(n)s person: first %(label)s, %(points)s.",
      "Ranking from %(n)s people: first %(label)s, %(points)s.",
      r.total_responses,
    ),
    { n: r.total_responses, label: top.label, points },
  );
}
