// Word cloud on the phone: up to N words (change them any time), the cloud once answered.
import { cloud, sentence } from "./results.js";

/** "Up to 3 words, 25 characters each." */
function hint(ctx, maxWords, maxLength) {
  const length = ctx.fmt(ngettext("%(n)s character", "%(n)s characters", maxLength), { n: maxLength });
  return ctx.fmt(
    // Translators: the word cloud's hint on the phone; %(length)s is e.g. "25 characters".
    ngettext("Up to %(n)s word, %(length)s each.", "Up to %(n)s words, %(length)s each.", maxWords),
    { n: maxWords, length },
  );
}

export default {
  form(ctx) {
    const { h } = ctx;
    const c = ctx.config;
    const maxWords = c.max_words || 3;
    const maxLength = c.max_length || 25;
    const previous = ctx.mine?.words || [];
    const inputs = [];
    let warned = false; // "Type at least one word." is on screen: it goes with the first word
    const fieldset = h(
      "fieldset",
      { class: "stack words" },
      h("legend", { class: "visually-hidden", text: c.prompt || gettext("Your words") }),
      h("p", { class: "hint", text: hint(ctx, maxWords, maxLength) }),
    );
    for (let i = 0; i < maxWords; i++) {
      const id = `word-${i}`;
      const input = h("input", {
        type: "text",
        id,
        name: "word",
        maxLength,
        value: previous[i] || "",
        autocomplete: "off",
        dir: "auto",
        attrs: { spellcheck: "true" },
      });
      inputs.push(input);
      fieldset.appendChild(
        h("label", { for: id, class: "word-label", text: ctx.fmt(gettext("Word %(n)s"), { n: i + 1 }) }),
      );
      fieldset.appendChild(input);
    }
    const button = h("button", {
      type: "submit",
      class: "btn btn-primary",
      text: previous.length ? gettext("Update words") : gettext("Send words"),
    });
    fieldset.addEventListener("input", () => {
      if (warned && inputs.some((x) => x.value.trim())) {
        warned = false;
        ctx.feedback("");
      }
    });
    const form = h("form", { class: "stack answer-form", id: "answer-form" }, fieldset, button);
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const words = inputs.map((x) => x.value.trim()).filter(Boolean);
      if (!words.length) {
        warned = true;
        ctx.feedback(gettext("Type at least one word."), true);
        inputs[0].focus();
        return;
      }
      button.disabled = true;
      await ctx.submit({ words });
      button.disabled = false;
    });
    return form;
  },

  // The words are a list: each isolated on screen, so Arabic and English words keep their order.

  // Translators: followed by the participant's words, in bold; keep the space at the end.
  mine: (_ctx, m) => [gettext("Your words: "), m.words || []],

  update(ctx) {
    const r = ctx.activity.results;
    if (r && ctx.mine)
      ctx.replace(
        ctx.els.results,
        ctx.h("h3", { text: gettext("Everyone's words") }),
        cloud(ctx, r, { mine: ctx.mine.words || [] }),
      );
    else ctx.clear(ctx.els.results);
  },

  sentence: (ctx, r) => sentence(ctx, r),
};
