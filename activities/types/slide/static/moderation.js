// Speaker notes on the moderation page (/present/<session>/moderate: live/static/live/moderate.js), the
// presenter's own screen, never the shared one: while a slide is live, its notes and the title of what
// comes next. The notes are never in the state snapshot; they come from the organizer's activity list
// (the read right), fetched once per activity shown.

/** Returns {update() → whether a slide is live}; null for a moderator (the notes are the presenter's:
 * members with the lifecycle right). */
function moderation(ctx) {
  if (!ctx.canControl) return null;
  const { h, replace } = ctx;
  const notes = h("div", { class: "slide-notes", id: "slide-notes" });
  const upNext = h("p", { class: "muted", id: "slide-next" });
  const section = h(
    "section",
    { class: "mod-panel stack", id: "slide-mod", attrs: { "aria-labelledby": "slide-mod-title" } },
    h("h2", { id: "slide-mod-title", text: gettext("Speaker notes") }),
    notes,
    upNext,
  );
  section.hidden = true;
  ctx.mount(section);
  let shownFor = null;

  async function load(activityId) {
    const res = await ctx.ownerApi(`/api/v1/sessions/${ctx.sessionId}/activities?limit=100`);
    if (shownFor !== activityId) return;
    const items = res.ok ? res.data.items : [];
    const index = items.findIndex((x) => x.id === activityId);
    const current = items[index];
    const text = current?.config?.notes || "";
    replace(
      notes,
      text
        ? text.split(/\n\s*\n/).map((p) => h("p", { text: p }))
        : h("p", { class: "muted", text: gettext("No notes for this slide.") }),
    );
    const following = index >= 0 ? items[index + 1] : null;
    const title = following
      ? following.title || following.config?.question || following.config?.title || ""
      : "";
    upNext.textContent = following
      ? ctx.fmt(gettext("Next: %(title)s"), { title: title || following.type })
      : gettext("Next: the end of the session");
  }

  return {
    update() {
      const a = ctx.state?.current_activity;
      const live = !!a && a.type === "slide" && a.status === "active";
      section.hidden = !live;
      if (!live) {
        shownFor = null;
        return false;
      }
      if (shownFor !== a.id) {
        shownFor = a.id;
        replace(notes, h("p", { class: "muted", text: gettext("Loading…") }));
        upNext.textContent = "";
        load(a.id);
      }
      return true;
    },
  };
}

export default { moderation };
