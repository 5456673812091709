// Slide on the big screen: the slide fills the stage (no kicker, no response count); its picture
// is letterboxed into the room left by the title and the body.
import { slideContent } from "./slide.js";

export default {
  ownStage: true,
  stage: (ctx, a) => {
    const c = a.config || {};
    const el = slideContent(
      ctx,
      { ...c, title: c.title || (c.body || c.image ? "" : a.title) },
      "slide-stage",
    );
    el.dataset.type = a.type;
    el.dataset.activityId = a.id;
    el.id = "slide";
    return el;
  },
};
