"""Q&A conformance (issue 22): counts that follow the rows, strict bodies, closing a side Q&A,
the question limit, self-upvotes."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from activities.models import Question, QuestionUpvote
from conftest import participant_client
from core.testing import assert_error
from participants.models import Participant

from .test_qna_api import ask, world  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db


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
