// Poll results, shared by the phone (poll/phone.js) and the big screen (poll/presenter.js).
// `ui` is the pages' helper set (common.js `ui`); user text reaches the DOM through ui.h only.

// A bar's length is its share of the responses (not of the leader's count): 2 of 3 fills two thirds.
function share(count, total) {
  return total ? Math.min(100, (count / total) * 100) : 0;
}

export function bars(ui, results, { mine = [], options = [] } = {}) {
  const { h } = ui;
  // The options' pictures (the config's options, in their public form), by option id.
  const pictures = ui.picturesById(options);
  const total = results.total_responses || 0;
  const list = h("ol", {
    class: `bars${ui.manyClass(results.options.length)}`,
    attrs: { "aria-label": gettext("Results") },
  });
  for (const o of results.options) {
    const row = h(
      "li",
      { class: `bar-row${mine.includes(o.id) ? " mine" : ""}`, dataset: { optionId: o.id } },
      h(
        "div",
        { class: "bar-label" },
        h("span", { class: "bar-text", text: o.label }),
        h("span", { class: "bar-value", text: `${o.count} · ${ui.fmtPct(o.percentage)}` }),
      ),
      h(
        "div",
        { class: "bar-track", attrs: { "aria-hidden": "true" } },
        h("div", { class: "bar-fill", style: { width: `${share(o.count, total)}%` } }),
      ),
    );
    ui.labelPicture(row.querySelector(".bar-text"), pictures.get(o.id));
    list.appendChild(row);
  }
  return h("div", { class: "results poll-results", dataset: { total } }, list);
}

/** What a screen reader hears of the results (see common.js Announcer), or null. */
export function sentence(ui, r) {
  if (!r?.options || !r.total_responses) return null;
  const top = [...r.options].sort((x, y) => y.count - x.count)[0];
  // Spoken only (the live region is visually hidden): user text needs no bidi isolates here.
  const total = ui.fmt(ngettext("%(n)s response", "%(n)s responses", r.total_responses), {
    n: r.total_responses,
  });
  return ui.fmt(
    ngettext(
      // Translators: a screen reader's summary of a poll's results; %(total)s is e.g. "12 responses".
      "Results: %(label)s leads with %(n)s vote of %(total)s.",
      "Results: %(label)s leads with %(n)s votes of %(total)s.",
      top.count,
    ),
    { label: top.label, n: top.count, total },
  );
}
