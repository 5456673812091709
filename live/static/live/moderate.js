// Moderation page: /present/<session id>/moderate, for a member with the moderation right (a second tab, a
// laptop, a phone), so that moderating never shows on the shared screen. It names no type: every type's
// moderation.js (activities/types/<key>/static) that exports a moderation(ctx) hook adds its panel
// (ctx.mount) and is told of every state (update() returns whether there is something to moderate now;
// a panel that learns so later, after a fetch, calls ctx.changed()). Below the panels, the page's own:
// the participants, each with Remove (the API's kick) behind a confirm step.
import { api, loadTypes, readConfig, ui } from "./common.js";
import { StatePoller } from "./poller.js";

const cfg = readConfig();
const types = await loadTypes(readConfig("caja-types"));
const root = document.getElementById("moderation");
const idle = document.getElementById("moderation-idle");
const base = `/api/v1/sessions/${cfg.session_id}`;
let state = null;

const poller = new StatePoller(cfg.session_id, {
  onState: (s) => {
    state = s;
    update();
  },
});

const ownerApi = (path, options = {}) => api(path, { ...options, csrf: cfg.csrf_token });

// The session's activities (the organizer's list: titles, configs, when each went live), fetched again
// only when what is live changes, not on every answer: one list for every panel that asks.
const activities = { key: null, promise: null };
function sessionActivities() {
  const current = state?.current_activity;
  const key = `${state?.session?.status}:${current?.id}:${current?.status}`;
  if (activities.key !== key || !activities.promise) {
    activities.key = key;
    activities.promise = ownerApi(`${base}/activities?limit=100`).then((res) => {
      if (res.ok && res.data) return res.data.items || [];
      activities.promise = null; // a failed fetch is tried again at the next state, not kept
      return [];
    });
  }
  return activities.promise;
}

/** fn() run one at a time, at most once every `gap` ms: a call while it runs asks for one more run. */
function throttled(fn, gap = 1500) {
  let running = null;
  let again = false;
  let last = 0;
  return function run() {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        const wait = last + gap - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        last = Date.now();
        await fn();
      } while (again);
    })().finally(() => {
      running = null;
    });
    return running;
  };
}

const ctx = {
  ...ui,
  sessionId: cfg.session_id,
  // The lifecycle right (owner, co-organizer, presenter): what only a presenter sees (speaker notes).
  canControl: !!cfg.can_control,
  get state() {
    return state;
  },
  ownerApi,
  /** The session's activities of one type that have been live: the live one first, then the
   * most recently ended (at most `limit`). */
  recentActivities: async (type, limit = 3) =>
    (await sessionActivities())
      .filter((a) => a.type === type && (a.status === "active" || a.status === "expired"))
      .sort(
        (a, b) =>
          (b.status === "active") - (a.status === "active") ||
          (b.activated_at || "").localeCompare(a.activated_at || ""),
      )
      .slice(0, limit),
  throttled,
  mount: (el) => root.appendChild(el),
  changed: () => showIdle(),
  poke: () => poller.poke(),
  pollOverride: () => poller.override,
};

const tools = Object.values(types)
  .map((t) => t.renderer.moderation?.(ctx))
  .filter(Boolean);

function showIdle() {
  idle.hidden = [...root.children].some((el) => !el.hidden);
}

function update() {
  for (const tool of tools) tool.update();
  showIdle();
  people.update();
}

// --- participants: Remove (kick), confirmed first ----------------------------------------------------
const people = participants();

function participants() {
  const { h, replace, fmt, bidi, errorText } = ui;
  const PAGE = 100;
  const section = document.getElementById("participants");
  const title = document.getElementById("participants-title");
  const count = document.getElementById("participants-count");
  const list = document.getElementById("participants-list");
  const message = document.getElementById("participants-message");
  const more = document.getElementById("participants-more");
  const p = { want: PAGE, items: null, total: 0, count: null, confirming: null };

  const load = throttled(async () => {
    const items = [];
    let total = 0;
    for (let offset = 0; offset < p.want; offset += PAGE) {
      const res = await ownerApi(`${base}/participants?limit=${PAGE}&offset=${offset}`);
      if (!res.ok || !res.data) {
        if (res.status === 401 || res.status === 403)
          message.textContent = gettext("Your login has expired: reload the page and log in again.");
        return;
      }
      items.push(...(res.data.items || []));
      total = res.data.total ?? items.length;
      if (!res.data.has_next) break;
    }
    const same = p.items && JSON.stringify(items) === JSON.stringify(p.items) && total === p.total;
    p.items = items;
    p.total = total;
    if (!same) render();
  }, 1000);

  more.addEventListener("click", () => {
    p.want += PAGE;
    load();
  });

  function update() {
    if (!state) return;
    if (p.count !== state.participant_count) {
      p.count = state.participant_count;
      load();
    }
  }

  function row(person) {
    const nameId = `participant-${person.id}`;
    const actions = h("div", { class: "mod-actions" });
    const li = h(
      "li",
      { class: "mod-row", dataset: { participantId: person.id } },
      // A nickname is user text: isolated, so a right-to-left name does not reorder the line.
      h("p", { class: "mod-text", id: nameId }, h("bdi", { text: person.nickname })),
      actions,
    );
    const ask = () => {
      const remove = h("button", {
        type: "button",
        class: "btn btn-danger",
        text: gettext("Remove"),
        dataset: { action: "remove" },
        attrs: { "aria-describedby": nameId },
      });
      remove.addEventListener("click", confirm);
      replace(actions, remove);
      return remove;
    };
    const confirm = () => {
      p.confirming = person.id;
      const questionId = `confirm-${person.id}`;
      const yes = h("button", {
        type: "button",
        class: "btn btn-danger confirm",
        text: gettext("Yes, remove"),
        dataset: { action: "confirm" },
        attrs: { "aria-describedby": questionId },
      });
      const no = h("button", {
        type: "button",
        class: "btn",
        text: gettext("Cancel"),
        dataset: { action: "cancel" },
      });
      const cancel = () => {
        p.confirming = null;
        ask().focus();
      };
      yes.addEventListener("click", () => kick(person, li));
      no.addEventListener("click", cancel);
      for (const b of [yes, no])
        b.addEventListener("keydown", (ev) => {
          if (ev.key === "Escape") {
            ev.preventDefault();
            cancel();
          }
        });
      replace(
        actions,
        h(
          "p",
          { class: "mod-meta", id: questionId },
          // The nickname in the sentence is a <bdi> of its own (the translation places it).
          gettext(
            "Remove %(name)s from the session? Their phone stops following it; their answers stay counted.",
          )
            .split("%(name)s")
            .flatMap((part, i) => (i ? [h("bdi", { text: person.nickname }), part] : [part])),
        ),
        yes,
        no,
      );
      // The safe choice has the focus: a second Enter does not remove anyone.
      no.focus();
    };
    if (p.confirming === person.id) confirm();
    else ask();
    return li;
  }

  function render() {
    const active = document.activeElement;
    const inRow = active && list.contains(active) ? active.closest("[data-participant-id]") : null;
    const keep = inRow ? inRow.dataset.participantId : null;
    replace(
      list,
      p.items.length
        ? p.items.map(row)
        : h("li", { class: "muted mod-empty", text: gettext("No participants yet.") }),
    );
    count.textContent = `(${p.total})`;
    more.hidden = p.items.length >= p.total;
    section.hidden = false;
    if (keep) focusRow(keep);
  }

  function focusRow(id) {
    const el = [...list.querySelectorAll("[data-participant-id]")].find(
      (r) => r.dataset.participantId === id,
    );
    const target = el?.querySelector("button");
    if (target) target.focus();
    return !!target;
  }

  async function kick(person, li) {
    const res = await ownerApi(`${base}/participants/${person.id}`, { method: "DELETE" });
    p.confirming = null;
    if (!res.ok && res.status !== 404) {
      message.textContent =
        res.status === 401 || res.status === 403
          ? gettext("Your login has expired: reload the page and log in again.")
          : errorText(res);
      return;
    }
    message.textContent = fmt(gettext("Removed: %(name)s"), { name: bidi(person.nickname) });
    // The focus goes to the row that takes this one's place (its Remove asks first), else the heading.
    const next = li.nextElementSibling || li.previousElementSibling;
    const nextId = next?.dataset.participantId;
    p.items = p.items.filter((x) => x.id !== person.id);
    p.total = Math.max(0, p.total - 1);
    render();
    if (!(nextId && focusRow(nextId))) title.focus();
    poller.poke();
    load();
  }

  return { update };
}

poller.start();
