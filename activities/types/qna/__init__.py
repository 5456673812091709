"""Q&A (``qna``): audience questions with upvotes, open all event long beside the live activity.

config        ``{"prompt": str (1–500), "moderation": bool = false, "allow_anonymous": bool = true,
              "max_length": int 20–500 = 280}``
questions     many per participant (``activities.models.Question``), posted, upvoted and moderated
              through their own endpoints (``views.py`` here), not through ``/responses``.
open          a Q&A that is ``published`` or ``active`` in an ``active`` session takes questions
              and upvotes, so it can run while polls come and go (``selectors.open_qna``).
results       ``{"type": "qna", "question_count": N, "questions": [top 50]}`` — visible and answered
              questions, pinned first, then by upvotes, then older first. The state snapshot also
              carries ``"qna"`` at its top level while a Q&A is open (``selectors.qna_state``).
export        every question (text, nickname or "anonymous", upvotes, status, pinned, timestamps)
              in the results export, as ``question`` records (``selectors.export_questions``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext, gettext_noop

from activities.models import QuestionStatus
from core.errors import ValidationFailed

from ..base import ActivityType, Summary
from ..fields import (
    INVALID_ANSWER,
    INVALID_CONFIG,
    TEXT_MAX,
    clean_bool,
    clean_int,
    clean_text,
    config_object,
)
from ..registry import register
from . import selectors
from .services import question_moderate, question_post, question_upvote

if TYPE_CHECKING:
    from activities.models import Activity

MAX_LENGTH_MIN = 20
MAX_LENGTH_MAX = 500
DEFAULT_MAX_LENGTH = 280
RESULTS_TOP = 50

# seed_demo: (text, anonymous, approved).
DEMO_QUESTIONS: list[tuple[str, bool, bool]] = [
    ("When will the new office open?", False, True),
    ("Are we hiring in the support team this year?", True, True),
    ("Can we keep the Friday demos?", False, True),
    ("Will there be a summer party?", False, False),
]


@register
class QnaType(ActivityType):
    key = "qna"
    label = gettext_noop("Q&A")
    demo_status = "published"  # takes questions all event long, beside whatever is live
    demo = {
        "title": "Ask the leadership team",
        # Moderated, so the demo shows the admin's moderation page with work to do.
        "config": {"prompt": "What would you like to ask us?", "moderation": True, "allow_anonymous": True},
    }
    state_key = "qna"
    export_record = "question"
    has_questions = True
    takes_answers = False  # questions, not answers: nothing to finish

    def default_config(self) -> dict[str, Any]:
        return {"prompt": "Ask us anything", "moderation": False, "allow_anonymous": True, "max_length": 280}

    def validate_config(self, config: Any) -> dict[str, Any]:
        data, errors = config_object(config, ("prompt", "moderation", "allow_anonymous", "max_length"))
        prompt = clean_text(data, "prompt", "config", errors, max_length=TEXT_MAX)
        moderation = clean_bool(data, "moderation", "config", errors, default=False)
        allow_anonymous = clean_bool(data, "allow_anonymous", "config", errors, default=True)
        max_length = clean_int(
            data,
            "max_length",
            "config",
            errors,
            minimum=MAX_LENGTH_MIN,
            maximum=MAX_LENGTH_MAX,
            default=DEFAULT_MAX_LENGTH,
        )
        errors.raise_if_any(INVALID_CONFIG)
        return {
            "prompt": prompt,
            "moderation": moderation,
            "allow_anonymous": allow_anonymous,
            "max_length": max_length,
        }

    def validate_response(self, activity: Activity, data: Any) -> dict[str, Any]:
        raise ValidationFailed(
            {"response_data": [gettext("A Q&A takes questions: POST them to .../questions.")]},
            str(INVALID_ANSWER),
        )

    def public_results(self, activity: Activity, now: datetime) -> dict[str, Any] | None:
        return self.full_results(activity)

    def demo_fill(self, activity: Activity, participants: list[Any]) -> int:
        """The demo participants ask in turn (the last question stays pending for the organizer to
        moderate); the approved ones get upvotes, the first the most (participant j upvotes
        questions 0..j mod n, never their own: askers cannot upvote themselves), so "top" sorting
        shows in the demo."""
        approved = []
        for i, (text, anonymous, approve) in enumerate(DEMO_QUESTIONS):
            asker = participants[i % len(participants)]
            question = question_post(participant=asker, activity=activity, text=text, anonymous=anonymous)
            if approve:
                approved.append(question_moderate(question=question, status=QuestionStatus.VISIBLE))
        for j, participant in enumerate(participants):
            for question in approved[: j % len(approved) + 1]:
                if question.participant_id == participant.pk:
                    continue
                question_upvote(participant=participant, activity=activity, question_id=question.pk)
        return len(DEMO_QUESTIONS)

    def session_state(self, session_id: Any) -> dict[str, Any] | None:
        return selectors.qna_state(session_id)

    def export_entries(self, activity: Activity, *, chunk_size: int) -> Iterator[dict[str, Any]]:
        return selectors.export_questions(activity.pk, chunk_size=chunk_size)

    def full_results(self, activity: Activity) -> dict[str, Any]:
        return {
            "type": self.key,
            "question_count": selectors.public_count(activity.pk),
            "questions": selectors.top_questions(activity.pk, limit=RESULTS_TOP),
        }

    def summary(self, activity: Activity) -> Summary:
        # {"count"} of the questions the public sees.
        count = selectors.public_count(activity.pk)
        return Summary({"count": count}, count)
