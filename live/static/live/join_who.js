// The participant page's "who am I": the token kept on this phone (localStorage, per session), the
// nickname in the header, and the team (issue 26): its badge beside the nickname and the page's accent
// in its colour. Split out of join.js (its own concern, no behaviour change).
import { api, inkOn } from "./common.js";

/** This phone's participant of session `sessionId` in localStorage: load(), save(value), forget(). */
export function participantStore(sessionId) {
  const storeKey = `caja.participant.${sessionId}`;
  return {
    load() {
      try {
        return JSON.parse(localStorage.getItem(storeKey) || "null");
      } catch (_err) {
        return null;
      }
    },
    save(value) {
      try {
        localStorage.setItem(storeKey, JSON.stringify(value));
      } catch (_err) {
        /* private mode */
      }
    },
    forget() {
      try {
        localStorage.removeItem(storeKey);
      } catch (_err) {
        /* ignore */
      }
    },
  };
}

/** The header's nickname and team badge. `me()`: the participant ({token, nickname, team_id}) or
 * null; `teams()`: the session's teams; `save(me)`: keep a changed participant. */
export function whoBadge({ me, teams, save }) {
  /** The team badge beside the nickname, and the page's accent in the team's colour. */
  function showTeam() {
    const badge = document.getElementById("who-team");
    const team = me()?.team_id ? teams().find((t) => t.id === me().team_id) : null;
    if (badge) {
      badge.hidden = !team;
      badge.textContent = team ? team.name : "";
      if (team) {
        badge.style.background = team.color;
        badge.style.color = inkOn(team.color);
      }
    }
    document.body.classList.toggle("has-team", !!team);
    if (team) document.body.style.setProperty("--team-color", team.color);
  }

  function showWho() {
    const who = document.getElementById("who");
    if (me()) {
      document.getElementById("who-name").textContent = me().nickname;
      who.hidden = false;
    } else {
      who.hidden = true;
    }
    showTeam();
  }

  // An organizer may move a participant to another team (PATCH .../participants/{pid}): the phone asks
  // /me again once per activity (and at the session's start and end), spread over 2 s, so the badge
  // follows a move by the next question without a request on every poll.
  let teamCheckedFor = null;
  function refreshTeam(moment) {
    if (!teams().length || !me() || teamCheckedFor === moment) return;
    const first = teamCheckedFor === null;
    teamCheckedFor = moment;
    if (first) return; // the join or /me at load has just told it
    setTimeout(async () => {
      const person = me();
      if (!person) return;
      const res = await api("/api/v1/me", { token: person.token });
      if (res.status === 200 && me() && res.data.team_id !== me().team_id) {
        me().team_id = res.data.team_id;
        save(me());
        showTeam();
      }
    }, Math.random() * 2000);
  }

  return { showWho, showTeam, refreshTeam };
}
