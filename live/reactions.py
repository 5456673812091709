"""Live reactions: phones send a like, a laugh, ... and the big screen shows them float up.

A burst from a thousand phones must not become a thousand database writes or a thousand ETag
changes a second. So a reaction is two counters in the shared cache: the phone's own count in the
current second (at most ``RATE_PER_SECOND``), then, only when the phone is within its rate, the
session's count of that kind in that second (a refused reaction is never counted on the big
screen). Nothing is written to the database. The state version moves at
most once a second per session (the first reaction of each second), and the snapshot, rebuilt at
its own pace, sums the last ``WINDOW_SECONDS`` seconds (``counts``); while there are any, it is
rebuilt once a second so the window slides (``live.snapshot``)."""

from __future__ import annotations

import hashlib
import time
from typing import Any
from uuid import UUID

from django.core.cache import cache
from django.utils.translation import gettext, gettext_noop

from core import cache_ops, state_version

# The reaction kinds, declared here only: key → (emoji, label), in the order the phone's bar shows
# them. The API accepts these keys; the pages get them through ``for_page`` (``caja-reactions``).
REACTIONS = {
    # Translators: the names of the reaction buttons (read by screen readers, shown as tooltips).
    "like": ("👍", gettext_noop("Like")),
    "love": ("❤️", gettext_noop("Love")),
    "laugh": ("😂", gettext_noop("Laugh")),
    "wow": ("😮", gettext_noop("Wow")),
    "clap": ("👏", gettext_noop("Applause")),
}
KINDS = tuple(REACTIONS)
WINDOW_SECONDS = 10
RATE_PER_SECOND = 2
_TTL = WINDOW_SECONDS + 5


def for_page() -> list[dict[str, str]]:
    """The kinds as the pages' scripts read them (``json_script`` ``caja-reactions``, beside the type
    registry): ``[{kind, emoji, label}]``, the label in the active language."""
    return [
        {"kind": kind, "emoji": emoji, "label": gettext(label)} for kind, (emoji, label) in REACTIONS.items()
    ]


def _bucket(session_id: UUID | str, second: int, kind: str) -> str:
    return f"rx:{session_id}:{second}:{kind}"


def reaction_add(*, session_id: UUID | str, participant_id: str, kind: str, now: float | None = None) -> bool:
    """Count one reaction; False (nothing counted) when the phone is past its rate this second."""
    second = int(now if now is not None else time.time())
    mine = "rxp:" + hashlib.sha256(participant_id.encode()).hexdigest()[:24] + f":{second}"
    (own,) = cache_ops.incr_seeded([(mine, 0, 3)])
    if own > RATE_PER_SECOND:
        return False
    # Only an accepted reaction reaches the session's counter (a second round trip, for accepted
    # reactions only: a phone hammering the endpoint costs one counter and moves nothing).
    cache_ops.incr_seeded([(_bucket(session_id, second, kind), 0, _TTL)])
    # The first reaction of this second in this session moves the state version; the others ride
    # along (the snapshot reads the counters when it is rebuilt).
    if cache.add(f"rxv:{session_id}:{second}", 1, timeout=3):
        state_version.bump_data(session_id)
    return True


def reaction_counts(session_id: UUID | str, now: float | None = None) -> dict[str, Any]:
    """``{"window_seconds": 10, "counts": {kind: n}}`` over the last 10 seconds (one MGET)."""
    second = int(now if now is not None else time.time())
    keys = [_bucket(session_id, s, k) for s in range(second - WINDOW_SECONDS + 1, second + 1) for k in KINDS]
    try:
        found = cache_ops.get_many(keys)
    except Exception:  # cache down: no reactions shown, the rest of the state still is
        found = {}
    counts = dict.fromkeys(KINDS, 0)
    for key, value in found.items():
        counts[key.rsplit(":", 1)[1]] += int(value)
    return {"window_seconds": WINDOW_SECONDS, "counts": counts}
