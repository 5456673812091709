// Q&A: what a screen reader hears of the questions (both pages).

export function sentence(ui, r) {
  if (!r || !(r.questions || []).length) return null;
  const pinned = r.questions.find((q) => q.pinned);
  if (pinned) return `Now answering: ${pinned.text}`;
  return `Top question, ${ui.plural(r.questions[0].upvotes, "upvote", "upvotes")}: ${r.questions[0].text}`;
}
