// Answers that must not be lost (the participant page, phone_activity.js).
// An answer the server has not acknowledged (no network, a 503 during a database blip, a 429) is
// kept, in memory and in localStorage so a reload keeps it too, and sent again until it is
// acknowledged, the activity ends, or the person answers again (which replaces it). The wait
// doubles from 1 s up to 15 s with jitter, and honours Retry-After with jitter on top, so 5,000
// phones refused together do not come back together. Retrying is safe: one answer per participant
// per activity is a database constraint, and a replace type stores the same answer again.
import { api, errorText, fmt } from "./common.js";

const RETRY_STATUSES = new Set([0, 429, 502, 503, 504]);
const RETRY_BASE_MS = 1000;
const RETRY_MAX_MS = 15000;

function retryDelay(attempt, headers) {
  const backoff = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** (attempt - 1));
  let wait = backoff / 2 + Math.random() * (backoff / 2);
  const after = Number(headers?.get("Retry-After"));
  if (after > 0) wait = Math.max(wait, after * 1000 * (1 + Math.random() * 0.5));
  return wait;
}

/**
 * The queue of the activity on screen (`one`: its id, activity, els, mine, closed; the queue adds
 * pending and retryTimer). The page's hooks: token(), current() (the activity on screen now),
 * feedback(text, isError), renderForm(), renderMine(), updateActivity(activity), loadMine(),
 * poke(), removed().
 */
export function answerQueue(sessionId, page) {
  const pendingKey = `caja.pending.${sessionId}`;

  function savePending(activityId, data) {
    try {
      localStorage.setItem(pendingKey, JSON.stringify({ activity_id: activityId, data }));
    } catch {
      /* private mode */
    }
  }
  function loadPending(activityId) {
    try {
      const p = JSON.parse(localStorage.getItem(pendingKey) || "null");
      return p && p.activity_id === activityId ? p.data : null;
    } catch {
      return null;
    }
  }
  function clearPending() {
    try {
      localStorage.removeItem(pendingKey);
    } catch {
      /* ignore */
    }
  }

  function cancel(one) {
    if (one?.retryTimer) {
      clearTimeout(one.retryTimer);
      one.retryTimer = null;
    }
  }

  async function submit(thisOne, data) {
    cancel(thisOne); // a new answer replaces one still waiting to be sent
    thisOne.pending = { data, attempt: 0 };
    savePending(thisOne.id, data);
    return send(thisOne);
  }

  async function send(thisOne) {
    const p = thisOne.pending;
    thisOne.retryTimer = null;
    page.feedback(p.attempt ? gettext("Sending again…") : gettext("Sending…"));
    const res = await api(`/api/v1/sessions/${sessionId}/activities/${thisOne.id}/responses`, {
      method: "POST",
      token: page.token(),
      body: { response_data: p.data },
    });
    if (thisOne.pending !== p) return false; // answered again meanwhile: that one counts
    if (page.current() !== thisOne) {
      thisOne.pending = null;
      clearPending();
      return false;
    } // the activity is gone
    if (RETRY_STATUSES.has(res.status)) {
      p.attempt += 1;
      const wait = retryDelay(p.attempt, res.headers);
      const s = Math.ceil(wait / 1000);
      const text =
        res.status === 0
          ? gettext("Not sent yet (no connection). Sending… again in %(s)s s. Keep this page open.")
          : res.status === 429
            ? gettext("Not sent yet (the server is busy). Sending… again in %(s)s s. Keep this page open.")
            : gettext(
                "Not sent yet (the server is unavailable). Sending… again in %(s)s s. Keep this page open.",
              );
      page.feedback(fmt(text, { s }), true);
      thisOne.els.feedback.setAttribute("role", "status"); // polite: it is news, not an error of theirs
      thisOne.retryTimer = setTimeout(() => send(thisOne), wait);
      page.renderMine();
      return false;
    }
    thisOne.pending = null;
    clearPending();
    if (res.status === 200 || res.status === 201) {
      // A new answer counts at once (phone_activity.js updateActivity), not at the next state.
      if (res.status === 201) thisOne.ownCount = (thisOne.activity.response_count || 0) + 1;
      thisOne.mine = res.data.response_data;
      page.feedback(res.status === 201 ? gettext("Answer sent. Thank you!") : gettext("Answer updated."));
      page.renderForm();
      page.updateActivity(thisOne.activity);
      page.poke();
      return true;
    }
    if (res.status === 401) {
      page.removed();
      return false;
    }
    if (res.error && res.error.code === "ALREADY_ANSWERED") {
      await page.loadMine();
      // This very answer is stored: a retry (ours, or a proxy's) whose first try got through and
      // whose acknowledgement was lost on the way back. That is "sent", not an error.
      if (page.current() === thisOne && JSON.stringify(thisOne.mine) === JSON.stringify(p.data)) {
        page.feedback(gettext("Answer sent. Thank you!"));
        page.renderForm();
        page.updateActivity(thisOne.activity);
        return true;
      }
    }
    page.feedback(errorText(res), true);
    if (res.error && ["TIME_UP", "ACTIVITY_NOT_ACTIVE", "ALREADY_ANSWERED"].includes(res.error.code)) {
      page.current().closed = res.error.code !== "ALREADY_ANSWERED";
      page.renderForm();
    }
    page.poke();
    return false;
  }

  // Back online: the waiting answer goes now rather than at the end of its backoff.
  window.addEventListener("online", () => {
    const one = page.current();
    if (one?.pending && one.retryTimer) {
      cancel(one);
      send(one);
    }
  });

  return { submit, cancel, loadPending, clearPending };
}
