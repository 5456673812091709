// Planning poker on the phone: pick a card (change it until the reveal), see the votes once revealed.
import { cardName, cardsOf, distribution, sentence } from "./results.js";

// More characters than fit a grid column at the card's size: the card spans the row.
const WIDE_CARD = 3;

export default {
  form(ctx) {
    const { h } = ctx;
    const mine = ctx.mine?.value;
    // After the reveal the round takes no votes (the server refuses them) until a new round: the cards
    // are locked and the line says why.
    const revealed = !!ctx.activity?.results?.revealed;
    // Translators: the planning-poker cards to vote with.
    const grid = h("div", { class: "cards", attrs: { role: "group", "aria-label": gettext("Cards") } });
    for (const card of cardsOf(ctx.config)) {
      const label = card === "coffee" ? `☕ ${cardName(card)}` : card;
      // Cards share a grid of equal columns; a word ("☕ coffee", a custom card) takes a row of its own.
      const b = h("button", {
        type: "button",
        class: `poker-card${[...label].length > WIDE_CARD ? " poker-card-wide" : ""}`,
        text: label,
        dataset: { card },
        attrs: {
          "aria-pressed": mine === card ? "true" : "false",
          "aria-label": ctx.fmt(gettext("Vote %(card)s"), { card: cardName(card) }),
        },
      });
      b.disabled = revealed;
      b.addEventListener("click", async () => {
        for (const x of grid.querySelectorAll("button")) x.disabled = true;
        const ok = await ctx.submit({ value: card });
        if (!ok) for (const x of grid.querySelectorAll("button")) x.disabled = false;
      });
      grid.appendChild(b);
    }
    const hint = revealed
      ? // Translators: planning poker on a phone, after the organizer revealed the votes.
        gettext("The cards are revealed: voting is closed until a new round.")
      : mine
        ? gettext("You can change your vote until the cards are revealed.")
        : gettext("Pick a card.");
    return h(
      "div",
      { class: "stack" },
      h("p", { class: `hint${revealed ? " poker-locked" : ""}`, text: hint }),
      grid,
    );
  },

  // Translators: followed by the participant's card, in bold; keep the space at the end.
  mine: (_ctx, m) => [gettext("Your vote: "), cardName(m.value)],

  update(ctx, prev) {
    const r = ctx.activity.results;
    const before = prev?.results;
    const wasRevealed = before?.revealed;
    // A new round (the organizer's reset): the vote is gone, the cards come back.
    const reset =
      (wasRevealed && r && !r.revealed) || (before && r && r.vote_count < before.vote_count && ctx.mine);
    if (reset) {
      ctx.mine = null;
      ctx.feedback(gettext("New round: vote again."));
      ctx.renderForm();
    } else if (r?.revealed && !wasRevealed) ctx.renderForm(); // lock the cards
    if (r?.revealed)
      ctx.replace(
        ctx.els.results,
        ctx.h("h3", { text: gettext("Votes revealed") }),
        distribution(ctx, r, cardsOf(ctx.config)),
      );
    else ctx.clear(ctx.els.results);
  },

  sentence: (ctx, r) => sentence(ctx, r),
};
