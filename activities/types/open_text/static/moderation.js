// Open text on the moderation page (/present/<session>/moderate: live/static/live/moderate.js): the answers
// of the live open-text activity and of the most recent ended ones, newest first, each with Hide (off the
// big screen and the phones) or, once hidden, Show again. Hidden answers stay in their place, marked, so
// the focus stays on the same answer (its button turns into Show again) and a second Enter never hides
// the next one. PATCH .../responses/{id} {"hidden"} (the moderation right).
const ANSWERS = 100; // the newest the big screen's wall can show, hidden ones included

function moderation(ctx) {
  const { h, replace, fmt, bidi, errorText } = ctx;
  const mod = { activities: [], answers: new Map(), version: null, busy: false };
  const message = h("p", {
    class: "control-message",
    id: "open-text-mod-message",
    attrs: { role: "status" },
  });
  const body = h("div", { class: "stack" });
  const section = h(
    "section",
    {
      class: "stack mod-panel",
      id: "open-text-moderation",
      hidden: true,
      attrs: { "aria-labelledby": "open-text-mod-title" },
    },
    h("h2", { id: "open-text-mod-title", text: gettext("Open-text answers") }),
    message,
    body,
  );
  ctx.mount(section);
  const url = (aid, path = "") => `/api/v1/sessions/${ctx.sessionId}/activities/${aid}/responses${path}`;

  const refresh = ctx.throttled(async () => {
    const list = await ctx.recentActivities("open_text");
    const current = ctx.state?.current_activity?.id;
    const version = ctx.state?.version;
    // The live one gains answers with every version; an ended one only changes when hidden here.
    for (const a of list)
      if (!mod.answers.has(a.id) || (a.id === current && version !== mod.version)) await loadAnswers(a);
    mod.version = version;
    // Which activities, and whether each is live or ended (the heading says so).
    const shape = (items) => items.map((a) => `${a.id}:${a.status}`).join();
    const changed = shape(list) !== shape(mod.activities);
    mod.activities = list;
    if (changed) render();
    section.hidden = !list.length;
    ctx.changed();
  });

  async function loadAnswers(a) {
    let res = await ctx.ownerApi(url(a.id, `?limit=${ANSWERS}`));
    // Oldest first: the newest are on the last page.
    if (res.ok && res.data?.has_next)
      res = await ctx.ownerApi(url(a.id, `?limit=${ANSWERS}&offset=${res.data.total - ANSWERS}`));
    if (!res.ok || !res.data) {
      if (res.status === 401 || res.status === 403) failed(res);
      return;
    }
    const items = (res.data.items || [])
      .map((r) => ({ id: r.id, text: r.response_data?.text ?? "", hidden: !!r.hidden, at: r.updated_at }))
      .sort((x, y) => (y.at || "").localeCompare(x.at || "") || y.id.localeCompare(x.id));
    const before = mod.answers.get(a.id);
    mod.answers.set(a.id, items);
    if (!before || JSON.stringify(before) !== JSON.stringify(items)) renderActivity(a);
  }

  function failed(res) {
    message.textContent =
      res.status === 401 || res.status === 403
        ? gettext("Your login has expired: reload the page and log in again.")
        : errorText(res);
  }

  function row(a, answer) {
    const textId = `mod-answer-${answer.id}`;
    const key = answer.hidden ? "show" : "hide";
    const button = h("button", {
      type: "button",
      class: "btn",
      // Translators: on the moderation page, a button that takes one open-text answer off the big screen; "Show again" puts it back.
      text: answer.hidden ? gettext("Show again") : gettext("Hide"),
      dataset: { action: key },
      attrs: { "aria-describedby": textId },
    });
    button.addEventListener("click", () => setHidden(a, answer, !answer.hidden));
    return h(
      "li",
      { class: "mod-row", dataset: { answerId: answer.id, hidden: String(answer.hidden) } },
      // An answer is user text: isolated, so a right-to-left one keeps its own direction.
      h("p", { class: "mod-text", id: textId }, h("bdi", { text: answer.text })),
      answer.hidden
        ? h(
            "p",
            { class: "mod-meta" },
            h("span", { class: "badge badge-pending", text: gettext("Hidden") }),
            " ",
            gettext("Not on the big screen nor on the phones."),
          )
        : null,
      h("div", { class: "mod-actions" }, button),
    );
  }

  function block(a) {
    const titleId = `open-text-${a.id}-title`;
    const items = mod.answers.get(a.id) || [];
    const hidden = items.filter((x) => x.hidden).length;
    return h(
      "section",
      { class: "stack", id: `open-text-${a.id}`, dataset: { activityId: a.id } },
      h(
        "h3",
        { class: "mod-title", id: titleId },
        h("bdi", { text: ctx.activityHeading(a) }),
        " ",
        h("span", {
          class: "mod-count",
          text: fmt(
            ngettext("(%(n)s answer, %(hidden)s hidden)", "(%(n)s answers, %(hidden)s hidden)", items.length),
            { n: items.length, hidden },
          ),
        }),
      ),
      h("p", {
        class: "mod-meta",
        text: a.status === "active" ? gettext("Live now") : gettext("Ended"),
      }),
      h(
        "ol",
        { class: "mod-list", attrs: { "aria-labelledby": titleId } },
        items.length
          ? items.map((x) => row(a, x))
          : h("li", { class: "muted mod-empty", text: gettext("No answers yet.") }),
      ),
    );
  }

  function focused() {
    const active = document.activeElement;
    const inRow = active && section.contains(active) ? active.closest("[data-answer-id]") : null;
    return inRow ? inRow.dataset.answerId : null;
  }

  function refocus(id) {
    const el = [...section.querySelectorAll("[data-answer-id]")].find((r) => r.dataset.answerId === id);
    el?.querySelector("button")?.focus();
  }

  function renderActivity(a) {
    const old = body.querySelector(`[data-activity-id="${a.id}"]`);
    if (!old) return; // not placed yet: render() builds it
    const keep = focused();
    old.replaceWith(block(a));
    if (keep) refocus(keep);
  }

  function render() {
    const keep = focused();
    replace(body, mod.activities.map(block));
    if (keep) refocus(keep);
  }

  async function setHidden(a, answer, hidden) {
    if (mod.busy) return;
    mod.busy = true;
    message.textContent = "";
    const res = await ctx.ownerApi(url(a.id, `/${answer.id}`), { method: "PATCH", body: { hidden } });
    mod.busy = false;
    if (!res.ok) {
      failed(res);
      return;
    }
    const items = (mod.answers.get(a.id) || []).map((x) => (x.id === answer.id ? { ...x, hidden } : x));
    mod.answers.set(a.id, items);
    renderActivity(a);
    // The same answer keeps the focus, its button now the opposite action.
    refocus(answer.id);
    const quoted = answer.text.length > 60 ? `${answer.text.slice(0, 60)}…` : answer.text;
    message.textContent = fmt(hidden ? gettext("Hidden: “%(text)s”") : gettext("Shown again: “%(text)s”"), {
      text: bidi(quoted),
    });
    ctx.poke();
  }

  function update() {
    refresh();
    return !section.hidden;
  }

  return { update };
}

export default { moderation };
