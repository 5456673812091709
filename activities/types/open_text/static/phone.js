// Open text on the phone: a free answer (a textarea with a live character count), replaced by sending
// again; the wall of everyone's newest answers once answered (if the organizer shows it live).
import { sentence, wall } from "./results.js";

const PHONE_WALL = 20;

export default {
  form(ctx) {
    const { h } = ctx;
    const c = ctx.config;
    const max = c.max_length || 280;
    const previous = ctx.mine?.text || "";
    const count = h("p", { class: "hint char-count", id: "text-count" });
    const input = h("textarea", {
      id: "open-text",
      name: "text",
      rows: 4,
      maxLength: max,
      value: previous,
      dir: "auto",
      attrs: { "aria-describedby": "text-count", spellcheck: "true" },
    });
    const paint = () => {
      const n = input.value.length;
      // Translators: the live count under the answer box, e.g. "12 / 280 characters".
      count.textContent = ctx.fmt(ngettext("%(n)s / %(max)s character", "%(n)s / %(max)s characters", max), {
        n,
        max,
      });
      count.classList.toggle("near-limit", n >= max * 0.9);
    };
    let warned = false; // "Write an answer first." is on screen: it goes once there is one
    input.addEventListener("input", () => {
      paint();
      if (warned && input.value.trim()) {
        warned = false;
        ctx.feedback("");
      }
    });
    paint();
    const button = h("button", {
      type: "submit",
      class: "btn btn-primary",
      text: previous ? gettext("Update answer") : gettext("Send answer"),
    });
    const form = h(
      "form",
      { class: "stack answer-form", id: "answer-form", attrs: { novalidate: "" } },
      h("label", { for: "open-text", text: gettext("Your answer") }),
      input,
      count,
      button,
    );
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const text = input.value.trim();
      if (!text) {
        warned = true;
        ctx.feedback(gettext("Write an answer first."), true);
        input.focus();
        return;
      }
      button.disabled = true;
      await ctx.submit({ text });
      button.disabled = false;
    });
    return form;
  },

  // Translators: followed by the participant's answer, in bold; keep the space at the end.
  mine: (_ctx, m) => [gettext("Your answer: "), m.text || ""],

  update(ctx) {
    const r = ctx.activity.results;
    if (r && ctx.mine) {
      const shown = Math.min(PHONE_WALL, (r.answers || []).length);
      ctx.replace(
        ctx.els.results,
        ctx.h("h3", { text: gettext("Everyone's answers, newest first") }),
        wall(ctx, r, { limit: PHONE_WALL }),
        shown < (r.total_responses || 0)
          ? ctx.h("p", {
              class: "muted",
              text: ctx.fmt(gettext("The newest %(shown)s of %(total)s."), {
                shown,
                total: r.total_responses,
              }),
            })
          : null,
      );
    } else if (!r && ctx.mine) {
      ctx.replace(
        ctx.els.results,
        ctx.h("p", { class: "muted", text: gettext("The answers will be shown at the end.") }),
      );
    } else {
      ctx.clear(ctx.els.results);
    }
  },

  sentence: (ctx, r) => sentence(ctx, r),
};
