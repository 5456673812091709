// Word-cloud results, shared by the phone and the big screen.

export function cloud(ui, results, { mine = [] } = {}) {
  const { h } = ui;
  const words = results.words || [];
  if (!words.length) return h("p", { class: "muted", text: gettext("No words yet.") });
  const max = Math.max(...words.map((w) => w.count));
  const min = Math.min(...words.map((w) => w.count));
  const mineKeys = mine.map((w) => w.toLowerCase());
  const list = h("ul", { class: "cloud", attrs: { "aria-label": gettext("Word cloud") } });
  for (const w of words) {
    const weight = max === min ? 0.5 : (w.count - min) / (max - min);
    list.appendChild(
      h(
        "li",
        {
          class: `cloud-word${mineKeys.includes(String(w.text).toLowerCase()) ? " mine" : ""}`,
          style: { fontSize: `${(1 + weight * 2.2).toFixed(2)}em` },
          dataset: { count: w.count },
        },
        h("span", { class: "cloud-text", text: w.text }),
        h("span", { class: "cloud-count", text: ` ${w.count}` }),
      ),
    );
  }
  return h(
    "div",
    { class: "results wordcloud-results", dataset: { total: results.total_responses || 0 } },
    list,
  );
}

export function sentence(ui, r) {
  if (!r || !(r.words || []).length) return null;
  const top = r.words.reduce((x, y) => (y.count > x.count ? y : x));
  // Spoken only (the live region is visually hidden): user text needs no bidi isolates here.
  // Translators: a screen reader's summary of a word cloud: its most given word and how many gave it.
  return ui.fmt(ngettext("Top word: %(word)s, %(n)s time.", "Top word: %(word)s, %(n)s times.", top.count), {
    word: top.text,
    n: top.count,
  });
}
