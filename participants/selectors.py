"""Reads of participants for the hot paths."""

from __future__ import annotations

import contextlib
from typing import Any

from django.core.cache import cache

from .models import Participant

# Long enough for an event: a phone that joined in the morning still votes without a query.
TOKEN_TTL = 12 * 3600
UNKNOWN_TTL = 60
# Cached for a token that is unknown or revoked. A kick *sets* it (participants.services), and a
# lookup only ever *adds* a live entry, so a lookup racing a kick cannot bring the token back.
REVOKED = "-"


def token_cache_key(token_hash: str) -> str:
    return f"ptok:{token_hash}"


def token_cache_entry(participant_id: Any, session_id: Any) -> str:
    return f"{participant_id} {session_id}"


def participant_ref_for_token(token_hash: str, cached: Any = None) -> tuple[str, str] | None:
    """``(participant_id, session_id)`` of the live participant holding the token whose sha256 is
    ``token_hash``, or None (unknown, kicked). ``cached`` is the value of ``token_cache_key`` when
    the caller already read it with its other cache keys; on a miss the database answers once and
    the answer is cached."""
    if cached is None:
        try:
            cached = cache.get(token_cache_key(token_hash))
        except Exception:
            cached = None
    if isinstance(cached, str):
        if cached == REVOKED:
            return None
        participant_id, _, session_id = cached.partition(" ")
        return participant_id, session_id
    row = (
        Participant.objects.filter(token_hash=token_hash, kicked_at__isnull=True)
        .values_list("pk", "session_id")
        .first()
    )
    # No cache: the database answered, which is all that matters.
    with contextlib.suppress(Exception):
        if row is None:
            cache.add(token_cache_key(token_hash), REVOKED, timeout=UNKNOWN_TTL)
        else:
            cache.add(token_cache_key(token_hash), token_cache_entry(*row), timeout=TOKEN_TTL)
    return (str(row[0]), str(row[1])) if row else None
