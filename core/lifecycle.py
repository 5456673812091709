"""Lifecycles as state machines: the one way a status changes (sessions and activities).

A transition is checked against the machine's table, then written as a conditional UPDATE on the
old status, so of two racing requests only one changes the row; the other gets InvalidTransition
(409) naming the status it lost to.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from datetime import datetime
from typing import Any

from core.errors import InvalidTransition

Transitions = Mapping[str, Set[str]]


def transition_check(transitions: Transitions, *, current: str, to: str) -> None:
    """Raise InvalidTransition unless ``transitions`` allows ``current`` → ``to``."""
    if to not in transitions.get(current, frozenset()):
        raise InvalidTransition(from_=current, to=to)


def transition_apply(obj: Any, *, to: str, now: datetime, **extra: Any) -> None:
    """Move the model instance ``obj`` (with ``status`` and ``updated_at``) from the status it was
    read with to ``to``, writing ``extra`` fields in the same UPDATE, and update ``obj`` to match."""
    model = type(obj)
    changed = model._default_manager.filter(pk=obj.pk, status=obj.status).update(
        status=to, updated_at=now, **extra
    )
    if not changed:
        fresh = model._default_manager.filter(pk=obj.pk).values_list("status", flat=True).first()
        raise InvalidTransition(from_=fresh, to=to)
    obj.status = to
    obj.updated_at = now
    for name, value in extra.items():
        setattr(obj, name, value)
