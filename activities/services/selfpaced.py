"""Self-paced sessions (contract v1.2): a participant's own start of a timed activity."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from core.errors import ActivityNotActive, InvalidTransition, NotOpenYet, SessionNotActive, ValidationFailed
from participants.models import Participant
from sessions_app import pace as session_pace
from sessions_app.models import Session, SessionPace, SessionStatus
from sessions_app.services import session_clock_refresh

from ..models import SELF_PACED_OPEN, Activity, ActivityStart
from ..types import get_type


@transaction.atomic
def activity_start(
    *, participant: Participant, activity: Activity, now: datetime | None = None
) -> tuple[datetime, datetime | None]:
    """Start ``activity`` for ``participant`` in a self-paced session; idempotent: the first call's
    time stands (an INSERT that ignores the conflict on the one-start-per-participant constraint, so
    two racing calls cannot make two starts). Returns (started_at, deadline or None if untimed)."""
    if participant.session_id != activity.session_id:
        raise ValidationFailed({"activity": [gettext("This activity belongs to another session.")]})
    now = now or timezone.now()
    session = session_clock_refresh(Session.objects.get(pk=activity.session_id), now)
    if session.pace != SessionPace.SELF:
        raise InvalidTransition(
            from_=activity.status,
            to="started",
            message=gettext("Only the activities of a self-paced session are started by each participant."),
        )
    if session_pace.not_open_yet(
        status=session.status, pace=session.pace, opens_at=session.opens_at, now=now
    ):
        raise NotOpenYet()
    if session.status != SessionStatus.ACTIVE:
        raise SessionNotActive()
    if activity.status not in SELF_PACED_OPEN:
        raise ActivityNotActive()
    ActivityStart.objects.bulk_create(
        [ActivityStart(activity=activity, participant=participant, started_at=now)], ignore_conflicts=True
    )
    started_at = ActivityStart.objects.get(activity=activity, participant=participant).started_at
    seconds = get_type(activity.type).per_person_seconds(activity)
    return started_at, started_at + timedelta(seconds=seconds) if seconds else None
