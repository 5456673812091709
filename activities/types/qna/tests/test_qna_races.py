"""Q&A races on a real PostgreSQL server: the database constraints decide, not the code's luck."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from rest_framework.test import APIClient

from activities.models import Question, QuestionUpvote
from activities.tests.factories import ActivityFactory
from activities.types.qna import services
from live.tests.test_races import run_concurrently
from participants.tests.factories import ParticipantFactory
from sessions_app.tests.factories import SessionFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

QNA = {"prompt": "Ask", "moderation": False, "allow_anonymous": True, "max_length": 280}


def _open_qna() -> tuple[Any, Any]:
    session = SessionFactory(status="active")
    return session, ActivityFactory(session=session, type="qna", config=QNA, status="published")


def _upvote(session: Any, qna: Any, question: Question, token: str) -> int:
    client = APIClient()
    client.credentials(HTTP_X_PARTICIPANT_TOKEN=token)
    return client.put(
        f"/api/v1/sessions/{session.pk}/activities/{qna.pk}/questions/{question.pk}/upvote"
    ).status_code


def test_50_concurrent_upvotes_by_one_participant_count_once() -> None:
    session, qna = _open_qna()
    author, voter = ParticipantFactory(session=session), ParticipantFactory(session=session)
    question = services.question_post(participant=author, activity=qna, text="Why?")
    codes = Counter(run_concurrently(50, lambda i: _upvote(session, qna, question, voter.token)))
    assert codes == {200: 50}, codes
    assert QuestionUpvote.objects.filter(question=question).count() == 1
    question.refresh_from_db()
    assert question.upvote_count == 1


def test_200_participants_upvoting_at_once_count_exactly() -> None:
    session, qna = _open_qna()
    author = ParticipantFactory(session=session)
    question = services.question_post(participant=author, activity=qna, text="Why?")
    voters = [ParticipantFactory(session=session) for _ in range(200)]
    codes = Counter(run_concurrently(200, lambda i: _upvote(session, qna, question, voters[i].token)))
    assert codes == {200: 200}, codes
    question.refresh_from_db()
    assert question.upvote_count == 200 == QuestionUpvote.objects.filter(question=question).count()


def test_concurrent_upvotes_and_withdrawals_keep_the_count_true() -> None:
    """Half the room upvotes, the other half (who upvoted before) withdraws, all at once."""
    session, qna = _open_qna()
    author = ParticipantFactory(session=session)
    question = services.question_post(participant=author, activity=qna, text="Why?")
    people = [ParticipantFactory(session=session) for _ in range(60)]
    for p in people[30:]:
        services.question_upvote(participant=p, activity=qna, question_id=question.pk)

    def act(i: int) -> None:
        if i < 30:
            services.question_upvote(participant=people[i], activity=qna, question_id=question.pk)
        else:
            services.question_unvote(participant=people[i], activity=qna, question_id=question.pk)

    results = run_concurrently(60, act)
    assert not [r for r in results if isinstance(r, Exception)], results
    question.refresh_from_db()
    assert question.upvote_count == 30 == QuestionUpvote.objects.filter(question=question).count()


def test_20_concurrent_pins_leave_exactly_one_pinned() -> None:
    session, qna = _open_qna()
    author = ParticipantFactory(session=session)
    questions = [services.question_post(participant=author, activity=qna, text=f"Q{i}") for i in range(20)]

    def pin(i: int) -> bool:
        return services.question_moderate(question=questions[i], pinned=True).pinned

    results = run_concurrently(20, pin)
    assert results == [True] * 20, results  # every pin succeeded in turn: the last one stands
    assert Question.objects.filter(activity=qna, pinned=True).count() == 1
