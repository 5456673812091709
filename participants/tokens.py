"""The participant token's rules, in one place for every endpoint (the DRF authentication, the
vote fast path, the polls, the heartbeat and reactions, the Q&A views).

A token travels in the ``X-Participant-Token`` header. One longer than ``TOKEN_MAX_LENGTH`` is
never looked up (no token Caja issues is that long). It is valid for its own session only: used on
another session's endpoint it is 403 PERMISSION_DENIED.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext

from core.errors import Forbidden

from .models import Participant
from .selectors import participant_ref_for_token, token_cache_key
from .services import hash_token

HEADER = "X-Participant-Token"
# The header's key in the WSGI environ (request.META): what request.headers reads.
ENVIRON_KEY = "HTTP_" + HEADER.upper().replace("-", "_")
TOKEN_MAX_LENGTH = 200

# For a caller that reads the token's cache entry with its other keys (the vote fast path): the
# token's sha256, its cache key, and its participant from a hash and that entry.
token_hash = hash_token
cache_key = token_cache_key
participant_ref_for_hash = participant_ref_for_token


def usable_token(token: str | None) -> bool:
    """Whether ``token`` may be looked up at all (present and not over the length limit)."""
    return bool(token) and len(token or "") <= TOKEN_MAX_LENGTH


def participant_for_token(token: str | None) -> Participant | None:
    """The live participant holding ``token`` (with its session), from the database, or None."""
    if not usable_token(token):
        return None
    return (
        Participant.objects.select_related("session")
        .filter(token_hash=hash_token(token or ""), kicked_at__isnull=True)
        .first()
    )


def participant_ref(token: str | None, cached: Any = None) -> tuple[str, str] | None:
    """``(participant_id, session_id)`` of the live participant holding ``token``, from the shared
    cache (the database on a miss), or None. ``cached``: the token's cache entry, when the caller
    already read it (participants.selectors.participant_ref_for_token)."""
    if not usable_token(token):
        return None
    return participant_ref_for_token(hash_token(token or ""), cached)


def of_session(session_id: Any, token_session_id: Any) -> bool:
    """Whether a token whose participant is in ``token_session_id`` may act on ``session_id``."""
    return str(token_session_id) == str(session_id)


def missing_token_message(request_headers: Any) -> str:
    """The 401 message when no participant token was sent: it names the header, and says so plainly
    when other credentials (an organizer's bearer token or API key) came instead."""
    if request_headers.get("Authorization"):
        return gettext(
            "This endpoint needs a participant token (the X-Participant-Token header you get when "
            "joining); organizer credentials cannot act as a participant."
        )
    return gettext("A participant token is required.")


def another_session_error() -> Forbidden:
    return Forbidden(gettext("This participant token belongs to another session."))


def ensure_participant_session(participant: Participant, session_id: Any) -> None:
    """A token is valid only for its own session (403 elsewhere)."""
    if not of_session(session_id, participant.session_id):
        raise another_session_error()
