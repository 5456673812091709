"""Self-paced sessions' clock (contract v1.2), as writes: the first request after ``opens_at`` or
``closes_at`` moves the session's status (pace.py holds the pure rules of when). Shared by the API,
the answers and the snapshot (through sessions_app.services, which re-exports them)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from core import state_version

from . import pace as pace_rules
from .audit import audit_record
from .models import Session, SessionPace, SessionStatus
from .signals import session_completed


def session_clock_advance(*, session_id: Any, now: datetime | None = None) -> bool:
    """Apply a self-paced session's clock: open it if ``opens_at`` has come, complete it if
    ``closes_at`` has. Conditional UPDATEs, so of many requests noticing the time at once exactly one
    moves it (and bumps the state version); the others change nothing. Returns whether it moved.
    Cheap to call when nothing is due: one indexed UPDATE matching no row per boundary."""
    now = now or timezone.now()
    moved = False
    with transaction.atomic():
        opened = Session.objects.filter(
            pk=session_id, pace=SessionPace.SELF, status=SessionStatus.DRAFT, opens_at__lte=now
        ).update(status=SessionStatus.ACTIVE, started_at=F("opens_at"), updated_at=now)
        if opened:
            moved = True
            _clock_audit(session_id, SessionStatus.DRAFT, SessionStatus.ACTIVE)
        closed = Session.objects.filter(
            pk=session_id, pace=SessionPace.SELF, status=SessionStatus.ACTIVE, closes_at__lte=now
        ).update(status=SessionStatus.COMPLETED, completed_at=F("closes_at"), updated_at=now)
        if closed:
            moved = True
            session = Session.objects.get(pk=session_id)
            _clock_audit(session_id, SessionStatus.ACTIVE, SessionStatus.COMPLETED)
            session_completed.send(sender=Session, session=session, now=now)
        if moved:
            state_version.bump(session_id)
    return moved


def session_clock_due(session: Session, now: datetime | None = None) -> bool:
    """Whether the clock has moved this (loaded) session past a boundary its row does not show."""
    return (
        pace_rules.status_at(
            status=session.status,
            pace=session.pace,
            opens_at=session.opens_at,
            closes_at=session.closes_at,
            now=now or timezone.now(),
        )
        != session.status
    )


def session_clock_refresh(session: Session, now: datetime | None = None) -> Session:
    """The session as the clock has it now: advanced (and re-read) if a boundary has passed."""
    if session_clock_due(session, now):
        session_clock_advance(session_id=session.pk, now=now)  # or another request moved it first
        session.refresh_from_db()
    return session


def _clock_audit(session_id: Any, old: str, new: str) -> None:
    audit_record(
        session=session_id,
        actor=None,
        action="session.status",
        target_type="session",
        target_id=session_id,
        details={"from": old, "to": new, "by": "clock"},
    )
