"""Every write to a Session. Shared by the API, the admin and the management commands."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext

from core import state_version
from core.errors import InvalidTransition, ValidationFailed
from core.lifecycle import transition_apply, transition_check

from . import selectors
from .audit import audit_record
from .models import (
    JOIN_CODE_ALPHABET,
    JOIN_CODE_LENGTH,
    Session,
    SessionPace,
    SessionStatus,
)
from .sentinels import UNSET
from .signals import session_completed, session_deleting
from .teams import teams_clean, teams_values
from .validation import validate_text

# draft → active → completed, nothing else.
SESSION_TRANSITIONS: dict[str, set[str]] = {
    SessionStatus.DRAFT: {SessionStatus.ACTIVE},
    SessionStatus.ACTIVE: {SessionStatus.COMPLETED},
    SessionStatus.COMPLETED: set(),
}


def generate_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def _validate_schedule(
    *, session: Session | None, pace: Any = UNSET, opens_at: Any = UNSET, closes_at: Any = UNSET
) -> dict[str, Any]:
    """The pace and the opening and closing times (contract v1.2, self-paced sessions). The pace
    changes only while the session is a draft (409); ``closes_at`` must be after ``opens_at`` (400)."""
    values: dict[str, Any] = {}
    if pace is not UNSET:
        if pace not in SessionPace.values:
            raise ValidationFailed({"pace": [gettext("One of: %s.") % ", ".join(SessionPace.values)]})
        if session is not None and pace != session.pace and session.status != SessionStatus.DRAFT:
            raise InvalidTransition(
                from_=session.status,
                to=f"pace:{pace}",
                message=gettext("The pace of a session can be changed only while it is a draft."),
            )
        values["pace"] = pace
    if opens_at is not UNSET:
        values["opens_at"] = opens_at
    if closes_at is not UNSET:
        values["closes_at"] = closes_at
    opens = values.get("opens_at", session.opens_at if session is not None else None)
    closes = values.get("closes_at", session.closes_at if session is not None else None)
    if opens is not None and closes is not None and closes <= opens:
        raise ValidationFailed({"closes_at": [gettext("Must be later than the opening time.")]})
    return values


@transaction.atomic
def session_create(
    *,
    owner: Any,
    name: str,
    description: str | None = "",
    language: str | None = None,
    pace: Any = UNSET,
    opens_at: Any = UNSET,
    closes_at: Any = UNSET,
    teams: Any = UNSET,
    team_assignment: str | None = None,
) -> Session:  # the owner is its actor
    values = validate_text(name=name, description=description, language=language)
    values.update(_validate_schedule(session=None, pace=pace, opens_at=opens_at, closes_at=closes_at))
    values.update(teams_values(teams=teams, team_assignment=team_assignment))
    # 31^6 ≈ 887 million codes: a collision among open sessions is rare, but the unique
    # constraint is the judge, so retry on it rather than check-then-insert.
    for _ in range(10):
        try:
            with transaction.atomic():
                session = Session.objects.create(owner=owner, join_code=generate_join_code(), **values)
        except IntegrityError:
            continue
        audit_record(
            session=session,
            actor=owner,
            action="session.create",
            target_type="session",
            target_id=session.pk,
            details={"name": session.name, **({"teams": session.teams} if session.teams else {})},
        )
        return session
    raise RuntimeError("could not allocate a unique join code")


@transaction.atomic
def session_update(
    *,
    session: Session,
    name: str | None = None,
    description: Any = UNSET,
    language: str | None = None,
    pace: Any = UNSET,
    opens_at: Any = UNSET,
    closes_at: Any = UNSET,
    actor: Any = None,
) -> Session:
    """Change the name, description, presenter language, pace and/or opening and closing times;
    ``description=None`` clears it (so do ``opens_at``/``closes_at`` = None), UNSET leaves it;
    ``None`` leaves the name and the language."""
    values = validate_text(name=name, description=description, language=language)
    values.update(_validate_schedule(session=session, pace=pace, opens_at=opens_at, closes_at=closes_at))
    if values:
        values["updated_at"] = timezone.now()
        rows = Session.objects.filter(pk=session.pk)
        if values.get("pace", session.pace) != session.pace:
            rows = rows.filter(status=SessionStatus.DRAFT)  # lost a race with a start: 409
        if not rows.update(**values):
            fresh = Session.objects.filter(pk=session.pk).values_list("status", flat=True).first()
            raise InvalidTransition(
                from_=fresh,
                to=f"pace:{values['pace']}",
                message=gettext("The pace of a session can be changed only while it is a draft."),
            )
        changed = {
            k: v.isoformat() if isinstance(v, datetime) else v
            for k, v in values.items()
            if k != "updated_at" and getattr(session, k) != v
        }
        for k, v in values.items():
            setattr(session, k, v)
        state_version.bump(session.pk)
        if changed:
            audit_record(
                session=session,
                actor=actor,
                action="session.update",
                target_type="session",
                target_id=session.pk,
                details={"changes": changed},
            )
    return session


def _transition(
    session: Session, to: str, *, actor: Any, action: str = "session.status", **extra: Any
) -> Session:
    old = session.status
    transition_check(SESSION_TRANSITIONS, current=old, to=to)
    transition_apply(session, to=to, now=timezone.now(), **extra)
    state_version.bump(session.pk)
    audit_record(
        session=session,
        actor=actor,
        action=action,
        target_type="session",
        target_id=session.pk,
        details={"from": old, "to": to},
    )
    return session


@transaction.atomic
def session_start(*, session: Session, actor: Any = None) -> Session:
    return _transition(session, SessionStatus.ACTIVE, actor=actor, started_at=timezone.now())


@transaction.atomic
def session_rehearse(*, session: Session, actor: Any = None) -> Session:
    """Start a draft session as a rehearsal: everything works, every screen says so, and
    ``session_rehearsal_end`` (activities) wipes it back to a draft."""
    return _transition(
        session,
        SessionStatus.ACTIVE,
        actor=actor,
        action="session.rehearse",
        started_at=timezone.now(),
        rehearsal=True,
    )


def session_back_to_draft(*, session_id: Any, now: datetime) -> None:
    """A wiped rehearsal (active, or completed by its organizer or ``close_stale_sessions``) back to
    a draft. It keeps its join code unless another open session took it while this one was
    completed (join codes are unique among sessions that are not completed): then it gets a fresh
    one, never a 503."""
    values: dict[str, Any] = {
        "status": SessionStatus.DRAFT,
        "rehearsal": False,
        "started_at": None,
        "completed_at": None,
        "updated_at": now,
    }
    code = Session.objects.filter(pk=session_id).values_list("join_code", flat=True).first()
    for attempt in range(10):
        taken = (
            Session.objects.filter(join_code=code)
            .exclude(pk=session_id)
            .exclude(status=SessionStatus.COMPLETED)
            .exists()
        )
        if taken:
            code = generate_join_code()
            continue
        try:
            with transaction.atomic():  # a racing session taking the code meanwhile: try another
                Session.objects.filter(pk=session_id).update(join_code=code, **values)
            return
        except IntegrityError:
            if attempt == 9:
                raise
            code = generate_join_code()
    raise RuntimeError("could not allocate a unique join code")


@transaction.atomic
def session_complete(*, session: Session, actor: Any = None) -> Session:
    now = timezone.now()
    session = _transition(session, SessionStatus.COMPLETED, actor=actor, completed_at=now)
    # The live activity ends with its session: the activities app does that (this layer does not
    # import it), in this transaction.
    session_completed.send(sender=Session, session=session, now=now)
    return session


def session_set_status(*, session: Session, status: str, actor: Any = None) -> Session:
    if status == session.status:
        raise InvalidTransition(from_=session.status, to=status)
    if status == SessionStatus.ACTIVE:
        return session_start(session=session, actor=actor)
    if status == SessionStatus.COMPLETED:
        return session_complete(session=session, actor=actor)
    raise InvalidTransition(from_=session.status, to=status)


@transaction.atomic
def session_delete(*, session: Session) -> None:
    session_id = session.pk
    session_deleting.send(sender=Session, session_id=session_id)
    # current_activity points at an activity that the cascade deletes; clear it first.
    Session.objects.filter(pk=session_id).update(current_activity=None)
    session.delete()
    state_version.forget(session_id)


# --- operations (manage.py close_stale_sessions / purge_sessions) ---------------------------------


def session_close_stale(
    *, idle_hours: float, dry_run: bool = False, now: datetime | None = None
) -> list[tuple[Session, datetime]]:
    """Complete every active session idle for ``idle_hours`` (its live activity expires with it).

    Each session is completed in its own transaction after a re-check under a row lock, so a
    session that came back to life (or was completed meanwhile) is left alone. Returns the
    sessions completed (or, with ``dry_run``, those that would be) with their last-seen time."""
    now = now or timezone.now()
    candidates = selectors.sessions_stale(idle_hours=idle_hours, now=now)
    if dry_run:
        return candidates
    cutoff = now - timedelta(hours=idle_hours)
    closed: list[tuple[Session, datetime]] = []
    for candidate, _ in candidates:
        with transaction.atomic():
            session = Session.objects.select_for_update().filter(pk=candidate.pk).first()
            if session is None or session.status != SessionStatus.ACTIVE:
                continue
            seen = selectors.session_last_seen(session=session)
            if seen >= cutoff:
                continue
            try:
                session_complete(session=session)
            except InvalidTransition:
                continue
        closed.append((session, seen))
    return closed


def session_purge_completed(*, completed_before: datetime, dry_run: bool = False) -> dict[str, int]:
    """Delete completed sessions that ended before ``completed_before`` with everything under them
    (activities, participants, responses). Returns the counts (what would go, with ``dry_run``).

    One transaction per session: a long purge never holds one huge transaction, and a session
    is deleted only if it is still completed when its row is locked."""
    candidates = selectors.sessions_purgeable(completed_before=completed_before)
    counts = selectors.sessions_purge_counts(candidates)
    if dry_run:
        return counts
    for session_id in list(candidates.values_list("pk", flat=True)):
        with transaction.atomic():
            session = (
                Session.objects.select_for_update()
                .filter(pk=session_id, status=SessionStatus.COMPLETED)
                .first()
            )
            if session is not None:
                session_delete(session=session)
    return counts


# The clock's, the teams' and the series' writes live in their own modules (sessions_app.clock,
# .teams, .series); the callers keep reaching every session write through this module.
from .clock import session_clock_advance, session_clock_due, session_clock_refresh  # noqa: E402
from .series import (  # noqa: E402
    SeriesHasLiveSession,
    series_create,
    series_delete,
    series_update,
    session_set_series,
)
from .teams import TeamsLocked, session_set_teams  # noqa: E402

__all__ = [
    "UNSET",
    "SeriesHasLiveSession",
    "TeamsLocked",
    "series_create",
    "series_delete",
    "series_update",
    "session_clock_advance",
    "session_clock_due",
    "session_clock_refresh",
    "session_set_series",
    "session_set_teams",
    "teams_clean",
    "teams_values",
]
