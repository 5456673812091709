"""Q&A conformance (issue 22): counts that follow the rows, strict bodies, closing a side Q&A,
the question limit, self-upvotes."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from activities.models import Question, QuestionUpvote
from activities.tests.factories import ActivityFactory
from conftest import participant_client
from core.testing import assert_error
from participants import services as participant_services
from participants.models import Participant
from sessions_app.models import Session
from sessions_app.tests.factories import SessionFactory

from .test_qna_api import POLL, QNA, ask

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(organizer: Any, settings: Any) -> dict[str, Any]:
    """A live session: a side Q&A (published) beside a live poll, three phones."""
    settings.CAJA_SNAPSHOT_MIN_REBUILD_SECONDS = 0
    session = SessionFactory(owner=organizer, status="active")
    qna = ActivityFactory(session=session, type="qna", config=dict(QNA), status="published", order=0)
    poll = ActivityFactory(session=session, type="poll", config=POLL, status="active", order=1)
    Session.objects.filter(pk=session.pk).update(current_activity=poll)
    tokens = {
        n: participant_services.participant_join(session=session, nickname=n)[1] for n in ("Ana", "Ben", "Cy")
    }
    base = f"/api/v1/sessions/{session.pk}/activities/{qna.pk}/questions"
    return {"session": session, "qna": qna, "poll": poll, "tokens": tokens, "base": base}


def _upvote(world: dict[str, Any], who: str, qid: str, method: str = "put") -> Any:
    client = participant_client(world["tokens"][who])
    return getattr(client, method)(f"{world['base']}/{qid}/upvote")


def _count_follows_rows(qid: str) -> int:
    question = Question.objects.get(pk=qid)
    assert question.upvote_count == QuestionUpvote.objects.filter(question=question).count()
    return question.upvote_count


def test_a_purged_participants_upvotes_leave_the_count(world: dict[str, Any], org_api: APIClient) -> None:
    """Item 3: purge (and kick with purge) takes the participant's upvotes off the count."""
    qid = ask(world, "Ana", "Is lunch included?").json()["id"]
    assert _upvote(world, "Ben", qid).json()["upvotes"] == 1
    assert _upvote(world, "Cy", qid).json()["upvotes"] == 2
    ben = Participant.objects.get(session=world["session"], nickname="Ben")
    resp = org_api.delete(f"/api/v1/sessions/{world['session'].pk}/participants/{ben.pk}?purge=true")
    assert resp.status_code == 204
    assert _count_follows_rows(qid) == 1
    listed = APIClient().get(world["base"]).json()["items"]
    assert [q["upvotes"] for q in listed if q["id"] == qid] == [1]
    # A kick without purge keeps the participant's upvotes (their answers stay counted too).
    cy = Participant.objects.get(session=world["session"], nickname="Cy")
    assert org_api.delete(f"/api/v1/sessions/{world['session'].pk}/participants/{cy.pk}").status_code == 204
    assert _count_follows_rows(qid) == 1


def test_an_upvote_of_a_hidden_question_can_be_withdrawn(world: dict[str, Any], org_api: APIClient) -> None:
    """Item 3: the count follows the rows when an upvote of a hidden question is withdrawn."""
    qid = ask(world, "Ana", "Off topic?").json()["id"]
    assert _upvote(world, "Ben", qid).status_code == 200
    assert org_api.patch(f"{world['base']}/{qid}", {"status": "hidden"}, format="json").status_code == 200
    resp = _upvote(world, "Ben", qid, "delete")
    assert resp.status_code == 200, resp.content
    assert resp.json() == {"upvotes": 0, "upvoted": False}
    assert _count_follows_rows(qid) == 0
    # Upvoting a hidden question stays refused.
    assert_error(_upvote(world, "Cy", qid), 404, "NOT_FOUND")


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"text": "hi there", "bogus": 1}, "bogus"),
        ({"text": "hi there", "anonymous": "yes"}, "anonymous"),
        ({"text": "hi there", "anonymous": 1}, "anonymous"),
        ({"text": 123}, "text"),
        ({"text": ["hi"]}, "text"),
    ],
)
def test_posting_a_question_is_strict(world: dict[str, Any], payload: dict[str, Any], field: str) -> None:
    """Item 4: unknown fields and loose types are 400 VALIDATION_ERROR naming the field."""
    body = assert_error(_post(world, payload), 400, "VALIDATION_ERROR")
    assert field in body["details"], body
    assert not Question.objects.filter(activity=world["qna"]).exists()


def _post(world: dict[str, Any], payload: dict[str, Any]) -> Any:
    return participant_client(world["tokens"]["Ana"]).post(world["base"], payload, format="json")


@pytest.mark.parametrize(
    ("payload", "field"),
    [({"pinned": True, "bogus": 1}, "bogus"), ({"pinned": "yes"}, "pinned"), ({"pinned": 1}, "pinned")],
)
def test_moderating_is_strict(
    world: dict[str, Any], org_api: APIClient, payload: dict[str, Any], field: str
) -> None:
    qid = ask(world, "Ana", "Pin me?").json()["id"]
    body = assert_error(
        org_api.patch(f"{world['base']}/{qid}", payload, format="json"), 400, "VALIDATION_ERROR"
    )
    assert field in body["details"], body
    assert Question.objects.get(pk=qid).pinned is False


def test_a_side_qna_can_be_closed_and_only_one_is_open(world: dict[str, Any], org_api: APIClient) -> None:
    """Item 7: published → expired closes a side Q&A; a second Q&A cannot open beside the first."""
    session = world["session"]
    second = ActivityFactory(session=session, type="qna", config=dict(QNA), status="draft", order=2)
    for to in ("published", "active"):
        body = assert_error(
            org_api.patch(f"/api/v1/activities/{second.pk}/status", {"status": to}, format="json"),
            409,
            "INVALID_TRANSITION",
        )
        assert "Another Q&A is already open" in body["message"]
    second.refresh_from_db()
    assert second.status == "draft"
    # The side Q&A closes while the poll stays live; questions are refused from then on.
    closed = org_api.patch(
        f"/api/v1/activities/{world['qna'].pk}/status", {"status": "expired"}, format="json"
    )
    assert closed.status_code == 200, closed.content
    assert closed.json()["status"] == "expired"
    world["poll"].refresh_from_db()
    assert world["poll"].status == "active"
    assert_error(_post(world, {"text": "Still there?"}), 409, "ACTIVITY_NOT_ACTIVE")
    assert APIClient().get(f"/api/v1/sessions/{session.pk}/state").json()["qna"] is None
    # Now the second one may open, and the state shows it.
    assert (
        org_api.patch(
            f"/api/v1/activities/{second.pk}/status", {"status": "published"}, format="json"
        ).status_code
        == 200
    )
    assert APIClient().get(f"/api/v1/sessions/{session.pk}/state").json()["qna"]["activity_id"] == str(
        second.pk
    )
