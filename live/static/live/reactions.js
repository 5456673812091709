// Live reactions: the phone's bar of buttons and the big screen's lane. The kinds (key, emoji, label
// in the page's language) are declared once on the server (live/reactions.py) and handed to the page
// like the type registry: the `caja-reactions` JSON script element.
import { api, fmt, h, readConfig, replace } from "./common.js";

const KINDS = readConfig("caja-reactions");
const kinds = () => (Array.isArray(KINDS) ? KINDS : []);

// --- the phone (join.js) ---------------------------------------------------------------------------
// While the session is active, a bar of the reactions above whatever the page shows (the lobby, an
// activity, the Q&A). A 429 (more than 2 a second) or a refusal disables the bar for a moment.

/** The bar in `bar` (or nothing when the page has none). The page's hooks: sessionId, me()
 * ({token} or null), removed(), poke(). Returns {show(on)}. */
export function reactionBar(bar, page) {
  let pause = null;

  function build() {
    if (!bar || bar.firstChild) return;
    for (const { kind, emoji, label } of kinds()) {
      const b = h(
        "button",
        {
          type: "button",
          class: "reaction",
          dataset: { kind },
          attrs: { "aria-label": label, title: label },
        },
        h("span", { attrs: { "aria-hidden": "true" }, text: emoji }),
      );
      b.addEventListener("click", () => react(kind, b));
      bar.appendChild(b);
    }
  }

  function pauseFor(ms) {
    for (const b of bar.querySelectorAll("button")) b.disabled = true;
    clearTimeout(pause);
    pause = setTimeout(() => {
      for (const b of bar.querySelectorAll("button")) b.disabled = false;
    }, ms);
  }

  async function react(kind, button) {
    const me = page.me();
    if (!me) return;
    button.classList.remove("sent");
    const res = await api(`/api/v1/sessions/${page.sessionId}/reactions`, {
      method: "POST",
      token: me.token,
      body: { kind },
    });
    if (res.status === 202) {
      void button.offsetWidth; // restart the little pop
      button.classList.add("sent");
    } else if (res.status === 429) {
      pauseFor(Math.max(1, Number(res.headers.get("Retry-After")) || 1) * 1000);
    } else if (res.status === 401) {
      page.removed();
    } else {
      pauseFor(2000);
      page.poke();
    }
  }

  return {
    /** Shown (built on first use) or hidden. */
    show(on) {
      if (!bar) return;
      if (on) build();
      bar.hidden = !on;
    },
  };
}

// --- the big screen (present.js) -------------------------------------------------------------------
// The state counts each kind of reaction over the last window_seconds. When a count grows between two
// states, that many (at most a few) emoji float up the lane above the QR code for a few seconds: in
// the join column, never over the results or the control bar. With prefers-reduced-motion nothing
// moves: the lane shows a counter per kind instead (caja.css shows one or the other).
const FLOAT_MAX = 6; // per kind and state: a burst of 50 does not make 50 nodes
const FLOAT_MS = 3200;

/** The lane in `lane` (or nothing when the page has none). Returns {show(state)}. */
export function reactionLane(lane) {
  let last = null;
  function show(s) {
    if (!lane) return;
    const counts = s.reactions?.counts || {};
    const live = s.session.status === "active";
    const floats = lane.querySelector(".reaction-floats");
    const counters = lane.querySelector(".reaction-counts");
    lane.hidden = !live;
    replace(
      counters,
      kinds()
        .filter(({ kind }) => counts[kind])
        .map(({ kind, emoji, label }) =>
          h(
            "li",
            { class: "reaction-count", dataset: { kind } },
            h("span", { class: "reaction-emoji", attrs: { "aria-hidden": "true" }, text: emoji }),
            h("span", { class: "visually-hidden", text: fmt(gettext("%(name)s: "), { name: label }) }),
            h("span", { class: "reaction-number", text: String(counts[kind]) }),
          ),
        ),
    );
    if (live && last) {
      for (const { kind, emoji } of kinds()) {
        const grew = (counts[kind] || 0) - (last[kind] || 0);
        for (let i = 0; i < Math.min(grew, FLOAT_MAX); i++) {
          const el = h("span", {
            class: "reaction-float",
            text: emoji,
            dataset: { kind },
            style: { left: `${5 + Math.random() * 70}%`, animationDelay: `${i * 180}ms` },
          });
          floats.appendChild(el);
          setTimeout(() => el.remove(), FLOAT_MS + i * 180);
        }
      }
    }
    last = live ? { ...counts } : null;
  }
  return { show };
}
