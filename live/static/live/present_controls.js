// The presenter's control bar (present.js), by role (live/pages.py renders only what the role may use):
// the lifecycle right (owner, co-organizer, presenter) gets start, rehearse, next, reveal, new round, end
// and the keyboard shortcuts; the moderation right gets the link to the moderation page (a moderator's
// whole bar, shown all the time); and what types add to it (their controls() hook).
import { api, errorText } from "./common.js";

/** page: cfg, types, typeOf(activity), poller, stageCtx (what the types' hooks get), state() (the
 * latest state). Returns {update() (after every state), message(text) (the status line)}. */
export function presenterControls({ cfg, types, typeOf, poller, stageCtx, state: current }) {
  const sid = cfg.session_id;

  const controls = document.getElementById("controls");
  const btn = (id) => document.getElementById(id);
  let action = null; // the button a message may offer ("Show again"), after the message
  /** The status line; action {label, run(), focus}: a button beside it until the next message. */
  const message = (text, offer = null) => {
    const el = btn("control-message");
    if (!el) return;
    el.textContent = text || "";
    action?.remove();
    action = null;
    if (!offer) return;
    action = document.createElement("button");
    action.type = "button";
    action.className = "btn";
    action.id = "btn-message-action";
    action.textContent = offer.label;
    action.addEventListener("click", () => {
      btn("main").focus(); // the button goes with the message: the focus starts over at the stage
      offer.run();
    });
    el.after(action);
    if (offer.focus) action.focus();
  };

  function updateControls() {
    const s = current();
    if (!controls || !s) return;
    const a = s.current_activity;
    const active = s.session.status === "active";
    const running = active && a && a.status === "active";
    const completed = s.session.status === "completed";
    controls.hidden = completed && !s.session.rehearsal; // an ended rehearsal can still be wiped
    for (const tool of tools) tool.update();
    if (!cfg.can_control) {
      // A moderator: the way to the moderation page is the whole bar, there whatever is live.
      btn("btn-moderate").hidden = false;
      return;
    }
    btn("btn-start").hidden = s.session.status !== "draft";
    btn("btn-rehearse").hidden = s.session.status !== "draft";
    btn("btn-end-rehearsal").hidden = !s.session.rehearsal;
    btn("btn-next").hidden = completed;
    if (btn("btn-previous")) btn("btn-previous").hidden = !active || !a;
    const t = a ? typeOf(a) : null;
    const revealable = running && t.supports_reveal && !a.results?.revealed;
    btn("btn-reveal").hidden = !revealable;
    btn("btn-reveal").textContent = t?.renderer.revealLabel || gettext("Reveal");
    btn("btn-reset").hidden = !(running && t.supports_reset && (a.results?.revealed || a.response_count));
    // A rehearsal ends with "End rehearsal" (back to a draft): one red button, never an "Ended" rehearsal.
    btn("btn-complete").hidden = completed || !!s.session.rehearsal;
  }

  let busy = false;
  async function act(fn) {
    if (busy || !cfg.can_control) return;
    busy = true;
    message("");
    try {
      await fn();
    } finally {
      busy = false;
    }
  }

  function failed(res) {
    if (res.status === 401 || res.status === 403)
      message(gettext("Your login has expired: reload the page and log in again."));
    else message(errorText(res, { INVALID_TRANSITION: res.error?.message }));
  }

  const csrf = cfg.csrf_token;
  const patchStatus = (status) => api(`/api/v1/sessions/${sid}`, { method: "PATCH", csrf, body: { status } });

  async function start() {
    const res = await patchStatus("active");
    // Started meanwhile (another tab, the admin, this screen's state a poll behind): Next goes on.
    const already =
      res.status === 409 && res.error && res.error.details && res.error.details.from === "active";
    if (!res.ok && !already) failed(res);
    poller.poke();
    return res.ok || already;
  }

  function next() {
    return act(async () => {
      const state = current();
      if (state && state.session.status === "completed") return;
      if (state && state.session.status === "draft" && !(await start())) return;
      // A type's tool may act first (a live Q&A kept open steps aside): false stops the Next.
      for (const tool of tools) if (tool.beforeNext && !(await tool.beforeNext())) return;
      const res = await api(`/api/v1/sessions/${sid}/next`, { method: "POST", csrf });
      if (res.ok) poller.accept(res.data);
      else if (res.status === 409 && res.error && res.error.code !== "INVALID_TRANSITION")
        message(gettext("No more activities. End the session when you are ready."));
      else failed(res);
      poller.poke();
    });
  }

  // Back one activity (a clicker's back key): the previous one is live again (contract: previous).
  function previous() {
    return act(async () => {
      if (current()?.session.status !== "active") return;
      const res = await api(`/api/v1/sessions/${sid}/previous`, { method: "POST", csrf });
      if (res.ok) poller.accept(res.data);
      else if (!(res.status === 409 && res.error?.code === "INVALID_TRANSITION")) failed(res);
      poller.poke();
    });
  }

  function reveal() {
    return act(async () => {
      const state = current();
      const a = state?.current_activity;
      if (a?.status !== "active" || !typeOf(a).supports_reveal) return;
      const res = await api(`/api/v1/sessions/${sid}/activities/${a.id}/reveal`, { method: "POST", csrf });
      if (!res.ok) failed(res);
      poller.poke();
    });
  }

  function reset() {
    return act(async () => {
      const state = current();
      const a = state?.current_activity;
      if (!a || !typeOf(a).supports_reset) return;
      const res = await api(`/api/v1/sessions/${sid}/activities/${a.id}/reset`, { method: "POST", csrf });
      if (!res.ok) failed(res);
      else message(gettext("New round: votes cleared."));
      poller.poke();
    });
  }

  let confirmTimer = null;
  function complete() {
    const b = btn("btn-complete");
    if (!confirmTimer) {
      b.textContent = gettext("Press again to end");
      b.classList.add("confirm");
      confirmTimer = setTimeout(() => {
        confirmTimer = null;
        b.textContent = gettext("End session");
        b.classList.remove("confirm");
      }, 5000);
      return;
    }
    clearTimeout(confirmTimer);
    confirmTimer = null;
    b.textContent = gettext("End session");
    b.classList.remove("confirm");
    act(async () => {
      const res = await patchStatus("completed");
      if (!res.ok) failed(res);
      poller.poke();
    });
  }

  // Rehearse: a draft goes live as a rehearsal. End rehearsal (press twice, like End session) deletes
  // its participants and answers and brings the session back to a draft with the same join code.
  function rehearse() {
    return act(async () => {
      const res = await api(`/api/v1/sessions/${sid}/rehearse`, { method: "POST", csrf });
      if (!res.ok) failed(res);
      else message(gettext("Rehearsal started: answers will be deleted when it ends."));
      poller.poke();
    });
  }

  let endRehearsalTimer = null;
  function endRehearsal() {
    const b = btn("btn-end-rehearsal");
    if (!endRehearsalTimer) {
      b.textContent = gettext("Press again to end the rehearsal");
      b.classList.add("confirm");
      endRehearsalTimer = setTimeout(() => {
        endRehearsalTimer = null;
        b.textContent = gettext("End rehearsal");
        b.classList.remove("confirm");
      }, 5000);
      return;
    }
    clearTimeout(endRehearsalTimer);
    endRehearsalTimer = null;
    b.textContent = gettext("End rehearsal");
    b.classList.remove("confirm");
    act(async () => {
      const res = await api(`/api/v1/sessions/${sid}/end-rehearsal`, { method: "POST", csrf });
      if (!res.ok) failed(res);
      else message(gettext("Rehearsal ended: its answers are deleted. The session is a draft again."));
      poller.poke();
    });
  }

  if (controls && cfg.can_control) {
    btn("btn-start").addEventListener("click", () => act(start));
    btn("btn-rehearse").addEventListener("click", rehearse);
    btn("btn-end-rehearsal").addEventListener("click", endRehearsal);
    btn("btn-next").addEventListener("click", next);
    btn("btn-previous")?.addEventListener("click", previous);
    btn("btn-reveal").addEventListener("click", reveal);
    btn("btn-reset").addEventListener("click", reset);
    btn("btn-complete").addEventListener("click", complete);
    document.addEventListener("keydown", (ev) => {
      if (ev.altKey || ev.ctrlKey || ev.metaKey || ev.defaultPrevented) return;
      const t = ev.target;
      const tag = t?.tagName ? t.tagName.toLowerCase() : "";
      if (["input", "textarea", "select"].includes(tag) || t?.isContentEditable) return;
      if (t?.closest?.("dialog")) return; // a type's dialog (moderating questions): keys are for it
      if (ev.key === "ArrowRight" || ev.key === "PageDown") {
        ev.preventDefault();
        next();
      } else if (ev.key === "ArrowLeft" || ev.key === "PageUp") {
        ev.preventDefault();
        previous();
      } else if (ev.key === " " && !["button", "a", "summary"].includes(tag)) {
        ev.preventDefault();
        next();
      } else if (ev.key === "r" || ev.key === "R") {
        ev.preventDefault();
        reveal();
      }
    });
  }

  // --- what types add to the controls (owning organizer only) -------------------------------------------
  // A type's presenter renderer may wire controls of its own (the link to moderation): controls(stageCtx)
  // is called once on the organizer's page and returns {update()} (or null), called on every state.
  const tools = controls
    ? Object.values(types)
        .map((t) => t.renderer.controls?.(stageCtx))
        .filter(Boolean)
    : [];

  return { update: updateControls, message };
}
