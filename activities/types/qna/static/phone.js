// Q&A on the phone: audience questions, open beside whatever else is on screen.
// It has no answer form (ownPanel): while the state carries this type's key (`qna`), join.js calls
// panel(ctx, info, state) on every state, and closePanel(ctx) when the person is removed. `ctx`
// holds the shared helpers (common.js ui) and the page's hooks: app (the page's #app element),
// sessionId, api(path, options) (with the participant token), poke() (poll now), removed().
import { buildPanel } from "./panel.js";
import { sentence } from "./results.js";

let P = null; // the page's ctx, from the last call
let h = null;
let replace = null;
let announce = null;
let errorText = null;
let fmt = null;

function use(ctx) {
  P = ctx;
  ({ h, replace, announce, errorText, fmt } = ctx);
}

// While the state carries a `qna`, a tab bar "Activity | Questions (N)" switches between #app (the
// lobby or the live activity, untouched) and the Questions panel; when the Q&A is itself the current
// activity there is nothing else to show, so the panel stands alone. The list is fetched with the
// participant token (it adds "mine", "upvoted" and one's own pending questions), and only when the
// state's Q&A summary changes, not on every poll.
const DEFAULT_QNA_LENGTH = 280; // the type's default: the state has no config for a Q&A that is not current
const qna = {
  id: null,
  els: null,
  tab: "activity",
  sig: null,
  seq: 0,
  items: [],
  busy: new Set(),
  statuses: new Map(),
  wasCurrent: false,
  seenActivity: null,
  recheck: null,
  waiting: null, // the question the feedback line says is waiting for approval
};
// A question waiting for approval is in nobody's state, so hiding it changes nothing the poll sees:
// while the person has one, their list is fetched again every few polls (~15 s at the usual 2 s).
const PENDING_RECHECK_POLLS = 7.5;

function qnaUrl(path = "") {
  return `/api/v1/sessions/${P.sessionId}/activities/${qna.id}/questions${path}`;
}

function qnaBuild() {
  if (qna.els) return qna.els;
  qna.els = buildPanel(h, { select: qnaSelect, ask: qnaAsk, maxLength: DEFAULT_QNA_LENGTH });
  P.app.before(qna.els.tablist);
  P.app.after(qna.els.panel);
  return qna.els;
}

function qnaSelect(name, focus = false) {
  qna.tab = name;
  qnaLayout(false);
  const t = qna.els.tabs[name === "activity" ? 0 : 1];
  if (focus) t.focus();
  if (name === "activity") qna.els.fresh.hidden = true; // seen
}

/** Tabs beside another activity or the lobby; the panel alone when the Q&A is the current activity. */
function qnaLayout(current) {
  const { tablist, tabs, panel } = qna.els;
  tablist.hidden = current;
  if (current) {
    P.app.hidden = true;
    panel.hidden = false;
    for (const el of [P.app, panel]) {
      el.removeAttribute("role");
      el.removeAttribute("aria-labelledby");
    }
    panel.setAttribute("aria-labelledby", "qna-heading");
    return;
  }
  const onQuestions = qna.tab === "questions";
  P.app.setAttribute("role", "tabpanel");
  P.app.setAttribute("aria-labelledby", "tab-activity");
  panel.setAttribute("role", "tabpanel");
  panel.setAttribute("aria-labelledby", "tab-questions");
  P.app.hidden = onQuestions;
  panel.hidden = !onQuestions;
  tabs[0].setAttribute("aria-selected", String(!onQuestions));
  tabs[1].setAttribute("aria-selected", String(onQuestions));
  tabs[0].tabIndex = onQuestions ? -1 : 0;
  tabs[1].tabIndex = onQuestions ? 0 : -1;
}

function qnaClose() {
  if (!qna.els) return;
  qna.els.tablist.hidden = true;
  qna.els.panel.hidden = true;
  P.app.hidden = false;
  P.app.removeAttribute("role");
  P.app.removeAttribute("aria-labelledby");
  qna.id = null;
  clearTimeout(qna.recheck);
  qna.recheck = null;
}

function renderQna(state, info) {
  const els = qnaBuild();
  const a = state.current_activity;
  const current = !!a && a.id === info.activity_id && a.status === "active";
  if (qna.id !== info.activity_id) {
    qna.id = info.activity_id;
    qna.items = [];
    qna.sig = null;
    qna.statuses.clear();
    els.feedback.textContent = "";
    qna.waiting = null;
    renderQnaList();
  }
  // The config is known only while the Q&A is current; otherwise the type's defaults, and the server's
  // validation message if this Q&A says otherwise.
  const c = current ? a.config || {} : {};
  const limit = c.max_length || DEFAULT_QNA_LENGTH;
  els.text.maxLength = limit;
  els.anonLabel.hidden = c.allow_anonymous === false;
  if (c.allow_anonymous === false) els.anon.checked = false;
  const length = fmt(ngettext("Up to %(n)s character.", "Up to %(n)s characters.", limit), { n: limit });
  els.hint.textContent = c.moderation
    ? `${length} ${gettext("The organizer approves questions before everyone sees them.")}`
    : length;
  els.heading.textContent = info.prompt || gettext("Questions");
  // Its picture is in the config, known while the Q&A is current: lazy, within the screen, its alt text.
  P.replace(
    els.picture,
    P.picture(c.image, { lazy: true, maxHeight: "30vh", cls: "picture question-picture" }),
  );
  els.count.textContent = ` (${info.question_count})`;
  // Spoken only: the prompt needs no bidi isolates here.
  if (current && !qna.wasCurrent)
    announce(
      info.prompt
        ? fmt(gettext("Q&A: %(prompt)s"), { prompt: info.prompt })
        : gettext("Q&A: ask your questions"),
    );
  qna.wasCurrent = current;
  // A new activity while the person reads the questions: a marker on the Activity tab (and the page's
  // usual announcement), never a switch of tab under their fingers.
  const live = a && a.status === "active" && !current ? a.id : null;
  if (live && live !== qna.seenActivity && qna.tab === "questions") els.fresh.hidden = false;
  qna.seenActivity = live;
  qnaLayout(current);
  const sig = JSON.stringify([
    info.question_count,
    (info.top || []).map((q) => [q.id, q.upvotes, q.status, q.pinned]),
  ]);
  if (sig !== qna.sig) {
    qna.sig = sig;
    loadQuestions();
  }
}

function qnaFeedback(text, isError = false) {
  const el = qna.els.feedback;
  el.textContent = text;
  el.classList.toggle("error", isError);
  el.setAttribute("role", isError ? "alert" : "status");
}

async function loadQuestions() {
  const seq = ++qna.seq;
  const id = qna.id;
  const res = await P.api(qnaUrl("?sort=top&limit=50"));
  if (seq !== qna.seq || id !== qna.id) return; // a newer load, or another Q&A, answers instead
  if (res.status === 401) {
    P.removed();
    return;
  }
  if (!res.ok || !res.data) return; // the next change of the state tries again
  qna.items = res.data.items || [];
  // One's own question approved or answered is news worth saying (rarely: only on a change of status).
  const mine = qna.items.filter((x) => x.mine);
  for (const q of mine) {
    const was = qna.statuses.get(q.id);
    if (was === "pending" && q.status !== "pending") {
      announce(gettext("Your question was approved."));
      // "Sent — waiting for approval" is no longer true: the line goes (emptied, so it is not said twice).
      if (qna.waiting === q.id) {
        qna.waiting = null;
        qnaFeedback("");
      }
    }
    if (was && was !== "answered" && q.status === "answered")
      announce(gettext("Your question was marked answered."));
    qna.statuses.set(q.id, q.status);
  }
  // A pending question of one's own that left a complete list was hidden (or deleted) by the organizer.
  if (!res.data.has_next) {
    for (const [qid, was] of qna.statuses) {
      if (was !== "pending" || mine.some((q) => q.id === qid)) continue;
      qna.statuses.delete(qid);
      if (qna.waiting === qid) qna.waiting = null;
      qnaFeedback(gettext("The organizer did not publish your question."));
    }
  }
  renderQnaList();
  clearTimeout(qna.recheck);
  qna.recheck = mine.some((q) => q.status === "pending")
    ? setTimeout(loadQuestions, PENDING_RECHECK_POLLS * P.pollSeconds() * 1000)
    : null;
}

async function qnaAsk() {
  const els = qna.els;
  const text = els.text.value.trim();
  if (!text) {
    qnaFeedback(gettext("Type a question first."), true);
    els.text.focus();
    return;
  }
  els.send.disabled = true;
  qnaFeedback(gettext("Sending…"));
  const res = await P.api(qnaUrl(), { method: "POST", body: { text, anonymous: els.anon.checked } });
  els.send.disabled = false;
  if (res.status === 201 && res.data) {
    els.text.value = "";
    qna.statuses.set(res.data.id, res.data.status);
    qna.waiting = res.data.status === "pending" ? res.data.id : null; // the feedback line says so
    qnaFeedback(
      res.data.status === "pending"
        ? gettext("Sent — waiting for approval.")
        : gettext("Question sent. Thank you!"),
    );
    loadQuestions(); // a pending question is not in the state: only the list shows it
    return;
  }
  if (res.status === 401) {
    P.removed();
    return;
  }
  qnaFeedback(
    errorText(res, { ACTIVITY_NOT_ACTIVE: gettext("The Q&A is closed: questions are no longer taken.") }),
    true,
  );
  els.text.focus();
  if (res.error && res.error.code === "ACTIVITY_NOT_ACTIVE") P.poke();
}

function renderQnaList() {
  if (!qna.els) return;
  const { list, empty } = qna.els;
  // The list is rebuilt; a keyboard user's focus stays on the same question's button.
  const active = document.activeElement;
  const holder = active && list.contains(active) ? active.closest("[data-question-id]") : null;
  replace(list, qna.items.map(questionItem));
  empty.hidden = qna.items.length > 0;
  if (holder) {
    const again = [...list.querySelectorAll(".upvote")].find(
      (b) => b.dataset.questionId === holder.dataset.questionId,
    );
    if (again) again.focus();
  }
}

function questionItem(q) {
  const badge = (text, kind) => h("span", { class: `badge badge-${kind}`, text });
  return h(
    "li",
    {
      class: `qna-item${q.pinned ? " pinned" : ""}${q.mine ? " mine" : ""}`,
      dataset: { questionId: q.id, status: q.status },
    },
    h(
      "div",
      { class: "qna-body" },
      h("p", { class: "qna-text", text: q.text }),
      h(
        "p",
        { class: "qna-meta" },
        // Translators: in place of the nickname of who asked a question anonymously.
        h("span", { class: "qna-who", text: q.nickname ?? gettext("Anonymous") }),
        // Translators: a badge on the question the organizer is answering now.
        q.pinned ? badge(gettext("Pinned"), "pinned") : null,
        q.mine ? badge(gettext("Your question"), "mine") : null,
        // Translators: a badge on a question the organizer marked answered.
        q.status === "answered" ? badge(gettext("Answered"), "answered") : null,
        q.status === "pending" ? badge(gettext("Waiting for approval"), "pending") : null,
      ),
    ),
    // Only a public question takes upvotes (the API answers 404 for a pending one).
    q.status === "visible" || q.status === "answered" ? upvoteButton(q) : null,
  );
}

function upvoteButton(q) {
  const b = h(
    "button",
    { type: "button", class: "upvote", dataset: { questionId: q.id } },
    h("span", { class: "upvote-arrow", attrs: { "aria-hidden": "true" }, text: "▲" }),
    // Translators: the button that upvotes a question (a verb).
    h("span", { class: "visually-hidden", text: gettext("Upvote") }),
    h("span", { class: "upvote-count" }),
  );
  paintUpvote(b, q);
  if (q.mine) {
    // The asker's own question shows its count but takes no upvote from them (the API: 409).
    b.disabled = true;
    b.title = gettext("You cannot upvote your own question.");
    return b;
  }
  b.addEventListener("click", () => toggleUpvote(q.id));
  return b;
}

function paintUpvote(b, q) {
  b.setAttribute("aria-pressed", q.upvoted ? "true" : "false");
  b.querySelector(".upvote-count").textContent = String(q.upvotes);
}

function repaintUpvote(q) {
  const b = [...qna.els.list.querySelectorAll(".upvote")].find((x) => x.dataset.questionId === q.id);
  if (b) paintUpvote(b, q);
}

// Optimistic: the button and its count change at once, then take the server's word (or go back).
async function toggleUpvote(id) {
  const q = qna.items.find((x) => x.id === id);
  if (!q || qna.busy.has(id)) return;
  qna.busy.add(id);
  const before = { upvoted: !!q.upvoted, upvotes: q.upvotes };
  const want = !before.upvoted;
  q.upvoted = want;
  q.upvotes = Math.max(0, before.upvotes + (want ? 1 : -1));
  repaintUpvote(q);
  const res = await P.api(qnaUrl(`/${id}/upvote`), { method: want ? "PUT" : "DELETE" });
  qna.busy.delete(id);
  // The list may have been reloaded meanwhile: reconcile whichever copy is on screen now.
  const now = qna.items.find((x) => x.id === id) || q;
  if (res.ok && res.data) {
    now.upvoted = res.data.upvoted;
    now.upvotes = res.data.upvotes;
  } else {
    now.upvoted = before.upvoted;
    now.upvotes = before.upvotes;
    if (res.status === 401) {
      P.removed();
      return;
    }
    qnaFeedback(errorText(res, { NOT_FOUND: gettext("That question is no longer shown.") }), true);
    P.poke();
  }
  repaintUpvote(now);
}

export default {
  ownPanel: true,
  panel(ctx, info, state) {
    use(ctx);
    if (!info || state.session.status !== "active") {
      qnaClose();
      return;
    }
    renderQna(state, info);
  },
  closePanel(ctx) {
    use(ctx);
    qnaClose();
  },
  sentence: (ctx, r) => sentence(ctx, r),
};
