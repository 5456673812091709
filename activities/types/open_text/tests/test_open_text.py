"""Open text (contract v1.1): free answers on a wall, hidden answers, show_live."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from activities import services
from activities.models import Response
from activities.results import activity_public_results
from activities.tests.factories import live_activity
from activities.types import get_type
from conftest import participant_client
from core.testing import assert_error
from participants import services as participant_services
from sessions_app.models import Session

pytestmark = pytest.mark.django_db

open_text = get_type("open_text")


def _answer(activity: Any, token: str, text: Any) -> Any:
    return participant_client(token).post(
        f"/api/v1/sessions/{activity.session_id}/activities/{activity.pk}/responses",
        {"response_data": {"text": text}},
        format="json",
    )


def _state_results(activity: Any) -> Any:
    return (
        APIClient().get(f"/api/v1/sessions/{activity.session_id}/state").json()["current_activity"]["results"]
    )


@pytest.fixture
def wall(organizer: Any, settings: Any) -> tuple[Any, list[str]]:
    settings.CAJA_SNAPSHOT_MIN_REBUILD_SECONDS = 0
    activity = live_activity(
        "open_text", open_text.validate_config({"prompt": "One wish?", "max_length": 40})
    )
    activity.session.owner = organizer
    activity.session.save()
    Session.objects.filter(pk=activity.session_id).update(current_activity=activity)
    tokens = [participant_services.participant_join(session=activity.session, nickname=n)[1] for n in "AB"]
    return activity, tokens


def test_the_wall_newest_first_and_hiding(wall: tuple[Any, list[str]], org_api: APIClient) -> None:
    activity, (a, b) = wall
    assert _answer(activity, a, "  More\nremote days ").status_code == 201
    assert _answer(activity, b, "Better coffee").status_code == 201
    results = _state_results(activity)
    assert [x["text"] for x in results["answers"]] == ["Better coffee", "More\nremote days"]
    assert results["total_responses"] == 2
    # The organizer hides one: gone from the wall at once, still counted and exported.
    hidden_id = results["answers"][0]["id"]
    url = f"/api/v1/sessions/{activity.session_id}/activities/{activity.pk}/responses/{hidden_id}"
    resp = org_api.patch(url, {"hidden": True}, format="json")
    assert resp.status_code == 200 and resp.json() == {"id": hidden_id, "hidden": True}
    assert [x["text"] for x in _state_results(activity)["answers"]] == ["More\nremote days"]
    assert Response.objects.get(pk=hidden_id).hidden is True
    # Re-answering does not get around a hide; showing it again does.
    assert _answer(activity, b, "Better tea").status_code == 200
    assert [x["text"] for x in _state_results(activity)["answers"]] == ["More\nremote days"]
    assert org_api.patch(url, {"hidden": False}, format="json").status_code == 200
    assert [x["text"] for x in _state_results(activity)["answers"]] == ["Better tea", "More\nremote days"]
    # Only the owner may hide; the body is checked.
    assert_error(participant_client(a).patch(url, {"hidden": True}, format="json"), 403, "PERMISSION_DENIED")
    assert_error(APIClient().patch(url, {"hidden": True}, format="json"), 401, "NOT_AUTHENTICATED")
    assert_error(org_api.patch(url, {"hidden": "perhaps"}, format="json"), 400, "VALIDATION_ERROR")


def test_show_live_off_keeps_the_wall_hidden_until_the_end(wall: tuple[Any, list[str]]) -> None:
    activity, (a, _) = wall
    activity.config = {**activity.config, "show_live": False}
    activity.save()
    assert _answer(activity, a, "Secret wish").status_code == 201
    assert _state_results(activity) is None
    services.activity_set_status(activity=activity, status="expired")
    activity.refresh_from_db()
    public = activity_public_results(activity)
    assert public is not None and [x["text"] for x in public["answers"]] == ["Secret wish"]


@pytest.mark.parametrize(
    "text",
    ["", "   ", "x" * 41, "bell\x07", "What the shit", None, ["a"], "\u202eevil\u202c", "a\u2066b\u2069"],
)
def test_bad_answers_are_refused(wall: tuple[Any, list[str]], text: Any) -> None:
    activity, (a, _) = wall
    body = assert_error(_answer(activity, a, text), 400, "VALIDATION_ERROR")
    assert "response_data.text" in body["details"], body
    assert not activity.responses.exists()


def test_answers_of_other_types_cannot_be_hidden(organizer: Any, org_api: APIClient) -> None:
    poll = live_activity(
        "poll", {"question": "Q?", "options": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}]}
    )
    poll.session.owner = organizer
    poll.session.save()
    _, token = participant_services.participant_join(session=poll.session, nickname="Ana")
    answer_id = (
        participant_client(token)
        .post(
            f"/api/v1/sessions/{poll.session_id}/activities/{poll.pk}/responses",
            {"response_data": {"option_ids": ["a"]}},
            format="json",
        )
        .json()["id"]
    )
    url = f"/api/v1/sessions/{poll.session_id}/activities/{poll.pk}/responses/{answer_id}"
    assert_error(org_api.patch(url, {"hidden": True}, format="json"), 400, "VALIDATION_ERROR")
