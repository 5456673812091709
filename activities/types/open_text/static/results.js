// Open-text results, shared by the phone and the big screen: a wall of the newest answers (the server
// sends the newest 100 that are not hidden, newest first). Long answers wrap, never cut.

export function wall(ui, results, { limit = 100, hide = null, className = "" } = {}) {
  const { h } = ui;
  const answers = (results.answers || []).slice(0, limit);
  if (!answers.length) return h("p", { class: "muted text-wall-empty", text: gettext("No answers yet.") });
  const list = h("ul", {
    class: `text-wall${className ? ` ${className}` : ""}`,
    attrs: { "aria-label": gettext("Answers, newest first") },
  });
  for (const a of answers) {
    const textId = `answer-${a.id}`;
    list.appendChild(
      h(
        "li",
        { class: "text-card", dataset: { answerId: a.id } },
        h("p", { class: "text-card-text", id: textId, text: a.text }),
        hide ? hideButton(ui, a, textId, hide) : null,
      ),
    );
  }
  return h(
    "div",
    { class: "results open-text-results", dataset: { total: results.total_responses || 0 } },
    list,
  );
}

function hideButton(ui, answer, textId, hide) {
  const b = ui.h("button", {
    type: "button",
    class: "btn btn-hide",
    // Translators: the organizer's button that takes one answer off the big screen.
    text: gettext("Hide"),
    attrs: { "aria-describedby": textId },
    dataset: { action: "hide" },
  });
  b.addEventListener("click", () => {
    b.disabled = true;
    hide(answer).then((ok) => {
      if (!ok) b.disabled = false;
    });
  });
  return b;
}

export function sentence(ui, r) {
  if (!r || !(r.answers || []).length) return null;
  const n = r.total_responses || r.answers.length;
  // Spoken only (the live region is visually hidden): user text needs no bidi isolates here.
  // Translators: a screen reader's summary of the open-text wall, then the newest answer.
  return ui.fmt(ngettext("%(n)s answer. Newest: %(text)s", "%(n)s answers. Newest: %(text)s", n), {
    n,
    text: r.answers[0].text,
  });
}
