// Word cloud on the phone: up to N words (change them any time), the cloud once answered.
import { cloud, sentence } from "./results.js";

export default {
  form(ctx) {
    const { h } = ctx;
    const c = ctx.config;
    const maxWords = c.max_words || 3;
    const maxLength = c.max_length || 25;
    const previous = (ctx.mine && ctx.mine.words) || [];
    const inputs = [];
    const fieldset = h("fieldset", { class: "stack words" },
      h("legend", { class: "visually-hidden", text: c.prompt || "Your words" }),
      h("p", { class: "hint", text: `Up to ${ctx.plural(maxWords, "word", "words")}, ${maxLength} characters each.` }));
    for (let i = 0; i < maxWords; i++) {
      const id = `word-${i}`;
      const input = h("input", { type: "text", id, name: "word", maxLength, value: previous[i] || "", autocomplete: "off", attrs: { spellcheck: "true" } });
      inputs.push(input);
      fieldset.appendChild(h("label", { for: id, class: "word-label", text: `Word ${i + 1}` }));
      fieldset.appendChild(input);
    }
    const button = h("button", { type: "submit", class: "btn btn-primary", text: previous.length ? "Update words" : "Send words" });
    const form = h("form", { class: "stack answer-form", id: "answer-form" }, fieldset, button);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const words = inputs.map((x) => x.value.trim()).filter(Boolean);
      if (!words.length) { ctx.feedback("Type at least one word.", true); inputs[0].focus(); return; }
      button.disabled = true;
      await ctx.submit({ words });
      button.disabled = false;
    });
    return form;
  },

  mine: (ctx, m) => ["Your words: ", (m.words || []).join(", ")],

  update(ctx) {
    const r = ctx.activity.results;
    if (r && ctx.mine) ctx.replace(ctx.els.results, ctx.h("h3", { text: "Everyone's words" }), cloud(ctx, r, { mine: ctx.mine.words || [] }));
    else ctx.clear(ctx.els.results);
  },

  sentence: (ctx, r) => sentence(ctx, r),
};
