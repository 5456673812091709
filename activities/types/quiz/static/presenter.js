// Quiz on the big screen: the answers and a countdown, then the correct answer and the leaderboard.
import { deadline, getReady, getReadyText, options, sentence } from "./results.js";

// The lead-in first ("Get ready… 3, 2, 1", on the server's clock: ctx.now()), then the time left.
function countdown(ctx, a, el) {
  const end = deadline(ctx, a);
  const tick = () => {
    const ready = getReady(ctx, a);
    el.classList.toggle("get-ready", ready > 0);
    if (ready > 0) {
      el.textContent = getReadyText(ctx, ready);
      el.removeAttribute("aria-label");
      return;
    }
    if (end === null) {
      el.textContent = "";
      el.removeAttribute("aria-label");
      ctx.stopEvery();
      return;
    }
    const left = Math.ceil((end - ctx.now()) / 1000);
    el.textContent = left > 0 ? `${left}` : gettext("Time is up");
    el.setAttribute(
      "aria-label",
      left > 0
        ? ctx.fmt(ngettext("%(n)s second left", "%(n)s seconds left", left), { n: left })
        : gettext("Time is up"),
    );
    el.classList.toggle("urgent", left <= 5);
    if (left <= 0) {
      ctx.stopEvery();
      ctx.poke();
    }
  };
  tick();
  ctx.every(tick, 250);
}

// The top five moving (issue 26): each row says how many places it rose or fell since the previous
// question's board (kept here: the screen sees every reveal). The board of the question on screen is
// remembered once; a redraw of the same question compares with the same previous board.
const boards = { current: null, previous: null };

function withMoves(ctx, list, items, activityId) {
  if (boards.current?.id !== activityId) {
    boards.previous = boards.current;
    boards.current = { id: activityId, places: new Map(items.map((p, i) => [p.participant_id, i])) };
  }
  const before = boards.previous?.places;
  if (!before || list.tagName !== "OL") return list;
  [...list.children].forEach((row, i) => {
    const was = before.get(items[i]?.participant_id);
    const moved = was === undefined ? 0 : was - i;
    if (!moved) return;
    const up = moved > 0;
    const n = Math.abs(moved);
    row.classList.add(up ? "moved-up" : "moved-down");
    row.appendChild(
      ctx.h("span", {
        class: "move",
        text: `${up ? "▲" : "▼"} ${n}`,
        attrs: {
          "aria-label": ctx.fmt(
            up
              ? ngettext("up %(n)s place", "up %(n)s places", n)
              : ngettext("down %(n)s place", "down %(n)s places", n),
            { n },
          ),
        },
      }),
    );
  });
  return list;
}

export default {
  revealLabel: gettext("Reveal answer"),

  stage(ctx, a) {
    const { h } = ctx;
    const r = a.results;
    if (r?.revealed) {
      // After each question: the answers, the top five, and with teams the team race (issue 26).
      const teams = r.teams || [];
      return h(
        "div",
        { class: `quiz-revealed${teams.length ? " with-teams" : ""}` },
        options(ctx, r, { options: a.config?.options }),
        h(
          "div",
          { class: "stack" },
          h("h3", { class: "podium-title", text: gettext("Top five") }),
          withMoves(ctx, ctx.podium(r.leaderboard || [], { limit: 5 }), r.leaderboard || [], a.id),
        ),
        // A column of its own: a 1280x720 stage fits three columns at a readable size, not a race under
        // the top five (it would be paged).
        teams.length
          ? h(
              "div",
              { class: "stack" },
              h("h3", { class: "podium-title", text: gettext("Team race") }),
              ctx.teamRace(teams),
            )
          : null,
      );
    }
    // Options with pictures (contract v1.2) are cards: the letter and the label over the picture, in
    // em so the cards shrink with the text when the stage is fitted.
    const withPictures = (a.config?.options || []).some((o) => o.image);
    const list = h("ol", { class: `quiz-list${withPictures ? " option-cards" : ""}` });
    (a.config?.options || []).forEach((o, i) => {
      list.appendChild(
        h(
          "li",
          { class: "quiz-list-item", dataset: { optionId: o.id } },
          h("span", { class: "letter", text: String.fromCharCode(65 + i) }),
          h("span", { class: "quiz-list-label", text: o.label }),
          ctx.picture(o.image, { maxHeight: "4em", cls: "picture card-picture" }),
        ),
      );
    });
    const timer = h("p", { class: "countdown big-countdown", id: "countdown", attrs: { role: "timer" } });
    countdown(ctx, a, timer);
    return h("div", { class: "stack" }, timer, list);
  },

  summary(ctx, a, r) {
    if (!r.options) return {};
    const keep = new Set(
      ctx
        .topRows(
          r.options.map((o) => [o.id, o.count]),
          ctx.SUMMARY_ROWS,
        )
        .map(([id]) => id),
    );
    const kept = r.options.filter((o) => keep.has(o.id));
    const total = r.options.length;
    const note =
      kept.length < total
        ? ctx.fmt(
            // Translators: under the end summary of a quiz that shows only its most chosen options.
            ngettext("Top %(shown)s of %(total)s option", "Top %(shown)s of %(total)s options", total),
            { shown: kept.length, total },
          )
        : null;
    return { content: options(ctx, { ...r, options: kept }, { options: a.config?.options }), note };
  },

  sentence: (ctx, r) => sentence(ctx, r),
};
