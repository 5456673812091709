// Open text on the big screen: a wall of the newest answers, newest first, wrapped (never cut) and
// large enough for the back of the room: what does not fit at a readable size is paged, a page every
// few seconds (data-pageable: live/static/live/stage_fit.js). The owning organizer gets a Hide button on
// each (PATCH .../responses/{id} {"hidden": true}) and, once one is hidden, "Show again" beside the
// control bar's message.
import { sentence, wall } from "./results.js";

// The newest answers the big screen pages through; the phones and the admin have the others.
const STAGE_ANSWERS = 30;

function hider(ctx, a) {
  if (!ctx.canControl) return null;
  const patch = (answer, hidden) =>
    ctx.ownerApi(`/api/v1/sessions/${ctx.sessionId}/activities/${a.id}/responses/${answer.id}`, {
      method: "PATCH",
      body: { hidden },
    });
  async function showAgain(answer) {
    const res = await patch(answer, false);
    if (!res.ok) {
      ctx.message(ctx.errorText(res));
      return;
    }
    ctx.message(gettext("Answer shown again."));
    ctx.poke();
  }
  return async (answer) => {
    const res = await patch(answer, true);
    if (!res.ok) {
      ctx.message(ctx.errorText(res));
      return false;
    }
    // The focus goes to "Show again" (not to the next card's Hide: a second Enter must not hide another).
    ctx.message(gettext("Answer hidden."), {
      // Translators: the organizer's button that puts a hidden answer back on the big screen.
      label: gettext("Show again"),
      run: () => showAgain(answer),
      focus: true,
    });
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
    // Paged (a page every few seconds): the pager's caption counts the answers on the wall, so a hidden
    // one never reads like one off-screen.
    const list = wall(ctx, r, { limit: STAGE_ANSWERS, hide: hider(ctx, a) });
    const shown = list.querySelector(".text-wall");
    shown?.setAttribute("data-pageable", "");
    // Mostly long answers: one column, the full width (fewer lines each, more of them on a page).
    const answers = (r.answers || []).slice(0, STAGE_ANSWERS);
    if (answers.filter((x) => x.text.length > 100).length * 2 > answers.length) shown?.classList.add("long");
    return list;
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
