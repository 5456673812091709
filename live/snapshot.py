"""The live state snapshot: built once per change, shared by every caller, cached.

Reading it (the hot path, 500-10,000 phones every 2 s):

1. read the session's version counter from the shared cache (one cheap round trip);
2. if this process already holds the snapshot built at that version, use it (no more I/O);
3. else fetch the shared snapshot from the cache; if it is current, use it;
4. else rebuild from the database — at most once per ``MIN_REBUILD_SECONDS`` per session under a
   storm of answers (a cache lock elects the builder; the others serve the previous snapshot).

The snapshot's ``version`` and ETag change exactly when its content changes: a rebuild that
produces the same content keeps the previous version, ETag and ``last_updated``.

If the cache is down, snapshots are built from the database and kept in this process for
``DEGRADED_TTL`` seconds: polling keeps answering, a little staler, and recovers by itself.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import hashlib
import json
import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from django.conf import settings
from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError
from django.db.models import Count, Max
from django.utils import timezone

from activities import results as activity_results
from activities.images import public_images
from activities.models import Activity, ActivityStatus
from activities.selectors import self_paced_walk
from activities.types import get_type, session_state_extras
from core import metrics, state_version
from participants.models import Participant
from sessions_app import pace as session_pace
from sessions_app import services as session_services
from sessions_app.models import Session, SessionPace, SessionStatus

from . import reactions

logger = logging.getLogger("caja.state")

MIN_REBUILD_SECONDS = 0.25  # default of settings.CAJA_SNAPSHOT_MIN_REBUILD_SECONDS
DEGRADED_TTL = 1.0
SNAPSHOT_TIMEOUT = 24 * 3600
LOCAL_MAX = 2048


@dataclass
class Snapshot:
    session_id: str
    version: int  # the version shown (changes only with the content)
    seen_version: int | None  # the counter value this build reflects
    content: bytes  # JSON without the closing brace and server_time
    etag: str
    last_updated: datetime
    built_at: float
    valid_until: float | None  # a time-driven visibility change (quiz timer) forces a rebuild
    status: dict[str, Any] = field(default_factory=dict)
    activities: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Served because a rebuild failed (database unreachable): the last good copy, marked.
    stale: bool = False

    def body(self, now: datetime | None = None) -> bytes:
        server_time = (now or timezone.now()).isoformat().replace("+00:00", "Z")
        return self.content + b',"server_time":"' + server_time.encode() + b'"}'


_snap_key = state_version.snapshot_key
_lock_key = state_version.snapshot_lock_key


_local: dict[str, Snapshot] = {}
_local_lock = threading.Lock()


def _remember(snap: Snapshot) -> None:
    with _local_lock:
        if len(_local) >= LOCAL_MAX:
            _local.pop(next(iter(_local)))
        _local[snap.session_id] = snap


def _drop(session_id: str) -> None:
    """The session is gone: no copy of its snapshot may be served again, here or elsewhere."""
    with _local_lock:
        _local.pop(session_id, None)
    try:
        cache.delete_many([_snap_key(session_id), _lock_key(session_id)])
    except Exception:
        logger.warning("snapshot drop failed", exc_info=True)


def forget_local() -> None:
    """Drop this process's copies (tests, and after a session is deleted)."""
    with _local_lock:
        _local.clear()
    state_version.forget_memo()


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def build_content(
    session_id: str,
) -> tuple[dict[str, Any], dict[str, Any], dict[str, dict[str, Any]], float | None] | None:
    """Read the database and return (public state, status, per-activity status, valid_until)."""
    session = Session.objects.select_related("current_activity").filter(pk=session_id).first()
    if session is None:
        return None
    now = timezone.now()
    if session_services.session_clock_due(session, now):
        # A self-paced session past its opening or closing time: this rebuild (the snapshot
        # expired at that very moment, see valid_until below) is the request that moves it.
        session_services.session_clock_advance(session_id=session.pk, now=now)
        session = Session.objects.select_related("current_activity").filter(pk=session_id).first()
        if session is None:
            return None
    present = Participant.objects.filter(session_id=session_id, kicked_at__isnull=True)
    teams: list[dict[str, Any]] = []
    if session.teams:
        # The lobby shows how many joined each team: one GROUP BY in place of the count, in this
        # rebuild (a join, a move or a kick bumps the version), never per poll.
        per_team = dict(present.values_list("team_id").annotate(n=Count("pk")).order_by())
        participant_count = sum(per_team.values())
        teams = [{**team, "members": per_team.get(team["id"], 0)} for team in session.teams]
    else:
        participant_count = present.count()
    per_activity = {
        str(row["pk"]): row
        for row in Activity.objects.filter(session_id=session_id)
        .values("pk", "status", "updated_at")
        .annotate(response_count=Count("responses"), last_response_at=Max("responses__updated_at"))
    }
    current = session.current_activity
    valid_until: float | None = None
    current_state: dict[str, Any] | None = None
    if current is not None:
        activity_type = get_type(current.type)
        row = per_activity.get(str(current.pk), {})
        current_state = {
            "id": str(current.pk),
            "type": current.type,
            "type_label": activity_type.label,
            "title": current.title,
            "status": current.status,
            "order": current.order,
            "activated_at": _iso(current.activated_at),
            # Image references in their public form ({"url", "width", "height", "alt"}).
            "config": public_images(activity_type.public_config(current, now)),
            "response_count": row.get("response_count", 0),
            "results": activity_results.activity_public_results(current, now),
            **activity_type.current_fields(current),
        }
        change_at = activity_type.next_visibility_change(current, now)
        if change_at is not None:
            valid_until = change_at.timestamp()
    state: dict[str, Any] = {
        "session": {
            "id": str(session.pk),
            "name": session.name,
            "status": session.status,
            "join_code": session.join_code,
            "rehearsal": session.rehearsal,
            # The phones show their team's name and colour from here (they know their team_id).
            # With "members": how many joined each team (not kicked), for the big screen's lobby.
            "teams": teams,
            "team_assignment": session.team_assignment,
        },
        "current_activity": current_state,
        "participant_count": participant_count,
        **session_state_extras(session_id),
    }
    if session.pace == SessionPace.SELF:
        state["current_activity"] = None
        state["pace"] = SessionPace.SELF
        state["session"]["pace"] = SessionPace.SELF
        state["session"]["opens_at"] = _iso(session.opens_at)
        state["session"]["closes_at"] = _iso(session.closes_at)
        state["activities"] = self_paced_activities(session, now)
        change_at = session_pace.next_change(
            status=session.status,
            pace=session.pace,
            opens_at=session.opens_at,
            closes_at=session.closes_at,
            now=now,
        )
        if change_at is not None:  # the snapshot expires exactly when the clock moves the session
            valid_until = (
                change_at.timestamp() if valid_until is None else min(valid_until, change_at.timestamp())
            )
    state["reactions"] = reacted = reactions.reaction_counts(session_id)
    if any(reacted["counts"].values()):
        # The 10-second window slides: rebuild on the next second even if nothing else changes.
        next_second = float(int(time.time()) + 1)
        valid_until = next_second if valid_until is None else min(valid_until, next_second)
    status = {
        "session_id": str(session.pk),
        "status": session.status,
        "current_activity_id": str(current.pk) if current else None,
        "participant_count": participant_count,
    }
    activities = {
        aid: {
            "activity_id": aid,
            "status": row["status"],
            "response_count": row["response_count"],
            "last_response_at": _iso(row["last_response_at"]),
        }
        for aid, row in per_activity.items()
    }
    return state, status, activities, valid_until


def self_paced_activities(session: Session, now: datetime) -> list[dict[str, Any]]:
    """The open activities of a self-paced session, in order, as every phone may see them: the
    participant-safe config, no results (per-participant data is on the small endpoints). Before
    the session completes each type is asked for its config as if nothing were revealed or timed
    (a correct answer never shows); once completed, as if each activity had ended."""
    completed = session.status == SessionStatus.COMPLETED
    items = []
    for activity in (
        Activity.objects.filter(session_id=session.pk)
        .filter(self_paced_walk())
        .order_by("order", "created_at")
    ):
        activity_type = get_type(activity.type)
        view = copy.copy(activity)
        if completed:
            view.status = ActivityStatus.EXPIRED
        else:
            view.status, view.activated_at, view.revealed_at = ActivityStatus.PUBLISHED, None, None
        items.append(
            {
                "id": str(activity.pk),
                "type": activity.type,
                "type_label": activity_type.label,
                "title": activity.title,
                "order": activity.order,
                "status": activity.status,
                "config": activity_type.public_config(view, now),
            }
        )
    return items


def _encode(obj: Any) -> bytes:
    return json.dumps(obj, cls=DjangoJSONEncoder, separators=(",", ":"), ensure_ascii=False).encode()


def _build(session_id: str, counter: int | None, previous: Snapshot | None) -> Snapshot | None:
    built = build_content(session_id)
    if built is None:
        return None
    state, status, activities, valid_until = built
    fingerprint = _encode([state, status, activities])
    digest = hashlib.sha256(fingerprint).hexdigest()[:24]
    now = timezone.now()
    if previous is not None and previous.etag.strip('"').split("-", 1)[-1] == digest:
        # Same content: keep the version, ETag and last_updated the clients already have.
        version, last_updated = previous.version, previous.last_updated
    else:
        version = counter if counter is not None else int(time.time() * 1000)
        if previous is not None and version <= previous.version:
            version = previous.version + 1
        last_updated = now
    state["version"] = version
    state["last_updated"] = _iso(last_updated)
    status["last_updated"] = _iso(last_updated)
    for item in activities.values():
        item["last_updated"] = _iso(last_updated)
    content = _encode(state)[:-1]
    return Snapshot(
        session_id=session_id,
        version=version,
        seen_version=counter,
        content=content,
        etag=f'"{version}-{digest}"',
        last_updated=last_updated,
        built_at=time.time(),
        valid_until=valid_until,
        status=status,
        activities=activities,
    )


def state_now(session_id: UUID | str) -> dict[str, Any] | None:
    """The public state as it is right now, read from the database rather than the cached copy (the
    answer of a write that changed it), or None if the session does not exist. Shaped as ``_build``
    stamps it: a fresh version from the wall clock and ``last_updated`` = ``server_time`` = now."""
    built = build_content(str(session_id))
    if built is None:
        return None
    state = built[0]
    now = _iso(timezone.now())
    state["version"] = int(time.time() * 1000)
    state["last_updated"] = now
    state["server_time"] = now
    return state


def _build_or_stale(session_id: str, counter: int | None, previous: Snapshot | None) -> Snapshot | None:
    """Rebuild; if the database cannot be reached, the previous snapshot marked stale (polls must
    not fail while a snapshot exists; the next poll tries again). Without one, the error stands."""
    try:
        return _build(session_id, counter, previous)
    except DatabaseError:
        if previous is None:
            raise
        logger.warning("snapshot rebuild failed: serving the last one", extra={"session_id": session_id})
        with contextlib.suppress(Exception):  # let the next poll try again (and say it is stale)
            cache.delete(_lock_key(session_id))
        return dataclasses.replace(previous, stale=True)


def get_snapshot(session_id: UUID | str) -> Snapshot | None:
    """The current snapshot of a session, or None if the session does not exist."""
    sid = str(session_id)
    now = time.time()
    local = _local.get(sid)
    try:
        counter = state_version.current_memoized(sid, getattr(settings, "CAJA_VERSION_MEMO_SECONDS", 0.1))
    except Exception:
        # Degraded: no shared cache. Rebuild from the database at most every DEGRADED_TTL. What we
        # show now may be newer than the shared copy the cache holds when it returns: move the
        # version then, so nobody is served that older copy (state_version.owe).
        state_version.owe(sid)
        if local is not None and now - local.built_at < DEGRADED_TTL:
            return local
        snap = _build_or_stale(sid, None, local)
        if snap is None:
            _drop(sid)
        else:
            _remember(snap)
        return snap

    def fresh(snap: Snapshot | None) -> bool:
        return (
            snap is not None
            and snap.seen_version == counter
            and (snap.valid_until is None or now < snap.valid_until)
        )

    if fresh(local):
        return local
    try:
        shared: Snapshot | None = cache.get(_snap_key(sid))
    except Exception:
        shared = None
    if shared is not None and fresh(shared):
        _remember(shared)
        return shared
    previous = shared or local
    # Pace rebuilds only while the shared copy exists: a missing one was dropped on purpose (the
    # session was deleted: state_version.forget) or lost with the cache, and is rebuilt at once.
    if shared is not None and shared.seen_version is not None and counter is not None:
        time_due = shared.valid_until is not None and now >= shared.valid_until
        # Under a storm of answers, rebuild at most every MIN_REBUILD_SECONDS per session;
        # meanwhile everyone gets the previous snapshot (it is at most that much behind).
        min_gap = getattr(settings, "CAJA_SNAPSHOT_MIN_REBUILD_SECONDS", MIN_REBUILD_SECONDS)
        if not time_due and now - shared.built_at < min_gap:
            return shared
        try:
            elected = cache.add(_lock_key(sid), 1, timeout=2)
        except Exception:
            elected = True
        if not elected and not time_due:
            return shared
    snap = _build_or_stale(sid, counter, previous)
    if snap is None:
        _drop(sid)
        return None
    if snap.stale:
        return snap
    metrics.record_snapshot_rebuild()
    try:
        cache.set(_snap_key(sid), snap, timeout=SNAPSHOT_TIMEOUT)
        cache.delete(_lock_key(sid))
    except Exception:
        logger.warning("snapshot store failed", exc_info=True)
    _remember(snap)
    return snap
