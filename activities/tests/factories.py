from __future__ import annotations

from datetime import datetime
from typing import Any

import factory
import factory.random  # noqa: F401  (participants' factory uses factory.random)
from django.utils import timezone

from activities.models import Activity, Question, Response
from activities.types import get_type
from participants.tests.factories import ParticipantFactory
from sessions_app.tests.factories import SessionFactory

# Valid, normalized configs per type (what validate_config returns for them).
POLL_CONFIG: dict[str, Any] = {
    "question": "Lunch?",
    "options": [{"id": "a", "label": "Pizza"}, {"id": "b", "label": "Salad"}],
    "multiple": False,
    "max_choices": None,
}
POKER_CONFIG: dict[str, Any] = {"story": "Login page", "deck": "fibonacci"}
QUIZ_CONFIG: dict[str, Any] = {
    "question": "Capital of France?",
    "options": [{"id": "a", "label": "Paris"}, {"id": "b", "label": "Lyon"}, {"id": "c", "label": "Nice"}],
    "correct_option_id": "a",
    "time_limit_seconds": 30,
    "points": 1000,
    "lead_in_seconds": 0,  # answered at once: the lead-in's own tests are in types/quiz/tests
}
WORDCLOUD_CONFIG: dict[str, Any] = {"prompt": "One word for today?", "max_words": 3, "max_length": 25}
QNA_CONFIG: dict[str, Any] = {
    "prompt": "Ask us anything",
    "moderation": False,
    "allow_anonymous": True,
    "max_length": 280,
}
CONFIGS: dict[str, dict[str, Any]] = {
    "poll": POLL_CONFIG,
    "poker": POKER_CONFIG,
    "quiz": QUIZ_CONFIG,
    "wordcloud": WORDCLOUD_CONFIG,
    "qna": QNA_CONFIG,
}


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    session = factory.SubFactory(SessionFactory)
    type = "poll"
    title = factory.Sequence(lambda n: f"Activity {n}")
    order = factory.Sequence(lambda n: n + 1)
    config = factory.LazyAttribute(lambda o: dict(CONFIGS.get(o.type, {})))


class ResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Response

    activity = factory.SubFactory(ActivityFactory)
    participant = factory.SubFactory(ParticipantFactory, session=factory.SelfAttribute("..activity.session"))
    response_data = factory.LazyFunction(lambda: {"option_ids": ["a"]})


class QuestionFactory(factory.django.DjangoModelFactory):
    """A stored question (no service rules: for reads, exports and admin pages; the services'
    rules have their own tests). ``upvote_count`` is the kept counter, set as needed."""

    class Meta:
        model = Question

    activity = factory.SubFactory(ActivityFactory, type="qna")
    participant = factory.SubFactory(ParticipantFactory, session=factory.SelfAttribute("..activity.session"))
    text = factory.Sequence(lambda n: f"Question {n}?")


def live_activity(
    type: str,
    config: dict[str, Any] | None = None,
    *,
    session: Any = None,
    activated_at: datetime | None = None,
    **extra: Any,
) -> Activity:
    """An active activity in an active session, its config normalized by the type, ready for
    ``activities.services.response_submit``."""
    if session is None:
        session = SessionFactory(status="active")
    clean = get_type(type).validate_config(dict(CONFIGS[type]) if config is None else config)
    return ActivityFactory(
        session=session,
        type=type,
        config=clean,
        status="active",
        activated_at=activated_at or timezone.now(),
        **extra,
    )
