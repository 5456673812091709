"""Session-level operations that touch activities (and so live here, not in sessions_app:
imports flow one way)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from core import state_version
from core.errors import InvalidTransition, ValidationFailed
from participants.services import participants_delete_all
from sessions_app.audit import audit_record
from sessions_app.members import member_add
from sessions_app.models import NAME_MAX, Session, SessionInvitation, SessionMember
from sessions_app.services import session_back_to_draft, session_create, session_set_series

from ..images import media_copy, remap_media
from ..models import Activity, ActivityStatus, ActivitySummary, HiddenWord
from .activities import activity_create


@transaction.atomic
def session_rehearsal_end(*, session: Session, actor: Any = None) -> Session:
    """End a rehearsal: its participants go (and with them their answers, questions and upvotes),
    its activities return to draft (rounds, reveals, history and hidden words cleared), and the
    session returns to draft with the same join code (a fresh one if another open session took it),
    ready for the real event. Allowed while the rehearsal is active or completed (by its organizer
    or close_stale_sessions): the one way out of ``completed``, because nothing of a rehearsal is
    kept. Here, not in sessions_app, because
    it deletes participants and resets activities (imports flow one way)."""
    locked = Session.objects.select_for_update().get(pk=session.pk)
    if not locked.rehearsal:
        raise InvalidTransition(from_=locked.status, to="draft", message="This session is not a rehearsal.")
    now = timezone.now()
    Session.objects.filter(pk=locked.pk).update(current_activity=None)
    participants_delete_all(session_id=locked.pk)  # their tokens are revoked at once, as a kick's
    Activity.objects.filter(session_id=locked.pk).update(
        status=ActivityStatus.DRAFT,
        activated_at=None,
        expired_at=None,
        revealed_at=None,
        round=1,
        history=[],
        updated_at=now,
    )
    # What the organizer did during the rehearsal goes too (the questions, their pins and
    # moderation, and the open-text answers went with the participants).
    HiddenWord.objects.filter(activity__session_id=locked.pk).delete()
    # Nothing of a rehearsal is kept: not in its series' trends either.
    ActivitySummary.objects.filter(activity__session_id=locked.pk).delete()
    session_back_to_draft(session_id=locked.pk, now=now)  # a fresh join code if it was taken
    locked.refresh_from_db()
    state_version.forget(locked.pk)
    audit_record(
        session=locked,
        actor=actor,
        action="session.rehearsal_end",
        target_type="session",
        target_id=locked.pk,
    )
    return locked


@transaction.atomic
def session_duplicate(*, session: Session, owner: Any) -> Session:
    """A new draft session (new join code) with copies of ``session``'s activities: same type,
    title, config, order and track key, status draft, in the same series when ``owner`` owns that
    series too (contract v1.2), and with the same teams (issue 26: next month's quiz night plays with
    the same teams). No participants, responses, hidden words or history.

    Lives here, not in sessions_app, because it creates activities (imports flow one way)."""
    suffix = " (copy)"
    copy = session_create(
        owner=owner,
        name=session.name[: NAME_MAX - len(suffix)] + suffix,
        description=session.description,
        teams=session.teams,
        team_assignment=session.team_assignment,
    )
    # The images come along (rows copied, files shared), and the configs name the copies.
    media_ids = media_copy(source_session_id=session.pk, target_session_id=copy.pk)
    for activity in Activity.objects.filter(session=session).order_by("order", "created_at"):
        activity_create(
            session=copy,
            type=activity.type,
            config=remap_media(activity.config, media_ids),
            title=activity.title,
            order=activity.order,
            track_key=activity.track_key,
            actor=owner,
        )
    if session.series_id is not None and session.series is not None and session.series.owner_id == owner.pk:
        session_set_series(session=copy, series=session.series, actor=owner)
    return copy


@transaction.atomic
def session_duplicate_into_series(*, session: Session, owner: Any) -> Session:
    """The next session of ``session``'s series in one step: a duplicate (same activities and track
    keys, in the series) named after the series and its number, with the same team (members and
    pending invitations). Only the series' owner may add to it (400 otherwise, or when the
    session is in no series)."""
    series = session.series
    if series is None:
        raise ValidationFailed({"series_id": [gettext("This session is in no series.")]})
    if series.owner_id != owner.pk:
        raise ValidationFailed(
            {"series_id": [gettext("Only the owner of the series can add sessions to it.")]}
        )
    copy = session_duplicate(session=session, owner=owner)
    number = Session.objects.filter(series=series).count()
    name = f"{series.name} #{number}"[:NAME_MAX]
    Session.objects.filter(pk=copy.pk).update(name=name)
    copy.name = name
    for member in SessionMember.objects.filter(session=session).select_related("user"):
        member_add(session=copy, role=member.role, username=member.user.get_username(), actor=owner)
    for invitation in SessionInvitation.objects.filter(session=session):
        member_add(session=copy, role=invitation.role, email=invitation.email, actor=owner)
    return copy
