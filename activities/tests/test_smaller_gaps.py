"""Issue 22, item 10 (smaller gaps), through the HTTP API: hidden answers the organizer can find,
no self-upvotes, a 401 that names the participant token, a question limit that counts accepted
questions only, and a revealed quiz's ``TIME_UP``."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.cache import cache
from django.utils import timezone
from rest_framework.test import APIClient

from activities.models import Response
from activities.tests.factories import QUIZ_CONFIG, live_activity
from activities.types import get_type
from activities.types.qna.tests.test_qna_api import ask
from activities.types.qna.tests.test_qna_api import world as world  # noqa: F401 (the fixture)
from activities.types.qna.views import QuestionThrottle
from conftest import participant_client
from core.testing import assert_error
from participants import services as participant_services
from sessions_app.models import Session

pytestmark = pytest.mark.django_db


def test_the_organizer_finds_hidden_open_text_answers(organizer: Any, org_api: APIClient) -> None:
    activity = live_activity("open_text", get_type("open_text").validate_config({"prompt": "A wish?"}))
    Session.objects.filter(pk=activity.session_id).update(owner=organizer, current_activity=activity)
    base = f"/api/v1/sessions/{activity.session_id}/activities/{activity.pk}/responses"
    ids = []
    for nickname, text in (("A", "More coffee"), ("B", "Fewer meetings")):
        token = participant_services.participant_join(session=activity.session, nickname=nickname)[1]
        resp = participant_client(token).post(base, {"response_data": {"text": text}}, format="json")
        assert resp.status_code == 201, resp.content
        ids.append(resp.json()["id"])
    assert org_api.patch(f"{base}/{ids[1]}", {"hidden": True}, format="json").status_code == 200
    listed = org_api.get(base).json()["items"]
    assert {item["id"]: item["hidden"] for item in listed} == {ids[0]: False, ids[1]: True}
    assert [item["id"] for item in org_api.get(base, {"hidden": "true"}).json()["items"]] == [ids[1]]
    assert [item["id"] for item in org_api.get(base, {"hidden": "false"}).json()["items"]] == [ids[0]]
    assert_error(org_api.get(base, {"hidden": "maybe"}), 400, "VALIDATION_ERROR")
    since = org_api.get(f"{base}/since/2000-01-01T00:00:00Z").json()["items"]
    assert {item["id"]: item["hidden"] for item in since} == {ids[0]: False, ids[1]: True}
    # Shown again from what the list said.
    assert org_api.patch(f"{base}/{ids[1]}", {"hidden": False}, format="json").status_code == 200
    assert Response.objects.filter(hidden=True).count() == 0


def test_an_asker_cannot_upvote_their_own_question(world: dict[str, Any]) -> None:  # noqa: F811
    qid = ask(world, "Ana", "Is lunch included?").json()["id"]
    url = f"{world['base']}/{qid}/upvote"
    error = assert_error(participant_client(world["tokens"]["Ana"]).put(url), 409, "OWN_QUESTION")
    assert error["message"] == "You cannot upvote your own question."
    assert participant_client(world["tokens"]["Ben"]).put(url).json() == {"upvotes": 1, "upvoted": True}
    # Withdrawing (nothing to withdraw) stays idempotent for the asker.
    assert participant_client(world["tokens"]["Ana"]).delete(url).json() == {"upvotes": 1, "upvoted": False}


def test_organizer_credentials_on_a_participant_endpoint_name_the_participant_token(
    world: dict[str, Any],  # noqa: F811
) -> None:
    api = APIClient()
    tokens = api.post("/api/v1/auth/token", {"username": "alice", "password": "pw-alice-123"}, format="json")
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens.json()['access']}")
    session_id = world["session"].pk
    for resp in (
        api.post(world["base"], {"text": "Hello?"}, format="json"),
        api.post(f"/api/v1/sessions/{session_id}/heartbeat"),
        api.post(f"/api/v1/sessions/{session_id}/reactions", {"kind": "wow"}, format="json"),
        api.get("/api/v1/me"),
    ):
        error = assert_error(resp, 401, "NOT_AUTHENTICATED")
        assert "X-Participant-Token" in error["message"], error
        assert "not provided" not in error["message"]
    # Without any credentials the message stays the plain one.
    error = assert_error(
        APIClient().post(world["base"], {"text": "Hello?"}, format="json"), 401, "NOT_AUTHENTICATED"
    )
    assert "organizer" not in error["message"]


def test_the_question_limit_counts_accepted_questions_only(
    world: dict[str, Any],  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    cache.clear()
    monkeypatch.setattr(QuestionThrottle, "THROTTLE_RATES", {"question": "3/min"})
    for _ in range(5):  # typos: refused, not counted
        assert_error(ask(world, "Ana", "   "), 400, "VALIDATION_ERROR")
    for n in range(3):
        assert ask(world, "Ana", f"Question {n}?").status_code == 201
    assert_error(ask(world, "Ana", "One more?"), 429, "THROTTLED")
    assert ask(world, "Ben", "Mine?").status_code == 201  # per phone


def test_a_revealed_quiz_refuses_answers_with_time_up(organizer: Any, org_api: APIClient) -> None:
    activity = live_activity("quiz", dict(QUIZ_CONFIG, time_limit_seconds=None))
    Session.objects.filter(pk=activity.session_id).update(owner=organizer, current_activity=activity)
    token = participant_services.participant_join(session=activity.session, nickname="Q")[1]
    activity.revealed_at = timezone.now()
    activity.save(update_fields=["revealed_at"])
    url = f"/api/v1/sessions/{activity.session_id}/activities/{activity.pk}/responses"
    option = QUIZ_CONFIG["options"][0]["id"]
    assert_error(
        participant_client(token).post(url, {"response_data": {"option_id": option}}, format="json"),
        409,
        "TIME_UP",
    )
