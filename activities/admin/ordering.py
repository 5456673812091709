"""The order of a session's activities, as the admin keeps it: unique and contiguous (1, 2, 3, …).

The admin refuses two activities in one position (the inline's formset and the activity's own form
say which); after a save or a deletion the positions close up again, keeping their sequence."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext

from activities import services
from activities.models import Activity


def close_gaps(session_id: Any) -> int:
    """Renumber the session's activities 1..n in their current order; how many moved."""
    moved = 0
    activities = Activity.objects.filter(session_id=session_id).order_by("order", "created_at")
    for position, activity in enumerate(activities, start=1):
        if activity.order != position:
            services.activity_update(activity=activity, order=position)
            moved += 1
    return moved


def taken_by(session_id: Any, order: int, exclude: Any = None) -> Activity | None:
    """The activity of the session already at ``order`` (other than ``exclude``), if any."""
    qs = Activity.objects.filter(session_id=session_id, order=order)
    if exclude is not None:
        qs = qs.exclude(pk=exclude)
    return qs.order_by("created_at").first()


def position_taken_message(order: int, other: Activity) -> str:
    # Translators: the admin refuses an activity order (position) that another activity has.
    return gettext(
        "Position %(order)s is already taken by “%(other)s”: each activity needs its own position."
    ) % {"order": order, "other": other}
