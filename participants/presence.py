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
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError
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
        if not _pending:
            return 0
        ids = list(_pending)
        _pending.clear()
        _last_flush = time.monotonic()
    now = timezone.now()
    try:
        return Participant.objects.filter(
            pk__in=ids, last_activity__lt=now - timedelta(seconds=settings.CAJA_PRESENCE_INTERVAL)
        ).update(last_activity=now)
    except DatabaseError:
        logger.warning("presence flush skipped: database unavailable (%d marks dropped)", len(ids))
        return 0
