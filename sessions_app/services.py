"""Every write to a Session. Shared by the API, the admin and the management commands."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from caja import state_version
from caja.errors import InvalidTransition, ValidationFailed

from .models import JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH, Session, SessionStatus

# draft → active → completed, nothing else.
SESSION_TRANSITIONS: dict[str, set[str]] = {
    SessionStatus.DRAFT: {SessionStatus.ACTIVE},
    SessionStatus.ACTIVE: {SessionStatus.COMPLETED},
    SessionStatus.COMPLETED: set(),
}


def generate_join_code() -> str:
    return "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def _validate_text(*, name: str | None, description: str | None) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    if name is not None:
        name = name.strip()
        if not name:
            errors["name"] = ["This field may not be blank."]
        elif len(name) > 200:
            errors["name"] = ["At most 200 characters."]
        values["name"] = name
    if description is not None:
        description = description.strip()
        if len(description) > 2000:
            errors["description"] = ["At most 2000 characters."]
        values["description"] = description
    if errors:
        raise ValidationFailed(errors)
    return values


@transaction.atomic
def session_create(*, owner: AbstractBaseUser, name: str, description: str = "") -> Session:
    values = _validate_text(name=name, description=description)
    # 31^6 ≈ 887 million codes: a collision among open sessions is rare, but the unique
    # constraint is the judge, so retry on it rather than check-then-insert.
    for _ in range(10):
        try:
            with transaction.atomic():
                return Session.objects.create(owner=owner, join_code=generate_join_code(), **values)
        except IntegrityError:
            continue
    raise RuntimeError("could not allocate a unique join code")


@transaction.atomic
def session_update(
    *, session: Session, name: str | None = None, description: str | None = None
) -> Session:
    values = _validate_text(name=name, description=description)
    if values:
        values["updated_at"] = timezone.now()
        Session.objects.filter(pk=session.pk).update(**values)
        for k, v in values.items():
            setattr(session, k, v)
        state_version.bump(session.pk)
    return session


def _transition(session: Session, to: str, **extra: Any) -> Session:
    """Conditional UPDATE on the old status: of two racing requests only one changes the row."""
    current = session.status
    if to not in SESSION_TRANSITIONS.get(current, set()):
        raise InvalidTransition(from_=current, to=to)
    now = timezone.now()
    changed = Session.objects.filter(pk=session.pk, status=current).update(
        status=to, updated_at=now, **extra
    )
    if not changed:
        fresh = Session.objects.filter(pk=session.pk).values_list("status", flat=True).first()
        raise InvalidTransition(from_=fresh, to=to)
    session.status = to
    session.updated_at = now
    for k, v in extra.items():
        setattr(session, k, v)
    state_version.bump(session.pk)
    return session


@transaction.atomic
def session_start(*, session: Session) -> Session:
    return _transition(session, SessionStatus.ACTIVE, started_at=timezone.now())


@transaction.atomic
def session_complete(*, session: Session) -> Session:
    now = timezone.now()
    session = _transition(session, SessionStatus.COMPLETED, completed_at=now)
    # The live activity ends with its session. Through the reverse relation, because this layer
    # does not import the activities app (imports flow one way).
    session.activities.filter(status="active").update(status="expired", expired_at=now, updated_at=now)  # type: ignore[attr-defined]
    return session


def session_set_status(*, session: Session, status: str) -> Session:
    if status == session.status:
        raise InvalidTransition(from_=session.status, to=status)
    if status == SessionStatus.ACTIVE:
        return session_start(session=session)
    if status == SessionStatus.COMPLETED:
        return session_complete(session=session)
    raise InvalidTransition(from_=session.status, to=status)


@transaction.atomic
def session_delete(*, session: Session) -> None:
    session_id = session.pk
    # current_activity points at an activity that the cascade deletes; clear it first.
    Session.objects.filter(pk=session_id).update(current_activity=None)
    session.delete()
    state_version.bump(session_id)
