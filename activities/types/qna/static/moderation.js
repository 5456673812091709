// Q&A moderation on the big screen (the owning organizer only), the presenter renderer's controls()
// hook (presenter.js): present.js calls it once on the organizer's page and tells it of every state.
// A "Questions" button in the control bar opens a modal dialog (focus stays inside, Escape closes it):
// approve or hide what waits, pin one (the big slot), mark answered, hide, show again. Pending questions
// are not in the state snapshot, so while a Q&A is open this screen asks for their number now and then
// (one small request every few seconds, from the organizer's screen only).
const PENDING_EVERY_S = 5;

// The moderation actions: [key (data-action, stable), button text, what done says, the change].
const MOD_ACTIONS = {
  Approve: [gettext("Approve"), gettext("Approved"), { status: "visible" }],
  Hide: [gettext("Hide"), gettext("Hidden"), { status: "hidden" }],
  Show: [gettext("Show"), gettext("Shown again"), { status: "visible" }],
  Pin: [gettext("Pin"), gettext("Pinned: now answering"), { pinned: true }],
  Unpin: [gettext("Unpin"), gettext("Unpinned"), { pinned: false }],
  "Mark answered": [gettext("Mark answered"), gettext("Marked answered"), { status: "answered" }],
  Reopen: [gettext("Reopen"), gettext("Open again"), { status: "visible" }],
};

function modActions(q) {
  const keys =
    q.status === "pending"
      ? ["Approve", "Hide"]
      : q.status === "hidden"
        ? ["Show"]
        : [q.pinned ? "Unpin" : "Pin", q.status === "answered" ? "Reopen" : "Mark answered", "Hide"];
  return keys.map((key) => [key, MOD_ACTIONS[key][0], MOD_ACTIONS[key][2]]);
}

/** The moderation dialog's wiring, or null on a page without it (a viewer's). Returns {update()}. */
export function moderation(ctx) {
  const { h, replace, fmt, bidi, errorText } = ctx;
  const byId = (id) => document.getElementById(id);
  const dialog = byId("qna-dialog");
  const button = byId("btn-questions");
  if (!dialog || !button) return null;
  const mod = { items: null, timer: null, busy: false };

  const modUrl = (path = "") =>
    `/api/v1/sessions/${ctx.sessionId}/activities/${ctx.state.qna.activity_id}/questions${path}`;
  function modMessage(text) {
    const el = byId("qna-mod-message");
    if (el) el.textContent = text || "";
  }

  function update() {
    const state = ctx.state;
    const open = !!(state?.qna && state.session.status === "active");
    button.hidden = !open;
    if (!open) {
      clearInterval(mod.timer);
      mod.timer = null;
      if (dialog.open) dialog.close();
      return;
    }
    if (!mod.timer) {
      refreshModeration();
      const override = ctx.pollOverride();
      mod.timer = setInterval(refreshModeration, (override ? override * 2 : PENDING_EVERY_S) * 1000);
    } else if (dialog.open) {
      refreshModeration(); // the state changed: the lists may have too
    }
  }

  async function refreshModeration() {
    if (!ctx.state?.qna) return;
    if (dialog.open) {
      await loadModeration();
      return;
    }
    const res = await ctx.ownerApi(modUrl("?status=pending&limit=1"));
    if (res.ok && res.data) paintPending(res.data.total);
  }

  function paintPending(n) {
    button.textContent = n
      ? fmt(ngettext("Questions · %(n)s waiting", "Questions · %(n)s waiting", n), { n })
      : gettext("Questions");
    byId("qna-pending-count").textContent = `(${n})`;
  }

  async function loadModeration() {
    const res = await ctx.ownerApi(modUrl("?sort=top&limit=100"));
    if (!res.ok || !res.data) {
      if (res.status === 401 || res.status === 403) failedMod(res);
      return;
    }
    const items = res.data.items || [];
    if (mod.items && JSON.stringify(items) === JSON.stringify(mod.items)) return; // nothing new: keep the focus where it is
    mod.items = items;
    renderModeration();
  }

  function failedMod(res) {
    if (res.status === 401 || res.status === 403)
      modMessage(gettext("Your login has expired: reload the page and log in again."));
    else modMessage(errorText(res, { INVALID_TRANSITION: res.error?.message }));
  }

  function modRow(q) {
    const textId = `mod-text-${q.id}`;
    const notes = [
      q.nickname ?? gettext("Anonymous"),
      fmt(ngettext("%(n)s upvote", "%(n)s upvotes", q.upvotes), { n: q.upvotes }),
    ];
    if (q.pinned) notes.push(gettext("Pinned"));
    if (q.status === "answered") notes.push(gettext("Answered"));
    return h(
      "li",
      { class: "mod-row", dataset: { questionId: q.id, status: q.status } },
      h("p", { class: "mod-text", id: textId, text: q.text }),
      h("p", { class: "mod-meta", text: notes.join(" · ") }),
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

  function renderModeration() {
    const active = document.activeElement;
    const row = active && dialog.contains(active) ? active.closest("[data-question-id]") : null;
    const keep = row ? { id: row.dataset.questionId, action: active.dataset.action } : null;
    const items = mod.items || [];
    const groups = { pending: [], shown: [], hidden: [] };
    for (const q of items)
      groups[q.status === "pending" ? "pending" : q.status === "hidden" ? "hidden" : "shown"].push(q);
    for (const [key, list] of Object.entries(groups)) {
      replace(
        byId(`qna-${key}`),
        list.length ? list.map(modRow) : h("li", { class: "muted mod-empty", text: gettext("None.") }),
      );
    }
    paintPending(groups.pending.length);
    if (keep) refocus(keep);
  }

  // After an action the question may have moved (approved: from "waiting" to "shown"): the focus follows it.
  function refocus({ id, action }) {
    const row = [...dialog.querySelectorAll("[data-question-id]")].find((el) => el.dataset.questionId === id);
    const buttons = row ? [...row.querySelectorAll("button")] : [];
    const target = buttons.find((b) => b.dataset.action === action) || buttons[0] || byId("qna-close");
    target.focus();
  }

  async function moderate(q, label, change) {
    if (mod.busy) return;
    mod.busy = true;
    modMessage("");
    const res = await ctx.ownerApi(modUrl(`/${q.id}`), { method: "PATCH", body: change });
    mod.busy = false;
    if (!res.ok) {
      failedMod(res);
      await loadModeration();
      return;
    }
    const done = (MOD_ACTIONS[label] || [])[1] || gettext("Done");
    const quoted = q.text.length > 60 ? `${q.text.slice(0, 60)}…` : q.text;
    modMessage(fmt(gettext("%(done)s: “%(question)s”"), { done, question: bidi(quoted) }));
    mod.items = null; // re-render even if the list happens to look the same
    const row = { id: q.id, action: label };
    await loadModeration();
    refocus(row);
    ctx.poke();
  }

  button.addEventListener("click", async () => {
    mod.items = null;
    modMessage("");
    dialog.showModal();
    await loadModeration();
  });
  byId("qna-close").addEventListener("click", () => dialog.close());
  return { update };
}
