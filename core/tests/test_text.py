"""One text rule for every free-text field (issue 22 item 8): trimmed, no control characters, not
empty once invisible characters are removed; checked through each field's endpoint."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from activities.models import Activity, Question, Response
from activities.tests.factories import ActivityFactory
from conftest import participant_client
from core.testing import assert_error
from participants import services as participant_services
from participants.models import Participant
from sessions_app.models import Session
from sessions_app.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db

INVISIBLE = ["\u200b\u200b", " \u200b \ufeff ", "\u3164", "\u2800", "\u200d"]
CONTROL = ["Town\x07hall", "\x1bquestion"]
QNA = {"prompt": "Ask", "moderation": False, "allow_anonymous": True, "max_length": 280}
OPEN = {"prompt": "Say", "max_length": 280, "show_live": True}


@pytest.fixture
def live(organizer: Any) -> dict[str, Any]:
    session = SessionFactory(owner=organizer, status="active")
    qna = ActivityFactory(session=session, type="qna", config=QNA, status="published", order=0)
    text = ActivityFactory(session=session, type="open_text", config=OPEN, status="active", order=1)
    Session.objects.filter(pk=session.pk).update(current_activity=text)
    _, token = participant_services.participant_join(session=session, nickname="Ana")
    return {"session": session, "qna": qna, "text": text, "phone": participant_client(token)}


@pytest.mark.parametrize("value", INVISIBLE + CONTROL)
def test_questions(live: dict[str, Any], value: str) -> None:
    url = f"/api/v1/sessions/{live['session'].pk}/activities/{live['qna'].pk}/questions"
    body = assert_error(live["phone"].post(url, {"text": value}, format="json"), 400, "VALIDATION_ERROR")
    assert "text" in body["details"]
    assert not Question.objects.exists()


@pytest.mark.parametrize("value", INVISIBLE + CONTROL)
def test_open_text_answers(live: dict[str, Any], value: str) -> None:
    url = f"/api/v1/sessions/{live['session'].pk}/activities/{live['text'].pk}/responses"
    resp = live["phone"].post(url, {"response_data": {"text": value}}, format="json")
    assert "response_data.text" in assert_error(resp, 400, "VALIDATION_ERROR")["details"]
    assert not Response.objects.exists()


@pytest.mark.parametrize("value", INVISIBLE + CONTROL)
def test_session_names(org_api: APIClient, value: str) -> None:
    resp = org_api.post("/api/v1/sessions", {"name": value}, format="json")
    assert "name" in assert_error(resp, 400, "VALIDATION_ERROR")["details"]
    assert not Session.objects.exists()


@pytest.mark.parametrize("value", INVISIBLE + CONTROL)
def test_nicknames(organizer: Any, value: str) -> None:
    session = SessionFactory(owner=organizer, status="active")
    resp = APIClient().post(f"/api/v1/sessions/{session.pk}/participants", {"nickname": value}, format="json")
    assert "nickname" in assert_error(resp, 400, "VALIDATION_ERROR")["details"]
    assert not Participant.objects.exists()


@pytest.mark.parametrize("value", CONTROL)
def test_activity_titles(organizer: Any, org_api: APIClient, value: str) -> None:
    session = SessionFactory(owner=organizer)
    resp = org_api.post(
        f"/api/v1/sessions/{session.pk}/activities",
        {"type": "qna", "title": value, "config": QNA},
        format="json",
    )
    assert "title" in assert_error(resp, 400, "VALIDATION_ERROR")["details"]
    assert not Activity.objects.exists()


def test_visible_text_with_joiners_and_marks_is_welcome(live: dict[str, Any]) -> None:
    url = f"/api/v1/sessions/{live['session'].pk}/activities/{live['qna'].pk}/questions"
    for text in ("  family: 👩\u200d👩\u200d👧  ", "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645 \u061f"):
        resp = live["phone"].post(url, {"text": text}, format="json")
        assert resp.status_code == 201, resp.content
        assert resp.json()["text"] == text.strip()
