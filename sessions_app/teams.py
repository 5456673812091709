"""A session's teams of participants (contract v1.2, "Quiz: a fair start, and teams"): their rules and
their one write, shared by the API, the admin and the commands (through sessions_app.services)."""

from __future__ import annotations

import re
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from core import state_version, text
from core.errors import DomainError, ValidationFailed

from .audit import audit_record
from .models import TEAM_ID_MAX, TEAM_NAME_MAX, TEAMS_MAX, TEAMS_MIN, Session, SessionStatus, TeamAssignment
from .sentinels import UNSET

_TEAM_ID = re.compile(rf"[A-Za-z0-9_-]{{1,{TEAM_ID_MAX}}}")
_TEAM_COLOR = re.compile(r"#[0-9a-fA-F]{6}")


class TeamsLocked(DomainError):
    """Teams decide who plays with whom: once the session has started they stay as they are."""

    status_code = 409
    code = "TEAMS_LOCKED"
    default_message = gettext_lazy("Teams can only be changed while the session is a draft.")


def teams_clean(raw: Any) -> list[dict[str, str]]:
    """``raw`` as stored teams (none, or 2–20 of {"id", "name", "color"}), or ValidationFailed.

    A single team is refused: a team of one competes with nobody (the contract's "none, or 2–20").
    Ids and names are unique (names compared case-insensitively: two "Red" buttons on a phone
    cannot be told apart); colours are stored lower-case."""
    if not isinstance(raw, list):
        raise ValidationFailed({"teams": [gettext("Must be a list of teams.")]})
    errors: dict[str, list[str]] = {}
    if len(raw) == 1 or len(raw) > TEAMS_MAX:
        errors["teams"] = [
            gettext("A session has no teams or %(min)s to %(max)s teams.")
            % {"min": TEAMS_MIN, "max": TEAMS_MAX}
        ]
    teams: list[dict[str, str]] = []
    ids: set[str] = set()
    names: set[str] = set()
    for i, item in enumerate(raw):
        where = f"teams[{i}]"
        if not isinstance(item, dict) or set(item) - {"id", "name", "color"}:
            errors[where] = [gettext('Each team is an object with "id", "name" and "color".')]
            continue
        team_id, name, color = item.get("id"), item.get("name"), item.get("color")
        if not isinstance(team_id, str) or not _TEAM_ID.fullmatch(team_id):
            errors[f"{where}.id"] = [gettext("1 to %(n)s letters, digits, - or _.") % {"n": TEAM_ID_MAX}]
        elif team_id in ids:
            errors[f"{where}.id"] = [gettext("Two teams have this id.")]
        if isinstance(name, str):
            name = text.clean_text(name)
        if not isinstance(name, str) or text.text_problem(name) or len(name) > TEAM_NAME_MAX:
            errors[f"{where}.name"] = [
                gettext("1 to %(n)s characters, no control characters.") % {"n": TEAM_NAME_MAX}
            ]
        elif name.casefold() in names:
            errors[f"{where}.name"] = [gettext("Two teams have this name.")]
        if not isinstance(color, str) or not _TEAM_COLOR.fullmatch(color):
            errors[f"{where}.color"] = [gettext("A colour as #rrggbb.")]
        if isinstance(team_id, str) and isinstance(name, str) and isinstance(color, str):
            ids.add(team_id)
            names.add(name.casefold())
            teams.append({"id": team_id, "name": name, "color": color.lower()})
    if errors:
        raise ValidationFailed(errors)
    return teams


def teams_values(*, teams: Any = UNSET, team_assignment: str | None = None) -> dict[str, Any]:
    """The session fields a teams change writes, checked (create and the teams change share it):
    UNSET teams and a None assignment leave theirs out."""
    values: dict[str, Any] = {}
    if teams is not UNSET:
        values["teams"] = teams_clean(teams)
    if team_assignment is not None:
        if team_assignment not in TeamAssignment.values:
            raise ValidationFailed(
                {"team_assignment": [gettext("One of: %s.") % ", ".join(TeamAssignment.values)]}
            )
        values["team_assignment"] = team_assignment
    return values


@transaction.atomic
def session_set_teams(
    *, session: Session, teams: Any = UNSET, team_assignment: str | None = None, actor: Any = None
) -> Session:
    """Replace the teams and/or the assignment mode; only while the session is a draft (409
    TEAMS_LOCKED otherwise, decided by a conditional UPDATE: a racing start wins or loses whole)."""
    values = teams_values(teams=teams, team_assignment=team_assignment)
    if not values:
        return session
    changed = {k: v for k, v in values.items() if getattr(session, k) != v}
    updated = Session.objects.filter(pk=session.pk, status=SessionStatus.DRAFT).update(
        updated_at=timezone.now(), **values
    )
    if not updated:
        raise TeamsLocked()
    if "teams" in values:
        # Someone in the lobby in a team that is gone is in no team (through the reverse relation:
        # this layer does not import participants); the organizer may move them (PATCH, admin).
        kept = [t["id"] for t in values["teams"]]
        session.participants.exclude(team_id="").exclude(team_id__in=kept).update(team_id="")
    for k, v in values.items():
        setattr(session, k, v)
    state_version.bump(session.pk)
    if changed:
        audit_record(
            session=session,
            actor=actor,
            action="session.teams",
            target_type="session",
            target_id=session.pk,
            details={"changes": changed},
        )
    return session
