"""The per-session state version: bumped after every change the live snapshot shows.

It lives in the shared cache (Redis in production, local memory on a single process), never only in
one process's memory, and never as a per-vote UPDATE of a shared database row (that would
serialize every vote on one lock). Writers call :func:`bump` inside their transaction; the bump runs
after commit, so a poll never sees a version whose data is not yet visible.

When the key is missing (fresh cache, eviction, Redis restart) it is seeded from the wall clock in
milliseconds, so a version never goes backwards across a cache loss.

A second counter per session, the *structure* version (``cv:``), moves only with what decides
whether an answer is accepted: a status, a config, a reveal, a reset, a deletion, a kick. The vote
fast path (activities.views.votes) caches an activity's rules tagged with it
(activities.selectors.local_answer_rules), so the thousands of answers and joins that move the
state version every second do not evict that cache.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Any
from uuid import UUID

from django.core.cache import cache
from django.db import transaction

from core.cache_ops import incr_seeded

logger = logging.getLogger("caja.state")

VERSION_TIMEOUT = 7 * 24 * 3600


def version_key(session_id: UUID | str) -> str:
    return f"sv:{session_id}"


def structure_key(session_id: UUID | str) -> str:
    return f"cv:{session_id}"


# The shared snapshot and its rebuild lock (live.snapshot); named here so that a lower layer
# deleting a session can drop them at once.
def snapshot_key(session_id: UUID | str) -> str:
    return f"ss:{session_id}"


def snapshot_lock_key(session_id: UUID | str) -> str:
    return f"ssl:{session_id}"


def _seed() -> int:
    return int(time.time() * 1000)


# Process-local memo of recently read versions: {session_id: (version, monotonic read time)}.
_memo: dict[str, tuple[int, float]] = {}

# Sessions whose bump failed because the cache was down, in this process. A cache that comes back
# with its data (Redis restarted with persistence, a failover, a network blip) still holds the old
# versions and the snapshots built for them: without a late bump, a vote stored during the outage
# would hide behind a version that never moved, until the next change. Settled (one pipeline) by
# the first bump or version read of this process that reaches the cache again: polls read every
# CAJA_VERSION_MEMO_SECONDS, so that is well under a second after the cache returns.
_owed: set[str] = set()
_OWED_MAX = 10_000


def owe(session_id: UUID | str) -> None:
    """Move this session's versions once the cache answers again (see ``_owed``)."""
    if len(_owed) < _OWED_MAX:
        _owed.add(str(session_id))


def settle_owed() -> None:
    """Move the versions (state and structure) of every session whose bump failed while the cache
    was down. Silent when it is still down: the next read or bump tries again."""
    if not _owed:
        return
    owed = list(_owed)
    keys = [(key(sid), _seed(), VERSION_TIMEOUT) for sid in owed for key in (version_key, structure_key)]
    try:
        incr_seeded(keys)
    except Exception:
        return
    _owed.difference_update(owed)
    for sid in owed:
        _memo.pop(sid, None)
    logger.info("state versions moved after a cache outage", extra={"sessions": len(owed)})


def bump_now(
    session_id: UUID | str, *, structure: bool = True, extra: Sequence[tuple[str, int, int]] = ()
) -> int | None:
    """Move the session's state version (and, with ``structure``, its structure version) in one
    round trip, together with the caller's ``extra`` counters (see cache_ops.incr_seeded).
    Returns the new state version, or None when the cache is down."""
    keys = [(version_key(session_id), _seed(), VERSION_TIMEOUT), *extra]
    if structure:
        keys.append((structure_key(session_id), _seed(), VERSION_TIMEOUT))
    # Writes made by this process are seen by its own next poll at once.
    _memo.pop(str(session_id), None)
    try:
        version = incr_seeded(keys)[0]
    except Exception:  # cache down: polls fall back to the database, see live.snapshot
        logger.warning("state version bump failed", exc_info=True, extra={"session_id": str(session_id)})
        # The structure version too: what decides whether an answer is accepted may have changed.
        owe(session_id)
        return None
    if _owed:
        settle_owed()
    return version


def bump(session_id: UUID | str, *, structure: bool = True) -> None:
    """Bump the session's version now and again once the current transaction commits.

    The bump after commit is the one that matters: a rebuild that ran between the first bump
    and the commit read the old rows, and the second bump makes the next poll rebuild again.
    The immediate bump keeps code that runs inside a long outer transaction (tests, management
    commands) correct without relying on on_commit.

    ``structure=False`` is for writes that change what the state shows but not whether an
    answer is accepted (answers, joins, hidden words)."""
    bump_now(session_id, structure=structure)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: bump_now(session_id, structure=structure))


def bump_data(session_id: UUID | str) -> None:
    bump(session_id, structure=False)


def forget(session_id: UUID | str) -> None:
    """A deleted session (or activity): drop its shared snapshot and rebuild lock now and after
    commit, and move both versions, so every worker rebuilds (404 for what is gone) once its memo
    (CAJA_VERSION_MEMO_SECONDS) runs out, without waiting for the rebuild pacing."""

    def drop() -> None:
        _memo.pop(str(session_id), None)
        try:
            cache.delete_many([snapshot_key(session_id), snapshot_lock_key(session_id)])
        except Exception:
            logger.warning("snapshot drop failed", exc_info=True, extra={"session_id": str(session_id)})
        bump_now(session_id)

    drop()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(drop)


def current_or_raise(session_id: UUID | str, *, key: str | None = None) -> int:
    """The current version, seeding it if missing. Raises if the cache is unreachable."""
    key = key or version_key(session_id)
    value: Any = cache.get(key)
    if value is None:
        cache.add(key, _seed(), timeout=VERSION_TIMEOUT)
        value = cache.get(key)
    return int(value)


def current_memoized(session_id: UUID | str, max_age: float) -> int:
    """Like :func:`current_or_raise`, but a value read less than ``max_age`` seconds ago by this
    process is reused. At thousands of polls per second this turns one cache round trip per
    poll into a few per second per worker, at the price of seeing another worker's change up to
    ``max_age`` later (settings.CAJA_VERSION_MEMO_SECONDS, well under the 1 s promise)."""
    sid = str(session_id)
    now = time.monotonic()
    hit = _memo.get(sid)
    if hit is not None and now - hit[1] < max_age:
        return hit[0]
    if _owed:
        settle_owed()
    value = current_or_raise(sid)
    if len(_memo) > 10_000:
        _memo.clear()
    _memo[sid] = (value, now)
    return value


def forget_memo() -> None:
    _memo.clear()
    _owed.clear()


def current(session_id: UUID | str) -> int | None:
    """The current version, or None when the cache is unreachable."""
    try:
        return current_or_raise(session_id)
    except Exception:
        logger.warning("state version read failed", exc_info=True)
        return None
