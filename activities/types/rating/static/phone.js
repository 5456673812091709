// Rating on the phone: per statement one row of large buttons (scale_min..scale_max, aria-pressed),
// the scale's end labels, then send; the room's averages once answered.
import { ratings, scaleOf, sentence } from "./results.js";

export default {
  form(ctx) {
    const { h } = ctx;
    const c = ctx.config;
    const { low, high, values } = scaleOf(c);
    const chosen = { ...(ctx.mine?.ratings || {}) };
    let warned = false; // "Rate at least one statement first." is on screen: it goes with the first rating
    const button = h("button", {
      type: "submit",
      class: "btn btn-primary",
      text: ctx.mine ? gettext("Update ratings") : gettext("Send ratings"),
    });
    const rows = (c.statements || []).map((s, i) => {
      const labelId = `statement-${i}`;
      const ends = h(
        "p",
        { class: "hint rating-ends", attrs: { "aria-hidden": "true" } },
        // The end labels are the organizer's text: isolated from the number before them.
        h("span", {}, `${low}`, c.min_label ? [": ", h("bdi", { text: c.min_label })] : null),
        h("span", {}, `${high}`, c.max_label ? [": ", h("bdi", { text: c.max_label })] : null),
      );
      const group = h("div", { class: "rating-scale", attrs: { role: "group", "aria-labelledby": labelId } });
      for (const v of values) {
        const words = v === low ? c.min_label : v === high ? c.max_label : null;
        // Spoken only (aria-label): the scale's end label needs no bidi isolates here.
        const name = words
          ? // Translators: a rating button for screen readers, e.g. "1 of 5 (Disagree)" (the scale's end label).
            ctx.fmt(gettext("%(value)s of %(max)s (%(label)s)"), { value: v, max: high, label: words })
          : // Translators: a rating button for screen readers, e.g. "3 of 5".
            ctx.fmt(gettext("%(value)s of %(max)s"), { value: v, max: high });
        const b = h("button", {
          type: "button",
          class: "rating-value",
          text: String(v),
          dataset: { value: v },
          attrs: { "aria-pressed": chosen[s.id] === v ? "true" : "false", "aria-label": name },
        });
        b.addEventListener("click", () => {
          chosen[s.id] = v;
          for (const x of group.querySelectorAll("button"))
            x.setAttribute("aria-pressed", x === b ? "true" : "false");
          if (warned) {
            warned = false;
            ctx.feedback("");
          }
        });
        group.appendChild(b);
      }
      return h(
        "div",
        { class: "rating-statement stack", dataset: { statementId: s.id } },
        h("p", { class: "rating-label", id: labelId, text: s.label }),
        // The statement's picture (contract v1.2) between its label and its scale.
        ctx.picture(s.image, { lazy: true, maxHeight: "30vh", cls: "picture statement-picture" }),
        group,
        ends,
      );
    });
    const form = h(
      "form",
      { class: "stack answer-form", id: "answer-form", attrs: { novalidate: "" } },
      h("p", {
        class: "hint",
        text: ctx.fmt(gettext("Rate each statement from %(low)s to %(high)s."), { low, high }),
      }),
      rows,
      button,
    );
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      if (!Object.keys(chosen).length) {
        warned = true;
        ctx.feedback(gettext("Rate at least one statement first."), true);
        return;
      }
      button.disabled = true;
      await ctx.submit({ ratings: { ...chosen } });
      button.disabled = false;
    });
    return form;
  },

  mine(ctx, m) {
    const labels = Object.fromEntries((ctx.config.statements || []).map((s) => [s.id, s.label]));
    return [
      // Translators: followed by the participant's ratings, in bold; keep the space at the end.
      gettext("Your ratings: "),
      // A list: each statement isolated from its number.
      Object.entries(m.ratings || {}).map(([id, v]) =>
        ctx.h("span", {}, ctx.h("bdi", { text: labels[id] || id }), ` ${v}`),
      ),
    ];
  },

  update(ctx) {
    const r = ctx.activity.results;
    if (r && ctx.mine)
      ctx.replace(
        ctx.els.results,
        ctx.h("h3", { text: gettext("Results so far") }),
        ratings(ctx, r, ctx.config, { mine: ctx.mine.ratings || {} }),
      );
    else ctx.clear(ctx.els.results);
  },

  sentence: (ctx, r) => sentence(ctx, r),
};
