// Rating results, shared by the phone and the big screen: per statement its average (as a number and
// a bar on the scale) and its distribution (a stacked bar whose segments have their counts as text).

export function scaleOf(config) {
  const low = Number.isInteger(config.scale_min) ? config.scale_min : 1;
  const high = Number.isInteger(config.scale_max) ? config.scale_max : 5;
  const values = [];
  for (let v = low; v <= high; v++) values.push(v);
  return { low, high, values };
}

function fmtAvg(avg) {
  return avg === null || avg === undefined ? "–" : String(Number(avg).toFixed(2)).replace(/\.?0+$/, "");
}

export function ratings(ui, results, config, { mine = {} } = {}) {
  const { h, plural } = ui;
  const { low, high } = scaleOf(config);
  const statements = results.statements || [];
  const list = h("ol", { class: `rating-results${ui.manyClass(statements.length)}`, attrs: { "aria-label": "Ratings" } });
  for (const s of statements) {
    const dist = Object.entries(s.distribution || {});
    const count = s.count || 0;
    const avgWidth = s.average === null || s.average === undefined ? 0 : ((s.average - low) / Math.max(1, high - low)) * 100;
    const mineValue = mine[s.id];
    list.appendChild(h("li", { class: "rating-row", dataset: { statementId: s.id } },
      h("div", { class: "bar-label" },
        h("span", { class: "bar-text", text: s.label }),
        h("span", { class: "rating-average", text: `${fmtAvg(s.average)} avg · ${plural(count, "rating", "ratings")}` })),
      h("div", { class: "bar-track rating-avg-track", attrs: { "aria-hidden": "true" } },
        h("div", { class: "bar-fill", style: { width: `${avgWidth}%` } })),
      h("div", { class: "rating-dist-bar", attrs: { "aria-hidden": "true" } },
        dist.map(([value, n]) => (n ? h("span", {
          class: "rating-seg", dataset: { value, count: n },
          style: { width: `${(n / Math.max(1, count)) * 100}%`, "--shade": String((Number(value) - low) / Math.max(1, high - low)) },
        }) : null))),
      h("p", { class: "rating-dist" },
        h("span", { class: "visually-hidden", text: "Distribution: " }),
        dist.map(([value, n]) => h("span", {
          class: `rating-dist-item${String(mineValue) === value ? " mine" : ""}`, dataset: { value }, text: `${value}: ${n}`,
        })))));
  }
  const ends = [config.min_label ? `${low} = ${config.min_label}` : null, config.max_label ? `${high} = ${config.max_label}` : null].filter(Boolean);
  return h("div", { class: "results rating-results-wrap", dataset: { total: results.total_responses || 0 } },
    ends.length ? h("p", { class: "muted rating-scale-note", text: `Scale ${low}–${high}: ${ends.join(", ")}` }) : h("p", { class: "muted rating-scale-note", text: `Scale ${low}–${high}` }),
    list);
}

export function sentence(ui, r) {
  if (!r || !r.total_responses) return null;
  const rated = (r.statements || []).filter((s) => s.average !== null && s.average !== undefined);
  if (!rated.length) return null;
  const top = rated.reduce((x, y) => (y.average > x.average ? y : x));
  return `Ratings from ${ui.plural(r.total_responses, "person", "people")}. Highest: ${top.label}, average ${fmtAvg(top.average)}.`;
}
