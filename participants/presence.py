"""Presence: when a participant was last seen (an answer, a poll with a token, a heartbeat).

``Participant.last_activity`` stays the one truth that the counts read (participants_seen_recently,
the metrics, close_stale_sessions). What changes is how it is written: a mark costs no round trip.
Each process buffers the participants it saw and writes them in one ``UPDATE ... WHERE id IN``
at most every CAJA_PRESENCE_FLUSH_SECONDS (1 s), skipping rows written less than
CAJA_PRESENCE_INTERVAL ago. 10,000 phones sending a heartbeat every 30 s are then one small UPDATE
per second per worker, not 333 single-row writes per second.

Presence is best-effort: a flush that fails (database down) is dropped, and a worker that dies
loses at most its last second of marks.
"""

from __future__ import annotations

import logging
import threading
import time
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connection
from django.utils import timezone

from .models import Participant

logger = logging.getLogger("caja.participants")

_pending: set[str] = set()
_lock = threading.Lock()
_last_flush = 0.0
PENDING_MAX = 50_000  # a flush is forced past this many marks


def presence_mark(participant_id: Any) -> None:
    """Note that a participant was seen now; written by this or a later request's flush."""
    with _lock:
        _pending.add(str(participant_id))
        due = len(_pending) >= PENDING_MAX or (
            time.monotonic() - _last_flush >= settings.CAJA_PRESENCE_FLUSH_SECONDS
        )
    if due:
        presence_flush()


def presence_flush() -> int:
    """Write the buffered marks (one UPDATE). Returns the number of rows written."""
    global _last_flush
    with _lock:
        # A flush with nothing to write still starts the interval: the next marks wait for it like
        # any others (and a test's opening flush resets the clock, whatever ran before it).
        _last_flush = time.monotonic()
        if not _pending:
            return 0
        ids = list(_pending)
        _pending.clear()
    now = timezone.now()
    cutoff = now - timedelta(seconds=settings.CAJA_PRESENCE_INTERVAL)
    try:
        if connection.vendor == "postgresql":
            return _flush_postgresql(ids, now, cutoff)
        return Participant.objects.filter(pk__in=ids, last_activity__lt=cutoff).update(last_activity=now)
    except DatabaseError:
        logger.warning("presence flush skipped: database unavailable (%d marks dropped)", len(ids))
        return 0


def _flush_postgresql(ids: list[str], now: datetime, cutoff: datetime) -> int:
    """The same UPDATE with the ids as one array parameter. The ORM's ``IN (...)`` builds a UUID,
    a lookup value and a placeholder per id: for a second's marks of a busy worker (hundreds of
    ids) that cost more CPU than the UPDATE itself (measured: 3 to 5 ms against 1 ms for 330 ids),
    in the request that happened to trip the flush."""
    meta = Participant._meta
    quote = connection.ops.quote_name
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    seen = quote(meta.get_field("last_activity").column)
    # Only quoted identifiers from the model's metadata are interpolated; values are parameters.
    sql = f"UPDATE {table} SET {seen} = %s WHERE {pk} = ANY(%s::uuid[]) AND {seen} < %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [now, ids, cutoff])
        return int(cursor.rowcount)
