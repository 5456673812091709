// The participant page's screens around the activities: the lobby, the notices (removed, ended) and
// the end summary with the final leaderboard. Split out of join.js (its own concern, no behaviour
// change): join.js decides which one shows.
import { announce, api, fmt, h, podium, replace } from "./common.js";

/** The lobby: "You're in!", the session's state and how many are here (`status0`: the session's
 * status before the first state arrives). */
export function lobby(state, status0) {
  const status = state ? state.session.status : status0;
  const count = state ? state.participant_count : null;
  return h(
    "section",
    { class: "card stack lobby", id: "lobby" },
    h("h2", { text: gettext("You're in!") }),
    h("p", {
      text:
        status === "draft"
          ? gettext("The session has not started yet. Keep this page open.")
          : gettext("Waiting for the next activity…"),
    }),
    count !== null
      ? h("p", {
          class: "muted",
          text: fmt(ngettext("%(n)s participant here", "%(n)s participants here", count), { n: count }),
        })
      : null,
  );
}

/** The notice of a participant the organizer removed. */
export function removedNotice() {
  return h(
    "section",
    { class: "card stack notice", attrs: { role: "alert" } },
    h("h2", { text: gettext("You were removed from this session") }),
    h("p", { text: gettext("The organizer removed you. You can close this page.") }),
  );
}

/** The notice of a session that has ended. */
export function endedNotice() {
  return h(
    "section",
    { class: "card stack notice" },
    h("h2", { text: gettext("This session has ended") }),
    h("p", { text: gettext("Thanks for your interest. Ask the organizer for the next one.") }),
  );
}

/** The end, drawn once (join.js says when). `mine`: what this person answered (a self-paced session's
 * summary), above the leaderboard; `me`: the participant. */
export async function drawSummary({ state, mine = null, me, sessionId, setView }) {
  const body = h("div", { class: "stack" }, h("p", { class: "muted", text: gettext("Loading results…") }));
  // The nickname is an element of its own (bold): the sentence around it, translated whole.
  const thanks = gettext("Thanks for taking part, %(name)s!").split("%(name)s");
  setView(
    "summary",
    h(
      "section",
      { class: "card stack summary", id: "summary" },
      h("h2", { text: gettext("This session has ended") }),
      h("p", {}, thanks[0], h("strong", { text: me.nickname }), thanks[1] || ""),
      h("p", {
        class: "muted",
        text: fmt(ngettext("%(n)s participant", "%(n)s participants", state.participant_count), {
          n: state.participant_count,
        }),
      }),
      mine,
      body,
    ),
  );
  announce(gettext("The session has ended."));
  const res = await api(`/api/v1/sessions/${sessionId}/leaderboard`);
  const items = res.data?.items || [];
  const rank = items.findIndex((p) => p.participant_id === me.participant_id);
  replace(
    body,
    items.length ? h("h3", { text: gettext("Final leaderboard") }) : null,
    items.length ? podium(items, { highlight: me.participant_id }) : null,
    rank >= 0
      ? h("p", {
          class: "my-score",
          text: fmt(
            ngettext(
              "You placed #%(rank)s with %(score)s point.",
              "You placed #%(rank)s with %(score)s points.",
              items[rank].score,
            ),
            { rank: rank + 1, score: items[rank].score },
          ),
        })
      : null,
  );
}
