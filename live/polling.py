"""Poll pacing: the suggested interval (X-Poll-Interval) and the fast-poller limit.

Both are per process on purpose: they run on every poll, and a shared-cache round trip each would
double the cost of the hot path. The limiter only catches clients polling far faster than asked
(a broken or hostile client): with W workers a client is throttled once it exceeds the limit on any
one worker, i.e. somewhere between ``POLL_BURST`` and W x ``POLL_BURST`` polls per window. Polls
without a participant token are never throttled: a whole venue may share one NAT address, and an
unchanged poll is a cheap 304.
"""

from __future__ import annotations

import hashlib
import threading
import time

from django.conf import settings

WINDOW_SECONDS = 10.0
# 10 s at the suggested 2 s interval is 5 polls; 40 is eight times that, allowing reconnect bursts.
POLL_BURST = 40
_MAX_KEYS = 100_000

_lock = threading.Lock()
_counts: dict[str, tuple[float, int]] = {}
_rate_window_start = time.monotonic()
_rate_count = 0
_current_rate = 0.0


def _key(token: str) -> str:
    return hashlib.blake2b(token.encode(), digest_size=12).hexdigest()


def note_poll() -> None:
    """Count polls per second in this process (drives the suggested interval)."""
    global _rate_window_start, _rate_count, _current_rate
    now = time.monotonic()
    with _lock:
        _rate_count += 1
        elapsed = now - _rate_window_start
        if elapsed >= 1.0:
            _current_rate = _rate_count / elapsed
            _rate_window_start, _rate_count = now, 0


def suggested_interval() -> float:
    base = float(settings.CAJA_POLL_INTERVAL)
    capacity = float(getattr(settings, "CAJA_POLL_CAPACITY", 1500))
    # Past the worker's comfortable rate, ask everyone to poll less often (up to 5x slower).
    factor = min(5.0, max(1.0, _current_rate / capacity))
    return round(base * factor, 1)


def check_fast_poller(token: str | None) -> float | None:
    """Return seconds to wait if this token polls far too fast, else None."""
    if not token:
        return None
    key = _key(token)
    now = time.monotonic()
    with _lock:
        start, count = _counts.get(key, (now, 0))
        if now - start >= WINDOW_SECONDS:
            start, count = now, 0
        count += 1
        if len(_counts) >= _MAX_KEYS:
            _counts.clear()
        _counts[key] = (start, count)
        if count > POLL_BURST:
            return max(1.0, WINDOW_SECONDS - (now - start))
    return None


def reset() -> None:
    with _lock:
        _counts.clear()
