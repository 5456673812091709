// The presenter page of a self-paced session (present.js hands over when the state says "pace":
// "self"): no current activity to show, so a live dashboard. How many people started and finished
// (the organizer's results: completion), and each open activity's live results. Once the session
// completes, present.js shows its end summary and podium as for a live session.
import { api, fmt, h, replace } from "./common.js";

const REFRESH_MS = 2000; // the results are read at most this often, however fast answers arrive

/** deps: sid, stage, summaryItem(activity, results), fit(). Returns {draw(state), stop()}. */
export function selfPacedDashboard({ sid, stage, summaryItem, fit }) {
  let last = 0;
  let timer = null;
  let inFlight = false;
  let current = null;

  function when(iso) {
    return new Intl.DateTimeFormat(document.documentElement.lang || undefined, {
      year: "numeric",
      month: "short",
      day: "numeric",
      hour: "numeric",
      minute: "2-digit",
      timeZoneName: "short",
    }).format(new Date(iso));
  }

  function schedule() {
    if (timer) return;
    const wait = Math.max(0, last + REFRESH_MS - Date.now());
    timer = setTimeout(refresh, wait);
  }

  async function refresh() {
    timer = null;
    if (inFlight || !current) return;
    inFlight = true;
    last = Date.now();
    const s = current;
    const res = await api(`/api/v1/sessions/${sid}/results`);
    inFlight = false;
    if (current !== s && current) schedule();
    paint(s, res.ok ? res.data : null);
  }

  function paint(s, results) {
    const completion = results?.completion || { started: 0, finished: 0 };
    const byId = {};
    for (const item of results?.activities || []) byId[item.id] = item;
    const times = [
      s.session.opens_at ? fmt(gettext("Opens %(time)s"), { time: when(s.session.opens_at) }) : null,
      s.session.closes_at ? fmt(gettext("Closes %(time)s"), { time: when(s.session.closes_at) }) : null,
    ].filter(Boolean);
    const parts = (s.activities || []).map((a) => {
      const item = byId[a.id];
      return item ? summaryItem({ ...a, config: a.config || {} }, item.results) : null;
    });
    replace(
      stage,
      h(
        "section",
        { class: "stack dashboard", id: "dashboard" },
        h("h2", { class: "question", text: gettext("Self-paced: everyone answers at their own pace") }),
        times.length ? h("p", { class: "sub-message", id: "dash-times", text: times.join(" · ") }) : null,
        h(
          "dl",
          { class: "completion", id: "completion" },
          h(
            "div",
            {},
            h("dt", { text: gettext("Started") }),
            h("dd", { id: "dash-started", text: String(completion.started) }),
          ),
          h(
            "div",
            {},
            h("dt", { text: gettext("Finished") }),
            h("dd", { id: "dash-finished", text: String(completion.finished) }),
          ),
        ),
        results
          ? h(
              "div",
              { class: "summary-activities", style: { "--columns": "2" }, dataset: { pageable: "" } },
              parts,
            )
          : h("p", { class: "muted", text: gettext("Results are shown to the session's organizers.") }),
      ),
    );
    fit();
  }

  return {
    draw(s) {
      const first = current === null;
      current = s;
      if (first) paint(s, null);
      schedule();
    },
    stop() {
      current = null;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
