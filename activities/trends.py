"""Trends of a series (contract v1.2, "Series and trends"): read from the stored summaries of its
tracked activities (activities.services.summaries), never from their responses, in one query
whatever the number of sessions, activities and responses.

- Activities with the same ``track_key`` and type in the sessions of a series form a trend, its
  points oldest first (by the session's start, else its creation).
- Privacy: a point whose summary counts fewer than settings.SERIES_MIN_RESPONSES answers has
  ``"summary": null, "too_few": true``.
- Options, statements and items match by id: an item lists in ``matched`` the ids found in every
  point and in ``labels`` each id's latest label; a point lists in ``unmatched`` its ids that are
  not in every point (an option added, removed or re-created with a new id). Nothing is dropped
  from a summary.
"""

from __future__ import annotations

import hashlib
import json
import logging
from datetime import datetime
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, F, Max
from django.db.models.functions import Coalesce

from sessions_app.models import Session

from .models import Activity, ActivitySummary

# The organizer's results of a tracked activity show this many earlier sessions.
RESULTS_TREND_POINTS = 5
# A series' trends body is kept this long under its version (a changed version is a new key).
BODY_CACHE_SECONDS = 3600

logger = logging.getLogger("caja.trends")


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def _summaries(series_id: Any, **filters: Any) -> Any:
    return ActivitySummary.objects.filter(
        activity__session__series_id=series_id,
        activity__session__rehearsal=False,
        activity__track_key__isnull=False,
        **filters,
    )


def _rows(series_id: Any, **filters: Any) -> list[dict[str, Any]]:
    return list(
        _summaries(series_id, **filters)
        .annotate(
            date=Coalesce(F("activity__session__started_at"), F("activity__session__created_at")),
        )
        .order_by("date", "activity__session_id", "activity__order")
        .values(
            "summary",
            "labels",
            "count",
            "date",
            track_key=F("activity__track_key"),
            type=F("activity__type"),
            title=F("activity__title"),
            session_id=F("activity__session_id"),
            session_name=F("activity__session__name"),
        )
    )


def _point(row: dict[str, Any], minimum: int) -> dict[str, Any]:
    too_few = row["count"] < minimum
    return {
        "session_id": str(row["session_id"]),
        "session_name": row["session_name"],
        "date": _iso(row["date"]),
        "summary": None if too_few else row["summary"],
        "too_few": too_few,
        "responses": row["count"],
    }


def _items(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    minimum = settings.SERIES_MIN_RESPONSES
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault((row["track_key"], row["type"]), []).append(row)
    items = []
    for (track_key, type_key), group in groups.items():
        # Stored as [id, label] pairs (a JSON object's key order is not kept by jsonb): the latest
        # session's order and labels first, then the ids only older sessions had.
        labels: dict[str, str] = {}
        for row in reversed(group):
            for key, label in row["labels"] or []:
                labels.setdefault(key, label)
        points = [_point(row, minimum) for row in group]
        item: dict[str, Any] = {
            "track_key": track_key,
            "type": type_key,
            "title": group[-1]["title"],
            "points": points,
        }
        if labels:  # a summary keyed by ids (poll, rating, ranking): say what matches
            keys = [set(row["summary"] or {}) for row in group]
            matched = set.intersection(*keys) if keys else set()
            item["labels"] = labels
            item["matched"] = sorted(matched, key=list(labels).index)
            for point, row_keys in zip(points, keys, strict=True):
                point["unmatched"] = sorted(row_keys - matched)
        items.append(item)
    items.sort(key=lambda i: (i["title"].casefold(), i["track_key"]))
    return items


def series_trends(series_id: Any) -> dict[str, Any]:
    """``{"items": [...]}`` for GET /api/v1/series/{sid}/trends."""
    return {"items": _items(_rows(series_id))}


def series_trends_of_sessions(series_id: Any, sessions: list[Session]) -> dict[str, Any]:
    """The trends a member of some of the series' sessions reads (not its owner: the series is
    theirs alone): each tracked activity of ``sessions`` with its own point and those of up to
    RESULTS_TREND_POINTS earlier sessions, the points the session's results carry ("trend", the
    members' ``read`` right), with the labels the results lack. Never cached: it is per caller."""
    tracked = list(
        Activity.objects.filter(session__in=sessions, track_key__isnull=False).values_list(
            "session_id", "track_key", "type"
        )
    )
    dates = {s.pk: s.started_at or s.created_at for s in sessions}
    rows = _rows(series_id, activity__track_key__in={key for _, key, _ in tracked})
    keep: set[int] = set()
    for session_id, key, type_key in tracked:
        same = [i for i, row in enumerate(rows) if (row["track_key"], row["type"]) == (key, type_key)]
        earlier = [
            i for i in same if rows[i]["session_id"] != session_id and rows[i]["date"] < dates[session_id]
        ]
        keep.update(earlier[-RESULTS_TREND_POINTS:])
        keep.update(i for i in same if rows[i]["session_id"] == session_id)
    return {"items": _items([rows[i] for i in sorted(keep)])}


def series_trends_version(series_id: Any) -> str:
    """What the trends body depends on, in one aggregate query (no JSON read): how many summaries,
    when the latest was computed, and the latest change of their activities (title, track key) and
    sessions (name, start, series, rehearsal): any of these changes gives a new version."""
    row = _summaries(series_id).aggregate(
        v_count=Count("pk"),
        v_computed=Max("computed_at"),
        v_activity=Max("activity__updated_at"),
        v_session=Max("activity__session__updated_at"),
    )
    raw = "|".join(str(row[k]) for k in ("v_count", "v_computed", "v_activity", "v_session"))
    raw += f"|{settings.SERIES_MIN_RESPONSES}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def series_trends_body(series_id: Any) -> bytes:
    """The trends as JSON bytes, kept in the shared cache under the series' version: a repeated
    read (the admin's page, a dashboard) costs one aggregate query, not the rows and their JSON. A
    cache that does not answer is skipped (computed each time, never an error)."""
    key = f"trends:{series_id}:{series_trends_version(series_id)}"
    try:
        body = cache.get(key)
    except Exception:  # noqa: BLE001 - a cache outage degrades to computing
        logger.warning("trends cache unavailable", exc_info=True)
        body = None
    if isinstance(body, bytes):
        return body
    body = json.dumps(series_trends(series_id), ensure_ascii=False, separators=(",", ":")).encode()
    try:
        cache.set(key, body, BODY_CACHE_SECONDS)
    except Exception:  # noqa: BLE001
        logger.warning("trends cache unavailable", exc_info=True)
    return body


def session_trends(session: Any, activities: list[Activity]) -> dict[Any, list[dict[str, Any]]]:
    """``{activity id: trend}`` for the tracked ones of ``activities`` (all of ``session``), as
    :func:`activity_trend` gives each, in one query for the whole session."""
    tracked = [a for a in activities if a.track_key]
    if not tracked or session.series_id is None:
        return {}
    date = session.started_at or session.created_at
    rows = [
        row
        for row in _rows(session.series_id, activity__track_key__in={a.track_key for a in tracked})
        if row["session_id"] != session.pk and row["date"] < date
    ]
    out: dict[Any, list[dict[str, Any]]] = {}
    for activity in tracked:
        mine = [r for r in rows if r["track_key"] == activity.track_key and r["type"] == activity.type]
        items = _items(mine[-RESULTS_TREND_POINTS:])
        out[activity.pk] = items[0]["points"] if items else []
    return out


def activity_trend(activity: Activity, series_id: Any) -> list[dict[str, Any]]:
    """The points of up to RESULTS_TREND_POINTS earlier sessions of the series for the same
    tracked question (same key and type), oldest first; [] when there are none."""
    session = activity.session
    date = session.started_at or session.created_at
    rows = [
        row
        for row in _rows(series_id, activity__track_key=activity.track_key, activity__type=activity.type)
        if row["session_id"] != session.pk and row["date"] < date
    ]
    items = _items(rows[-RESULTS_TREND_POINTS:])
    return items[0]["points"] if items else []


def previous_point(activity: Activity) -> dict[str, Any] | None:
    """The point of the latest earlier session of the series for this tracked activity (same key
    and type), for the big screen's "last time" beside the live result; None when the activity is
    not tracked, its session is in no series, or no earlier session has a point. Two small queries,
    only for a tracked activity; a point of too few answers has ``"summary": None`` as everywhere."""
    if not activity.track_key:
        return None
    session = (
        Session.objects.filter(pk=activity.session_id).values("series_id", "started_at", "created_at").first()
    )
    if session is None or session["series_id"] is None:
        return None
    date = session["started_at"] or session["created_at"]
    rows = [
        row
        for row in _rows(
            session["series_id"], activity__track_key=activity.track_key, activity__type=activity.type
        )
        if row["session_id"] != activity.session_id and row["date"] < date
    ]
    if not rows:
        return None
    return _point(rows[-1], settings.SERIES_MIN_RESPONSES)
