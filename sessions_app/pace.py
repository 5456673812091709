"""Self-paced sessions' clock (contract v1.2): pure rules, no I/O.

A self-paced session opens (draft → active) at ``opens_at`` and completes (active → completed) at
``closes_at`` by itself. Nothing runs at those times: whoever reads the session after them (a poll
rebuilding the snapshot, an answer, an organizer) sees the status the clock says, and the first
of them writes it (clock.session_clock_advance, a conditional UPDATE)."""

from __future__ import annotations

from datetime import datetime

from .models import SessionPace, SessionStatus


def status_at(
    *, status: str, pace: str, opens_at: datetime | None, closes_at: datetime | None, now: datetime
) -> str:
    """The status a session has at ``now`` once its clock is applied (both boundaries included:
    exactly at ``opens_at`` it is open, exactly at ``closes_at`` it is over)."""
    if pace != SessionPace.SELF:
        return status
    if status == SessionStatus.DRAFT and opens_at is not None and opens_at <= now:
        status = SessionStatus.ACTIVE
    if status == SessionStatus.ACTIVE and closes_at is not None and closes_at <= now:
        status = SessionStatus.COMPLETED
    return status


def next_change(
    *, status: str, pace: str, opens_at: datetime | None, closes_at: datetime | None, now: datetime
) -> datetime | None:
    """When the clock will next change this session's status (None: only an organizer will), so a
    cached snapshot expires exactly then."""
    if pace != SessionPace.SELF:
        return None
    if status == SessionStatus.DRAFT and opens_at is not None and opens_at > now:
        return opens_at
    if status in (SessionStatus.DRAFT, SessionStatus.ACTIVE) and closes_at is not None and closes_at > now:
        return closes_at
    return None


def not_open_yet(*, status: str, pace: str, opens_at: datetime | None, now: datetime) -> bool:
    """A self-paced session in its lobby: joining works, answers get NOT_OPEN_YET."""
    return (
        pace == SessionPace.SELF and status == SessionStatus.DRAFT and opens_at is not None and now < opens_at
    )
