"""Every write to a session's team: members, invitations, ownership transfer, and the binding of
invitations when an organizer signs in. Shared by the API, the admin and the login signal; each
write is audited (sessions_app.audit). Who may call these is decided by the callers through
sessions_app.roles; the rules about the owner's membership live here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext, gettext_lazy
from rest_framework import status

from core.errors import DomainError, Forbidden, NotFound, ValidationFailed
from core.permissions import user_is_organizer

from . import roles
from .audit import audit_record
from .models import MEMBER_ROLE_VALUES, Session, SessionInvitation, SessionMember


class MemberExists(DomainError):
    """409 MEMBER_EXISTS (contract v1.2): already the owner, a member, or invited."""

    status_code = status.HTTP_409_CONFLICT
    code = "MEMBER_EXISTS"
    default_message = gettext_lazy("This person is already on the session's team.")


@dataclass(frozen=True)
class TeamEntry:
    """One line of the members list: a member (``user`` set) or a pending invitation (``email``)."""

    role: str
    at: Any
    user: Any = None
    email: str | None = None


def _clean_role(role: Any) -> str:
    if role == roles.OWNER:
        raise ValidationFailed(
            {"role": [gettext("The owner is not added or promoted: the owner transfers ownership.")]}
        )
    if role not in MEMBER_ROLE_VALUES:
        raise ValidationFailed({"role": [gettext("One of: %s.") % ", ".join(MEMBER_ROLE_VALUES)]})
    return str(role)


def _clean_email(email: Any) -> str:
    value = str(email or "").strip()
    try:
        validate_email(value)
    except ValidationError:
        raise ValidationFailed({"email": [gettext("Enter a valid email address.")]}) from None
    return value.lower()


def organizers() -> QuerySet[Any]:
    """Who may be a member: organizers (active staff users)."""
    return get_user_model().objects.filter(is_active=True, is_staff=True)


def team_of(session: Session) -> list[TeamEntry]:
    """The owner, the members (oldest first), then the pending invitations."""
    entries = [TeamEntry(role=roles.OWNER, at=session.created_at, user=session.owner)]
    for member in (
        SessionMember.objects.filter(session=session).select_related("user").order_by("added_at", "id")
    ):
        entries.append(TeamEntry(role=member.role, at=member.added_at, user=member.user))
    for invitation in SessionInvitation.objects.filter(session=session).order_by("invited_at", "id"):
        entries.append(TeamEntry(role=invitation.role, at=invitation.invited_at, email=invitation.email))
    return entries


def _add_user(session: Session, user: Any, role: str, actor: Any) -> SessionMember:
    if user.pk == session.owner_id or SessionMember.objects.filter(session=session, user=user).exists():
        raise MemberExists()
    try:
        with transaction.atomic():
            member = SessionMember.objects.create(session=session, user=user, role=role)
    except IntegrityError:  # a racing add of the same person
        raise MemberExists() from None
    audit_record(
        session=session,
        actor=actor,
        action="member.add",
        target_type="user",
        target_id=user.pk,
        details={"username": user.get_username(), "role": role},
    )
    return member


@transaction.atomic
def member_add(
    *, session: Session, role: Any, username: str | None = None, email: str | None = None, actor: Any = None
) -> SessionMember | SessionInvitation:
    """Add an organizer by username, or by email: an email no organizer has yet becomes an
    invitation (bound at that organizer's first sign-in, :func:`invitations_bind`)."""
    if (username is None) == (email is None):
        raise ValidationFailed({"username": [gettext("Give exactly one of username and email.")]})
    clean_role = _clean_role(role)
    if username is not None:
        user = organizers().filter(username=username).first()
        if user is None:
            raise ValidationFailed({"username": [gettext("No organizer has this username.")]})
        return _add_user(session, user, clean_role, actor)
    address = _clean_email(email)
    matches = list(organizers().filter(email__iexact=address)[:2])
    if len(matches) > 1:
        raise ValidationFailed({"email": [gettext("Several organizers share this email: add by username.")]})
    if matches:
        return _add_user(session, matches[0], clean_role, actor)
    if SessionInvitation.objects.filter(session=session, email=address).exists():
        raise MemberExists(gettext("This email is already invited."))
    try:
        with transaction.atomic():
            invitation = SessionInvitation.objects.create(session=session, email=address, role=clean_role)
    except IntegrityError:
        raise MemberExists(gettext("This email is already invited.")) from None
    audit_record(
        session=session,
        actor=actor,
        action="invitation.add",
        target_type="invitation",
        target_id=address,
        details={"email": address, "role": clean_role},
    )
    return invitation


def _member_or_refuse(session: Session, user_id: Any, actor: Any) -> SessionMember:
    """The member row of ``user_id``; the owner's membership is never changed this way (the owner
    is told to transfer: 400; anyone else may not touch it: 403)."""
    if str(user_id) == str(session.owner_id):
        if actor is not None and (getattr(actor, "pk", None) == session.owner_id or actor.is_superuser):
            raise ValidationFailed(
                {"user_id": [gettext("The owner's membership changes only by a transfer of ownership.")]}
            )
        raise Forbidden(gettext("The owner's membership cannot be changed."))
    try:
        member = (
            SessionMember.objects.select_related("user").filter(session=session, user_id=int(user_id)).first()
        )
    except (TypeError, ValueError):
        member = None
    if member is None:
        raise NotFound(gettext("No such member."))
    return member


@transaction.atomic
def member_set_role(*, session: Session, user_id: Any, role: Any, actor: Any = None) -> SessionMember:
    clean_role = _clean_role(role)
    member = _member_or_refuse(session, user_id, actor)
    old = member.role
    if old != clean_role:
        SessionMember.objects.filter(pk=member.pk).update(role=clean_role)
        member.role = clean_role
        audit_record(
            session=session,
            actor=actor,
            action="member.role",
            target_type="user",
            target_id=member.user_id,
            details={"username": member.user.get_username(), "from": old, "to": clean_role},
        )
    return member


@transaction.atomic
def member_remove(*, session: Session, user_id: Any, actor: Any = None) -> None:
    member = _member_or_refuse(session, user_id, actor)
    member.delete()
    audit_record(
        session=session,
        actor=actor,
        action="member.remove",
        target_type="user",
        target_id=member.user_id,
        details={"username": member.user.get_username(), "role": member.role},
    )


@transaction.atomic
def invitation_delete(*, session: Session, email: str, actor: Any = None) -> None:
    address = str(email or "").strip().lower()
    deleted, _ = SessionInvitation.objects.filter(session=session, email=address).delete()
    if not deleted:
        raise NotFound(gettext("No pending invitation for this email."))
    audit_record(
        session=session,
        actor=actor,
        action="invitation.remove",
        target_type="invitation",
        target_id=address,
        details={"email": address},
    )


@transaction.atomic
def session_transfer(*, session: Session, username: str, actor: Any = None) -> Session:
    """Make the member ``username`` the owner; the old owner stays on as co_organizer."""
    locked = Session.objects.select_for_update().select_related("owner").get(pk=session.pk)
    member = (
        SessionMember.objects.select_related("user").filter(session=locked, user__username=username).first()
    )
    if member is None or not user_is_organizer(member.user):
        raise ValidationFailed(
            {"username": [gettext("Ownership goes to an organizer on the session's team.")]}
        )
    old_owner, new_owner = locked.owner, member.user
    member.delete()
    SessionMember.objects.create(session=locked, user=old_owner, role=roles.CO_ORGANIZER)
    Session.objects.filter(pk=locked.pk).update(owner=new_owner)
    session.owner = new_owner
    roles.forget_roles(session)
    audit_record(
        session=locked,
        actor=actor,
        action="session.transfer",
        target_type="user",
        target_id=new_owner.pk,
        details={"from": old_owner.get_username(), "to": new_owner.get_username()},
    )
    return session


@transaction.atomic
def invitations_bind(*, user: Any) -> list[SessionMember]:
    """Turn the pending invitations to ``user``'s email into memberships (an organizer signing in:
    the ``user_logged_in`` signal). An invitation to someone already on the team just goes."""
    email = (getattr(user, "email", "") or "").strip().lower()
    if not email or not user_is_organizer(user):
        return []
    made: list[SessionMember] = []
    for invitation in (
        SessionInvitation.objects.select_for_update().filter(email=email).select_related("session")
    ):
        session = invitation.session
        on_team = (
            session.owner_id == user.pk or SessionMember.objects.filter(session=session, user=user).exists()
        )
        invitation.delete()
        if on_team:
            continue
        made.append(SessionMember.objects.create(session=session, user=user, role=invitation.role))
        audit_record(
            session=session,
            actor=user,
            action="invitation.accept",
            target_type="user",
            target_id=user.pk,
            details={"email": email, "role": invitation.role, "username": user.get_username()},
        )
    return made


def on_user_logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    """``user_logged_in`` receiver (sessions_app.apps): pending invitations bind at sign-in."""
    invitations_bind(user=user)
