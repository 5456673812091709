"""Results of activities and sessions, and the session-wide quiz leaderboard.

Aggregation lives in the type modules (one or a few GROUP BY queries each); this module composes
them and never switches on the type name: the leaderboard asks the registry which types are
``scored`` and each type which of its activities count (``is_revealed``).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.db.models import Count, Q, Sum
from django.utils import timezone

from .models import Activity, Response
from .types import all_types, get_type

if TYPE_CHECKING:
    from sessions_app.models import Session


def activity_results(activity: Activity) -> dict[str, Any]:
    """The organizer's full results of one activity (everything, whatever its visibility)."""
    return get_type(activity.type).full_results(activity)


def activity_public_results(activity: Activity, now: datetime | None = None) -> dict[str, Any] | None:
    """What the public (state snapshot, big screen) may see of one activity at ``now``."""
    return get_type(activity.type).public_results(activity, now or timezone.now())


def scored_activity_ids(session: Session | UUID | str, now: datetime | None = None) -> list[Any]:
    """Ids of the session's activities whose answers count on the leaderboard at ``now``.

    A scored type's activity counts once its answer is public (quiz: revealed, expired or past
    its time limit) — the leaderboard never leaks a correct answer before the question ends."""
    now = now or timezone.now()
    scored = {key: t for key, t in all_types().items() if t.scored}
    if not scored:
        return []
    session_id = session.pk if hasattr(session, "pk") else session
    candidates = Activity.objects.filter(session_id=session_id, type__in=list(scored)).only(
        "id", "type", "config", "status", "activated_at", "revealed_at"
    )
    return [a.pk for a in candidates if scored[a.type].is_revealed(a, now)]


def leaderboard(
    session: Session | UUID | str, limit: int | None = None, *, now: datetime | None = None
) -> list[dict[str, Any]]:
    """``[{"participant_id", "nickname", "score", "correct_count"}]``, best first.

    Two queries: the eligible activities, then one GROUP BY over their responses. Ties on score
    go to the smaller total answer time, then the nickname. Kicked participants keep their place
    (their answers stay counted); only participants with at least one scored answer appear.
    """
    ids = scored_activity_ids(session, now)
    if not ids:
        return []
    rows = (
        Response.objects.filter(activity_id__in=ids, score__isnull=False)
        .order_by()
        .values("participant_id", "participant__nickname", "participant__nickname_key")
        .annotate(
            total_score=Sum("score"),
            correct_count=Count("id", filter=Q(is_correct=True)),
            total_ms=Sum("elapsed_ms"),
        )
        .order_by("-total_score", "total_ms", "participant__nickname_key", "participant_id")
    )
    if limit is not None:
        rows = rows[:limit]
    return [
        {
            "participant_id": str(row["participant_id"]),
            "nickname": row["participant__nickname"],
            "score": row["total_score"] or 0,
            "correct_count": row["correct_count"],
        }
        for row in rows
    ]


def session_results(session: Session) -> dict[str, Any]:
    """Every activity of the session with its full results, plus the full leaderboard.

    One query for the activities, then each type's bounded number of aggregate queries per
    activity (poll 1, poker 1, word cloud 3, quiz 3) and two for the leaderboard."""
    activities = list(Activity.objects.filter(session=session).order_by("order", "created_at"))
    return {
        "session_id": str(session.pk),
        "activities": [
            {
                "id": str(a.pk),
                "type": a.type,
                "title": a.title,
                "order": a.order,
                "status": a.status,
                "results": activity_results(a),
            }
            for a in activities
        ],
        "leaderboard": leaderboard(session, None),
    }
