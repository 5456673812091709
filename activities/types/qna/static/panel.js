// The Q&A's panel on the phone (phone.js): the tab bar "Activity | Questions (N)" and the Questions
// panel (the ask form, the list). Built once; phone.js places it around the page's #app and fills it.

/** The panel's elements (not yet in the page). h: common.js h; select(name, focus) switches tabs;
 * ask() sends the form; maxLength: the question's length until the state says otherwise. */
export function buildPanel(h, { select, ask, maxLength }) {
  const tab = (id, controls, label, extra) =>
    h(
      "button",
      {
        type: "button",
        id,
        class: "tab",
        attrs: { role: "tab", "aria-controls": controls, "aria-selected": "false", tabindex: "-1" },
      },
      label,
      extra,
    );
  // Translators: a marker on the Activity tab: a new activity started while the person read the questions.
  const fresh = h("span", { class: "tab-new", hidden: true, text: gettext("new") });
  const count = h("span", { class: "tab-count", id: "qna-tab-count" });
  const tabs = [
    // Translators: the phone's two tabs: the live activity, and the Q&A's questions.
    tab("tab-activity", "app", gettext("Activity"), fresh),
    tab("tab-questions", "qna-panel", gettext("Questions"), count),
  ];
  const tablist = h(
    "div",
    {
      class: "tabs",
      id: "qna-tabs",
      attrs: { role: "tablist", "aria-label": gettext("Activity or questions") },
    },
    tabs,
  );
  tabs.forEach((t, i) => {
    t.addEventListener("click", () => select(i === 0 ? "activity" : "questions"));
    // The tabs pattern: arrows, Home and End move between tabs (and select them); Tab leaves the bar.
    t.addEventListener("keydown", (ev) => {
      const to = { ArrowLeft: 1 - i, ArrowRight: 1 - i, Home: 0, End: 1 }[ev.key];
      if (to === undefined) return;
      ev.preventDefault();
      select(to === 0 ? "activity" : "questions", true);
    });
  });
  const text = h("textarea", {
    id: "qna-text",
    name: "text",
    rows: 3,
    maxLength,
    dir: "auto",
    attrs: { "aria-describedby": "qna-hint qna-feedback", spellcheck: "true" },
  });
  const hint = h("p", { class: "hint", id: "qna-hint" });
  const anon = h("input", { type: "checkbox", id: "qna-anon", name: "anonymous" });
  const anonLabel = h(
    "label",
    { class: "choice", for: "qna-anon" },
    anon,
    h("span", { text: gettext("Ask anonymously") }),
  );
  const send = h("button", { type: "submit", class: "btn btn-primary", text: gettext("Send question") });
  const feedback = h("p", { class: "feedback", id: "qna-feedback", attrs: { role: "status" } });
  const form = h(
    "form",
    { class: "stack answer-form qna-form", id: "qna-form", attrs: { novalidate: "" } },
    h("label", { for: "qna-text", text: gettext("Your question") }),
    text,
    hint,
    anonLabel,
    send,
    feedback,
  );
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    ask();
  });
  const heading = h("h2", { class: "question", id: "qna-heading" });
  // The Q&A's picture (contract v1.2), under its prompt while it is the current activity (phone.js).
  const picture = h("div", { class: "qna-picture" });
  const list = h("ol", { class: "qna-list", id: "qna-list", attrs: { "aria-label": gettext("Questions") } });
  const empty = h("p", {
    class: "muted",
    id: "qna-empty",
    text: gettext("No questions yet. Be the first to ask!"),
  });
  const panel = h(
    "section",
    { class: "stack qna-panel", id: "qna-panel" },
    // Translators: the short name of the questions-and-answers activity.
    h("p", { class: "kicker", text: gettext("Q&A") }),
    heading,
    picture,
    form,
    h("h3", { class: "qna-list-title", text: gettext("Questions, most upvoted first") }),
    empty,
    list,
  );
  return {
    tablist,
    tabs,
    fresh,
    count,
    text,
    hint,
    anon,
    anonLabel,
    send,
    feedback,
    form,
    heading,
    picture,
    list,
    empty,
    panel,
  };
}
