"""Ranking (contract v1.1): permutations only, Borda points and average rank by SQL."""

from __future__ import annotations

from typing import Any

import pytest

from activities.results import activity_results
from activities.tests.factories import live_activity
from activities.types import get_type
from conftest import participant_client
from core.errors import ValidationFailed
from core.testing import assert_error
from participants import services as participant_services

pytestmark = pytest.mark.django_db

ranking = get_type("ranking")
CONFIG = {
    "question": "What first?",
    "items": [{"id": "a", "label": "Auth"}, {"id": "b", "label": "Billing"}, {"id": "2", "label": "Cache"}],
}


def _answer(activity: Any, token: str, data: Any) -> Any:
    return participant_client(token).post(
        f"/api/v1/sessions/{activity.session_id}/activities/{activity.pk}/responses",
        {"response_data": data},
        format="json",
    )


def test_config_needs_two_to_ten_items() -> None:
    with pytest.raises(ValidationFailed) as exc:
        ranking.validate_config({"question": "Q", "items": [{"id": "a", "label": "A"}]})
    assert exc.value.details == {"config.items": ["At least 2 items are required."]}
    with pytest.raises(ValidationFailed) as exc:
        ranking.validate_config(
            {"question": "Q", "items": [{"id": f"i{n}", "label": "x"} for n in range(11)]}
        )
    assert exc.value.details == {"config.items": ["At most 10 items are allowed."]}


def test_borda_points_and_average_rank(django_assert_max_num_queries: Any) -> None:
    activity = live_activity("ranking", ranking.validate_config(CONFIG))
    orders = [["a", "b", "2"], ["a", "2", "b"], ["b", "a", "2"]]
    for i, order in enumerate(orders):
        _, token = participant_services.participant_join(session=activity.session, nickname=f"p{i}")
        assert _answer(activity, token, {"order": order}).status_code == 201
    results = activity_results(activity)
    assert results["total_responses"] == 3
    assert results["items"] == [
        {"id": "a", "label": "Auth", "points": 5, "average_rank": 1.33},
        {"id": "b", "label": "Billing", "points": 3, "average_rank": 2.0},
        {"id": "2", "label": "Cache", "points": 1, "average_rank": 2.67},
    ]
    for i in range(20):
        _, token = participant_services.participant_join(session=activity.session, nickname=f"q{i}")
        _answer(activity, token, {"order": ["2", "b", "a"]})
    with django_assert_max_num_queries(2):
        assert activity_results(activity)["items"][0]["id"] == "2"


@pytest.mark.parametrize(
    ("order", "path"),
    [
        (["a", "b"], "response_data.order"),
        (["a", "b", "2", "a"], "response_data.order.3"),
        (["a", "b", "x"], "response_data.order.2"),
        (["a", "b", 2], "response_data.order.2"),
        ("a,b,2", "response_data.order"),
    ],
)
def test_only_a_full_permutation_is_accepted(order: Any, path: str) -> None:
    activity = live_activity("ranking", ranking.validate_config(CONFIG))
    _, token = participant_services.participant_join(session=activity.session, nickname="Ana")
    body = assert_error(_answer(activity, token, {"order": order}), 400, "VALIDATION_ERROR")
    assert path in body["details"], body
    assert not activity.responses.exists()
