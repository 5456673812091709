// Q&A: what a screen reader hears of the questions (both pages).

export function sentence(ui, r) {
  if (!r || !(r.questions || []).length) return null;
  const pinned = r.questions.find((q) => q.pinned && q.status !== "answered");
  // Spoken only (the live region is visually hidden): user text needs no bidi isolates here.
  if (pinned) return ui.fmt(gettext("Now answering: %(text)s"), { text: pinned.text });
  const top = r.questions[0];
  return ui.fmt(
    // Translators: a screen reader's summary of the Q&A: the most upvoted question, then its text.
    ngettext("Top question, %(n)s upvote: %(text)s", "Top question, %(n)s upvotes: %(text)s", top.upvotes),
    { n: top.upvotes, text: top.text },
  );
}
