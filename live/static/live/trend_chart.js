// The end summary's trend of a tracked activity (issue 27, docs/api.md "Version 1.2: series and trends"):
// a small line chart of the series' points, drawn here as inline SVG (no library, no CDN).
// It reads the summaries by their shape, never by type name: a summary keyed by ids (poll options,
// rating statements, ranking items) draws a line per id (the leading few), a single number (quiz's
// correct %, poker's median, a count) one line, a list of words (a word cloud) last time's words as text.
import { fmt, h } from "./common.js";

const SVG = "http://www.w3.org/2000/svg";
// A few lines stay readable on a card of the end screen; the others are left out (and it says so).
const MAX_LINES = 3;
const W = 300;
const H = 90;
const PAD = 8;

function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
  for (const c of children) if (c) el.appendChild(c);
  return el;
}

const num = (v) => (typeof v === "number" && Number.isFinite(v) ? v : null);
const round = (v) => (Number.isInteger(v) ? String(v) : v.toFixed(1));

/** The lines of an item: [{label, values: [number|null per point]}], or {words} for a list summary. */
function linesOf(item, points) {
  const shown = points.filter((p) => p.summary && !p.too_few);
  const last = shown[shown.length - 1]?.summary;
  if (!last) return { lines: [], more: 0 };
  if (Array.isArray(last.top)) return { words: last.top };
  const keys = Object.keys(last);
  // A one-number summary (quiz, poker, a count): its one value.
  if (keys.length === 1 && !item.labels) {
    const key = keys[0];
    return {
      lines: [{ label: null, values: points.map((p) => (p.too_few ? null : num(p.summary?.[key]))) }],
      more: 0,
    };
  }
  // Keyed by ids: the ids in every point first (matched), then the latest session's; the leading ones.
  const ids = (item.matched?.length ? item.matched : keys).filter((id) => num(last[id]) !== null);
  ids.sort((x, y) => last[y] - last[x]);
  const top = ids.slice(0, MAX_LINES);
  return {
    lines: top.map((id) => ({
      label: item.labels?.[id] || id,
      values: points.map((p) => (p.too_few ? null : num(p.summary?.[id]))),
    })),
    more: ids.length - top.length,
  };
}

/** The chart (a figure) of one tracked activity's points, oldest first, this session's last; null
 * when there is nothing to draw (no earlier session). */
export function trendChart(item, points) {
  if (!points || points.length < 2) return null;
  const { lines = [], words, more = 0 } = linesOf(item, points);
  const tooFew = points.some((p) => p.too_few);
  const tooFewNote = tooFew
    ? h("p", { class: "trend-note", text: gettext("Gaps: too few answers to show.") })
    : null;
  if (words) {
    const earlier = [...points.slice(0, -1)].reverse().find((p) => p.summary && !p.too_few);
    if (!earlier) return null;
    return h(
      "div",
      { class: "trend" },
      h("p", {
        class: "trend-words",
        text: fmt(gettext("Top words last time: %(words)s"), {
          words: earlier.summary.top.slice(0, 8).join(", "),
        }),
      }),
    );
  }
  if (!lines.length) return tooFewNote ? h("div", { class: "trend" }, tooFewNote) : null;
  const all = lines.flatMap((l) => l.values).filter((v) => v !== null);
  const lo = Math.min(0, ...all);
  const hi = Math.max(...all, lo + 1);
  const x = (i) => PAD + (i * (W - 2 * PAD)) / Math.max(points.length - 1, 1);
  const y = (v) => H - PAD - ((v - lo) * (H - 2 * PAD)) / (hi - lo);
  const children = [svg("line", { class: "trend-axis", x1: PAD, y1: H - PAD, x2: W - PAD, y2: H - PAD })];
  lines.forEach((line, n) => {
    // A too-few point breaks the line: one polyline per run of shown points.
    let run = [];
    const flush = () => {
      if (run.length)
        children.push(svg("polyline", { class: `trend-line trend-line-${n}`, points: run.join(" ") }));
      run = [];
    };
    line.values.forEach((v, i) => {
      if (v === null) {
        flush();
        return;
      }
      run.push(`${x(i).toFixed(1)},${y(v).toFixed(1)}`);
      // A dot: a zero-length line with round caps, so the stretched viewBox keeps it round.
      const [px, py] = [x(i).toFixed(1), y(v).toFixed(1)];
      children.push(svg("line", { class: `trend-dot trend-line-${n}`, x1: px, y1: py, x2: px, y2: py }));
    });
    flush();
  });
  const sayValues = (values) =>
    values.map((v) => (v === null ? gettext("too few answers") : round(v))).join(" → ");
  const legend = lines.map((line) =>
    line.label === null ? sayValues(line.values) : `${line.label}: ${sayValues(line.values)}`,
  );
  const label = fmt(
    ngettext(
      "Trend over %(n)s session, oldest first: %(values)s",
      "Trend over %(n)s sessions, oldest first: %(values)s",
      points.length,
    ),
    { n: points.length, values: legend.join("; ") },
  );
  const chart = svg("svg", {
    class: "trend-chart",
    viewBox: `0 0 ${W} ${H}`,
    preserveAspectRatio: "none",
    role: "img",
    "aria-label": label,
  });
  for (const c of children) chart.appendChild(c);
  return h(
    "div",
    { class: "trend" },
    chart,
    h(
      "ul",
      { class: "trend-legend", attrs: { "aria-hidden": "true" } },
      legend.map((text, n) => h("li", { class: `trend-key trend-line-${n}`, text })),
    ),
    more > 0
      ? h("p", {
          class: "trend-note",
          text: fmt(ngettext("%(n)s more line not shown", "%(n)s more lines not shown", more), { n: more }),
        })
      : null,
    tooFewNote,
  );
}
