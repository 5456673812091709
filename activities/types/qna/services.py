"""Writes of the Q&A: post, upvote, withdraw an upvote, moderate. Shared by the API and the admin."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from activities.models import Activity, Question, QuestionStatus, QuestionUpvote
from activities.types.fields import NOT_BOOL, Errors, clean_text
from core import state_version
from core.errors import ActivityNotActive, DomainError, InvalidTransition, NotFound, ValidationFailed
from participants.models import Participant
from sessions_app.audit import audit_record

from ..profanity import is_blocked, normalize
from . import selectors

BLOCKED = _("This question contains a word that is not allowed.")
NOT_OPEN = _("This Q&A is not taking questions now.")
NO_SUCH_QUESTION = _("No such question.")


class OwnQuestion(DomainError):
    """An asker upvoting their own question (issue 22): refused, as peers do, so the count is what
    the others think of it."""

    status_code = 409
    code = "OWN_QUESTION"
    default_message = _("You cannot upvote your own question.")


def must_be_status() -> str:
    """The error for an unknown question status: "Must be one of pending, visible, …"."""
    return gettext("Must be one of %(statuses)s.") % {"statuses": ", ".join(QuestionStatus.values)}


def ensure_one_open(*, activity: Activity, to: str) -> None:
    """At most one Q&A of a session is open (published or active) at a time, so every open Q&A is
    the one the screens show: opening a second is 409 INVALID_TRANSITION naming the open one."""
    if activity.type != "qna" or to not in selectors.OPEN_STATUSES:
        return
    other = (
        Activity.objects.filter(
            session_id=activity.session_id, type="qna", status__in=selectors.OPEN_STATUSES
        )
        .exclude(pk=activity.pk)
        .first()
    )
    if other is not None:
        raise InvalidTransition(
            from_=activity.status,
            to=to,
            message=gettext("Another Q&A is already open in this session (%(title)s): close it first.")
            % {"title": other.title or other.config.get("prompt", "")},
        )


def _require_open(activity: Activity) -> None:
    if not selectors.is_open(activity):
        raise ActivityNotActive(str(NOT_OPEN))


def _same_session(participant: Participant, activity: Activity) -> None:
    if participant.session_id != activity.session_id:
        raise NotFound(gettext("No such activity in your session."))


@transaction.atomic
def question_post(
    *, participant: Participant, activity: Activity, text: Any, anonymous: Any = False
) -> Question:
    """A participant's question: trimmed, within the Q&A's max_length, no control characters,
    no blocked word; ``pending`` under moderation, else ``visible``."""
    _same_session(participant, activity)
    _require_open(activity)
    config = activity.config
    errors = Errors()
    clean = clean_text({"text": text}, "text", "", errors, max_length=int(config.get("max_length", 280)))
    if not isinstance(anonymous, bool):
        errors.add(".anonymous", NOT_BOOL)
    elif anonymous and not config.get("allow_anonymous", True):
        errors.add(".anonymous", gettext("Anonymous questions are off for this Q&A."))
    if not errors and is_blocked(normalize(clean)):
        errors.add(".text", BLOCKED)
    if errors:
        raise ValidationFailed(
            {path.lstrip("."): messages for path, messages in errors.details.items()},
            gettext("Invalid question."),
        )
    now = timezone.now()
    question = Question.objects.create(
        activity=activity,
        participant=participant,
        text=clean,
        anonymous=bool(anonymous),
        status=QuestionStatus.PENDING if config.get("moderation") else QuestionStatus.VISIBLE,
        created_at=now,
        updated_at=now,
    )
    question.participant = participant
    state_version.bump_data(activity.session_id)
    return question


def _public_question(activity: Activity, question_id: Any) -> Question:
    try:
        return Question.objects.select_related("participant").get(
            pk=question_id, activity=activity, status__in=selectors.PUBLIC_STATUSES
        )
    except (Question.DoesNotExist, ValueError, ValidationError):
        raise NotFound(str(NO_SUCH_QUESTION)) from None


def _own_activity_question(activity: Activity, question_id: Any) -> Question:
    try:
        return Question.objects.get(pk=question_id, activity=activity)
    except (Question.DoesNotExist, ValueError, ValidationError):
        raise NotFound(str(NO_SUCH_QUESTION)) from None


def upvotes_withdraw(*, participant_ids: list[Any]) -> None:
    """Take the upvotes of participants about to be deleted (a purge) off their questions'
    counts, so ``upvote_count`` keeps following the rows (the rows go with the participants'
    cascade). Called inside the purge's transaction, before the delete."""
    per_question = (
        QuestionUpvote.objects.filter(participant_id__in=participant_ids)
        .values("question_id", "question__activity__session_id")
        .annotate(n=Count("id"))
    )
    sessions = set()
    for row in per_question:
        Question.objects.filter(pk=row["question_id"]).update(upvote_count=F("upvote_count") - row["n"])
        sessions.add(row["question__activity__session_id"])
    for session_id in sessions:
        state_version.bump_data(session_id)


@transaction.atomic
def question_upvote(
    *, participant: Participant, activity: Activity, question_id: Any
) -> tuple[Question, bool]:
    """Idempotent: one upvote per participant and question (a database constraint; a racing
    duplicate is absorbed by the savepoint). Returns (question with its count, upvoted)."""
    _same_session(participant, activity)
    _require_open(activity)
    question = _public_question(activity, question_id)
    if question.participant_id == participant.pk:
        raise OwnQuestion()
    try:
        with transaction.atomic():
            QuestionUpvote.objects.create(question=question, participant=participant)
    except IntegrityError:
        pass  # already upvoted: nothing changes
    else:
        Question.objects.filter(pk=question.pk).update(upvote_count=F("upvote_count") + 1)
        state_version.bump_data(activity.session_id)
    question.refresh_from_db(fields=["upvote_count"])
    return question, True


@transaction.atomic
def question_unvote(
    *, participant: Participant, activity: Activity, question_id: Any
) -> tuple[Question, bool]:
    """Idempotent: withdrawing an upvote that is not there changes nothing."""
    _same_session(participant, activity)
    _require_open(activity)
    # Any question of the Q&A, not only public ones: an upvote given before the question was
    # hidden (or sent back to moderation) can still be withdrawn, and the count follows.
    question = _own_activity_question(activity, question_id)
    deleted, _ = QuestionUpvote.objects.filter(question=question, participant=participant).delete()
    if deleted:
        Question.objects.filter(pk=question.pk).update(upvote_count=F("upvote_count") - 1)
        state_version.bump_data(activity.session_id)
    question.refresh_from_db(fields=["upvote_count"])
    return question, False


@transaction.atomic
def question_moderate(
    *, question: Question, status: str | None = None, pinned: bool | None = None, actor: Any = None
) -> Question:
    """The organizer approves, hides, marks answered, pins. At most one pinned question per Q&A
    (a database constraint): pinning one unpins the other in the same transaction. A question
    that is not public (pending or hidden) cannot be pinned, and hiding one unpins it."""
    question = Question.objects.select_for_update().select_related("participant").get(pk=question.pk)
    if status is not None:
        if status not in QuestionStatus.values:
            raise ValidationFailed({"status": [must_be_status()]})
        question.status = status
        if status not in selectors.PUBLIC_STATUSES:
            question.pinned = False
    if pinned is not None:
        if pinned and question.status not in selectors.PUBLIC_STATUSES:
            raise InvalidTransition(
                from_=question.status,
                to="pinned",
                message=gettext("Only a visible or answered question can be pinned."),
            )
        if pinned and not question.pinned:
            # Two organizers (or two tabs) pinning at once: the Q&A's row serializes them, so the
            # second unpins the first instead of failing on the one-pinned constraint.
            Activity.objects.select_for_update().filter(pk=question.activity_id).first()
            Question.objects.filter(activity_id=question.activity_id, pinned=True).update(pinned=False)
        question.pinned = pinned
    question.updated_at = timezone.now()
    question.save(update_fields=["status", "pinned", "updated_at"])
    state_version.bump_data(question.activity.session_id)
    changes = {k: v for k, v in (("status", status), ("pinned", pinned)) if v is not None}
    audit_record(
        session=question.activity.session_id,
        actor=actor,
        action="question.moderate",
        target_type="question",
        target_id=question.pk,
        details=changes,
    )
    return question
