"""Rate limits that fit a venue, counted in the shared cache.

A whole venue often sits behind one NAT address, so per-IP limits are generous bursts meant only to
stop a script; the tight limits are keyed on the participant token. Rates come from settings
(``THROTTLE_*`` environment variables). IP addresses are hashed before they become cache keys and
are never stored in the database.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any

from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from core.cache_ops import get_many, incr_seeded

logger = logging.getLogger("caja.throttle")


class FailOpenMixin:
    """If the shared cache is down, let the request through: a town hall keeps answering and
    the database constraints still guard correctness; the outage shows in /health/ready."""

    def allow_request(self, request: Request, view: Any) -> bool:
        try:
            return bool(super().allow_request(request, view))  # type: ignore[misc]
        except Exception:
            logger.warning("throttle cache unavailable; allowing request", exc_info=True)
            return True


def _sha256(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def _hash(value: str) -> str:
    return _sha256(value)[:32]


class JoinIPThrottle(FailOpenMixin, SimpleRateThrottle):
    """Joins per client address: a venue of thousands behind one NAT must still get in."""

    scope = "join_ip"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": _hash(self.get_ident(request))}


class ParticipantTokenThrottle(FailOpenMixin, SimpleRateThrottle):
    """Writes per participant token (answers), counted in fixed windows.

    A fixed window is one integer per token per window: the vote fast path reads it with the rest
    of its cache reads and increments it in the same pipelined round trip as the state version
    (activities.views.votes), and this DRF throttle uses the same key, so both paths share one
    count. (DRF's own sliding window keeps a list per key: a read and a write of a pickled list.)
    Like DRF's, the read and the increment are not one atomic step: under a burst a request or
    two over the limit may pass."""

    scope = "answer"
    # Set by SimpleRateThrottle.__init__ from the rate (e.g. 60/min -> 60, 60).
    num_requests: int
    duration: int

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        token = request.headers.get("X-Participant-Token")
        if not token:
            return None
        return self.cache_format % {"scope": self.scope, "ident": _hash(token)}

    def window_key(self, token_hash: str, now: float) -> str:
        """The counter of the window holding ``now``, for a token whose sha256 hex is ``token_hash``."""
        ident = token_hash[:32]
        return f"{self.cache_format % {'scope': self.scope, 'ident': ident}}:{int(now // self.duration)}"

    def window_wait(self, now: float) -> float:
        return self.duration - (now % self.duration)

    def allow_request(self, request: Request, view: Any) -> bool:
        token = request.headers.get("X-Participant-Token")
        if self.rate is None or not token:
            return True
        now = self.timer()
        try:
            count = incr_seeded([(self.window_key(_sha256(token), now), 0, int(self.duration) + 1)])[0]
        except Exception:
            logger.warning("throttle cache unavailable; allowing request", exc_info=True)
            return True
        if count > self.num_requests:
            self._wait = self.window_wait(now)
            return False
        return True

    def wait(self) -> float | None:
        return getattr(self, "_wait", None)


class AcceptedOnlyTokenThrottle(ParticipantTokenThrottle):
    """A per-token limit that counts accepted writes only (issue 22: a few refused questions, a typo
    or a blocked word, must not lock a phone out). ``allow_request`` only reads the window's count;
    the view calls ``count_accepted`` once the write succeeded. As with the other token throttles, a
    burst of concurrent requests may pass one or two over the limit."""

    def allow_request(self, request: Request, view: Any) -> bool:
        token = request.headers.get("X-Participant-Token")
        if self.rate is None or not token:
            return True
        now = self.timer()
        try:
            key = self.window_key(_sha256(token), now)
            count = int(get_many([key]).get(key) or 0)
        except Exception:
            logger.warning("throttle cache unavailable; allowing request", exc_info=True)
            return True
        if count >= self.num_requests:
            self._wait = self.window_wait(now)
            return False
        return True

    def count_accepted(self, request: Request) -> None:
        token = request.headers.get("X-Participant-Token")
        if self.rate is None or not token:
            return
        try:
            incr_seeded([(self.window_key(_sha256(token), self.timer()), 0, int(self.duration) + 1)])
        except Exception:
            logger.warning("throttle cache unavailable; question not counted", exc_info=True)


def join_throttles() -> list[SimpleRateThrottle]:
    return [JoinIPThrottle()]


def answer_throttles() -> list[SimpleRateThrottle]:
    return [ParticipantTokenThrottle()]
