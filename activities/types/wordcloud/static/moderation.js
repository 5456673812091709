// Word cloud on the moderation page (/present/<session>/moderate: live/static/live/moderate.js): the words
// of the live word cloud and of the most recent ended ones, most frequent first, each with Hide (off the
// cloud everywhere), then the hidden words, marked, each with Show again. The focus follows the word it
// acted on (to its Show again, or back to its Hide), never to the next word's Hide. The full results give
// the hidden words (normalized); POST .../hidden-words {"text"}, DELETE .../hidden-words/{text}.

/** The server's grouping of spellings, near enough to find a word again after an action. */
const wordKey = (text) => String(text).normalize("NFKC").replace(/\s+/g, " ").trim().toLowerCase();

function moderation(ctx) {
  const { h, replace, fmt, bidi, errorText } = ctx;
  const mod = { activities: [], results: new Map(), version: null, busy: false };
  const message = h("p", {
    class: "control-message",
    id: "wordcloud-mod-message",
    attrs: { role: "status" },
  });
  const body = h("div", { class: "stack" });
  const section = h(
    "section",
    {
      class: "stack mod-panel",
      id: "wordcloud-moderation",
      hidden: true,
      attrs: { "aria-labelledby": "wordcloud-mod-title" },
    },
    h("h2", { id: "wordcloud-mod-title", text: gettext("Word cloud words") }),
    message,
    body,
  );
  ctx.mount(section);
  const url = (aid, path) => `/api/v1/sessions/${ctx.sessionId}/activities/${aid}${path}`;

  const refresh = ctx.throttled(async () => {
    const list = await ctx.recentActivities("wordcloud");
    const current = ctx.state?.current_activity?.id;
    const version = ctx.state?.version;
    for (const a of list)
      if (!mod.results.has(a.id) || (a.id === current && version !== mod.version)) await loadWords(a);
    mod.version = version;
    // Which activities, and whether each is live or ended (the heading says so).
    const shape = (items) => items.map((a) => `${a.id}:${a.status}`).join();
    const changed = shape(list) !== shape(mod.activities);
    mod.activities = list;
    if (changed) render();
    section.hidden = !list.length;
    ctx.changed();
  });

  async function loadWords(a) {
    const res = await ctx.ownerApi(url(a.id, "/results"));
    if (!res.ok || !res.data) {
      if (res.status === 401 || res.status === 403) failed(res);
      return;
    }
    const r = res.data.results || {};
    const data = { words: r.words || [], hidden: r.hidden || [] };
    const before = mod.results.get(a.id);
    mod.results.set(a.id, data);
    if (!before || JSON.stringify(before) !== JSON.stringify(data)) renderActivity(a);
  }

  function failed(res) {
    message.textContent =
      res.status === 401 || res.status === 403
        ? gettext("Your login has expired: reload the page and log in again.")
        : errorText(res);
  }

  function row(a, text, count, hidden) {
    const key = wordKey(text);
    const textId = `mod-word-${a.id}-${encodeURIComponent(key).replace(/%/g, "_")}`;
    const button = h("button", {
      type: "button",
      class: "btn",
      // Translators: on the moderation page, a button that takes one word off the word cloud; "Show again" puts it back.
      text: hidden ? gettext("Show again") : gettext("Hide"),
      dataset: { action: hidden ? "show" : "hide" },
      attrs: { "aria-describedby": textId },
    });
    button.addEventListener("click", () => (hidden ? showWord(a, text) : hideWord(a, text)));
    return h(
      "li",
      { class: "mod-row", dataset: { word: key, hidden: String(hidden) } },
      // A word is user text: isolated, so a right-to-left one keeps its own direction.
      h("p", { class: "mod-text", id: textId }, h("bdi", { text })),
      h(
        "p",
        { class: "mod-meta" },
        hidden
          ? [
              h("span", { class: "badge badge-pending", text: gettext("Hidden") }),
              " ",
              gettext("Not in the word cloud."),
            ]
          : fmt(ngettext("%(n)s participant", "%(n)s participants", count), { n: count }),
      ),
      h("div", { class: "mod-actions" }, button),
    );
  }

  function block(a) {
    const titleId = `wordcloud-${a.id}-title`;
    const hiddenId = `wordcloud-${a.id}-hidden`;
    const data = mod.results.get(a.id) || { words: [], hidden: [] };
    return h(
      "section",
      { class: "stack", id: `wordcloud-${a.id}`, dataset: { activityId: a.id } },
      h(
        "h3",
        { class: "mod-title", id: titleId },
        h("bdi", { text: ctx.activityHeading(a) }),
        " ",
        h("span", {
          class: "mod-count",
          text: fmt(ngettext("(%(n)s word)", "(%(n)s words)", data.words.length), { n: data.words.length }),
        }),
      ),
      h("p", { class: "mod-meta", text: a.status === "active" ? gettext("Live now") : gettext("Ended") }),
      h(
        "ol",
        { class: "mod-list", dataset: { list: "shown" }, attrs: { "aria-labelledby": titleId } },
        data.words.length
          ? data.words.map((w) => row(a, w.text, w.count, false))
          : h("li", { class: "muted mod-empty", text: gettext("No words yet.") }),
      ),
      data.hidden.length
        ? [
            h("h4", {
              class: "mod-title",
              id: hiddenId,
              text: fmt(gettext("Hidden words (%(n)s)"), { n: data.hidden.length }),
            }),
            h(
              "ul",
              { class: "mod-list", dataset: { list: "hidden" }, attrs: { "aria-labelledby": hiddenId } },
              data.hidden.map((text) => row(a, text, 0, true)),
            ),
          ]
        : null,
    );
  }

  function focused() {
    const active = document.activeElement;
    const inRow = active && section.contains(active) ? active.closest("[data-word]") : null;
    return inRow
      ? { id: inRow.closest("[data-activity-id]").dataset.activityId, word: inRow.dataset.word }
      : null;
  }

  /** Focus the word's button (shown or hidden, wherever it is now); false when it is in neither list. */
  function refocus(keep) {
    const box = body.querySelector(`[data-activity-id="${keep.id}"]`);
    const el = box && [...box.querySelectorAll("[data-word]")].find((r) => r.dataset.word === keep.word);
    el?.querySelector("button")?.focus();
    return !!el;
  }

  /** The word left both lists (no longer in the top 100): the focus goes to its activity's heading. */
  function focusTitle(a) {
    const title = document.getElementById(`wordcloud-${a.id}-title`);
    title?.setAttribute("tabindex", "-1");
    title?.focus();
  }

  function renderActivity(a) {
    const old = body.querySelector(`[data-activity-id="${a.id}"]`);
    if (!old) return;
    const keep = focused();
    old.replaceWith(block(a));
    if (keep && !refocus(keep)) focusTitle(a);
  }

  function render() {
    const keep = focused();
    replace(body, mod.activities.map(block));
    if (keep) refocus(keep);
  }

  async function act(a, text, request, done) {
    if (mod.busy) return;
    mod.busy = true;
    message.textContent = "";
    const res = await request();
    mod.busy = false;
    if (!res.ok) {
      failed(res);
      return;
    }
    await loadWords(a); // the counts come back from the server (a word shown again has its count)
    const keep = { id: a.id, word: wordKey(text) };
    if (!refocus(keep)) focusTitle(a);
    message.textContent = fmt(done, { word: bidi(text) });
    ctx.poke();
  }

  function hideWord(a, text) {
    return act(
      a,
      text,
      () => ctx.ownerApi(url(a.id, "/hidden-words"), { method: "POST", body: { text } }),
      gettext("Hidden: “%(word)s”"),
    );
  }

  function showWord(a, text) {
    return act(
      a,
      text,
      () => ctx.ownerApi(url(a.id, `/hidden-words/${encodeURIComponent(text)}`), { method: "DELETE" }),
      gettext("Shown again: “%(word)s”"),
    );
  }

  function update() {
    refresh();
    return !section.hidden;
  }

  return { update };
}

export default { moderation };
