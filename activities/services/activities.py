"""The activity lifecycle: create, edit, delete, and move an activity along its states."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext

from core import state_version
from core import text as text_rule
from core.errors import InvalidTransition, SessionNotActive, ValidationFailed
from core.lifecycle import transition_apply, transition_check
from sessions_app.audit import audit_record
from sessions_app.models import Session, SessionPace, SessionStatus
from sessions_app.services import session_clock_refresh

from ..images import check_session_media
from ..models import TITLE_MAX, Activity, ActivityStatus, Response
from ..types import get_type
from ..types.qna import services as qna_services
from .summaries import summaries_store, track_key_check, track_key_clean, tracked_live_ids

ACTIVITY_TRANSITIONS: dict[str, set[str]] = {
    ActivityStatus.DRAFT: {ActivityStatus.PUBLISHED, ActivityStatus.ACTIVE},
    ActivityStatus.PUBLISHED: {ActivityStatus.ACTIVE},
    ActivityStatus.ACTIVE: {ActivityStatus.EXPIRED},
    ActivityStatus.EXPIRED: set(),
}
EDITABLE_STATUSES = {ActivityStatus.DRAFT, ActivityStatus.PUBLISHED}
# A Q&A may run beside the live activity while published; the organizer closes it from there. A live
# Q&A may step back to published, so the presenter can move on and keep it open beside what comes next.
QNA_TRANSITIONS: dict[str, set[str]] = {
    **ACTIVITY_TRANSITIONS,
    ActivityStatus.PUBLISHED: {ActivityStatus.ACTIVE, ActivityStatus.EXPIRED},
    ActivityStatus.ACTIVE: {ActivityStatus.EXPIRED, ActivityStatus.PUBLISHED},
}


SELF_PACED_NO_CURRENT = (
    "A self-paced session has no current activity: every published activity is open to everyone."
)


def _clean_title(title: Any) -> str:
    if not isinstance(title, str):
        raise ValidationFailed({"title": ["Must be a string."]})
    title = "" if text_rule.is_blank(title) else text_rule.clean_text(title)
    if text_rule.has_control(title):
        raise ValidationFailed({"title": [gettext("Must not contain control characters.")]})
    if len(title) > TITLE_MAX:
        raise ValidationFailed({"title": [f"At most {TITLE_MAX} characters."]})
    return title


@transaction.atomic
def activity_create(
    *,
    session: Session,
    type: str,
    config: Any = None,
    title: str = "",
    order: int | None = None,
    track_key: str | None = None,
    actor: Any = None,
) -> Activity:
    activity_type = get_type(type)
    track_key = track_key_clean(track_key)
    track_key_check(session=session, track_key=track_key, type_key=type)
    clean_config = activity_type.validate_config(activity_type.default_config() if config is None else config)
    check_session_media(session.pk, clean_config)
    if order is None:
        # New activities go last. Lock the session row so two concurrent creates do not pick
        # the same order.
        Session.objects.select_for_update().filter(pk=session.pk).first()
        last = Activity.objects.filter(session=session).aggregate(m=Max("order"))["m"]
        order = 1 if last is None else last + 1
    activity = Activity.objects.create(
        session=session,
        type=type,
        title=_clean_title(title),
        config=clean_config,
        order=order,
        track_key=track_key,
    )
    state_version.bump(session.pk)
    audit_record(
        session=session,
        actor=actor,
        action="activity.create",
        target_type="activity",
        target_id=activity.pk,
        details={"type": type, "title": activity.title},
    )
    return activity


@transaction.atomic
def activity_update(
    *,
    activity: Activity,
    title: str | None = None,
    config: Any = None,
    order: int | None = None,
    actor: Any = None,
) -> Activity:
    values: dict[str, Any] = {}
    if title is not None:
        values["title"] = _clean_title(title)
    if order is not None:
        values["order"] = order
    if config is not None:
        clean = get_type(activity.type).validate_config(config)
        check_session_media(activity.session_id, clean)
        values["config"] = clean
        # The config may change only before the activity goes live: conditional on the status.
        values["updated_at"] = timezone.now()
        changed = Activity.objects.filter(pk=activity.pk, status__in=EDITABLE_STATUSES).update(**values)
        if not changed:
            current = Activity.objects.filter(pk=activity.pk).values_list("status", flat=True).first()
            raise InvalidTransition(
                from_=current,
                to="edited",
                message="The configuration can only change while the activity is draft or published.",
            )
    elif values:
        values["updated_at"] = timezone.now()
        Activity.objects.filter(pk=activity.pk).update(**values)
    for k, v in values.items():
        setattr(activity, k, v)
    if values:
        state_version.bump(activity.session_id)
        audit_record(
            session=activity.session_id,
            actor=actor,
            action="activity.update",
            target_type="activity",
            target_id=activity.pk,
            details={"fields": sorted(set(values) - {"updated_at"})},
        )
    return activity


@transaction.atomic
def activity_delete(*, activity: Activity, actor: Any = None) -> None:
    session_id = activity.session_id
    audit_record(
        session=session_id,
        actor=actor,
        action="activity.delete",
        target_type="activity",
        target_id=activity.pk,
        details={"type": activity.type, "title": activity.title},
    )
    Session.objects.filter(pk=session_id, current_activity=activity).update(current_activity=None)
    activity.delete()
    # Drop the shared snapshot too: the next poll rebuilds at once (no pacing) and the
    # activity's /status is 404 from then on.
    state_version.forget(session_id)


def _expire_others(session_id: Any, keep: Any, now: Any) -> None:
    live = Activity.objects.filter(session_id=session_id, status=ActivityStatus.ACTIVE).exclude(pk=keep)
    tracked = tracked_live_ids(live)
    live.update(status=ActivityStatus.EXPIRED, expired_at=now, updated_at=now)
    summaries_store(activity_ids=tracked)  # a tracked activity's result is kept for its series


def activities_expire_live(*, session: Session, now: datetime) -> None:
    """The session's live activity ends with it (sessions_app's session_completed signal); in a
    self-paced session every open one does: its quizzes count on the final leaderboard, and the
    state shows their answers, as a live session's ended activities. A tracked one's summary is
    stored. (A Q&A left open beside a live session's activity while published is not ended here:
    it gets its summary when the organizer closes it.)"""
    ending = [ActivityStatus.ACTIVE]
    if session.pace == SessionPace.SELF:
        ending.append(ActivityStatus.PUBLISHED)
    live = Activity.objects.filter(session=session, status__in=ending)
    tracked = tracked_live_ids(live)
    live.update(status=ActivityStatus.EXPIRED, expired_at=now, updated_at=now)
    summaries_store(activity_ids=tracked)


@transaction.atomic
def activity_set_status(*, activity: Activity, status: str, actor: Any = None) -> Activity:
    """Move an activity along draft → published → active → expired (or draft → active)."""
    old = activity.status
    transitions = QNA_TRANSITIONS if activity.type == "qna" else ACTIVITY_TRANSITIONS
    transition_check(transitions, current=activity.status, to=status)
    qna_services.ensure_one_open(activity=activity, to=status)
    now = timezone.now()
    extra: dict[str, Any] = {}
    if status == ActivityStatus.ACTIVE:
        # Serialize activations per session on the session row (rare, organizer-driven), so
        # "expire the others, activate this one" is atomic; the partial unique index on
        # (session) WHERE status='active' backs it up at the database level.
        session = session_clock_refresh(Session.objects.get(pk=activity.session_id))
        session = Session.objects.select_for_update().get(pk=activity.session_id)
        if session.status != SessionStatus.ACTIVE:
            raise SessionNotActive(gettext("Start the session before activating an activity."))
        if session.pace == SessionPace.SELF:
            raise InvalidTransition(from_=old, to=status, message=SELF_PACED_NO_CURRENT)
        _expire_others(activity.session_id, activity.pk, now)
        extra = {"activated_at": now, "revealed_at": None}
    elif status == ActivityStatus.EXPIRED:
        extra = {"expired_at": now}
    transition_apply(activity, to=status, now=now, **extra)
    if status == ActivityStatus.ACTIVE:
        Session.objects.filter(pk=activity.session_id).update(current_activity=activity, updated_at=now)
    elif status == ActivityStatus.EXPIRED and activity.track_key:
        summaries_store(activity_ids=[activity.pk])
    state_version.bump(activity.session_id)
    audit_record(
        session=activity.session_id,
        actor=actor,
        action="activity.status",
        target_type="activity",
        target_id=activity.pk,
        details={"from": old, "to": status},
    )
    return activity


@transaction.atomic
def activity_activate_next(*, session: Session, actor: Any = None) -> Activity:
    """Activate the next activity by order (expiring the current one)."""
    session = session_clock_refresh(session)  # a self-paced session past its opening time
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.status != SessionStatus.ACTIVE:
        raise SessionNotActive(gettext("Start the session before moving to the next activity."))
    if session.pace == SessionPace.SELF:
        raise InvalidTransition(from_=session.status, to="next", message=SELF_PACED_NO_CURRENT)
    activities = Activity.objects.filter(session=session)
    current = (
        activities.filter(pk=session.current_activity_id).first() if session.current_activity_id else None
    )
    # Not yet shown, or shown and left by ``previous`` (the clicker goes forward through it again).
    pending = activities.filter(
        Q(status__in=EDITABLE_STATUSES) | Q(status=ActivityStatus.EXPIRED, activated_at__isnull=False)
    )
    if current is not None:
        pending = pending.filter(order__gte=current.order).exclude(pk=current.pk)
    else:
        pending = pending.filter(status__in=EDITABLE_STATUSES)
    nxt = pending.order_by("order", "created_at").first()
    if nxt is None:
        raise InvalidTransition(
            from_=current.status if current else None,
            to="next",
            message="There is no activity left to activate.",
        )
    audit_record(
        session=session,
        actor=actor,
        action="session.next",
        target_type="activity",
        target_id=nxt.pk,
        details={"title": nxt.title},
    )
    if nxt.status == ActivityStatus.EXPIRED:
        return _reactivate(session=session, activity=nxt, actor=actor)
    return activity_set_status(activity=nxt, status=ActivityStatus.ACTIVE, actor=actor)


@transaction.atomic
def activity_activate_previous(*, session: Session, actor: Any = None) -> Activity:
    """Go back one activity by order, as a presenter's clicker does (contract v1.2): the current
    one expires and the previous one is active again, the one exception to "expired is final".
    It keeps its answers, its start and its reveal (a revealed quiz or poker round takes none)."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.status != SessionStatus.ACTIVE:
        raise SessionNotActive("Start the session before going back.")
    current = (
        Activity.objects.filter(pk=session.current_activity_id).first()
        if session.current_activity_id
        else None
    )
    if current is None:
        raise InvalidTransition(from_=None, to="previous", message="There is no activity to go back from.")
    before = (
        Activity.objects.filter(session=session)
        .filter(Q(order__lt=current.order) | Q(order=current.order, created_at__lt=current.created_at))
        .exclude(pk=current.pk)
        .order_by("-order", "-created_at")
        .first()
    )
    if before is None:
        raise InvalidTransition(from_=current.status, to="previous", message="There is no previous activity.")
    audit_record(
        session=session,
        actor=actor,
        action="session.previous",
        target_type="activity",
        target_id=before.pk,
        details={"title": before.title},
    )
    if before.status == ActivityStatus.EXPIRED:
        return _reactivate(session=session, activity=before, actor=actor)
    return activity_set_status(activity=before, status=ActivityStatus.ACTIVE, actor=actor)


def _reactivate(*, session: Session, activity: Activity, actor: Any) -> Activity:
    """An expired activity active again (``previous``, and ``next`` through one left by it): a
    conditional UPDATE from expired; the caller holds the session row's lock."""
    now = timezone.now()
    _expire_others(session.pk, activity.pk, now)
    changed = Activity.objects.filter(pk=activity.pk, status=ActivityStatus.EXPIRED).update(
        status=ActivityStatus.ACTIVE, expired_at=None, updated_at=now
    )
    if not changed:
        current = Activity.objects.filter(pk=activity.pk).values_list("status", flat=True).first()
        raise InvalidTransition(from_=current, to=ActivityStatus.ACTIVE)
    activity.status, activity.expired_at, activity.updated_at = ActivityStatus.ACTIVE, None, now
    Session.objects.filter(pk=session.pk).update(current_activity=activity, updated_at=now)
    state_version.bump(session.pk)
    audit_record(
        session=session,
        actor=actor,
        action="activity.status",
        target_type="activity",
        target_id=activity.pk,
        details={"from": ActivityStatus.EXPIRED, "to": ActivityStatus.ACTIVE},
    )
    return activity


@transaction.atomic
def activity_reveal(*, activity: Activity, actor: Any = None) -> Activity:
    activity_type = get_type(activity.type)
    if not activity_type.supports_reveal:
        raise InvalidTransition(
            from_=activity.status, to="revealed", message=f"A {activity_type.label} has nothing to reveal."
        )
    if activity.status not in {ActivityStatus.ACTIVE, ActivityStatus.EXPIRED}:
        raise InvalidTransition(
            from_=activity.status, to="revealed", message="Only a live or finished activity can be revealed."
        )
    now = timezone.now()
    changed = Activity.objects.filter(pk=activity.pk, revealed_at__isnull=True).update(
        revealed_at=now, updated_at=now
    )
    if changed:
        activity.revealed_at = now
        activity.updated_at = now
        state_version.bump(activity.session_id)
        audit_record(
            session=activity.session_id,
            actor=actor,
            action="activity.reveal",
            target_type="activity",
            target_id=activity.pk,
        )
    return activity


@transaction.atomic
def activity_reset(*, activity: Activity, actor: Any = None) -> Activity:
    """Start a new round: the finished round's results go to ``history``, its votes are cleared."""
    activity_type = get_type(activity.type)
    if not activity_type.supports_reset:
        raise InvalidTransition(
            from_=activity.status, to="reset", message=f"A {activity_type.label} cannot be reset."
        )
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if activity.status != ActivityStatus.ACTIVE:
        raise InvalidTransition(
            from_=activity.status, to="reset", message="Only a live activity can be reset."
        )
    activity_type.on_reset(activity)
    now = timezone.now()
    results = activity_type.full_results(activity)
    history = list(activity.history) + [
        {"round": activity.round, "ended_at": now.isoformat(), "results": results}
    ]
    Response.objects.filter(activity=activity).delete()
    Activity.objects.filter(pk=activity.pk).update(
        round=activity.round + 1, history=history, revealed_at=None, updated_at=now
    )
    activity.round += 1
    activity.history = history
    activity.revealed_at = None
    activity.updated_at = now
    state_version.bump(activity.session_id)
    audit_record(
        session=activity.session_id,
        actor=actor,
        action="activity.reset",
        target_type="activity",
        target_id=activity.pk,
        details={"round": activity.round},
    )
    return activity
