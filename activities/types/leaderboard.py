"""The session-wide leaderboard of scored types (the quiz): two queries, whatever the session holds.

Apart from results.py so that a type (quiz) can use it without importing the type registry's
package, which imports every type: it reads the registry module alone (no import circle)."""

from __future__ import annotations

import hashlib
import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.core.cache import cache
from django.db.models import Count, Q, Sum
from django.utils import timezone

from activities.models import Activity, Response
from participants.models import Participant
from sessions_app.models import Session as SessionModel

from .registry import all_types

logger = logging.getLogger("caja.activities")

# A phone's standing after a question reads the whole board once per (session, set of counted
# questions): cached briefly, so a room of phones asking together at the reveal costs one GROUP BY.
STANDING_CACHE_SECONDS = 10

if TYPE_CHECKING:
    from sessions_app.models import Session


def scored_activity_ids(session: Session | UUID | str, now: datetime | None = None) -> list[Any]:
    """Ids of the session's activities whose answers count on the leaderboard at ``now``.

    A scored type's activity counts once its answer is public (quiz: revealed, expired or past
    its time limit) — the leaderboard never leaks a correct answer before the question ends."""
    return scored_with_teams(session, now)[0]


def scored_with_teams(
    session: Session | UUID | str, now: datetime | None = None
) -> tuple[list[Any], list[dict[str, Any]] | None]:
    """:func:`scored_activity_ids` and the session's teams, in one query (joined with the session
    row): a quiz's results need both, and a query more per state would show on the hot path. The
    teams are None when the session has no scored activity (nothing to join them from)."""
    now = now or timezone.now()
    scored = {key: t for key, t in all_types().items() if t.scored}
    if not scored:
        return [], None
    session_id = session.pk if hasattr(session, "pk") else session
    candidates = list(
        Activity.objects.filter(session_id=session_id, type__in=list(scored))
        .select_related("session")
        .only("id", "type", "config", "status", "activated_at", "revealed_at", "session__teams")
    )
    teams = candidates[0].session.teams if candidates else None
    return [a.pk for a in candidates if scored[a.type].is_revealed(a, now)], teams


def leaderboard(
    session: Session | UUID | str,
    limit: int | None = None,
    *,
    now: datetime | None = None,
    ids: list[Any] | None = None,
) -> list[dict[str, Any]]:
    """``[{"participant_id", "nickname", "score", "correct_count", "rank"}]``, best first.

    Two queries: the eligible activities, then one GROUP BY over their responses. Ties on score
    go to the smaller total answer time, then the nickname, for the order of the list; the place
    (``rank``, contract v1.2) is shared by equal scores: 1, 1, 3 (standard competition ranking,
    the same on a top 10 as on the whole list: every better score is above). Kicked participants
    keep their place (their answers stay counted); only participants with at least one scored
    answer appear.
    """
    if ids is None:
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


def team_leaderboard(
    session: Session | UUID | str,
    *,
    now: datetime | None = None,
    ids: list[Any] | None = None,
    teams: list[dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """``[{"id", "name", "color", "members", "score", "average", "rank"}]`` of the session's teams
    (contract v1.2), best first; ``[]`` without teams.

    A team's ``score`` is the points of its current members (a moved participant takes their
    points along; a kicked one leaves with theirs), ``members`` counts them, and ``average`` =
    score / members (0 for an empty team), rounded to one decimal: the ranking's key, so a big
    team does not win by size. Ties on the average go to the name; equal averages share a rank
    (1, 1, 3). Three queries at most (teams, eligible activities, one GROUP BY each for members
    and points), whatever the number of participants."""
    if teams is None:
        teams = getattr(session, "teams", None)
    session_id = session.pk if hasattr(session, "pk") else session
    if teams is None:
        teams = SessionModel.objects.filter(pk=session_id).values_list("teams", flat=True).first()
    if not teams:
        return []
    team_ids = [t["id"] for t in teams]
    people = Participant.objects.filter(session_id=session_id, kicked_at__isnull=True, team_id__in=team_ids)
    members = dict(
        people.order_by().values_list("team_id").annotate(n=Count("id")).values_list("team_id", "n")
    )
    scored = scored_activity_ids(session_id, now) if ids is None else ids
    points: dict[str, int] = {}
    if scored:
        points = dict(
            Response.objects.filter(
                activity_id__in=scored,
                score__isnull=False,
                participant__kicked_at__isnull=True,
                participant__team_id__in=team_ids,
            )
            .order_by()
            .values_list("participant__team_id")
            .annotate(total=Sum("score"))
            .values_list("participant__team_id", "total")
        )
    rows = []
    for team in teams:
        n = members.get(team["id"], 0)
        score = int(points.get(team["id"]) or 0)
        average = round(score / n, 1) if n else 0.0
        rows.append({**team, "members": n, "score": score, "average": average})
    rows.sort(key=lambda r: (-r["average"], r["name"].casefold(), r["id"]))
    for position, row in enumerate(rows, start=1):
        previous = rows[position - 2] if position > 1 else None
        row["rank"] = previous["rank"] if previous and previous["average"] == row["average"] else position
    return rows


def _cached_ranks(session_id: Any, ids: list[Any]) -> dict[str, int]:
    digest = hashlib.sha256(",".join(sorted(str(i) for i in ids)).encode()).hexdigest()[:16]
    key = f"caja:ranks:{session_id}:{digest}"
    try:
        ranks: dict[str, int] | None = cache.get(key)
    except Exception:  # no cache: compute it
        ranks = None
    if ranks is None:
        ranks = {row["participant_id"]: row["rank"] for row in leaderboard(session_id, None)}
        try:
            cache.set(key, ranks, timeout=STANDING_CACHE_SECONDS)
        except Exception:  # the next phone computes it again
            logger.warning("cache unavailable for the standings", exc_info=True)
    return ranks


def participant_standing(
    activity: Activity, participant_id: Any, *, now: datetime | None = None
) -> dict[str, Any] | None:
    """``{"points", "rank", "streak"}`` of one participant after a scored question, or None while
    its answer is secret (or for a type without points).

    ``points``: what this answer earned; ``rank``: the participant's place on the session's board
    (shared by equal scores; null if they have no scored answer); ``streak``: consecutive correct
    answers up to and including this question, over the counted questions in session order (a
    question not answered breaks it)."""
    now = now or timezone.now()
    kind = all_types().get(activity.type)
    if kind is None or not kind.scored or not kind.is_revealed(activity, now):
        return None
    ids = scored_activity_ids(activity.session_id, now)
    ordered = list(
        Activity.objects.filter(pk__in=ids, order__lte=activity.order)
        .order_by("-order", "-created_at")
        .values_list("pk", flat=True)
    )
    answers = dict(
        Response.objects.filter(activity_id__in=ordered, participant_id=participant_id).values_list(
            "activity_id", "is_correct"
        )
    )
    streak = 0
    for activity_id in ordered:
        if not answers.get(activity_id):
            break
        streak += 1
    points = (
        Response.objects.filter(activity=activity, participant_id=participant_id)
        .values_list("score", flat=True)
        .first()
    )
    return {
        "points": int(points or 0),
        "rank": _cached_ranks(activity.session_id, ids).get(str(participant_id)),
        "streak": streak,
    }
