// Rating on the phone: per statement one row of large buttons (scale_min..scale_max, aria-pressed),
// the scale's end labels, then send; the room's averages once answered.
import { ratings, scaleOf, sentence } from "./results.js";

export default {
  form(ctx) {
    const { h } = ctx;
    const c = ctx.config;
    const { low, high, values } = scaleOf(c);
    const chosen = { ...((ctx.mine && ctx.mine.ratings) || {}) };
    const button = h("button", { type: "submit", class: "btn btn-primary", text: ctx.mine ? "Update ratings" : "Send ratings" });
    const rows = (c.statements || []).map((s, i) => {
      const labelId = `statement-${i}`;
      const ends = h("p", { class: "hint rating-ends", attrs: { "aria-hidden": "true" } },
        h("span", { text: c.min_label ? `${low}: ${c.min_label}` : `${low}` }),
        h("span", { text: c.max_label ? `${high}: ${c.max_label}` : `${high}` }));
      const group = h("div", { class: "rating-scale", attrs: { role: "group", "aria-labelledby": labelId } });
      for (const v of values) {
        const words = v === low && c.min_label ? ` (${c.min_label})` : v === high && c.max_label ? ` (${c.max_label})` : "";
        const b = h("button", {
          type: "button", class: "rating-value", text: String(v), dataset: { value: v },
          attrs: { "aria-pressed": chosen[s.id] === v ? "true" : "false", "aria-label": `${v} of ${high}${words}` },
        });
        b.addEventListener("click", () => {
          chosen[s.id] = v;
          for (const x of group.querySelectorAll("button")) x.setAttribute("aria-pressed", x === b ? "true" : "false");
        });
        group.appendChild(b);
      }
      return h("div", { class: "rating-statement stack", dataset: { statementId: s.id } },
        h("p", { class: "rating-label", id: labelId, text: s.label }), group, ends);
    });
    const form = h("form", { class: "stack answer-form", id: "answer-form", attrs: { novalidate: "" } },
      h("p", { class: "hint", text: `Rate each statement from ${low} to ${high}.` }), rows, button);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      if (!Object.keys(chosen).length) { ctx.feedback("Rate at least one statement first.", true); return; }
      button.disabled = true;
      await ctx.submit({ ratings: { ...chosen } });
      button.disabled = false;
    });
    return form;
  },

  mine(ctx, m) {
    const labels = Object.fromEntries((ctx.config.statements || []).map((s) => [s.id, s.label]));
    return ["Your ratings: ", Object.entries(m.ratings || {}).map(([id, v]) => `${labels[id] || id} ${v}`).join(", ")];
  },

  update(ctx) {
    const r = ctx.activity.results;
    if (r && ctx.mine) ctx.replace(ctx.els.results, ctx.h("h3", { text: "Results so far" }), ratings(ctx, r, ctx.config, { mine: ctx.mine.ratings || {} }));
    else ctx.clear(ctx.els.results);
  },

  sentence: (ctx, r) => sentence(ctx, r),
};
