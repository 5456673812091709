// Open text on the big screen: a wall of the newest answers, newest first, wrapped (never cut) and
// large enough for the back of the room (present.js shrinks the stage if they do not fit). The owning
// organizer gets a Hide button on each (PATCH .../responses/{id} {"hidden": true}).
import { sentence, wall } from "./results.js";

// The newest answers on the big screen; the phones and the admin have the others.
const STAGE_ANSWERS = 12;

function hider(ctx, a) {
  if (!ctx.canControl) return null;
  return async (answer) => {
    const res = await ctx.ownerApi(
      `/api/v1/sessions/${ctx.sessionId}/activities/${a.id}/responses/${answer.id}`,
      {
        method: "PATCH",
        body: { hidden: true },
      },
    );
    if (!res.ok) {
      ctx.message(ctx.errorText(res));
      return false;
    }
    ctx.message(gettext("Answer hidden."));
    ctx.poke();
    return true;
  };
}

/** "Newest 12 of 40 answers": fewer answers on the screen than there are. */
function newest(ctx, shown, total) {
  return ctx.fmt(
    ngettext("Newest %(shown)s of %(total)s answer", "Newest %(shown)s of %(total)s answers", total),
    { shown, total },
  );
}

export default {
  stage(ctx, a) {
    const r = a.results;
    if (!r) return ctx.h("p", { class: "sub-message", text: gettext("Answers are hidden until the end.") });
    const shown = Math.min(STAGE_ANSWERS, (r.answers || []).length);
    return ctx.h(
      "div",
      { class: "stack" },
      wall(ctx, r, { limit: STAGE_ANSWERS, hide: hider(ctx, a) }),
      shown < (r.total_responses || 0)
        ? ctx.h("p", { class: "total", text: newest(ctx, shown, r.total_responses) })
        : null,
    );
  },

  summary(ctx, _a, r) {
    const all = r.answers || [];
    const answers = all.slice(0, ctx.SUMMARY_ROWS);
    return {
      content: wall(ctx, { ...r, answers }, { className: "compact" }),
      note: answers.length < all.length ? newest(ctx, answers.length, all.length) : null,
    };
  },

  sentence: (ctx, r) => sentence(ctx, r),
};
