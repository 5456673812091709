// Quiz results, shared by the phone and the big screen.

export function options(ui, results, { mine = null, options: configOptions = [] } = {}) {
  const { h, fmt } = ui;
  // The options' pictures (the config's, in their public form) at the start of their bars' labels.
  const pictures = ui.picturesById(configOptions);
  const list = h("ol", {
    class: `bars quiz-bars${ui.manyClass((results.options || []).length)}`,
    attrs: { "aria-label": gettext("Answers") },
  });
  // A bar's length is its share of the answers, not of the most chosen option's count.
  const total = results.total_responses || 0;
  for (const o of results.options || []) {
    const marks = [];
    if (o.correct) marks.push("correct");
    if (mine === o.id) marks.push("mine");
    list.appendChild(
      h(
        "li",
        { class: `bar-row ${marks.join(" ")}`, dataset: { optionId: o.id } },
        h(
          "div",
          { class: "bar-label" },
          ui.labelPicture(
            h(
              "span",
              { class: "bar-text" },
              o.correct ? h("span", { class: "tick", text: "✓ " }) : null,
              o.label,
              // Translators: after the correct option's label, for screen readers; keep the space at the start.
              o.correct ? h("span", { class: "visually-hidden", text: gettext(" (correct answer)") }) : null,
            ),
            pictures.get(o.id),
          ),
          h("span", {
            class: "bar-value",
            text: fmt(ngettext("%(n)s answer", "%(n)s answers", o.count), { n: o.count }),
          }),
        ),
        h(
          "div",
          { class: "bar-track", attrs: { "aria-hidden": "true" } },
          h("div", {
            class: "bar-fill",
            style: { width: `${total ? Math.min(100, (o.count / total) * 100) : 0}%` },
          }),
        ),
      ),
    );
  }
  const correct = (results.options || []).filter((o) => o.correct).map((o) => o.label);
  return h(
    "div",
    { class: "results quiz-results" },
    correct.length
      ? h(
          "p",
          { class: "correct-answer" },
          // Translators: followed by the correct option(s), in bold; keep the space at the end.
          gettext("Correct answer: "),
          h("strong", { text: correct.join(", ") }),
        )
      : null,
    list,
  );
}

/** When answers open, in ms of the server's clock: opens_at (activation + lead-in), else the activation. */
export function opensAt(ui, activity) {
  return ui.parseTime(activity.opens_at || activity.activated_at);
}

/** The deadline in ms of the server's clock (opens_at + time limit), or null without a limit. */
export function deadline(ui, activity) {
  const limit = activity.config?.time_limit_seconds;
  const start = opensAt(ui, activity);
  return limit && start !== null ? start + limit * 1000 : null;
}

/** Seconds left of the lead-in ("Get ready… 3, 2, 1") at the server's now, or 0 once answers are open. */
export function getReady(ui, activity) {
  const opens = opensAt(ui, activity);
  if (opens === null) return 0;
  return Math.max(0, Math.ceil((opens - ui.now()) / 1000));
}

/** "Get ready… 3" (the number separate, for the big one on the screen). */
export function getReadyText(ui, left) {
  // Translators: the quiz's countdown before answers open, e.g. "Get ready… 3".
  return ui.fmt(gettext("Get ready… %(n)s"), { n: left });
}

export function sentence(ui, r) {
  if (!r?.revealed) return null;
  const correct = (r.options || [])
    .filter((o) => o.correct)
    .map((o) => o.label)
    .join(", ");
  const leader = (r.leaderboard || [])[0];
  // Spoken only (the live region is visually hidden): user text needs no bidi isolates here.
  if (!leader) return ui.fmt(gettext("Correct answer: %(answer)s."), { answer: correct });
  return ui.fmt(
    ngettext(
      // Translators: a screen reader's summary of a revealed quiz; %(nickname)s leads the leaderboard.
      "Correct answer: %(answer)s. Leader: %(nickname)s, %(score)s point.",
      "Correct answer: %(answer)s. Leader: %(nickname)s, %(score)s points.",
      leader.score,
    ),
    { answer: correct, nickname: leader.nickname, score: leader.score },
  );
}
