"""Data shared by the tests of the activities app's operator commands."""

from __future__ import annotations

import pytest
from django.utils import timezone

from activities.models import Activity
from activities.tests.factories import ActivityFactory, ResponseFactory
from participants.tests.factories import ParticipantFactory
from sessions_app.models import Session
from sessions_app.tests.factories import SessionFactory

TRICKY_NICKNAMES = ["Smith, John", 'Say "hi"', "two\nlines", "=SUM(A1:A9)", "-5 points", "Zoë 🎉"]

QUIZ_CONFIG = {
    "question": "2 + 2?",
    "options": [{"id": "a", "label": "4"}, {"id": "b", "label": "5"}],
    "correct_option_id": "a",
    "time_limit_seconds": 30,
    "points": 1000,
    "lead_in_seconds": 0,
}


@pytest.fixture
def filled_session() -> Session:
    session = SessionFactory(name="Town hall, Q3", status="completed")
    poll = ActivityFactory(session=session, title='Lunch, "really"?', order=1)
    quiz = ActivityFactory(
        session=session, type="quiz", title="Quiz", order=2, config=QUIZ_CONFIG, status="expired"
    )
    Activity.objects.filter(pk=quiz.pk).update(revealed_at=timezone.now())
    ActivityFactory(session=session, type="wordcloud", title="=HYPERLINK()", order=3, config={"prompt": "Hi"})
    for index, nickname in enumerate(TRICKY_NICKNAMES):
        participant = ParticipantFactory(session=session, nickname=nickname, nickname_key=nickname.casefold())
        ResponseFactory(
            activity=poll, participant=participant, response_data={"option_ids": ["ab"[index % 2]]}
        )
        if index < 3:
            ResponseFactory(
                activity=quiz,
                participant=participant,
                response_data={"option_id": "a"},
                score=900 - index,
                is_correct=True,
                elapsed_ms=1000 + index,
            )
    return session
