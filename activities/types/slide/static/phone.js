// Slide on the phone: the slide itself when the organizer shows it on phones (people at the back
// read it there), else a pointer to the big screen. It takes no answers.
import { ensureStyle, slideContent } from "./slide.js";

export default {
  // The slide places its own picture (the page would put it under the heading otherwise).
  ownImage: true,

  form(ctx) {
    const c = ctx.config;
    if (c.show_on_phones === false) {
      ensureStyle();
      return ctx.h("p", { class: "slide-elsewhere", text: gettext("Look at the big screen") });
    }
    // The page shows the title as the heading already.
    return slideContent(ctx, { ...c, title: "" }, "slide-phone");
  },

  // No answers: no "0 answers so far" under the slide.
  update(ctx) {
    ctx.els.count.hidden = true;
  },
};
