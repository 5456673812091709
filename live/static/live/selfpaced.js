// A self-paced session on the phone (join.js hands over when the state says "pace": "self"): the
// person walks the open activities at their own pace, Back and Next, with a progress bar; a timed
// activity starts its own clock when opened (the server's start: first call wins); the end shows their
// own answers and quiz score. The shared state has no per-person data: where this person is, what they
// answered and how they did come from the small endpoints (me/progress, responses/mine).
import { activityHeading, api, fmt, h, replace, ui } from "./common.js";
import { activityScreen } from "./phone_activity.js";

/**
 * page: sessionId, typeOf(a), labelOf(a), me(), poller() (the StatePoller), setView(name, ...children),
 * announcer, removed(), showFinal(state, summary) (the end: join.js's summary with this one's answers).
 * Returns {render(state), close()}.
 */
export function selfPacedScreen(page) {
  let activities = []; // the open activities, in order (the state's list)
  let index = null; // the one on screen
  let progress = null; // {items: [{activity_id, answered}], answered, total}
  const outcomes = {}; // activity id → responses/mine (with a quiz's verdict)
  let finishing = false; // the person's own summary (before the session ends)
  let state = null;
  const placeKey = () => `caja.selfpaced.${page.sessionId}.${page.me()?.participant_id}`;

  const shell = {
    progress: h("div", { class: "sp-progress", id: "sp-progress" }),
    verdict: h("p", { class: "verdict", id: "sp-verdict", attrs: { role: "status" } }),
    nav: h("nav", { class: "sp-nav", attrs: { "aria-label": gettext("Activities") } }),
  };

  const screen = activityScreen({
    sessionId: page.sessionId,
    typeOf: page.typeOf,
    labelOf: page.labelOf,
    me: page.me,
    poller: () => ({
      now: () => page.poller().now(),
      // An answer was acknowledged (retry_queue.js pokes): the progress and the verdict follow it.
      poke: () => {
        page.poller().poke();
        refresh();
      },
    }),
    // The activity section of phone_activity.js, between the progress bar and Back/Next.
    setView: (_name, ...children) =>
      page.setView("selfpaced", shell.progress, ...children, shell.verdict, shell.nav),
    announcer: page.announcer,
    removed: page.removed,
  });

  function savePlace() {
    try {
      localStorage.setItem(placeKey(), String(activities[index]?.id || ""));
    } catch {
      /* private mode */
    }
  }
  function loadPlace() {
    try {
      return localStorage.getItem(placeKey());
    } catch {
      return null;
    }
  }

  async function loadProgress() {
    const res = await api(`/api/v1/sessions/${page.sessionId}/me/progress`, { token: page.me().token });
    if (res.status === 401) page.removed();
    if (res.status === 200) progress = res.data;
    return progress;
  }

  const answered = (a) => !!progress?.items.find((i) => i.activity_id === a.id && i.answered);

  /** Where a returning phone resumes: the activity it was on, else the first one not answered. */
  async function resumeIndex() {
    await loadProgress();
    const place = loadPlace();
    const at = activities.findIndex((a) => a.id === place);
    if (at >= 0) return at;
    const open = activities.findIndex((a) => !answered(a) && page.typeOf(a).renderer.form);
    return Math.max(open, 0);
  }

  function drawProgress() {
    const n = activities.length;
    const done = progress ? progress.answered : 0;
    const total = progress ? progress.total : n;
    replace(
      shell.progress,
      h("p", {
        class: "sp-step",
        id: "sp-step",
        // Translators: where the person is in a self-paced session, e.g. "3 of 8".
        text: fmt(gettext("%(n)s of %(total)s"), { n: index + 1, total: n }),
      }),
      h("progress", {
        id: "sp-bar",
        max: n,
        value: index + 1,
        attrs: { "aria-labelledby": "sp-step" },
      }),
      h("p", {
        class: "muted",
        id: "sp-answered",
        text: fmt(ngettext("%(n)s of %(total)s answered", "%(n)s of %(total)s answered", total), {
          n: done,
          total,
        }),
      }),
    );
  }

  function drawNav() {
    const back = h("button", {
      type: "button",
      class: "btn",
      id: "sp-back",
      text: gettext("Back"),
      disabled: index === 0,
    });
    back.addEventListener("click", () => go(index - 1));
    const last = index === activities.length - 1;
    const next = h("button", {
      type: "button",
      class: "btn btn-primary",
      id: "sp-next",
      text: last ? gettext("Finish") : gettext("Next"),
    });
    next.addEventListener("click", () => (last ? finish() : go(index + 1)));
    replace(shell.nav, back, next);
  }

  /** A quiz's verdict, right after answering (the shared state never has it). */
  function drawVerdict(a) {
    const o = outcomes[a.id];
    if (!o || typeof o.correct !== "boolean") {
      replace(shell.verdict);
      shell.verdict.className = "verdict";
      return;
    }
    const right = (a.config?.options || []).find((x) => x.id === o.correct_option_id);
    shell.verdict.className = `verdict ${o.correct ? "right" : "wrong"}`;
    replace(
      shell.verdict,
      o.correct ? gettext("Correct!") : gettext("Not quite."),
      !o.correct && right ? answerWas(right.label) : null,
    );
  }

  function answerWas(label) {
    // The option is the organizer's text: isolated, in a sentence translated whole.
    const parts = gettext("The answer was: %(answer)s").split("%(answer)s");
    return h("span", {}, " ", parts[0], h("bdi", { text: label }), parts[1] || "");
  }

  async function loadOutcome(a) {
    const res = await api(`/api/v1/sessions/${page.sessionId}/activities/${a.id}/responses/mine`, {
      token: page.me().token,
    });
    if (res.status === 200) outcomes[a.id] = res.data;
    return outcomes[a.id];
  }

  async function refresh() {
    const a = activities[index];
    if (!a) return;
    await Promise.all([loadProgress(), loadOutcome(a)]);
    if (activities[index]?.id !== a.id || finishing) return;
    drawProgress();
    drawVerdict(a);
  }

  /** The activity as its renderer sees it: open, and for a timed one, its clock from this person's start. */
  async function opened(a) {
    const view = { ...a, status: "active", results: null, response_count: 0, activated_at: null };
    if (page.typeOf(a).renderer.timer && !answered(a) && state.session.status === "active") {
      const res = await api(`/api/v1/sessions/${page.sessionId}/activities/${a.id}/start`, {
        method: "POST",
        token: page.me().token,
      });
      if (res.status === 200) view.activated_at = res.data.started_at;
    }
    return view;
  }

  async function go(i) {
    if (i < 0 || i >= activities.length) return;
    finishing = false;
    index = i;
    savePlace();
    const a = activities[i];
    const view = await opened(a);
    if (activities[index]?.id !== a.id) return;
    drawProgress();
    drawNav();
    replace(shell.verdict);
    await screen.build(view);
    document.getElementById("question")?.focus({ preventScroll: false });
    loadOutcome(a).then(() => {
      if (activities[index]?.id === a.id) drawVerdict(a);
    });
  }

  /** The person's own answers and quiz score; `final`: the session is over. */
  async function summary(final) {
    await loadProgress();
    const rows = await Promise.all(
      activities
        .filter((a) => page.typeOf(a).renderer.form)
        .map(async (a) => [a, answered(a) ? await loadOutcome(a) : null]),
    );
    let score = 0;
    let scored = false;
    const list = h("ol", { class: "sp-answers", id: "sp-answers" });
    for (const [a, mine] of rows) {
      const renderer = page.typeOf(a).renderer;
      let shown = h("strong", { text: gettext("Not answered") });
      if (mine) {
        const data = mine.response_data || {};
        const ctx = { ...ui, config: a.config || {}, activity: a, mine: data, me: page.me() };
        // The type's own words for the answer (a list of labels, or of elements: isolated, as
        // phone_activity.js shows them); a type without them: its text values (an open text).
        let [, value] = renderer.mine ? renderer.mine(ctx, data) : ["", ""];
        if (!renderer.mine) value = Object.values(data).filter((v) => typeof v === "string");
        const parts = Array.isArray(value) ? value : [value];
        shown = h(
          "strong",
          {},
          parts.length && parts.some((p) => p !== "")
            ? parts.map((part, i) => [
                i ? ", " : null,
                part instanceof Node ? part : h("bdi", { text: String(part) }),
              ])
            : gettext("Answered"),
        );
      }
      if (mine && typeof mine.score === "number") {
        score += mine.score;
        scored = true;
      }
      list.appendChild(
        h(
          "li",
          {},
          h("span", { class: "sp-answer-title", text: activityHeading(a) }),
          " ",
          shown,
          mine && typeof mine.correct === "boolean"
            ? h("span", {
                class: `sp-mark ${mine.correct ? "right" : "wrong"}`,
                text: mine.correct ? ` ✓ ${gettext("Correct!")}` : ` ✗ ${gettext("Not quite.")}`,
              })
            : null,
        ),
      );
    }
    return h(
      "div",
      { class: "stack", id: "sp-summary" },
      h("h3", { text: gettext("Your answers") }),
      list,
      scored
        ? h("p", {
            class: "my-score",
            id: "sp-score",
            text: fmt(
              ngettext("Your quiz score: %(score)s point", "Your quiz score: %(score)s points", score),
              {
                score,
              },
            ),
          })
        : null,
      final
        ? null
        : h("p", { class: "muted", text: gettext("You can change your answers until the session closes.") }),
    );
  }

  async function finish() {
    finishing = true;
    screen.close();
    const body = await summary(false);
    const back = h("button", {
      type: "button",
      class: "btn",
      id: "sp-back",
      text: gettext("Back to the activities"),
    });
    back.addEventListener("click", () => go(activities.length - 1));
    page.setView(
      "selfpaced-done",
      h(
        "section",
        { class: "card stack summary", id: "sp-done" },
        h("h2", { tabIndex: -1, id: "sp-done-title", text: gettext("Thank you! You reached the end.") }),
        body,
        back,
      ),
    );
    document.getElementById("sp-done-title")?.focus();
  }

  function lobby(s) {
    const opens = ui.parseTime(s.session.opens_at);
    let when = gettext("The session has not opened yet. Keep this page open.");
    if (opens !== null) {
      // In the reader's own time zone, named, so a link shared across time zones reads right.
      const text = new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
        // (dateStyle/timeStyle cannot be combined with timeZoneName: the parts, spelled out.)
        weekday: "long",
        year: "numeric",
        month: "long",
        day: "numeric",
        hour: "numeric",
        minute: "2-digit",
        timeZoneName: "short",
      }).format(new Date(opens));
      when = fmt(gettext("Opens on %(time)s."), { time: text });
    }
    return h(
      "section",
      { class: "card stack lobby", id: "lobby" },
      h("h2", { text: gettext("You're in!") }),
      h("p", { id: "sp-opens", text: when }),
      h("p", {
        class: "muted",
        text: gettext("Answer at your own pace: the activities open here at that time."),
      }),
    );
  }

  async function render(s) {
    state = s;
    const status = s.session.status;
    const ids = (s.activities || []).map((a) => a.id).join();
    const changed = ids !== activities.map((a) => a.id).join();
    activities = s.activities || [];
    if (status === "completed") {
      if (index !== "final") {
        index = "final";
        screen.close();
        page.showFinal(s, await summary(true));
      }
      return;
    }
    if (status !== "active" || !activities.length) {
      screen.close();
      index = null;
      page.setView("lobby", lobby(s));
      return;
    }
    if (finishing) return;
    if (index === null || index === "final") return go(await resumeIndex());
    if (changed) {
      // The organizer published or withdrew an activity: stay on the same one if it is still there.
      const cur = screen.current();
      const at = cur ? activities.findIndex((a) => a.id === cur.id) : -1;
      return go(at >= 0 ? at : Math.min(index, activities.length - 1));
    }
  }

  return {
    render,
    close() {
      screen.close();
      index = null;
    },
  };
}
