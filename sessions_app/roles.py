"""Who may do what to a session: the one place (contract v1.2, "Sessions are run by a team").

``RIGHTS`` is the contract's table, one row per right; :func:`can` is the permission function every
surface asks (the API's selectors, the admin, the presenter page, the commands). Superusers keep
every right. A user who is not an organizer (an active staff user) has none.
"""

from __future__ import annotations

from typing import Any, Final

from django.utils.translation import gettext

from core.errors import Forbidden
from core.permissions import user_is_organizer

from .models import Series, Session, SessionMember, SessionRole

OWNER: Final = SessionRole.OWNER.value
CO_ORGANIZER: Final = SessionRole.CO_ORGANIZER.value
PRESENTER: Final = SessionRole.PRESENTER.value
MODERATOR: Final = SessionRole.MODERATOR.value

# right -> the roles that hold it (the contract's table, row by row).
RIGHTS: Final[dict[str, frozenset[str]]] = {
    # every organizer view of the session: activities, results, participants, responses,
    # questions, media, members; and, since the results carry the series' trend, that session's
    # trends from its series (GET /series/{sid}/trends: selectors.series_trends_scope_for)
    "read": frozenset({OWNER, CO_ORGANIZER, PRESENTER, MODERATOR}),
    # the session's fields; create, edit, reorder, delete activities; media; deck import
    "edit": frozenset({OWNER, CO_ORGANIZER}),
    # session status, next, activity status, reveal, reset, rehearse, end rehearsal
    "lifecycle": frozenset({OWNER, CO_ORGANIZER, PRESENTER}),
    # Q&A moderation, hide an open-text answer, hidden words, kick a participant, move a
    # participant to another team (issue 26)
    "moderation": frozenset({OWNER, CO_ORGANIZER, PRESENTER, MODERATOR}),
    "exports": frozenset({OWNER, CO_ORGANIZER, PRESENTER}),
    # members and invitations, and the audit log (a co_organizer never changes the owner's
    # membership: sessions_app.members enforces that part)
    "members": frozenset({OWNER, CO_ORGANIZER}),
    # delete the session, transfer ownership
    "ownership": frozenset({OWNER}),
}

# Set on a session by the selectors that know the caller's role already (an annotation), so the
# check needs no second query: {user pk: role or None}.
_ROLE_CACHE = "_caja_roles"


def role_of(user: Any, session: Session) -> str | None:
    """``user``'s role on ``session`` ("owner", "co_organizer", "presenter", "moderator"), or None
    for a non-member (a superuser who is not a member too)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    cache: dict[Any, str | None] = session.__dict__.setdefault(_ROLE_CACHE, {})
    if user.pk in cache:
        return cache[user.pk]
    if session.owner_id == user.pk:
        role: str | None = OWNER
    else:
        role = (
            SessionMember.objects.filter(session_id=session.pk, user_id=user.pk)
            .values_list("role", flat=True)
            .first()
        )
    cache[user.pk] = role
    return role


def remember_role(session: Session, user: Any, role: str | None) -> None:
    """Record ``user``'s role on this session object (read by :func:`role_of`)."""
    session.__dict__.setdefault(_ROLE_CACHE, {})[user.pk] = role


def forget_roles(session: Session) -> None:
    session.__dict__.pop(_ROLE_CACHE, None)


def can(user: Any, session: Session, right: str) -> bool:
    """Whether ``user`` holds ``right`` on ``session``."""
    if right not in RIGHTS:
        raise ValueError(f"unknown right {right!r}")
    if not user_is_organizer(user):
        return False
    if user.is_superuser:
        return True
    role = role_of(user, session)
    return role is not None and role in RIGHTS[right]


def is_member(user: Any, session: Session) -> bool:
    """Owner or member (or a superuser): may see that the session exists."""
    return user_is_organizer(user) and (user.is_superuser or role_of(user, session) is not None)


def require(user: Any, session: Session, right: str) -> None:
    """403 PERMISSION_DENIED unless ``user`` holds ``right`` (the caller has already made sure the
    session is visible to them: a non-member gets 404 from the selectors)."""
    if not can(user, session, right):
        raise Forbidden(gettext("Your role on this session does not allow this."))


# --- series (contract v1.2, "Series and trends") -----------------------------------------------


def can_manage_series(user: Any, series: Series) -> bool:
    """A series is its owner's alone (a superuser's too): read, rename, delete, all its trends (a
    member of one of its sessions reads that session's trends only: the "read" right)."""
    if not user_is_organizer(user):
        return False
    return bool(user.is_superuser or series.owner_id == user.pk)


def can_join_series(user: Any, session: Session, series: Series) -> bool:
    """Whether ``user`` may put ``session`` into ``series``: they may edit the session (owner or
    co-organizer) and the series is one of the session's owner's (never another organizer's)."""
    return can(user, session, "edit") and series.owner_id == session.owner_id
