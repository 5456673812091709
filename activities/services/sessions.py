"""Session-level operations that touch activities (and so live here, not in sessions_app:
imports flow one way)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from core import state_version
from core.errors import InvalidTransition
from participants.services import participants_delete_all
from sessions_app.audit import audit_record
from sessions_app.models import NAME_MAX, Session
from sessions_app.services import session_back_to_draft, session_create

from ..images import media_copy, remap_media
from ..models import Activity, ActivityStatus, HiddenWord
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
    title, config and order, status draft, and the same teams (issue 26: next month's quiz night
    plays with the same teams). No participants, responses, hidden words or history.

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
            actor=owner,
        )
    return copy
