"""Reads of sessions that feed responses (scoped and annotated: no N+1)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.db.models import Case, Count, Q, QuerySet, When
from django.utils import timezone

from caja.errors import NotFound, SessionNotActive

from .models import JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH, Session

# "Seen recently": a participant whose phone polled (or answered) within this many seconds.
RECENTLY_SEEN_SECONDS = 30
_JOIN_CODE_CHARS = frozenset(JOIN_CODE_ALPHABET)


def session_queryset_for(user: Any) -> QuerySet[Session]:
    """Sessions the organizer may see: their own, or all for a superuser."""
    seen_since = timezone.now() - timedelta(seconds=RECENTLY_SEEN_SECONDS)
    qs = Session.objects.select_related("owner").annotate(
        participant_count=Count("participants", filter=Q(participants__kicked_at__isnull=True)),
        participants_seen_recently=Count(
            "participants",
            filter=Q(participants__kicked_at__isnull=True, participants__last_activity__gte=seen_since),
        ),
    )
    if getattr(user, "is_superuser", False):
        return qs
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    return qs.filter(owner=user)


def session_get_for(user: Any, session_id: Any) -> Session:
    # Another organizer's session answers 404: its existence is not revealed.
    session = session_queryset_for(user).filter(pk=session_id).first()
    if session is None:
        raise NotFound("Session not found.")
    return session


def session_get_public(session_id: Any) -> Session:
    session = Session.objects.filter(pk=session_id).first()
    if session is None:
        raise NotFound("Session not found.")
    return session


def session_get_by_code(join_code: str, *, ended_is_conflict: bool = False) -> Session:
    """The open session with this code (case-insensitive). A completed one is not found, or, with
    ``ended_is_conflict`` (joining), 409 SESSION_NOT_ACTIVE: the phone can say the event is over."""
    code = (join_code or "").strip().upper()
    if len(code) != JOIN_CODE_LENGTH or not set(code) <= _JOIN_CODE_CHARS:
        # A code that cannot exist (garbage, a NUL byte PostgreSQL would refuse) needs no query.
        raise NotFound("No open session has this join code.")
    # Codes are unique among open sessions only: an open one wins over ended ones.
    session = (
        Session.objects.filter(join_code=code)
        .order_by(Case(When(status="completed", then=1), default=0))
        .first()
    )
    if session is None or (session.status == "completed" and not ended_is_conflict):
        raise NotFound("No open session has this join code.")
    if session.status == "completed":
        raise SessionNotActive("This session has ended.")
    return session
