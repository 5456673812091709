// Q&A on the big screen. The pinned question is the one being answered: it gets the big slot. The
// others follow by upvotes (the server's order). Question text is user text: textContent only (ctx.h).
// While a Q&A is open (the state's `qna`, this type's state key) present.js asks side() for a column
// beside whatever else is on screen; when the Q&A is the current activity, stage() fills the stage.
import { sentence } from "./results.js";

function votes(ctx, n) {
  const { h } = ctx;
  return h("span", { class: "qna-votes" },
    h("span", { class: "qna-votes-n", text: n }), h("span", { class: "qna-votes-unit", text: n === 1 ? " upvote" : " upvotes" }));
}

function who(ctx, q) {
  return ctx.h("span", { class: "qna-who", text: q.nickname ?? "Anonymous" });
}

function qnaRow(ctx, q) {
  const { h } = ctx;
  return h("li", { class: `qna-row${q.status === "answered" ? " answered" : ""}`, dataset: { questionId: q.id } },
    votes(ctx, q.upvotes),
    h("div", { class: "qna-row-body" },
      h("p", { class: "qna-row-text", text: q.text }),
      h("p", { class: "qna-row-meta" }, who(ctx, q),
        q.status === "answered" ? h("span", { class: "qna-answered", text: " · Answered" }) : null)));
}

function pinnedBlock(ctx, q) {
  const { h } = ctx;
  return h("div", { class: "qna-pinned", id: "qna-pinned", dataset: { questionId: q.id } },
    h("p", { class: "qna-label", text: "Now answering" }),
    h("p", { class: "qna-pinned-text", text: q.text }),
    h("p", { class: "qna-row-meta" }, who(ctx, q), " · ", votes(ctx, q.upvotes)));
}

/** The Q&A as the current activity: the whole stage, the top questions large. */
function stage(ctx, a) {
  const { h, plural, activityHeading } = ctx;
  const state = ctx.state;
  const info = state.qna && state.qna.activity_id === a.id ? state.qna : null;
  const r = a.results || {};
  const questions = (r.questions || (info && info.top) || []).slice(0, 10);
  const count = r.question_count ?? (info ? info.question_count : questions.length);
  const pinned = questions.find((q) => q.pinned);
  const rest = questions.filter((q) => q !== pinned);
  return h("section", { class: "stack activity qna-stage", dataset: { type: "qna", activityId: a.id } },
    h("p", { class: "kicker", text: a.title && a.title !== activityHeading(a) ? `Q&A · ${a.title}` : "Q&A" }),
    h("h2", { class: "question", id: "question", text: activityHeading(a) }),
    pinned ? pinnedBlock(ctx, pinned) : null,
    rest.length
      ? h("ol", { class: `qna-board${rest.length > 4 ? " many" : ""}`, id: "qna-board", attrs: { "aria-label": "Top questions" } }, rest.map((q) => qnaRow(ctx, q)))
      : (pinned ? null : h("p", { class: "sub-message", text: "No questions yet: ask yours from your phone." })),
    h("p", { class: "response-count", id: "response-count", text: plural(count, "question", "questions") }));
}

/** The Q&A beside another activity (or the lobby): the pinned question and the top 3, compact. */
function side(ctx, info) {
  const { h } = ctx;
  const top = info.top || [];
  const pinned = top.find((q) => q.pinned);
  const rest = top.filter((q) => q !== pinned).slice(0, 3);
  return h("aside", { class: "qna-side stack", id: "qna-side", attrs: { "aria-labelledby": "qna-side-title" } },
    h("h2", { class: "qna-side-title", id: "qna-side-title" }, "Questions ", h("span", { class: "qna-side-count", text: `(${info.question_count})` })),
    h("p", { class: "qna-side-prompt", text: info.prompt }),
    pinned ? pinnedBlock(ctx, pinned) : null,
    rest.length ? h("ol", { class: "qna-board", id: "qna-board", attrs: { "aria-label": "Top questions" } }, rest.map((q) => qnaRow(ctx, q))) : null,
    top.length ? null : h("p", { class: "qna-side-empty", text: "Ask yours from your phone." }));
}

export default {
  ownStage: true,
  stage,
  side,
  sentence: (ctx, r) => sentence(ctx, r),
};
