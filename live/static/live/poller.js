// The pages' view of the live state (join.js, present.js): one poller per page.
import { api, parseTime } from "./common.js";

/**
 * Polls GET /api/v1/sessions/{id}/state politely: If-None-Match, X-Poll-Interval, exponential
 * backoff on errors, Retry-After on 429, slower while the page is hidden. `?poll=0.5` overrides
 * the interval (tests, demos).
 */
export class StatePoller {
  constructor(sessionId, { token = null, onState, onError } = {}) {
    this.url = `/api/v1/sessions/${sessionId}/state`;
    this.token = token;
    this.onState = onState;
    this.onError = onError || (() => {});
    this.etag = null;
    this.state = null;
    this.offset = 0; // server clock minus local clock, ms
    this.failures = 0;
    this.timer = null;
    this.stopped = false;
    this.inFlight = false;
    const override = Number(new URLSearchParams(location.search).get("poll"));
    this.override = override > 0 ? Math.max(0.25, override) : null;
    this.interval = this.override || 2;
    document.addEventListener("visibilitychange", () => {
      if (!document.hidden) this.poke();
    });
  }

  start() {
    this.stopped = false;
    this.tick();
  }
  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
  }
  now() {
    return Date.now() + this.offset;
  }

  /** Poll now (after an action of ours), without waiting for the timer. */
  poke() {
    if (this.stopped) return;
    clearTimeout(this.timer);
    if (this.inFlight) {
      this.again = true;
      return;
    }
    this.tick();
  }

  schedule(seconds) {
    if (this.stopped) return;
    clearTimeout(this.timer);
    let wait = seconds;
    if (document.hidden) wait = Math.max(wait, Math.min(15, wait * 5));
    this.due = Date.now() + this.offset + wait * 1000; // the next poll, on the server's clock
    this.timer = setTimeout(() => this.tick(), wait * 1000);
  }

  /** Feed a state body we got from elsewhere (e.g. the answer of POST /next). A poll already on
   *  its way was sent before that change: its answer is not shown (see tick). */
  accept(state) {
    this.fedAfter = this.sent || 0;
    this.show(state);
  }

  /** The next poll's time on the server's clock (ms), or null when none is scheduled. */
  nextPollAt() {
    return this.timer ? this.due : null;
  }

  show(state, served = null) {
    if (!state?.session) return;
    const received = Date.now();
    // The clock at which nginx sent this answer (X-Caja-Now): a micro-cached body's server_time may be
    // up to a second old, and a quiz's lead-in opens every phone's buttons on this clock.
    const server = served ?? parseTime(state.server_time);
    if (server !== null) this.offset = server - received;
    this.state = state;
    this.onState(state);
  }

  async tick() {
    if (this.stopped) return;
    this.inFlight = true;
    this.sent = (this.sent || 0) + 1;
    const sent = this.sent;
    const headers = {};
    if (this.etag) headers["If-None-Match"] = this.etag;
    const res = await api(this.url, { token: this.token, headers });
    this.inFlight = false;
    const served = Number(res.headers.get("X-Caja-Now")) * 1000 || null;
    if (served && res.status === 304) this.offset = served - Date.now();
    const suggested = Number(res.headers.get("X-Poll-Interval"));
    if (suggested > 0) this.interval = suggested;
    const base = this.override || this.interval;
    if (res.status === 200 && res.data && sent <= (this.fedAfter || 0)) {
      // Older than a state fed meanwhile (the lobby answering after POST /next started the first
      // activity): not shown; ask again at once for what came after.
      this.failures = 0;
      this.again = true;
    } else if (res.status === 200 && res.data) {
      this.failures = 0;
      this.etag = res.headers.get("ETag");
      this.show(res.data, served);
      this.schedule(base);
    } else if (res.status === 304) {
      this.failures = 0;
      this.schedule(base);
    } else if (res.status === 429) {
      const retry = Number(res.headers.get("Retry-After")) || base * 2;
      this.schedule(Math.max(retry, base));
    } else {
      this.failures += 1;
      this.onError(res, this.failures);
      if (res.status === 404) {
        this.schedule(30);
        return;
      }
      this.schedule(Math.min(60, base * 2 ** Math.min(this.failures, 6)));
    }
    if (this.again) {
      this.again = false;
      this.poke();
    }
  }
}
