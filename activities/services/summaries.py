"""Tracked activities (contract v1.2, "Series and trends"): their track keys, and the summaries the
trends read. A tracked activity's summary is stored when it ends (every way an activity ends calls
:func:`summaries_store`) and recomputed when its responses change afterwards (a hidden answer at
once; a kick's purge marks it stale, and :func:`summaries_refresh_stale` recomputes it before the
next read). What a summary holds is each type's (``ActivityType.summary``)."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext

from core import state_version
from core.errors import ValidationFailed
from sessions_app.audit import audit_record
from sessions_app.models import Series, Session

from ..models import TRACK_KEY_PATTERN, Activity, ActivityStatus, ActivitySummary
from ..types import get_type

_TRACK_KEY = re.compile(TRACK_KEY_PATTERN)


def track_key_clean(value: Any) -> str | None:
    """A valid track key, or None for "not tracked" (None or ""); 400 otherwise."""
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not _TRACK_KEY.match(value):
        raise ValidationFailed(
            {"track_key": [gettext("1 to 40 of lower-case letters, digits, '-' and '_', or null.")]}
        )
    return value


def track_key_suggestion(title: str) -> str:
    """A track key suggested from an activity's question (its title, slugified)."""
    return slugify(title)[:40].strip("-_") or ""


def _conflict(series_id: Any, track_key: str, type_key: str, *, exclude_session: Any) -> Activity | None:
    """Another session's activity of the series with ``track_key`` and another type."""
    return (
        Activity.objects.filter(session__series_id=series_id, track_key=track_key)
        .exclude(session_id=exclude_session)
        .exclude(type=type_key)
        .first()
    )


def _conflict_error(track_key: str, other: Activity, *, field: str = "track_key") -> ValidationFailed:
    return ValidationFailed(
        {
            field: [
                gettext(
                    "The track key %(key)s is used for a %(type)s in this series: a trend compares "
                    "one type of activity."
                )
                % {"key": track_key, "type": other.type}
            ]
        }
    )


def track_key_check(*, session: Session, track_key: str | None, type_key: str) -> None:
    """400 if ``track_key`` is used in ``session``'s series for another type."""
    if track_key is None or session.series_id is None:
        return
    other = _conflict(session.series_id, track_key, type_key, exclude_session=session.pk)
    if other is not None:
        raise _conflict_error(track_key, other)


def series_join_check(*, session: Session, series: Series) -> None:
    """400 if ``session`` (about to join ``series``) has a tracked activity whose key the series
    uses for another type (sessions_app's session_series_changing signal)."""
    for track_key, type_key in (
        Activity.objects.filter(session=session, track_key__isnull=False)
        .values_list("track_key", "type")
        .distinct()
    ):
        if track_key is None:  # filtered out above; says so to the type checker
            continue
        other = _conflict(series.pk, track_key, type_key, exclude_session=session.pk)
        if other is not None:
            raise _conflict_error(track_key, other, field="series_id")


@transaction.atomic
def activity_set_track_key(*, activity: Activity, track_key: Any, actor: Any = None) -> Activity:
    """Set (or clear, with None) an activity's track key, in any status: an ended activity that
    becomes tracked gets its summary now."""
    key = track_key_clean(track_key)
    # The stored value, not the instance's (an admin form has set the instance's already).
    old = Activity.objects.filter(pk=activity.pk).values_list("track_key", flat=True).first()
    if key == old:
        activity.track_key = key
        return activity
    session = Session.objects.get(pk=activity.session_id)
    track_key_check(session=session, track_key=key, type_key=activity.type)
    Activity.objects.filter(pk=activity.pk).update(track_key=key, updated_at=timezone.now())
    activity.track_key = key
    if key is None:
        ActivitySummary.objects.filter(activity=activity).delete()
    elif activity.status == ActivityStatus.EXPIRED:
        summaries_store(activity_ids=[activity.pk])
    state_version.bump(activity.session_id)
    audit_record(
        session=activity.session_id,
        actor=actor,
        action="activity.track_key",
        target_type="activity",
        target_id=activity.pk,
        details={"from": old, "to": key},
    )
    return activity


def summaries_store(*, activity_ids: Iterable[Any]) -> int:
    """Compute and store the summary of each of these activities that is tracked and ended (the
    others are skipped). Returns how many were stored. Called in the ending transaction."""
    activities = list(
        Activity.objects.filter(
            pk__in=list(activity_ids), track_key__isnull=False, status=ActivityStatus.EXPIRED
        )
    )
    now = timezone.now()
    for activity in activities:
        summary = get_type(activity.type).summary(activity)
        ActivitySummary.objects.update_or_create(
            activity=activity,
            defaults={
                "summary": summary.values,
                # [id, label] pairs: a JSON object's key order is not kept by PostgreSQL's jsonb.
                "labels": [[key, label] for key, label in summary.labels.items()],
                "count": summary.count,
                "stale": False,
                "computed_at": now,
            },
        )
    return len(activities)


def tracked_live_ids(queryset: Any) -> list[Any]:
    """The tracked activities of ``queryset`` (about to be expired in bulk): their summaries are
    stored once the UPDATE is done."""
    return list(queryset.filter(track_key__isnull=False).values_list("pk", flat=True))


def summaries_mark_stale(*, participant_ids: Iterable[Any]) -> None:
    """The answers of these participants are about to go (a kick's purge): their tracked, ended
    activities' summaries are recomputed after the commit, and before any read meanwhile."""
    ids = list(
        ActivitySummary.objects.filter(activity__responses__participant_id__in=list(participant_ids))
        .values_list("activity_id", flat=True)
        .distinct()
    )
    ids += list(
        ActivitySummary.objects.filter(activity__questions__participant_id__in=list(participant_ids))
        .values_list("activity_id", flat=True)
        .distinct()
    )
    if not ids:
        return
    ActivitySummary.objects.filter(activity_id__in=ids).update(stale=True)
    transaction.on_commit(lambda: summaries_store(activity_ids=ids))


def summaries_refresh_stale(*, series_id: Any) -> int:
    """Recompute the series' summaries whose responses changed since they were stored."""
    ids = list(
        ActivitySummary.objects.filter(stale=True, activity__session__series_id=series_id).values_list(
            "activity_id", flat=True
        )
    )
    if not ids:
        return 0
    with transaction.atomic():
        return summaries_store(activity_ids=ids)
