// Quiz on the phone: one answer before the deadline (a countdown under the question), then the
// verdict, the answers and one's score once the organizer reveals.
import { deadline, getReady, getReadyText, opensAt, options, sentence } from "./results.js";

function disableAll(ctx) {
  for (const b of ctx.els.form.querySelectorAll("button")) b.disabled = true;
}

// The lead-in: the question and its options show at once, the buttons open at opens_at on the server's
// clock (ctx.now(): the poller's offset to server_time, so the phone's own clock does not matter).
// One extra poll shortly before opens_at when the next regular one would come after it (the question
// may have been skipped meanwhile): at a random moment of the lead-in's second half, so phones that saw
// the question together do not all ask at once.
function leadIn(ctx) {
  const a = ctx.activity;
  const ready = getReady(ctx, a);
  if (ready <= 0) {
    if (ctx.els.form.dataset.waiting === "1") {
      ctx.els.form.dataset.waiting = "";
      if (!ctx.mine && !ctx.closed && !ctx.sending)
        for (const b of ctx.els.form.querySelectorAll("button")) b.disabled = false;
    }
    return false;
  }
  ctx.els.timer.textContent = getReadyText(ctx, ready);
  ctx.els.timer.classList.remove("urgent");
  if (!ctx.extraPoll && ctx.poke) {
    const opens = opensAt(ctx, a);
    const now = ctx.now();
    const nextPoll = ctx.nextPollAt ? ctx.nextPollAt() : now + 2000;
    const lead = (opens - now) / 1000;
    if (nextPoll > opens - 250 && lead > 0.5) {
      const at = (lead / 2) * Math.random() + Math.max(0.25, lead / 2 - 0.25);
      ctx.extraPoll = setTimeout(() => ctx.poke(), Math.min(at, lead - 0.25) * 1000);
    } else ctx.extraPoll = true;
  }
  return true;
}

function tick(ctx) {
  const r = ctx.activity.results;
  const end = deadline(ctx, ctx.activity);
  const el = ctx.els.timer;
  const revealed = r?.revealed;
  if (revealed) ctx.stopEvery();
  else if (leadIn(ctx)) return;
  if (!revealed && end === null) {
    el.textContent = "";
    return;
  }
  const left = revealed ? 0 : Math.ceil((end - ctx.now()) / 1000);
  if (left > 0) {
    // Translators: the quiz's countdown on the phone, "s" for seconds.
    el.textContent = ctx.fmt(ngettext("%(n)s s left", "%(n)s s left", left), { n: left });
    el.classList.toggle("urgent", left <= 5);
    return;
  }
  // Closed: by our clock (corrected by the server's) or because the state already shows the answer.
  el.textContent = ctx.mine ? gettext("Time is up.") : gettext("Time is up: answers are closed.");
  el.classList.add("urgent");
  if (!ctx.closed) {
    ctx.closed = true;
    disableAll(ctx);
    if (!ctx.mine) ctx.feedback(gettext("Time is up: answers are closed."), true);
  }
}

export default {
  timer: true,

  form(ctx) {
    const { h } = ctx;
    const mine = ctx.mine?.option_id;
    const end = deadline(ctx, ctx.activity);
    const timeUp = ctx.closed || (end !== null && ctx.now() >= end);
    const waiting = getReady(ctx, ctx.activity) > 0; // the lead-in: tick() opens the buttons
    ctx.els.form.dataset.waiting = waiting ? "1" : "";
    const grid = h("div", {
      class: "quiz-options",
      attrs: { role: "group", "aria-label": gettext("Answers") },
    });
    ctx.config.options.forEach((o, i) => {
      const b = h(
        "button",
        {
          type: "button",
          class: "quiz-option",
          dataset: { optionId: o.id },
          disabled: !!mine || timeUp || waiting,
          attrs: { "aria-pressed": mine === o.id ? "true" : "false" },
        },
        h("span", { class: "letter", attrs: { "aria-hidden": "true" }, text: String.fromCharCode(65 + i) }),
        h("span", { text: o.label }),
        // The option's picture (contract v1.2), part of the button: its alt text joins the button's name.
        ctx.picture(o.image, { lazy: true, maxHeight: "20vh", cls: "picture option-picture" }),
      );
      b.addEventListener("click", async () => {
        for (const x of grid.querySelectorAll("button")) x.disabled = true;
        const ok = await ctx.submit({ option_id: o.id });
        if (!ok && !ctx.closed && !ctx.mine && !ctx.sending)
          for (const x of grid.querySelectorAll("button")) x.disabled = false;
      });
      grid.appendChild(b);
    });
    return grid;
  },

  mine(ctx, m) {
    const o = (ctx.config.options || []).find((x) => x.id === m.option_id);
    // Translators: followed by the participant's answer, in bold; keep the space at the end.
    return [gettext("Your answer: "), o ? o.label : m.option_id];
  },

  update(ctx) {
    const { h } = ctx;
    const r = ctx.activity.results;
    const revealed = r?.revealed;
    if (!revealed) ctx.every(() => tick(ctx), 100); // 100 ms: the buttons open on time
    tick(ctx);
    if (!revealed) return;
    const mine = ctx.mine?.option_id;
    const correct = (r.options || []).find((o) => o.correct);
    let verdict = gettext("You did not answer.");
    // Translators: the verdict on a participant's quiz answer once the correct answer is revealed.
    if (mine) verdict = correct && correct.id === mine ? gettext("Correct!") : gettext("Not quite.");
    const mineRow = (r.leaderboard || []).find((p) => p.participant_id === ctx.me.participant_id);
    // #verdict is said together with the reveal's sentence (phone_activity.js announceResults).
    ctx.replace(
      ctx.els.results,
      h("p", {
        class: `verdict ${mine && correct && correct.id === mine ? "right" : "wrong"}`,
        id: "verdict",
        text: verdict,
      }),
      options(ctx, r, { mine, options: ctx.config.options }),
      mineRow
        ? h("p", {
            class: "my-score",
            text: ctx.fmt(
              ngettext("Your score: %(score)s point", "Your score: %(score)s points", mineRow.score),
              { score: mineRow.score },
            ),
          })
        : null,
    );
    disableAll(ctx);
  },

  sentence: (ctx, r) => sentence(ctx, r),
};
