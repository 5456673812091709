"""(temporary minimal version; the activity-types work replaces this file)"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from .models import Activity
from .types import get_type


def activity_results(activity: Activity) -> dict[str, Any]:
    return get_type(activity.type).full_results(activity)


def activity_public_results(activity: Activity, now: datetime) -> dict[str, Any] | None:
    return get_type(activity.type).public_results(activity, now)


def leaderboard(session: Any, limit: int | None) -> list[dict[str, Any]]:
    return []


def session_results(session: Any) -> dict[str, Any]:
    return {
        "session_id": str(session.pk),
        "activities": [
            {"id": str(a.pk), "type": a.type, "title": a.title, "order": a.order, "status": a.status, "results": activity_results(a)}
            for a in session.activities.all()
        ],
        "leaderboard": leaderboard(session, None),
    }
