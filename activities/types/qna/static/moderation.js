// Q&A moderation, on the moderation page (/present/<session>/moderate: live/static/live/moderate.js), never
// on the shared screen: the moderator's laptop, a second tab or a phone. The page loads every type's
// moderation.js and calls its moderation(ctx) hook once; update() is told of every state and says
// whether there is anything to moderate. Approve or hide what waits, pin one (the big slot), mark
// answered (it leaves the spotlight), hide, show again. Pending questions are not in the state snapshot,
// so while a Q&A is open the lists are fetched again every few seconds too.
const REFRESH_EVERY_S = 5;

// The moderation actions: [key (data-action, stable), button text, what done says, the change].
const MOD_ACTIONS = {
  Approve: [gettext("Approve"), gettext("Approved"), { status: "visible" }],
  Hide: [gettext("Hide"), gettext("Hidden"), { status: "hidden" }],
  Show: [gettext("Show"), gettext("Shown again"), { status: "visible" }],
  Pin: [gettext("Pin"), gettext("Pinned: now answering"), { pinned: true }],
  Unpin: [gettext("Unpin"), gettext("Unpinned"), { pinned: false }],
  // Answered: out of the spotlight too (the next question can take it).
  "Mark answered": [
    gettext("Mark answered"),
    gettext("Marked answered"),
    { status: "answered", pinned: false },
  ],
  Reopen: [gettext("Reopen"), gettext("Open again"), { status: "visible" }],
};

function modActions(q) {
  const keys =
    q.status === "pending"
      ? ["Approve", "Hide"]
      : q.status === "hidden"
        ? ["Show"]
        : q.status === "answered"
          ? ["Reopen", "Hide"]
          : [q.pinned ? "Unpin" : "Pin", "Mark answered", "Hide"];
  return keys.map((key) => [key, MOD_ACTIONS[key][0], MOD_ACTIONS[key][2]]);
}

/** The Q&A's moderation panel on the moderation page. Returns {update() → whether a Q&A is open}. */
function moderation(ctx) {
  const { h, replace, fmt, bidi, errorText } = ctx;
  const mod = { items: null, timer: null, busy: false, activity: null };
  const list = (key, title) => {
    const count = h("span", { class: "mod-count", id: `qna-${key}-count` });
    return {
      count,
      title: h("h3", { class: "mod-title", id: `qna-${key}-title` }, title, " ", count),
      list: h("ol", {
        class: "mod-list",
        id: `qna-${key}`,
        attrs: { "aria-labelledby": `qna-${key}-title` },
      }),
    };
  };
  const groups = {
    pending: list("pending", gettext("Waiting for approval")),
    shown: list("shown", gettext("Shown")),
    hidden: list("hidden", gettext("Hidden")),
  };
  const prompt = h("p", { class: "mod-prompt", id: "qna-mod-prompt" });
  const message = h("p", { class: "control-message", id: "qna-mod-message", attrs: { role: "status" } });
  const section = h(
    "section",
    {
      class: "stack mod-panel",
      id: "qna-moderation",
      hidden: true,
      attrs: { "aria-labelledby": "qna-mod-title" },
    },
    h("h2", { id: "qna-mod-title", text: gettext("Moderate questions") }),
    prompt,
    message,
    Object.values(groups).map((g) => [g.title, g.list]),
  );
  ctx.mount(section);

  const modUrl = (path = "") =>
    `/api/v1/sessions/${ctx.sessionId}/activities/${mod.activity}/questions${path}`;
  const modMessage = (text) => {
    message.textContent = text || "";
  };

  function update() {
    const state = ctx.state;
    const info = state?.qna && state.session.status === "active" ? state.qna : null;
    section.hidden = !info;
    if (!info) {
      clearInterval(mod.timer);
      mod.timer = null;
      mod.activity = null;
      return false;
    }
    prompt.textContent = info.prompt || "";
    prompt.dir = "auto";
    if (mod.activity !== info.activity_id) {
      mod.activity = info.activity_id;
      mod.items = null;
    }
    if (!mod.timer) {
      const override = ctx.pollOverride();
      mod.timer = setInterval(load, (override ? override * 2 : REFRESH_EVERY_S) * 1000);
    }
    load(); // the state changed: the lists may have too
    return true;
  }

  async function load() {
    if (!mod.activity) return;
    const res = await ctx.ownerApi(modUrl("?sort=top&limit=100"));
    if (!res.ok || !res.data) {
      if (res.status === 401 || res.status === 403) failed(res);
      return;
    }
    const items = res.data.items || [];
    if (mod.items && JSON.stringify(items) === JSON.stringify(mod.items)) return; // keep the focus where it is
    mod.items = items;
    render();
  }

  function failed(res) {
    if (res.status === 401 || res.status === 403)
      modMessage(gettext("Your login has expired: reload the page and log in again."));
    else modMessage(errorText(res, { INVALID_TRANSITION: res.error?.message }));
  }

  function row(q) {
    const textId = `mod-text-${q.id}`;
    // The nickname is user text: isolated (<bdi>), so an Arabic name does not reorder the line around it.
    const notes = [
      fmt(ngettext("%(n)s upvote", "%(n)s upvotes", q.upvotes), { n: q.upvotes }),
      q.pinned ? gettext("Pinned") : null,
      q.status === "answered" ? gettext("Answered") : null,
    ].filter(Boolean);
    return h(
      "li",
      { class: "mod-row", dataset: { questionId: q.id, status: q.status } },
      h("p", { class: "mod-text", id: textId, text: q.text }),
      h(
        "p",
        { class: "mod-meta" },
        h("bdi", { class: "mod-who", text: q.nickname ?? gettext("Anonymous") }),
        notes.map((n) => ` · ${n}`).join(""),
      ),
      h(
        "div",
        { class: "mod-actions" },
        modActions(q).map(([key, label, change]) => {
          // Many rows have an "Approve": each button is described by its question for a screen reader.
          const b = h("button", {
            type: "button",
            class: "btn",
            text: label,
            dataset: { action: key },
            attrs: { "aria-describedby": textId },
          });
          b.addEventListener("click", () => moderate(q, key, change));
          return b;
        }),
      ),
    );
  }

  function render() {
    const active = document.activeElement;
    const inRow = active && section.contains(active) ? active.closest("[data-question-id]") : null;
    const keep = inRow ? { id: inRow.dataset.questionId, action: active.dataset.action } : null;
    const by = { pending: [], shown: [], hidden: [] };
    for (const q of mod.items || [])
      by[q.status === "pending" ? "pending" : q.status === "hidden" ? "hidden" : "shown"].push(q);
    for (const [key, items] of Object.entries(by)) {
      replace(
        groups[key].list,
        items.length ? items.map(row) : h("li", { class: "muted mod-empty", text: gettext("None.") }),
      );
      groups[key].count.textContent = `(${items.length})`;
    }
    if (keep) refocus(keep);
  }

  // After an action the question may have moved (approved: from "waiting" to "shown"): the focus follows it.
  function refocus({ id, action }) {
    const el = [...section.querySelectorAll("[data-question-id]")].find((r) => r.dataset.questionId === id);
    const buttons = el ? [...el.querySelectorAll("button")] : [];
    const target = buttons.find((b) => b.dataset.action === action) || buttons[0];
    if (target) target.focus();
  }

  async function moderate(q, key, change) {
    if (mod.busy) return;
    mod.busy = true;
    modMessage("");
    const res = await ctx.ownerApi(modUrl(`/${q.id}`), { method: "PATCH", body: change });
    mod.busy = false;
    if (!res.ok) {
      failed(res);
      await load();
      return;
    }
    const done = MOD_ACTIONS[key][1];
    const quoted = q.text.length > 60 ? `${q.text.slice(0, 60)}…` : q.text;
    modMessage(fmt(gettext("%(done)s: “%(question)s”"), { done, question: bidi(quoted) }));
    mod.items = null; // re-render even if the list happens to look the same
    await load();
    refocus({ id: q.id, action: key });
    ctx.poke();
  }

  return { update };
}

export default { moderation };
