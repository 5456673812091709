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


def _hash(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:32]


class JoinIPThrottle(FailOpenMixin, SimpleRateThrottle):
    """Joins per client address: a venue of thousands behind one NAT must still get in."""

    scope = "join_ip"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        return self.cache_format % {"scope": self.scope, "ident": _hash(self.get_ident(request))}


class ParticipantTokenThrottle(FailOpenMixin, SimpleRateThrottle):
    """Writes per participant token (answers)."""

    scope = "answer"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        token = request.headers.get("X-Participant-Token")
        if not token:
            return None
        return self.cache_format % {"scope": self.scope, "ident": _hash(token)}


def join_throttles() -> list[SimpleRateThrottle]:
    return [JoinIPThrottle()]


def answer_throttles() -> list[SimpleRateThrottle]:
    return [ParticipantTokenThrottle()]
