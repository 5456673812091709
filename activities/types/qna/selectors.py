"""Reads of the Q&A: the open Q&A of a session, its top questions, a participant's view."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from uuid import UUID

from django.db.models import Case, Count, IntegerField, Q, Value, When

from activities.models import Activity, ActivityStatus, Question, QuestionStatus, QuestionUpvote

PUBLIC_STATUSES = (QuestionStatus.VISIBLE, QuestionStatus.ANSWERED)
OPEN_STATUSES = (ActivityStatus.PUBLISHED, ActivityStatus.ACTIVE)
STATE_TOP = 10
# Pinned first, then the most upvoted, then the oldest (who asked first).
TOP_ORDER = ("-pinned", "-upvote_count", "created_at")


def open_qna(session_id: UUID | str) -> Activity | None:
    """The session's open Q&A (published or active, in an active session): the live one if the
    current activity is a Q&A, else the first in the session's order."""
    return (
        Activity.objects.filter(
            session_id=session_id, type="qna", status__in=OPEN_STATUSES, session__status="active"
        )
        .annotate(
            live=Case(
                When(status=ActivityStatus.ACTIVE, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("live", "order", "created_at")
        .first()
    )


def is_open(activity: Activity) -> bool:
    return (
        activity.type == "qna"
        and activity.status in OPEN_STATUSES
        and Activity.objects.filter(pk=activity.pk, session__status="active").exists()
    )


def question_public(question: Question) -> dict[str, Any]:
    """The contract's Question shape (no participant id: who asked stays with the organizer)."""
    return {
        "id": str(question.pk),
        "text": question.text,
        "nickname": None if question.anonymous else question.participant.nickname,
        "upvotes": question.upvote_count,
        "status": question.status,
        "pinned": question.pinned,
        "created_at": question.created_at.isoformat().replace("+00:00", "Z"),
    }


def top_questions(activity_id: UUID | str, *, limit: int) -> list[dict[str, Any]]:
    rows = (
        Question.objects.filter(activity_id=activity_id, status__in=PUBLIC_STATUSES)
        .select_related("participant")
        .order_by(*TOP_ORDER)[:limit]
    )
    return [question_public(q) for q in rows]


def public_count(activity_id: UUID | str) -> int:
    return Question.objects.filter(activity_id=activity_id, status__in=PUBLIC_STATUSES).count()


def qna_state(session_id: UUID | str) -> dict[str, Any] | None:
    """The state snapshot's top-level ``qna`` (built with the snapshot, never per poll)."""
    activity = open_qna(session_id)
    if activity is None:
        return None
    return {
        "activity_id": str(activity.pk),
        "prompt": activity.config.get("prompt", ""),
        "question_count": public_count(activity.pk),
        "top": top_questions(activity.pk, limit=STATE_TOP),
    }


def question_list(
    activity: Activity,
    *,
    organizer: bool,
    participant_id: UUID | None,
    sort: str,
    status: str | None = None,
) -> Any:
    """The questions a caller may see, ordered; the organizer sees all (``status`` filters), the
    public the visible and answered ones, a participant also their own pending ones."""
    qs = Question.objects.filter(activity=activity).select_related("participant")
    if organizer:
        if status:
            qs = qs.filter(status=status)
    elif participant_id is not None:
        qs = qs.filter(
            Q(status__in=PUBLIC_STATUSES) | Q(participant_id=participant_id, status=QuestionStatus.PENDING)
        )
    else:
        qs = qs.filter(status__in=PUBLIC_STATUSES)
    order = TOP_ORDER if sort == "top" else ("-created_at",)
    return qs.order_by(*order)


def status_counts(activity_id: UUID | str) -> dict[str, int]:
    """How many questions of the Q&A are in each status (every status present, zeros included)."""
    counts = dict.fromkeys(QuestionStatus.values, 0)
    rows = Question.objects.filter(activity_id=activity_id).values("status").annotate(n=Count("id"))
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def upvoted_by(participant_id: UUID, question_ids: list[Any]) -> set[Any]:
    return set(
        QuestionUpvote.objects.filter(
            participant_id=participant_id, question_id__in=question_ids
        ).values_list("question_id", flat=True)
    )


ANONYMOUS = "anonymous"
_EXPORT_FIELDS = (
    "participant_id",
    "participant__nickname",
    "anonymous",
    "text",
    "upvote_count",
    "status",
    "pinned",
    "created_at",
    "updated_at",
)


def export_questions(activity_id: UUID | str, *, chunk_size: int) -> Iterator[dict[str, Any]]:
    """Every question of a Q&A, oldest first, for the results export: one query (the nickname is
    joined in, the upvotes are the kept counter), streamed. An anonymous question stays anonymous
    in the file (it may travel further than the admin): no nickname, no participant id."""
    rows = (
        Question.objects.filter(activity_id=activity_id)
        .order_by("created_at", "id")
        .values_list(*_EXPORT_FIELDS)
        .iterator(chunk_size=chunk_size)
    )
    for pid, nickname, anonymous, text, upvotes, status, pinned, created, updated in rows:
        yield {
            "participant_id": None if anonymous else str(pid),
            "nickname": ANONYMOUS if anonymous else nickname,
            "text": text,
            "upvotes": upvotes,
            "status": status,
            "pinned": pinned,
            "created_at": created,
            "updated_at": updated,
        }
