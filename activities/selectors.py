"""Reads of activities and responses that feed API responses."""

from __future__ import annotations

import contextlib
import functools
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.cache import cache
from django.db.models import Count, Exists, Max, OuterRef, Q, Subquery
from django.utils.translation import gettext

from core.errors import NotFound
from participants.models import Participant
from sessions_app import roles as session_roles
from sessions_app import selectors as session_selectors
from sessions_app.models import Session, SessionStatus

from .models import SELF_PACED_OPEN, Activity, ActivityStart, ActivityStatus, Media, Response
from .types import get_type

ANSWER_RULES_TTL = 3600


def activity_get_for(
    user: AbstractBaseUser | AnonymousUser, session_id: Any, activity_id: Any, right: str = "read"
) -> tuple[Session, Activity]:
    """The session and its activity, for a caller who may see the session and holds ``right``
    (404 / 403 as ``session_get_for``)."""
    session = session_selectors.session_get_for(user, session_id, right=right)
    activity = Activity.objects.filter(session=session, pk=activity_id).first()
    if activity is None:
        raise NotFound(gettext("Activity not found."))
    activity.session = session
    return session, activity


def activity_get_owned(
    user: AbstractBaseUser | AnonymousUser, activity_id: Any, right: str = "read"
) -> Activity:
    """An activity by id alone (``/activities/{aid}/status``), scoped to the sessions the organizer
    may see (404), for a caller holding ``right`` on its session (403)."""
    sessions = session_selectors.session_queryset_for(user)
    activity = (
        Activity.objects.select_related("session")
        .filter(pk=activity_id, session__in=sessions.values("pk"))
        .first()
    )
    if activity is None:
        raise NotFound(gettext("Activity not found."))
    session_roles.require(user, activity.session, right)
    return activity


def activity_get_public(session_id: Any, activity_id: Any) -> Activity:
    activity = (
        Activity.objects.select_related("session").filter(session_id=session_id, pk=activity_id).first()
    )
    if activity is None:
        raise NotFound(gettext("Activity not found."))
    return activity


# --- the vote fast path --------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class AnswerRules:
    """What decides whether an answer is accepted, cached per activity for the vote fast path.

    Tagged with the session's structure version (core.state_version): every status change,
    config edit, reveal, reset, deletion or kick moves it, so a cached copy is never used across
    such a change; answers and joins do not move it, so the copy survives a storm of votes."""

    activity_id: str
    session_id: str
    session_status: str
    type: str
    status: str
    config: dict[str, Any]
    activated_at: datetime | None
    revealed_at: datetime | None
    round: int
    structure_version: int | None
    # The session's pace and clock (self-paced sessions open and close by themselves).
    pace: str = "live"
    opens_at: datetime | None = None
    closes_at: datetime | None = None

    @functools.cached_property
    def activity(self) -> Activity:
        """An unsaved Activity carrying these fields, for the type's rules (no query; made once
        per copy of the rules)."""
        return Activity(
            id=UUID(self.activity_id),
            session_id=UUID(self.session_id),
            type=self.type,
            status=self.status,
            config=self.config,
            activated_at=self.activated_at,
            revealed_at=self.revealed_at,
            round=self.round,
        )


def answer_rules_key(activity_id: Any) -> str:
    return f"am:{activity_id}"


# This process's copies, so that a vote neither reads nor unpickles the shared one: a copy is used
# only while the session's structure version (read from the shared cache on every vote) matches.
_local_rules: dict[str, AnswerRules] = {}
LOCAL_RULES_MAX = 4096


def activity_answer_rules(
    session_id: Any, activity_id: Any, *, cached: Any = None, structure_version: int | None = None
) -> AnswerRules | None:
    """The answer rules of an activity of ``session_id``, or None if there is no such activity.

    ``cached`` is the value of ``answer_rules_key`` when the caller read it with its other cache
    keys, and ``structure_version`` the session's structure version read *before* it: a copy
    tagged with another version is rebuilt from the database (one query) and cached. Without a
    structure version (cache down) the database answers and nothing is cached."""
    aid = str(activity_id)
    if structure_version is not None:
        for candidate in (_local_rules.get(aid), cached):
            if (
                isinstance(candidate, AnswerRules)
                and candidate.structure_version == structure_version
                and candidate.session_id == str(session_id)
            ):
                _remember(candidate)
                return candidate
    row = (
        Activity.objects.filter(pk=activity_id, session_id=session_id)
        .values_list(
            "type",
            "status",
            "config",
            "activated_at",
            "revealed_at",
            "round",
            "session__status",
            "session__pace",
            "session__opens_at",
            "session__closes_at",
        )
        .first()
    )
    if row is None:
        return None
    rules = AnswerRules(
        activity_id=str(activity_id),
        session_id=str(session_id),
        session_status=row[6],
        type=row[0],
        status=row[1],
        config=row[2],
        activated_at=row[3],
        revealed_at=row[4],
        round=row[5],
        structure_version=structure_version,
        pace=row[7],
        opens_at=row[8],
        closes_at=row[9],
    )
    if structure_version is not None:
        # The database answered; caching is an optimisation a cache outage must not fail.
        with contextlib.suppress(Exception):
            cache.set(answer_rules_key(activity_id), rules, timeout=ANSWER_RULES_TTL)
        _remember(rules)
    return rules


def _remember(rules: AnswerRules) -> None:
    if _local_rules.get(rules.activity_id) is rules:
        return
    if len(_local_rules) >= LOCAL_RULES_MAX:
        _local_rules.clear()
    _local_rules[rules.activity_id] = rules


def local_answer_rules(activity_id: Any, structure_version: int | None) -> AnswerRules | None:
    """This process's copy of an activity's rules if it is current, else None (no I/O)."""
    rules = _local_rules.get(str(activity_id))
    if rules is not None and structure_version is not None and rules.structure_version == structure_version:
        return rules
    return None


def media_list(session: Session) -> Any:
    """The session's media, oldest first (one query per page: no relation is read)."""
    return Media.objects.filter(session=session).order_by("created_at", "id")


def media_get_for(
    user: AbstractBaseUser | AnonymousUser, session_id: Any, media_id: Any, right: str = "read"
) -> Media:
    """A media of a session the caller may see and holds ``right`` on (404 / 403 as
    ``session_get_for``)."""
    session = session_selectors.session_get_for(user, session_id, right=right)
    media = Media.objects.filter(session=session, pk=media_id).first()
    if media is None:
        raise NotFound(gettext("Media not found."))
    return media


# --- self-paced sessions (contract v1.2) ---------------------------------------------------------


def self_paced_walk() -> Q:
    """The activities of a self-paced session's walk: the open ones, and once the session has
    completed (which ends them all: services.activities_expire_live) the ended ones too."""
    return Q(status__in=SELF_PACED_OPEN) | Q(
        status=ActivityStatus.EXPIRED, session__status=SessionStatus.COMPLETED
    )


def self_paced_answerable(session_id: Any) -> list[Activity]:
    """The activities a participant of a self-paced session answers, in order: open (published or
    active) and of a type that takes answers. One query."""
    rows = (
        Activity.objects.filter(session_id=session_id)
        .filter(self_paced_walk())
        .order_by("order", "created_at")
    )
    return [a for a in rows if get_type(a.type).takes_answers]


def participant_progress(*, session_id: Any, participant_id: Any) -> dict[str, Any]:
    """``GET /sessions/{id}/me/progress``: which answerable activities this participant answered.
    Two queries, whatever the number of activities."""
    activities = self_paced_answerable(session_id)
    answered = set(
        Response.objects.filter(
            participant_id=participant_id, activity_id__in=[a.pk for a in activities]
        ).values_list("activity_id", flat=True)
    )
    items = [{"activity_id": str(a.pk), "answered": a.pk in answered} for a in activities]
    return {"items": items, "answered": len(answered), "total": len(items)}


def session_completion(session_id: Any) -> dict[str, int]:
    """``{"started", "finished"}`` of a self-paced session: participants (not removed) who answered
    or started at least one answerable activity, and those who answered every one. Three queries."""
    ids = [a.pk for a in self_paced_answerable(session_id)]
    people = Participant.objects.filter(session_id=session_id, kicked_at__isnull=True)
    answered = Response.objects.filter(participant_id=OuterRef("pk"), activity_id__in=ids)
    started_one = ActivityStart.objects.filter(participant_id=OuterRef("pk"), activity_id__in=ids)
    started = people.filter(Exists(answered) | Exists(started_one)).count()
    finished = 0
    if ids:
        finished = (
            people.annotate(n=Count("responses", filter=Q(responses__activity_id__in=ids)))
            .filter(n=len(ids))
            .count()
        )
    return {"started": started, "finished": finished}


def participant_times(session_id: Any) -> Any:
    """Each participant of a self-paced session (removed ones too: their answers are exported) with
    ``started_at`` (their first answer or timed start) and ``finished_at`` (their last answer, once
    they answered every answerable activity; else None). One query, streamed by the caller."""
    ids = [a.pk for a in self_paced_answerable(session_id)]
    in_walk = Q(responses__activity_id__in=ids)
    first_answer = (
        Response.objects.filter(participant_id=OuterRef("pk"), activity_id__in=ids)
        .order_by("created_at")
        .values("created_at")[:1]
    )
    first_start = (
        ActivityStart.objects.filter(participant_id=OuterRef("pk"), activity_id__in=ids)
        .order_by("started_at")
        .values("started_at")[:1]
    )
    rows = (
        Participant.objects.filter(session_id=session_id)
        .annotate(
            first_answer=Subquery(first_answer),
            first_start=Subquery(first_start),
            last_answer=Max("responses__created_at", filter=in_walk),
            answered=Count("responses", filter=in_walk),
        )
        .order_by("joined_at", "pk")
        .values("pk", "nickname", "first_answer", "first_start", "last_answer", "answered")
    )
    for row in rows.iterator(chunk_size=2000):
        starts = [t for t in (row["first_answer"], row["first_start"]) if t is not None]
        yield {
            "pk": row["pk"],
            "nickname": row["nickname"],
            "started_at": min(starts) if starts else None,
            "finished_at": row["last_answer"] if ids and row["answered"] == len(ids) else None,
        }
