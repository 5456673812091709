// Rating results, shared by the phone and the big screen: per statement its average (as a number and
// a bar on the scale) and its distribution (a stacked bar whose segments have their counts as text).

export function scaleOf(config) {
  const low = Number.isInteger(config.scale_min) ? config.scale_min : 1;
  const high = Number.isInteger(config.scale_max) ? config.scale_max : 5;
  const values = [];
  for (let v = low; v <= high; v++) values.push(v);
  return { low, high, values };
}

// The distribution's colours: viridis, a sequential scale that stays ordered and distinguishable for the
// common colour-vision deficiencies (it varies in lightness, not only in hue), and a pattern per value on
// top (solid, stripes, dots, cross stripes), so neighbouring values differ without colour at all.
const VIRIDIS = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];
const PATTERNS = 4;

/** The colour (rgb()) at t in [0, 1] of the scale, and the ink its pattern is drawn in. */
export function valueColor(t) {
  const x = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const rgb = VIRIDIS[i].map((c, k) => Math.round(c + (VIRIDIS[i + 1][k] - c) * f));
  // Light colours get a dark pattern, dark ones a light one (relative luminance, roughly).
  const light = 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2] > 110;
  return { color: `rgb(${rgb.join(", ")})`, ink: light ? "rgba(0, 0, 0, .55)" : "rgba(255, 255, 255, .6)" };
}

/** The class and style of a value's segment or legend swatch (the same look in both). */
function look(value, low, high) {
  const t = (Number(value) - low) / Math.max(1, high - low);
  const { color, ink } = valueColor(t);
  return {
    class: `pattern-${(Number(value) - low) % PATTERNS}`,
    style: { "--seg-color": color, "--seg-ink": ink },
  };
}

export function fmtAvg(ui, avg) {
  return avg === null || avg === undefined ? "–" : ui.fmtNum(avg, 2);
}

export function ratings(ui, results, config, { mine = {} } = {}) {
  const { h, fmt, bidi } = ui;
  const { low, high } = scaleOf(config);
  const statements = results.statements || [];
  // The statements' pictures (the config's, in their public form) at the start of their labels.
  const pictures = ui.picturesById(config.statements);
  const list = h("ol", {
    class: `rating-results${ui.manyClass(statements.length)}`,
    attrs: { "aria-label": gettext("Ratings") },
  });
  for (const s of statements) {
    const dist = Object.entries(s.distribution || {});
    const count = s.count || 0;
    const avgWidth =
      s.average === null || s.average === undefined ? 0 : ((s.average - low) / Math.max(1, high - low)) * 100;
    const mineValue = mine[s.id];
    list.appendChild(
      h(
        "li",
        { class: "rating-row", dataset: { statementId: s.id } },
        h(
          "div",
          { class: "bar-label" },
          ui.labelPicture(h("span", { class: "bar-text", text: s.label }), pictures.get(s.id)),
          h("span", {
            class: "rating-average",
            text: count
              ? // Translators: a statement's average rating, e.g. "3.5 avg".
                `${fmt(gettext("%(average)s avg"), { average: fmtAvg(ui, s.average) })} · ${fmt(ngettext("%(n)s rating", "%(n)s ratings", count), { n: count })}`
              : // Translators: a rating statement nobody has rated yet (instead of "– avg · 0 ratings").
                gettext("No ratings yet"),
          }),
        ),
        h(
          "div",
          { class: "bar-track rating-avg-track", attrs: { "aria-hidden": "true" } },
          h("div", { class: "bar-fill", style: { width: `${avgWidth}%` } }),
        ),
        h(
          "div",
          { class: "rating-dist-bar", attrs: { "aria-hidden": "true" } },
          dist.map(([value, n]) =>
            n
              ? h("span", {
                  class: `rating-seg ${look(value, low, high).class}`,
                  dataset: { value, count: n },
                  style: { width: `${(n / Math.max(1, count)) * 100}%`, ...look(value, low, high).style },
                })
              : null,
          ),
        ),
        h(
          "p",
          { class: "rating-dist" },
          // Translators: for screen readers, followed by "value: count" pairs; keep the space at the end.
          h("span", { class: "visually-hidden", text: gettext("Distribution: ") }),
          dist.map(([value, n]) =>
            h("span", {
              class: `rating-dist-item${String(mineValue) === value ? " mine" : ""}`,
              dataset: { value },
              text: `${value}: ${n}`,
            }),
          ),
        ),
      ),
    );
  }
  // The scale's end labels are the organizer's text, shown inside a sentence: isolated (bidi).
  const ends = [
    config.min_label ? `${low} = ${bidi(config.min_label)}` : null,
    config.max_label ? `${high} = ${bidi(config.max_label)}` : null,
  ].filter(Boolean);
  const scale = ends.length
    ? // Translators: the rating scale above the results, e.g. "Scale 1–5: 1 = Disagree, 5 = Agree".
      fmt(gettext("Scale %(low)s–%(high)s: %(ends)s"), { low, high, ends: ends.join(", ") })
    : // Translators: the rating scale above the results, e.g. "Scale 1–5".
      fmt(gettext("Scale %(low)s–%(high)s"), { low, high });
  // The legend of the stacked bars: a swatch per value of the scale, in its colour and pattern (the
  // numbers under each bar say the same for screen readers, so the legend is for the eyes only).
  const { values } = scaleOf(config);
  const legend = h(
    "ul",
    { class: "rating-legend", attrs: { "aria-hidden": "true" } },
    values.map((v) =>
      h(
        "li",
        { class: "rating-legend-item", dataset: { value: String(v) } },
        h("span", { class: `rating-swatch ${look(v, low, high).class}`, style: look(v, low, high).style }),
        h("span", { class: "rating-legend-value", text: String(v) }),
      ),
    ),
  );
  return h(
    "div",
    { class: "results rating-results-wrap", dataset: { total: results.total_responses || 0 } },
    h("div", { class: "rating-key" }, h("p", { class: "muted rating-scale-note", text: scale }), legend),
    list,
  );
}

export function sentence(ui, r) {
  if (!r?.total_responses) return null;
  const rated = (r.statements || []).filter((s) => s.average !== null && s.average !== undefined);
  if (!rated.length) return null;
  const top = rated.reduce((x, y) => (y.average > x.average ? y : x));
  // Spoken only (the live region is visually hidden): user text needs no bidi isolates here.
  return ui.fmt(
    ngettext(
      // Translators: a screen reader's summary of a rating scale: how many rated, the best-rated statement.
      "Ratings from %(n)s person. Highest: %(label)s, average %(average)s.",
      "Ratings from %(n)s people. Highest: %(label)s, average %(average)s.",
      r.total_responses,
    ),
    { n: r.total_responses, label: top.label, average: fmtAvg(ui, top.average) },
  );
}
