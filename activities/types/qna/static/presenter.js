// Q&A on the big screen. The pinned question is the one being answered: it gets the big slot. The
// others follow by upvotes (the server's order). Question text is user text: textContent only (ctx.h).
// While a Q&A is open (the state's `qna`, this type's state key) present.js asks side() for a column
// beside whatever else is on screen; when the Q&A is the current activity, stage() fills the stage.
// Moderation never shows on the shared screen: it has a page of its own (moderation.js, on
// /present/<session>/moderate). On the organizer's screen, controls() shows the control bar's link to it
// while a Q&A is open, with the number of questions waiting (never the questions).
import { sentence } from "./results.js";

const PENDING_EVERY_S = 5;

// The number large, the words around it small: the translated phrase is split at its number.
function votes(ctx, n) {
  const { h } = ctx;
  // Translators: a question's upvotes on the big screen; the number is shown large, the words small.
  const phrase = ngettext("%(n)s upvote", "%(n)s upvotes", n);
  const at = phrase.indexOf("%(n)s");
  const before = at > 0 ? phrase.slice(0, at) : "";
  const after = at >= 0 ? phrase.slice(at + "%(n)s".length) : ` ${phrase}`;
  return h(
    "span",
    { class: "qna-votes" },
    before ? h("span", { class: "qna-votes-unit", text: before }) : null,
    h("span", { class: "qna-votes-n", text: n }),
    after ? h("span", { class: "qna-votes-unit", text: after }) : null,
  );
}

function who(ctx, q) {
  // Translators: in place of the nickname of who asked a question anonymously.
  return ctx.h("bdi", { class: "qna-who", text: q.nickname ?? gettext("Anonymous") });
}

function qnaRow(ctx, q) {
  const { h } = ctx;
  return h(
    "li",
    { class: `qna-row${q.status === "answered" ? " answered" : ""}`, dataset: { questionId: q.id } },
    votes(ctx, q.upvotes),
    h(
      "div",
      { class: "qna-row-body" },
      h("p", { class: "qna-row-text", text: q.text }),
      h(
        "p",
        { class: "qna-row-meta" },
        who(ctx, q),
        q.status === "answered"
          ? // Translators: a question the organizer marked answered.
            [" · ", h("span", { class: "qna-answered", text: `✓ ${gettext("Answered")}` })]
          : null,
      ),
    ),
  );
}

// The question being answered: pinned and not yet answered (one marked answered leaves the spotlight).
const spotlit = (q) => q.pinned && q.status !== "answered";

function pinnedBlock(ctx, q) {
  const { h } = ctx;
  return h(
    "div",
    { class: "qna-pinned", id: "qna-pinned", dataset: { questionId: q.id } },
    h("p", { class: "qna-label", text: gettext("Now answering") }),
    h("p", { class: "qna-pinned-text", text: q.text }),
    h("p", { class: "qna-row-meta" }, who(ctx, q), " · ", votes(ctx, q.upvotes)),
  );
}

/** The Q&A as the current activity: the whole stage, the top questions large. */
function stage(ctx, a) {
  const { h, fmt, bidi, activityHeading } = ctx;
  const state = ctx.state;
  const info = state.qna && state.qna.activity_id === a.id ? state.qna : null;
  const r = a.results || {};
  const questions = (r.questions || info?.top || []).slice(0, 10);
  const count = r.question_count ?? (info ? info.question_count : questions.length);
  const pinned = questions.find(spotlit);
  const rest = questions.filter((q) => q !== pinned);
  return h(
    "section",
    { class: "stack activity qna-stage", dataset: { type: "qna", activityId: a.id } },
    h("p", {
      class: "kicker",
      text:
        // Translators: the short name of the questions-and-answers activity.
        a.title && a.title !== activityHeading(a) ? `${gettext("Q&A")} · ${bidi(a.title)}` : gettext("Q&A"),
    }),
    h("h2", { class: "question", id: "question", text: activityHeading(a) }),
    // The Q&A's picture (contract v1.2), in em like every question's: it shrinks when the stage is fitted.
    ctx.picture(a.config?.image, { maxHeight: "4em", cls: "picture question-picture" }),
    pinned ? pinnedBlock(ctx, pinned) : null,
    rest.length
      ? h(
          "ol",
          {
            class: `qna-board${rest.length > 4 ? " many" : ""}`,
            id: "qna-board",
            attrs: { "aria-label": gettext("Top questions") },
          },
          rest.map((q) => qnaRow(ctx, q)),
        )
      : pinned
        ? null
        : h("p", { class: "sub-message", text: gettext("No questions yet: ask yours from your phone.") }),
    h("p", {
      class: "response-count",
      id: "response-count",
      text: fmt(ngettext("%(n)s question", "%(n)s questions", count), { n: count }),
    }),
  );
}

/** The Q&A beside another activity (or the lobby): the pinned question and the top 3, compact. */
function side(ctx, info) {
  const { h } = ctx;
  const top = info.top || [];
  const pinned = top.find(spotlit);
  const rest = top.filter((q) => q !== pinned).slice(0, 3);
  return h(
    "aside",
    { class: "qna-side stack", id: "qna-side", attrs: { "aria-labelledby": "qna-side-title" } },
    h(
      "h2",
      { class: "qna-side-title", id: "qna-side-title" },
      gettext("Questions"),
      " ",
      h("span", { class: "qna-side-count", text: `(${info.question_count})` }),
    ),
    h("p", { class: "qna-side-prompt", text: info.prompt }),
    pinned ? pinnedBlock(ctx, pinned) : null,
    rest.length
      ? h(
          "ol",
          { class: "qna-board", id: "qna-board", attrs: { "aria-label": gettext("Top questions") } },
          rest.map((q) => qnaRow(ctx, q)),
        )
      : null,
    top.length ? null : h("p", { class: "qna-side-empty", text: gettext("Ask yours from your phone.") }),
  );
}

/** The control bar's link to the moderation page (#btn-moderate): shown while a Q&A is open, with the
 * number waiting (one small request every few seconds, from the organizer's screen only). */
function controls(ctx) {
  const link = document.getElementById("btn-moderate");
  if (!link) return null;
  let timer = null;
  async function pending() {
    const info = ctx.state?.qna;
    if (!info) return;
    const url = `/api/v1/sessions/${ctx.sessionId}/activities/${info.activity_id}/questions?status=pending&limit=1`;
    const res = await ctx.ownerApi(url);
    if (!res.ok || !res.data) return;
    const n = res.data.total;
    link.textContent = n
      ? ctx.fmt(ngettext("Questions · %(n)s waiting", "Questions · %(n)s waiting", n), { n })
      : gettext("Moderate questions");
  }
  // Keep it open: while the Q&A is the live activity, a toggle keeps it open beside what Next brings
  // (beforeNext steps it back to published first); while it runs beside, "Close Q&A" (pressed twice,
  // like End session) ends it. Lifecycle controls: only for the lifecycle right (not a moderator's bar).
  const keep = ctx.canControl
    ? ctx.h("button", {
        type: "button",
        class: "btn",
        id: "btn-qna-keep",
        hidden: true,
        attrs: { "aria-pressed": "false" },
        text: gettext("Keep Q&A open after Next"),
      })
    : null;
  const close = ctx.canControl
    ? ctx.h("button", { type: "button", class: "btn", id: "btn-qna-close", hidden: true })
    : null;
  const live = () => {
    const a = ctx.state?.current_activity;
    return a && a.type === "qna" && a.status === "active" ? a : null;
  };
  if (keep && close) {
    link.after(keep, close);
    keep.addEventListener("click", () => {
      keep.setAttribute("aria-pressed", String(keep.getAttribute("aria-pressed") !== "true"));
    });
    const closeLabel = () => {
      close.textContent = gettext("Close Q&A");
      close.classList.remove("confirm");
    };
    closeLabel();
    let confirmTimer = null;
    close.addEventListener("click", async () => {
      const info = ctx.state?.qna;
      if (!info) return;
      if (!confirmTimer) {
        close.textContent = gettext("Press again to close the Q&A");
        close.classList.add("confirm");
        confirmTimer = setTimeout(() => {
          confirmTimer = null;
          closeLabel();
        }, 5000);
        return;
      }
      clearTimeout(confirmTimer);
      confirmTimer = null;
      closeLabel();
      const res = await setStatus(info.activity_id, "expired");
      ctx.message(res.ok ? gettext("Q&A closed: it takes no more questions.") : ctx.errorText(res));
      ctx.poke();
    });
  }
  const setStatus = (aid, status) =>
    ctx.ownerApi(`/api/v1/activities/${aid}/status`, { method: "PATCH", body: { status } });

  /** Before Next: a live Q&A to keep steps back to published, so Next leaves it open. False: stop. */
  async function beforeNext() {
    const a = live();
    if (!a || !keep || keep.getAttribute("aria-pressed") !== "true") return true;
    const res = await setStatus(a.id, "published");
    if (!res.ok) {
      ctx.message(ctx.errorText(res));
      return false;
    }
    keep.setAttribute("aria-pressed", "false");
    return true;
  }

  function update() {
    const state = ctx.state;
    const open = !!(state?.qna && state.session.status === "active");
    link.hidden = !open;
    if (keep && close) {
      keep.hidden = !(open && live());
      close.hidden = !open || !!live();
    }
    if (!open) {
      clearInterval(timer);
      timer = null;
      return;
    }
    if (!timer) {
      const override = ctx.pollOverride();
      timer = setInterval(pending, (override ? override * 2 : PENDING_EVERY_S) * 1000);
      pending();
    }
  }
  return { update, beforeNext };
}

/** The end summary's card: the number of questions (not "answers": a Q&A's results count questions)
 * and the top questions with their upvotes, the most upvoted first (the server's order). */
function summary(ctx, _a, r) {
  const { h, fmt } = ctx;
  const all = (r.questions || []).filter((q) => q.status !== "hidden");
  const top = [...all].sort((x, y) => y.upvotes - x.upvotes).slice(0, ctx.SUMMARY_ROWS);
  const count = r.question_count ?? all.length;
  return {
    count: fmt(ngettext("%(n)s question", "%(n)s questions", count), { n: count }),
    content: top.length
      ? h(
          "ol",
          { class: "qna-board qna-summary", attrs: { "aria-label": gettext("Top questions") } },
          top.map((q) => qnaRow(ctx, q)),
        )
      : null,
    note:
      top.length < count
        ? fmt(
            // Translators: under the end summary of a Q&A that shows only its most upvoted questions.
            ngettext("Top %(shown)s of %(total)s question", "Top %(shown)s of %(total)s questions", count),
            { shown: top.length, total: count },
          )
        : null,
  };
}

export default {
  ownStage: true,
  stage,
  side,
  summary,
  sentence: (ctx, r) => sentence(ctx, r),
  controls,
};
