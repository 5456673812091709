"""Rating scale (contract v1.1): config, answers, results by SQL whatever the number of answers."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from activities.results import activity_results
from activities.tests.factories import live_activity
from activities.types import get_type
from conftest import participant_client
from core.errors import ValidationFailed
from core.testing import assert_error
from participants import services as participant_services
from sessions_app.models import Session

pytestmark = pytest.mark.django_db

rating = get_type("rating")
# Ids that read as numbers on purpose: a JSON path would take them as array indexes.
CONFIG = {
    "question": "How was the day?",
    "statements": [{"id": "1", "label": "Talks"}, {"id": "food", "label": "Food"}],
    "scale_max": 5,
    "min_label": "Poor",
    "max_label": "Great",
}


def test_config_defaults_and_errors() -> None:
    clean = rating.validate_config(CONFIG)
    assert clean["scale_min"] == 1 and clean["scale_max"] == 5 and clean["min_label"] == "Poor"
    with pytest.raises(ValidationFailed) as exc:
        rating.validate_config({"question": "Q", "statements": [], "scale_max": 11, "scale_min": 2})
    assert set(exc.value.details) == {"config.statements", "config.scale_max", "config.scale_min"}
    with pytest.raises(ValidationFailed) as exc:
        rating.validate_config({"question": "Q", "statements": [{"id": "a b", "label": "x"}]})
    assert "config.statements.0.id" in exc.value.details


def _answer(activity: Any, token: str, data: Any) -> Any:
    return participant_client(token).post(
        f"/api/v1/sessions/{activity.session_id}/activities/{activity.pk}/responses",
        {"response_data": data},
        format="json",
    )


def test_answers_and_results(django_assert_max_num_queries: Any, settings: Any) -> None:
    settings.CAJA_SNAPSHOT_MIN_REBUILD_SECONDS = 0
    activity = live_activity("rating", rating.validate_config(CONFIG))
    Session.objects.filter(pk=activity.session_id).update(current_activity=activity)
    tokens = [
        participant_services.participant_join(session=activity.session, nickname=f"p{i}")[1] for i in range(4)
    ]
    for token, ratings in zip(
        tokens, [{"1": 5, "food": 2}, {"1": 4}, {"1": 5, "food": 3}, {"food": 3}], strict=True
    ):
        assert _answer(activity, token, {"ratings": ratings}).status_code == 201
    assert _answer(activity, tokens[1], {"ratings": {"1": 3}}).status_code == 200  # replaces
    results = activity_results(activity)
    assert results["total_responses"] == 4
    talks, food = results["statements"]
    assert talks == {
        "id": "1",
        "label": "Talks",
        "count": 3,
        "average": 4.33,
        "distribution": {"1": 0, "2": 0, "3": 1, "4": 0, "5": 2},
    }
    assert (food["count"], food["average"], food["distribution"]["3"]) == (3, 2.67, 2)
    # The public sees the same, live, in the state.
    state = APIClient().get(f"/api/v1/sessions/{activity.session_id}/state").json()
    assert state["current_activity"]["results"]["statements"][0]["average"] == 4.33
    # The number of queries does not grow with the answers.
    for i in range(20):
        _, token = participant_services.participant_join(session=activity.session, nickname=f"q{i}")
        _answer(activity, token, {"ratings": {"1": 1 + i % 5, "food": 1}})
    with django_assert_max_num_queries(2):
        assert activity_results(activity)["total_responses"] == 24


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({"ratings": {}}, "response_data.ratings"),
        ({"ratings": {"nope": 3}}, "response_data.ratings.nope"),
        ({"ratings": {"1": 6}}, "response_data.ratings.1"),
        ({"ratings": {"1": 0}}, "response_data.ratings.1"),
        ({"ratings": {"1": "5"}}, "response_data.ratings.1"),
        ({"ratings": {"1": True}}, "response_data.ratings.1"),
        ({"ratings": [5]}, "response_data.ratings"),
        ({"stars": 5}, "response_data.stars"),
    ],
)
def test_bad_answers_are_refused_with_the_path(data: Any, path: str) -> None:
    activity = live_activity("rating", rating.validate_config(CONFIG))
    _, token = participant_services.participant_join(session=activity.session, nickname="Ana")
    body = assert_error(_answer(activity, token, data), 400, "VALIDATION_ERROR")
    assert path in body["details"], body
    assert not activity.responses.exists()
