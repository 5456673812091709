// The activity on the participant's screen (join.js): its heading, the type's renderer, the answer
// sent (kept and retried until acknowledged: retry_queue.js), live updates and what is announced.
import { activityHeading, announce, api, bidi, clear, fmt, h, picture, replace, ui } from "./common.js";
import { answerQueue } from "./retry_queue.js";

/**
 * The page's hooks: sessionId, typeOf(activity), labelOf(activity), me() ({token, ...}),
 * poller() (the StatePoller), setView(name, ...children), announcer, removed().
 * Returns {build(activity), update(activity), stopTimers(), close(), current()}.
 */
// What a keyboard reaches in an answer form.
const FOCUSABLE = "button, input, select, textarea, [tabindex]:not([tabindex='-1'])";

export function activityScreen(page) {
  let cur = null; // the activity on screen

  const queue = answerQueue(page.sessionId, {
    token: () => page.me().token,
    current: () => cur,
    feedback: (text, isError) => setFeedback(text, isError),
    renderForm: () => renderForm(),
    renderMine: () => renderMine(),
    updateActivity: (a) => updateActivity(a),
    loadMine: () => loadMine(),
    poke: () => page.poller().poke(),
    removed: () => page.removed(),
  });

  function stopTimers() {
    if (cur?.timer) clearInterval(cur.timer);
    queue.cancel(cur);
  }

  async function build(a) {
    stopTimers();
    const renderer = page.typeOf(a).renderer;
    cur = { id: a.id, renderer, config: a.config || {}, activity: a, mine: null, loaded: false };
    cur.ctx = activityCtx(cur);
    const heading = activityHeading(a);
    const label = page.labelOf(a);
    announce(fmt(gettext("New activity (%(label)s): %(heading)s"), { label, heading: bidi(heading) }));
    cur.els = {
      form: h("div", { class: "answer-area" }),
      // Focusable by script only: where the focus goes when the control pressed is gone (keepFocus).
      question: h("h2", { class: "question", id: "question", text: heading, tabIndex: -1 }),
      mine: h("p", { class: "my-answer", id: "my-answer", tabIndex: -1 }),
      feedback: h("p", { class: "feedback", id: "feedback", attrs: { role: "status" } }),
      timer: h("p", { class: "countdown", id: "countdown", attrs: { role: "timer", "aria-live": "off" } }),
      results: h("div", { class: "results-area", id: "results" }),
      count: h("p", { class: "muted response-count", id: "response-count" }),
      // After a scored question (responses/mine's standing, issue 26): points, place and streak.
      standing: h("div", { class: "standing", id: "standing", hidden: true }),
    };
    page.setView(
      "activity",
      h(
        "section",
        { class: "stack activity", dataset: { type: a.type, activityId: a.id } },
        // The title is the organizer's text: isolated, so a right-to-left title keeps the line's order.
        a.title && a.title !== heading
          ? h("p", { class: "kicker" }, `${label} · `, h("bdi", { text: a.title }))
          : h("p", { class: "kicker", text: label }),
        cur.els.question,
        // The question's picture (contract v1.2), unless the type shows it itself (a slide).
        renderer.ownImage ? null : picture(a.config?.image, { lazy: true, maxHeight: "40vh" }),
        renderer.timer ? cur.els.timer : null,
        cur.els.form,
        cur.els.mine,
        cur.els.feedback,
        cur.els.count,
        cur.els.standing,
        cur.els.results,
      ),
    );
    const thisOne = cur;
    cur.els.form.addEventListener("focusin", (ev) => {
      thisOne.focusKey = focusKey(ev.target, thisOne);
    });
    // Moved on elsewhere (Tab, a click on another control): nothing to keep. A control disabled or removed
    // under the focus loses it to nobody (relatedTarget null): that is the case keepFocus is for.
    cur.els.form.addEventListener("focusout", (ev) => {
      if (ev.relatedTarget && !thisOne.els.form.contains(ev.relatedTarget)) thisOne.focusKey = null;
    });
    await loadMine();
    if (cur !== thisOne) return;
    cur.loaded = true;
    renderForm();
    updateActivity(a);
    // An answer this page could not send before a reload: send it now (unless one is stored).
    const waiting = queue.loadPending(a.id);
    if (waiting && !cur.mine) queue.submit(cur, waiting);
    else if (!waiting) queue.clearPending();
  }

  async function loadMine() {
    const res = await api(`/api/v1/sessions/${page.sessionId}/activities/${cur.id}/responses/mine`, {
      token: page.me().token,
    });
    if (res.status === 401) {
      page.removed();
      return;
    }
    if (res.status === 200 && res.data) {
      cur.mine = res.data.response_data;
      if (res.data.standing) renderStanding(res.data.standing);
    } else cur.mine = null;
  }

  /** The points of this answer, the place on the board and the streak: three figures, each labelled. */
  function renderStanding(s) {
    const el = cur.els.standing;
    const figure = (label, value, cls) =>
      h(
        "div",
        { class: `standing-item ${cls}` },
        h("span", { class: "standing-label", text: label }),
        h("strong", { text: value }),
      );
    replace(
      el,
      figure(gettext("Points"), fmt(gettext("+%(n)s"), { n: s.points }), "standing-points"),
      s.rank ? figure(gettext("Your place"), fmt(gettext("#%(n)s"), { n: s.rank }), "standing-rank") : null,
      figure(
        gettext("Streak"),
        fmt(ngettext("%(n)s correct in a row", "%(n)s correct in a row", s.streak), { n: s.streak }),
        "standing-streak",
      ),
    );
    el.hidden = false;
  }

  // Once the answer is public (a reveal, the time up), the standing is asked for once: one request per
  // phone per question, answered from a cached board (activities/types/leaderboard.py).
  async function loadStanding(one) {
    one.standingAsked = true;
    const res = await api(`/api/v1/sessions/${page.sessionId}/activities/${one.id}/responses/mine`, {
      token: page.me().token,
    });
    // Once only: a type without points answers null (its "revealed" is no standing to wait for).
    if (cur === one && res.status === 200 && res.data?.standing) renderStanding(res.data.standing);
  }

  function setFeedback(text, isError = false) {
    if (!cur) return;
    cur.els.feedback.textContent = text;
    cur.els.feedback.classList.toggle("error", isError);
    cur.els.feedback.setAttribute("role", isError ? "alert" : "status");
  }

  // --- the type's renderer ----------------------------------------------------------------------
  // What the activity on screen shows (its form, the answer sent, its results) is drawn by its type's
  // renderer (activities/types/<key>/static/phone.js) through this ctx: the shared helpers (common.js
  // ui), the activity's data and the page's hooks. Answers go through ctx.submit (the retry queue:
  // kept, retried until acknowledged).
  function activityCtx(one) {
    return {
      ...ui,
      me: page.me(),
      get els() {
        return one.els;
      },
      get activity() {
        return one.activity;
      },
      get config() {
        return one.config;
      },
      get mine() {
        return one.mine;
      },
      set mine(value) {
        one.mine = value;
      },
      get closed() {
        return !!one.closed;
      },
      set closed(value) {
        one.closed = value;
      },
      get sending() {
        return !!one.pending;
      },
      now: () => page.poller().now(),
      // A quiz's lead-in polls once before its answers open if the next poll would come late.
      poke: () => page.poller().poke(),
      nextPollAt: () => page.poller().nextPollAt(),
      submit: (data) => (cur === one ? queue.submit(one, data) : Promise.resolve(false)),
      feedback: (text, isError = false) => {
        if (cur === one) setFeedback(text, isError);
      },
      renderForm: () => {
        if (cur === one) renderForm();
      },
      /** Run fn every ms while this activity is on screen (one timer per activity; stopTimers ends it). */
      every(fn, ms) {
        if (!one.timer)
          one.timer = setInterval(() => {
            if (cur === one) fn();
          }, ms);
      },
      stopEvery() {
        if (one.timer) {
          clearInterval(one.timer);
          one.timer = null;
        }
      },
    };
  }

  function renderForm() {
    const area = cur.els.form;
    // The form is drawn again (an answer sent, a card pressed, a reveal): a keyboard user stays where
    // they were, not on the page's body, so the next Tab goes on from there. Only when the focus was in
    // the form (or fell to the body as its control was disabled or removed): never taken from elsewhere.
    const active = document.activeElement;
    const keep = cur.focusKey && (!active || active === document.body || area.contains(active));
    clear(area);
    const form = cur.renderer.form ? cur.renderer.form(cur.ctx) : null;
    if (form) area.appendChild(form);
    renderMine();
    if (keep) keepFocus(cur);
  }

  /** What identifies a focused control across a redraw of the form: its id, its data-* (a card, a
   * value), being the submit button, or its place among the form's controls. */
  function focusKey(el, one) {
    const controls = [...one.els.form.querySelectorAll(FOCUSABLE)];
    return {
      id: el.id || null,
      tag: el.tagName,
      data: JSON.stringify({ ...el.dataset }),
      submit: el.type === "submit",
      index: controls.indexOf(el),
    };
  }

  function keepFocus(one) {
    const key = one.focusKey;
    const controls = [...one.els.form.querySelectorAll(FOCUSABLE)];
    const same =
      (key.id && controls.find((el) => el.id === key.id)) ||
      (key.submit && controls.find((el) => el.type === "submit")) ||
      (key.data !== "{}" &&
        controls.find((el) => el.tagName === key.tag && JSON.stringify({ ...el.dataset }) === key.data)) ||
      controls[key.index];
    // A control that takes no more input (a quiz answered, cards revealed): the answer line, else the question.
    const target = same && !same.disabled ? same : one.els.mine.textContent ? one.els.mine : one.els.question;
    if (target) target.focus({ preventScroll: true }); // where the person was: no jump of the page
  }

  function renderMine() {
    const waiting = cur.pending?.attempt ? cur.pending.data : null;
    const m = waiting || cur.mine;
    const el = cur.els.mine;
    if (!m) {
      el.textContent = "";
      return;
    }
    const [prefix, value] = cur.renderer.mine
      ? cur.renderer.mine(cur.ctx, m)
      : [gettext("Your answer: "), ""];
    replace(
      el,
      prefix,
      Array.isArray(value)
        ? // A list of the person's words, labels...: each isolated (<bdi>), so Arabic and English words
          // keep their order in the line; the list follows the page's direction.
          h(
            "strong",
            { class: "my-answer-value" },
            value.map((part, i) => [i ? ", " : null, part instanceof Node ? part : h("bdi", { text: part })]),
          )
        : h("strong", { class: "my-answer-value", text: value }),
      waiting ? h("span", { class: "muted sending", text: gettext(" (sending…)") }) : null,
    );
  }

  // --- live updates of the activity on screen ------------------------------------------------------

  function updateActivity(a) {
    const prev = cur.activity;
    cur.activity = a;
    cur.config = a.config || cur.config;
    if (!cur.loaded) return;
    if (cur.renderer.update) cur.renderer.update(cur.ctx, prev);
    // Right after "Answer sent" the state on hand is from before the answer: the count includes it
    // (ownCount, set by the retry queue) until a state counts it too (or the answer is gone: a new round).
    let n = a.response_count || 0;
    if (cur.ownCount && cur.mine && n < cur.ownCount) n = cur.ownCount;
    else cur.ownCount = 0;
    cur.els.count.textContent = fmt(ngettext("%(n)s answer so far", "%(n)s answers so far", n), { n });
    if (a.results?.revealed && cur.mine && !cur.standingAsked && cur.els.standing.hidden) loadStanding(cur);
    announceResults(a);
  }

  // A reveal is announced at once (with the verdict, if the renderer wrote one); running results the person can see (after
  // answering) at most every 15 s and only when the sentence changes.
  function announceResults(a) {
    const r = a.results;
    const sentence = cur.renderer.sentence ? cur.renderer.sentence(cur.ctx, r) : null;
    if (r?.revealed) {
      if (cur.announcedReveal) return;
      cur.announcedReveal = true;
      const verdict = cur.els.results.querySelector("#verdict"); // a verdict of the renderer's (quiz)
      page.announcer.say(verdict ? `${verdict.textContent} ${sentence}` : sentence, { now: true });
    } else {
      cur.announcedReveal = false;
      if (cur.mine) page.announcer.say(sentence);
    }
  }

  return {
    build,
    update: updateActivity,
    stopTimers,
    /** Stop its timers and forget it (the lobby, the end, a rehearsal over). */
    close() {
      stopTimers();
      cur = null;
    },
    current: () => cur,
  };
}
