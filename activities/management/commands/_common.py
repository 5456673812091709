"""Helpers shared by the operator commands (a leading underscore: Django does not list it)."""

from __future__ import annotations

import sys
import uuid
from typing import TextIO

from django.core.management.base import CommandError

from sessions_app.models import Session, SessionStatus
from sessions_app.selectors import join_code_clean, sessions_with_code


def resolve_session(ref: str) -> Session:
    """A session by id (uuid) or join code. An open session wins a join code; a code reused by
    several completed sessions is ambiguous (use the id)."""
    ref = (ref or "").strip()
    if not ref:
        raise CommandError("Give a session id (uuid) or a join code.")
    try:
        session_id = uuid.UUID(ref)
    except ValueError:
        session_id = None
    if session_id is not None:
        session = Session.objects.select_related("owner").filter(pk=session_id).first()
        if session is None:
            raise CommandError(f"No session has the id {ref}.")
        return session
    code = join_code_clean(ref)
    if code is None:
        raise CommandError(f"{ref!r} is neither a session id (uuid) nor a join code (6 characters).")
    matches = list(sessions_with_code(code).select_related("owner")[:20])
    if matches and (matches[0].status != SessionStatus.COMPLETED or len(matches) == 1):
        return matches[0]
    if not matches:
        raise CommandError(f"No session has the join code {code}.")
    ids = ", ".join(str(s.pk) for s in matches)
    raise CommandError(f"The join code {code} belongs to several completed sessions; use an id: {ids}.")


class Progress:
    """Periodic counts on stderr: a `\\r` line when stderr is a terminal, else a line every ``every``."""

    def __init__(
        self, label: str, total: int | None = None, every: int = 10_000, stream: TextIO | None = None
    ):
        self.label = label
        self.total = total
        self.every = every
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self._last = 0

    def _text(self, count: int) -> str:
        return f"{self.label}: {count:,}" + (f"/{self.total:,}" if self.total is not None else "")

    def __call__(self, count: int) -> None:
        if self.tty:
            if count == self._last:
                return
            self.stream.write("\r" + self._text(count))
        elif count // self.every > self._last // self.every:
            self.stream.write(self._text(count) + "\n")
        else:
            return
        self.stream.flush()
        self._last = count

    def done(self) -> None:
        if self.tty and self._last:
            self.stream.write("\n")
            self.stream.flush()
