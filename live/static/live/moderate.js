// Moderation page: /present/<session id>/moderate, the owning organizer's (a second tab, a laptop, a phone),
// so that moderating never shows on the shared screen. It names no type: every type's moderation.js
// (activities/types/<key>/static) that exports a moderation(ctx) hook adds its panel (ctx.mount) and is
// told of every state (update() returns whether there is something to moderate now).
import { api, loadTypes, readConfig, ui } from "./common.js";
import { StatePoller } from "./poller.js";

const cfg = readConfig();
const types = await loadTypes(readConfig("caja-types"));
const root = document.getElementById("moderation");
const idle = document.getElementById("moderation-idle");
let state = null;

const poller = new StatePoller(cfg.session_id, {
  onState: (s) => {
    state = s;
    update();
  },
});

const ctx = {
  ...ui,
  sessionId: cfg.session_id,
  get state() {
    return state;
  },
  ownerApi: (path, options = {}) => api(path, { ...options, csrf: cfg.csrf_token }),
  mount: (el) => root.appendChild(el),
  poke: () => poller.poke(),
  pollOverride: () => poller.override,
};

const tools = Object.values(types)
  .map((t) => t.renderer.moderation?.(ctx))
  .filter(Boolean);

function update() {
  let busy = false;
  for (const tool of tools) busy = tool.update() || busy;
  idle.hidden = busy;
}

poller.start();
