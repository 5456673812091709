"""The session-wide leaderboard of scored types (the quiz): two queries, whatever the session holds.

Apart from results.py so that a type (quiz) can use it without importing the type registry's
package, which imports every type: it reads the registry module alone (no import circle)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.db.models import Count, Q, Sum
from django.utils import timezone

from activities.models import Activity, Response

from .registry import all_types

if TYPE_CHECKING:
    from sessions_app.models import Session


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
    """``[{"participant_id", "nickname", "score", "correct_count", "rank"}]``, best first.

    Two queries: the eligible activities, then one GROUP BY over their responses. Ties on score
    go to the smaller total answer time, then the nickname, for the order of the list; the place
    (``rank``, contract v1.2) is shared by equal scores: 1, 1, 3 (standard competition ranking,
    the same on a top 10 as on the whole list: every better score is above). Kicked participants
    keep their place (their answers stay counted); only participants with at least one scored
    answer appear.
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
    board: list[dict[str, Any]] = []
    for position, row in enumerate(rows, start=1):
        score = row["total_score"] or 0
        rank = board[-1]["rank"] if board and board[-1]["score"] == score else position
        board.append(
            {
                "participant_id": str(row["participant_id"]),
                "nickname": row["participant__nickname"],
                "score": score,
                "correct_count": row["correct_count"],
                "rank": rank,
            }
        )
    return board
