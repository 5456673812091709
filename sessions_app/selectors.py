"""Every read of sessions: the API's (scoped and annotated: no N+1), join codes, and the
operator commands' (stale and purgeable sessions)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db.models import Case, CharField, Count, F, Max, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext

from core.errors import NotFound, SessionNotActive, ValidationFailed
from core.permissions import user_is_organizer

from . import roles
from .models import JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH, Series, Session, SessionMember, SessionStatus

# "Seen recently": a participant whose phone polled (or answered) within this many seconds.
RECENTLY_SEEN_SECONDS = 30
_JOIN_CODE_CHARS = frozenset(JOIN_CODE_ALPHABET)


def session_queryset_for(user: Any) -> QuerySet[Session]:
    """Sessions the organizer may see: those they own or are a member of (all for a superuser),
    each annotated with ``my_role`` (the caller's role, None for a superuser who is no member)."""
    seen_since = timezone.now() - timedelta(seconds=RECENTLY_SEEN_SECONDS)
    qs = Session.objects.select_related("owner").annotate(
        participant_count=Count("participants", filter=Q(participants__kicked_at__isnull=True)),
        participants_seen_recently=Count(
            "participants",
            filter=Q(participants__kicked_at__isnull=True, participants__last_activity__gte=seen_since),
        ),
    )
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    qs = _with_my_role(qs, user)
    if getattr(user, "is_superuser", False):
        return qs
    member_of = SessionMember.objects.filter(user_id=user.pk).values("session_id")
    return qs.filter(Q(owner=user) | Q(pk__in=member_of))


def _with_my_role(qs: QuerySet[Any], user: Any) -> QuerySet[Any]:
    """``qs`` annotated with ``my_role``: the (authenticated) caller's role on each session."""
    member_role = SessionMember.objects.filter(session=OuterRef("pk"), user_id=user.pk).values("role")[:1]
    return qs.annotate(
        my_role=Case(
            When(owner_id=user.pk, then=Value(roles.OWNER)),
            default=Subquery(member_role),
            output_field=CharField(),
        )
    )


def session_get_for(user: Any, session_id: Any, right: str = "read") -> Session:
    """The session, if ``user`` may see it (404 otherwise: another organizer's session is not
    revealed) and holds ``right`` on it (sessions_app.roles; 403 PERMISSION_DENIED otherwise)."""
    session = session_queryset_for(user).filter(pk=session_id).first()
    if session is None:
        raise NotFound(gettext("Session not found."))
    roles.remember_role(session, user, getattr(session, "my_role", None))
    roles.require(user, session, right)
    return session


def session_get_public(session_id: Any) -> Session:
    session = Session.objects.filter(pk=session_id).first()
    if session is None:
        raise NotFound(gettext("Session not found."))
    return session


def join_code_clean(raw: str | None) -> str | None:
    """``raw`` as a stored join code (trimmed, upper case), or None when no session can have it."""
    code = (raw or "").strip().upper()
    if len(code) != JOIN_CODE_LENGTH or not set(code) <= _JOIN_CODE_CHARS:
        return None
    return code


def sessions_with_code(join_code: str) -> QuerySet[Session]:
    """Every session that has held ``join_code`` (a clean one): the open one first (codes are unique
    among open sessions only), then the completed ones, most recently completed first."""
    return Session.objects.filter(join_code=join_code).order_by(
        Case(When(status=SessionStatus.COMPLETED, then=1), default=0),
        F("completed_at").desc(nulls_last=True),
        "-created_at",
    )


def session_get_by_code(join_code: str, *, ended_is_conflict: bool = False) -> Session:
    """The open session with this code (case-insensitive). A completed one is not found, or, with
    ``ended_is_conflict`` (joining), 409 SESSION_NOT_ACTIVE: the phone can say the event is over."""
    code = join_code_clean(join_code)
    # A code that cannot exist (garbage, a NUL byte PostgreSQL would refuse) needs no query.
    session = sessions_with_code(code).first() if code is not None else None
    if session is None or (session.status == SessionStatus.COMPLETED and not ended_is_conflict):
        raise NotFound(gettext("No open session has this join code."))
    if session.status == SessionStatus.COMPLETED:
        raise SessionNotActive(gettext("This session has ended."))
    return session


# --- operations (manage.py close_stale_sessions / purge_sessions) ---------------------------------


def session_last_seen(*, session: Session) -> datetime:
    """When anything last happened in ``session``: the latest of its own update, a participant's
    join or presence, and an answer's write. Through reverse relations (no upward imports)."""
    people = session.participants.aggregate(seen=Max("last_activity"), joined=Max("joined_at"))
    answers = session.activities.aggregate(answered=Max("responses__updated_at"))
    moments = [session.updated_at, people["seen"], people["joined"], answers["answered"]]
    return max(m for m in moments if m is not None)


def sessions_stale(*, idle_hours: float, now: datetime | None = None) -> list[tuple[Session, datetime]]:
    """Active sessions idle for at least ``idle_hours``, with their last-seen time, oldest first."""
    now = now or timezone.now()
    cutoff = now - timedelta(hours=idle_hours)
    stale: list[tuple[Session, datetime]] = []
    # A session updated after the cutoff is not idle: that bounds the candidates cheaply.
    for session in Session.objects.filter(status=SessionStatus.ACTIVE, updated_at__lt=cutoff).order_by(
        "updated_at"
    ):
        seen = session_last_seen(session=session)
        if seen < cutoff:
            stale.append((session, seen))
    stale.sort(key=lambda pair: pair[1])
    return stale


def sessions_purgeable(*, completed_before: datetime) -> QuerySet[Session]:
    """Completed sessions that ended before ``completed_before``. Draft and active sessions are
    never selected."""
    return Session.objects.filter(status=SessionStatus.COMPLETED).filter(
        Q(completed_at__lt=completed_before) | Q(completed_at__isnull=True, updated_at__lt=completed_before)
    )


def sessions_purge_counts(sessions: QuerySet[Session]) -> dict[str, int]:
    """How many sessions, activities, participants and responses deleting ``sessions`` removes."""
    qs = sessions.order_by()
    return {
        "sessions": qs.count(),
        "activities": qs.aggregate(n=Count("activities"))["n"] or 0,
        "participants": qs.aggregate(n=Count("participants"))["n"] or 0,
        "responses": qs.aggregate(n=Count("activities__responses"))["n"] or 0,
    }


# --- series ----------------------------------------------------------------------------------------


def series_queryset_for(user: Any) -> QuerySet[Series]:
    """The caller's own series (every series for a superuser), with ``session_count``."""
    qs = Series.objects.annotate(session_count=Count("sessions"))
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    if getattr(user, "is_superuser", False):
        return qs
    return qs.filter(owner_id=user.pk)


def series_get_for(user: Any, series_id: Any, *, with_count: bool = True) -> Series:
    """The series if it is ``user``'s (404 otherwise: another organizer's series is not revealed);
    ``with_count``: annotated with ``session_count``."""
    qs = series_queryset_for(user) if with_count else Series.objects.all()
    series = qs.filter(pk=series_id).first()
    if series is None or not roles.can_manage_series(user, series):
        raise NotFound(gettext("Series not found."))
    return series


def series_trends_scope_for(user: Any, series_id: Any) -> tuple[Series, list[Session] | None]:
    """Which trends of the series ``user`` may read: all of them (its owner, a superuser: None), or
    those of their own sessions in it (a member with the ``read`` right on some of its sessions,
    whose results carry the series' trend: those sessions). 404 for anyone else, as the series."""
    series = Series.objects.filter(pk=series_id).first()
    if series is None:
        raise NotFound(gettext("Series not found."))
    if roles.can_manage_series(user, series):
        return series, None
    sessions: list[Session] = []
    if user_is_organizer(user):
        member_of = SessionMember.objects.filter(user_id=user.pk).values("session_id")
        mine = Session.objects.filter(Q(owner_id=user.pk) | Q(pk__in=member_of), series_id=series.pk)
        for session in _with_my_role(mine, user):
            roles.remember_role(session, user, getattr(session, "my_role", None))
            if roles.can(user, session, "read"):
                sessions.append(session)
    if not sessions:
        raise NotFound(gettext("Series not found."))
    return series, sessions


def series_for_session(user: Any, session: Session, series_id: Any) -> Series:
    """The series ``session`` may join on ``user``'s request: one of the session's owner's. Another
    organizer's series (or none such) is a 400 that says so, not a 404 of the session."""
    series = Series.objects.filter(pk=series_id).first() if series_id is not None else None
    if series is None or not roles.can_join_series(user, session, series):
        raise ValidationFailed(
            {"series_id": [gettext("No such series among the series of this session's owner.")]}
        )
    return series
