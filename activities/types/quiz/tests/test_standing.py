"""The phone's "after the question" (issue 26 item 4): ``standing`` in ``responses/mine`` —
the points of this answer, the rank on the session's board and the streak of correct answers."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache

from activities.models import Activity
from activities.services import activity_reveal
from activities.tests.factories import ResponseFactory, live_activity
from conftest import participant_client
from participants.tests.factories import ParticipantFactory
from sessions_app.models import Session
from sessions_app.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db


def mine(participant: Any, activity: Any) -> dict[str, Any]:
    resp = participant_client(participant.token).get(
        f"/api/v1/sessions/{activity.session_id}/activities/{activity.pk}/responses/mine"
    )
    assert resp.status_code == 200, resp.content
    return resp.json()


def quiz(session: Any, order: int, scores: dict[Any, int], *, reveal: bool = True) -> Any:
    # One live activity per session: the previous question is over.
    Activity.objects.filter(session=session, status="active").update(status="expired")
    activity = live_activity("quiz", session=session, order=order)
    for participant, score in scores.items():
        ResponseFactory(
            activity=activity,
            participant=participant,
            response_data={"option_id": "a" if score else "b"},
            score=score,
            is_correct=bool(score),
            elapsed_ms=1000,
        )
    if reveal:
        Session.objects.filter(pk=session.pk).update(current_activity=activity)
        activity_reveal(activity=activity)
    return activity


def test_standing_points_rank_and_streak_after_each_question() -> None:
    cache.clear()
    session = SessionFactory(status="active")
    ann, bo, cy = (ParticipantFactory(session=session) for _ in range(3))
    q1 = quiz(session, 1, {ann: 900, bo: 900, cy: 0})
    assert mine(ann, q1)["standing"] == {"points": 900, "rank": 1, "streak": 1}
    assert mine(bo, q1)["standing"] == {"points": 900, "rank": 1, "streak": 1}  # a shared rank
    assert mine(cy, q1)["standing"] == {"points": 0, "rank": 3, "streak": 0}
    q2 = quiz(session, 2, {ann: 0, bo: 500, cy: 800})
    assert mine(ann, q2)["standing"] == {"points": 0, "rank": 2, "streak": 0}
    assert mine(bo, q2)["standing"] == {"points": 500, "rank": 1, "streak": 2}
    assert mine(cy, q2)["standing"] == {"points": 800, "rank": 3, "streak": 1}
    # A question not answered breaks the streak.
    quiz(session, 3, {ann: 100, bo: 100})
    q4 = quiz(session, 4, {bo: 100, cy: 100})
    assert mine(cy, q4)["standing"]["streak"] == 1
    assert mine(bo, q4)["standing"]["streak"] == 4


def test_no_standing_while_the_answer_is_secret() -> None:
    session = SessionFactory(status="active")
    ann = ParticipantFactory(session=session)
    q1 = quiz(session, 1, {ann: 900}, reveal=False)
    assert mine(ann, q1)["standing"] is None


def test_no_standing_for_a_type_without_points() -> None:
    session = SessionFactory(status="active")
    ann = ParticipantFactory(session=session)
    poll = live_activity("poll", session=session)
    ResponseFactory(activity=poll, participant=ann, response_data={"option_ids": ["a"]})
    assert mine(ann, poll)["standing"] is None
