// Poll on the phone: choose one option (or several), see the results once answered.
import { bars, sentence } from "./results.js";

function labelOf(options, id) {
  const o = (options || []).find((x) => x.id === id);
  return o ? o.label : id;
}

export default {
  form(ctx) {
    const { h } = ctx;
    const c = ctx.config;
    const multiple = !!c.multiple;
    const chosen = new Set(ctx.mine?.option_ids || []);
    const max = multiple ? c.max_choices || c.options.length : 1;
    const inputs = [];
    const fieldset = h(
      "fieldset",
      { class: "choices" },
      // Translators: the hidden caption of a poll's options when the poll has no question.
      h("legend", { class: "visually-hidden", text: c.question || gettext("Choose") }),
      h("p", {
        class: "hint",
        text: multiple
          ? c.max_choices
            ? ctx.fmt(gettext("Choose up to %(n)s."), { n: c.max_choices })
            : gettext("Choose one or more.")
          : gettext("Choose one."),
      }),
    );
    c.options.forEach((o, i) => {
      const id = `opt-${i}`;
      const input = h("input", {
        type: multiple ? "checkbox" : "radio",
        name: "option",
        id,
        value: o.id,
        checked: chosen.has(o.id),
      });
      inputs.push(input);
      // An option's picture (contract v1.2) inside its label: tapping the picture chooses it; its alt
      // text is read with the label.
      const pic = ctx.picture(o.image, { lazy: true, maxHeight: "30vh", cls: "picture option-picture" });
      fieldset.appendChild(
        h(
          "label",
          { class: `choice${pic ? " with-picture" : ""}`, for: id },
          input,
          h("span", { text: o.label }),
          pic,
        ),
      );
    });
    const limit = () => {
      if (!multiple) return;
      const n = inputs.filter((x) => x.checked).length;
      for (const x of inputs) x.disabled = !x.checked && n >= max;
    };
    let warned = false; // "Choose an option first." is on screen
    fieldset.addEventListener("change", () => {
      limit();
      // An option chosen: the warning is no longer true.
      if (warned && inputs.some((x) => x.checked)) {
        warned = false;
        ctx.feedback("");
      }
    });
    limit();
    const button = h("button", {
      type: "submit",
      class: "btn btn-primary",
      text: ctx.mine ? gettext("Change answer") : gettext("Send answer"),
    });
    const form = h("form", { class: "stack answer-form", id: "answer-form" }, fieldset, button);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const ids = inputs.filter((x) => x.checked).map((x) => x.value);
      if (!ids.length) {
        warned = true;
        ctx.feedback(gettext("Choose an option first."), true);
        return;
      }
      button.disabled = true;
      await ctx.submit({ option_ids: ids });
      button.disabled = false;
    });
    return form;
  },

  mine(ctx, m) {
    return [
      // Translators: followed by the participant's answer, in bold; keep the space at the end.
      gettext("Your answer: "),
      // The labels are the organizer's text: a list, each isolated on screen.
      (m.option_ids || []).map((id) => labelOf(ctx.config.options, id)),
    ];
  },

  update(ctx) {
    const r = ctx.activity.results;
    if (r && ctx.mine)
      ctx.replace(
        ctx.els.results,
        ctx.h("h3", { text: gettext("Results so far") }),
        bars(ctx, r, { mine: ctx.mine.option_ids || [] }),
      );
    else ctx.clear(ctx.els.results);
  },

  sentence: (ctx, r) => sentence(ctx, r),
};
