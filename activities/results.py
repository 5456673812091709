"""Results of activities and sessions, and the session-wide quiz leaderboard.

Aggregation lives in the type modules (one or a few GROUP BY queries each); this module composes
them and never switches on the type name: the leaderboard asks the registry which types are
``scored`` and each type which of its activities count (``is_revealed``).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from .models import Activity
from .trends import activity_trend, previous_point, session_trends
from .types import get_type
from .types.leaderboard import leaderboard, participant_standing, team_leaderboard

if TYPE_CHECKING:
    from sessions_app.models import Session


def activity_results(activity: Activity, *, with_trend: bool = False) -> dict[str, Any]:
    """The organizer's full results of one activity (everything, whatever its visibility); with
    ``with_trend``, a tracked activity of a session in a series gains ``trend``: the points of up to
    5 earlier sessions (activities.trends)."""
    results = get_type(activity.type).full_results(activity)
    if with_trend and activity.track_key and activity.session.series_id is not None:
        results["trend"] = activity_trend(activity, activity.session.series_id)
    return results


def activity_public_results(activity: Activity, now: datetime | None = None) -> dict[str, Any] | None:
    """What the public (state snapshot, big screen) may see of one activity at ``now``. A tracked
    activity of a session in a series adds ``previous``: the last earlier session's point (an
    aggregate, "too few" under the minimum group size), shown beside the live result."""
    results = get_type(activity.type).public_results(activity, now or timezone.now())
    if results is not None and activity.track_key:
        previous = previous_point(activity)
        if previous is not None:
            results = {**results, "previous": previous}
    return results


def response_standing(activity: Activity, participant_id: Any) -> dict[str, Any] | None:
    """The phone's "after the question": points, rank and streak (None while the answer is secret)."""
    return participant_standing(activity, participant_id)


def session_results(session: Session) -> dict[str, Any]:
    """Every activity of the session with its full results (a tracked one's with its ``trend``, as
    activity_results gives it), plus the full leaderboard.

    One query for the activities, then each type's bounded number of aggregate queries per
    activity (poll 1, poker 1, word cloud 3, quiz 3) and two for the leaderboard."""
    activities = list(Activity.objects.filter(session=session).order_by("order", "created_at"))
    trends = session_trends(session, activities)  # one query, for the tracked ones
    return {
        "session_id": str(session.pk),
        "activities": [
            {
                "id": str(a.pk),
                "type": a.type,
                "type_label": get_type(a.type).label,
                "title": a.title,
                "order": a.order,
                "status": a.status,
                "results": activity_results(a)
                if a.pk not in trends
                else {**activity_results(a), "trend": trends[a.pk]},
            }
            for a in activities
        ],
        "leaderboard": leaderboard(session, None),
        "teams": team_leaderboard(session),
    }
