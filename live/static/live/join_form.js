// The participant page's join form: a nickname, and a team when the session has teams (large coloured
// buttons, or a line saying the server picks). Split out of join.js (its own concern, no behaviour
// change): join.js decides when it shows and what follows a join.
import { api, errorText, h, inkOn, replace } from "./common.js";

/** showJoinForm({note, nickname}) of the page. `joinCode()`: the code to join with (a rehearsal's end
 * may change it); `setTeams(teams)`: the session's teams, once known; `rehearsing()`: whether the
 * session is a rehearsal now; `onJoined(me)`: the new participant ({token, participant_id, nickname,
 * team_id, rehearsal}); `setView(name, ...children)`: the page's screen. */
export function joinForm({ joinCode, setTeams, rehearsing, onJoined, setView }) {
  /**
   * The join form. `note`: a line above it that is news, not an error (the rehearsal is over); `nickname`:
   * the nickname to offer again (the one this phone had in the rehearsal).
   */
  function showJoinForm({ note = "", nickname = "" } = {}) {
    const error = h("p", { class: "error", id: "join-error", attrs: { role: "alert" } });
    const noteLine = h("p", {
      class: "join-note",
      id: "join-note",
      attrs: { role: "status" },
      text: note || null,
    });
    const input = h("input", {
      id: "nickname",
      name: "nickname",
      type: "text",
      required: true,
      maxLength: 30,
      value: nickname,
      autocomplete: "nickname",
      dir: "auto",
      attrs: { "aria-describedby": "join-note nickname-hint join-error", spellcheck: "false" },
    });
    const button = h("button", { type: "submit", class: "btn btn-primary", text: gettext("Join") });
    // The session's teams, asked for once the form is up: a choice of large coloured buttons, or a line
    // saying the server picks (auto). One pressed at a time (aria-pressed), so each reads as a toggle.
    let chosenTeam = null;
    const teamArea = h("div", { class: "team-area" });
    const form = h(
      "form",
      { class: "card stack join-form", id: "join-form", attrs: { novalidate: "" } },
      noteLine,
      h("label", { for: "nickname", text: gettext("Your nickname") }),
      input,
      h("p", {
        class: "hint",
        id: "nickname-hint",
        text: gettext("1 to 30 characters, shown on the big screen."),
      }),
      teamArea,
      button,
      error,
    );
    let chooseTeam = false;
    api(`/api/v1/join/${joinCode()}`).then((res) => {
      if (res.status !== 200 || !res.data?.teams?.length) return;
      const teams = res.data.teams;
      setTeams(teams);
      if (res.data.team_assignment === "auto") {
        replace(
          teamArea,
          h("p", { class: "hint", id: "team-auto", text: gettext("You will be placed in a team.") }),
        );
        return;
      }
      chooseTeam = true;
      const buttons = teams.map((t) =>
        h("button", {
          type: "button",
          class: "team-choice",
          dataset: { teamId: t.id },
          text: t.name,
          dir: "auto",
          attrs: { "aria-pressed": "false" },
          // The style object (CSSOM), not a style attribute: the page's CSP allows no inline style.
          style: { backgroundColor: t.color, color: inkOn(t.color) },
          on: {
            click: (ev) => {
              chosenTeam = t.id;
              for (const b of buttons) b.setAttribute("aria-pressed", String(b === ev.currentTarget));
              error.textContent = "";
            },
          },
        }),
      );
      replace(
        teamArea,
        h(
          "fieldset",
          { class: "team-choices" },
          h("legend", { text: gettext("Choose your team") }),
          h("div", { class: "team-grid" }, ...buttons),
        ),
      );
    });
    form.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      const nickname = input.value.trim();
      if (!nickname) {
        error.textContent = gettext("Please enter a nickname.");
        input.focus();
        return;
      }
      if (chooseTeam && !chosenTeam) {
        error.textContent = gettext("Please choose a team.");
        teamArea.querySelector("button")?.focus();
        return;
      }
      button.disabled = true;
      error.textContent = "";
      const body = { join_code: joinCode(), nickname, ...(chosenTeam ? { team_id: chosenTeam } : {}) };
      const res = await api("/api/v1/join", { method: "POST", body });
      button.disabled = false;
      if (res.status === 201) {
        // A participant who joins during a rehearsal is deleted when it ends (see rehearsalOver).
        return onJoined({
          token: res.data.token,
          participant_id: res.data.id,
          nickname: res.data.nickname,
          team_id: res.data.team_id,
          rehearsal: rehearsing(),
        });
      }
      if (res.status === 404) {
        error.textContent = gettext("No open session has this code. It may have ended.");
        return;
      }
      error.textContent = errorText(res, {
        NICKNAME_TAKEN: gettext("That nickname is taken. Please choose another."),
        SESSION_NOT_ACTIVE: gettext("This session has ended."),
      });
      input.focus();
    });
    setView("join", form);
    input.focus();
  }

  return showJoinForm;
}
