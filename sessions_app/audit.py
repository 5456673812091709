"""The audit log: who did what to a session, and when. :func:`audit_record` is the one writer,
called by the services (never by the views), in the service's transaction: an action that is
rolled back leaves no entry. It never stores a participant token or an IP address."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from .models import AuditEntry, Session

# Keys that must never reach ``details`` (a participant's secret, a client's address).
_FORBIDDEN_KEYS = frozenset({"token", "token_hash", "ip", "ip_address", "remote_addr", "password"})


def _actor_user(actor: Any) -> Any:
    """A real, saved user, or None (the system: a command, a signal, an anonymous caller)."""
    if actor is None or not getattr(actor, "is_authenticated", False) or getattr(actor, "pk", None) is None:
        return None
    return actor


def audit_record(
    *,
    session: Session | Any,
    actor: Any,
    action: str,
    target_type: str = "",
    target_id: Any = "",
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Write one entry for ``session`` (a Session or its pk). ``actor`` is the user who acted, or
    None for the system; ``action`` a dotted name (``session.update``, ``activity.reveal``, ...)."""
    user = _actor_user(actor)
    clean = {k: v for k, v in (details or {}).items() if k.lower() not in _FORBIDDEN_KEYS}
    return AuditEntry.objects.create(
        session_id=getattr(session, "pk", session),
        actor=user,
        actor_username=user.get_username() if user is not None else "",
        action=action,
        target_type=target_type,
        target_id=str(target_id) if target_id not in (None, "") else "",
        details=clean,
    )


def audit_entries_for(session: Session) -> QuerySet[AuditEntry]:
    """The session's log, newest first."""
    return AuditEntry.objects.filter(session=session).order_by("-at", "-id")
