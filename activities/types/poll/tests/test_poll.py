"""Poll: config and response schemas, live results (percentages to one decimal)."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from activities.results import activity_public_results, activity_results
from activities.services import response_submit
from activities.tests.factories import ActivityFactory, ResponseFactory, live_activity
from activities.types import get_type
from core.errors import ValidationFailed
from participants.tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db

poll = get_type("poll")


def opts(n: int) -> list[dict[str, str]]:
    return [{"id": f"o{i}", "label": f"Option {i}"} for i in range(n)]


def details(exc: pytest.ExceptionInfo[ValidationFailed]) -> dict[str, list[str]]:
    return exc.value.details


# --- config -----------------------------------------------------------------------------------


def test_config_defaults_and_trimming() -> None:
    clean = poll.validate_config(
        {
            "question": "  Lunch?  ",
            "options": [{"id": "a", "label": " Pizza "}, {"id": "B-2_x", "label": "Salad"}],
        }
    )
    assert clean == {
        "question": "Lunch?",
        "options": [{"id": "a", "label": "Pizza"}, {"id": "B-2_x", "label": "Salad"}],
        "multiple": False,
        "max_choices": None,
    }


def test_config_multiple_with_max_choices() -> None:
    clean = poll.validate_config({"question": "Q", "options": opts(4), "multiple": True, "max_choices": 4})
    assert clean["multiple"] is True and clean["max_choices"] == 4


def test_config_limits_accepted() -> None:
    assert len(poll.validate_config({"question": "Q" * 500, "options": opts(20)})["options"]) == 20
    long_id = [{"id": "x" * 32, "label": "L" * 200}, {"id": "y", "label": "M"}]
    assert poll.validate_config({"question": "Q", "options": long_id})["options"] == long_id


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ([], {"config": ["Must be a JSON object."]}),
        ({}, {"config.question": ["This field is required."], "config.options": ["This field is required."]}),
        ({"question": "", "options": opts(2)}, {"config.question": ["This field may not be blank."]}),
        ({"question": "   ", "options": opts(2)}, {"config.question": ["This field may not be blank."]}),
        ({"question": 5, "options": opts(2)}, {"config.question": ["Must be a string."]}),
        ({"question": "Q" * 501, "options": opts(2)}, {"config.question": ["At most 500 characters."]}),
        ({"question": "Q", "options": opts(1)}, {"config.options": ["At least 2 options are required."]}),
        ({"question": "Q", "options": opts(21)}, {"config.options": ["At most 20 options are allowed."]}),
        ({"question": "Q", "options": "ab"}, {"config.options": ["Must be a list."]}),
        ({"question": "Q", "options": opts(2), "foo": 1}, {"config.foo": ["Unknown field."]}),
        (
            {"question": "Q", "options": opts(2), "multiple": "yes"},
            {"config.multiple": ["Must be true or false."]},
        ),
        (
            {"question": "Q", "options": opts(2), "max_choices": 1},
            {"config.max_choices": ["Only allowed when multiple is true."]},
        ),
        (
            {"question": "Q", "options": opts(2), "multiple": True, "max_choices": 3},
            {"config.max_choices": ["Must be between 1 and 2."]},
        ),
        (
            {"question": "Q", "options": opts(2), "multiple": True, "max_choices": 0},
            {"config.max_choices": ["Must be between 1 and 2."]},
        ),
        (
            {"question": "Q", "options": opts(2), "multiple": True, "max_choices": True},
            {"config.max_choices": ["Must be an integer."]},
        ),
    ],
)
def test_config_refused(config: Any, expected: dict[str, list[str]]) -> None:
    with pytest.raises(ValidationFailed) as exc:
        poll.validate_config(config)
    assert details(exc) == expected


def test_config_option_errors_collected_with_paths() -> None:
    config = {
        "question": "Q",
        "options": [
            {"id": "a", "label": "ok"},
            {"id": "a", "label": ""},  # duplicate id, blank label
            {"id": "", "label": "x"},
            {"id": "x" * 33, "label": "x"},
            {"id": "bad id", "label": "x"},
            {"id": 7, "label": "x"},
            {"label": "L" * 201},
            "not an object",
            {"id": "z", "label": "z", "color": "red"},
        ],
    }
    with pytest.raises(ValidationFailed) as exc:
        poll.validate_config(config)
    d = details(exc)
    assert d["config.options.1.id"] == ["Duplicate option id."]
    assert d["config.options.1.label"] == ["This field may not be blank."]
    assert d["config.options.2.id"] == ["Must be 1–32 characters: letters, digits, '-' or '_'."]
    assert d["config.options.3.id"] == d["config.options.2.id"]
    assert d["config.options.4.id"] == d["config.options.2.id"]
    assert d["config.options.5.id"] == ["Must be a string."]
    assert d["config.options.6.id"] == ["This field is required."]
    assert d["config.options.6.label"] == ["At most 200 characters."]
    assert d["config.options.7"] == ["Must be a JSON object."]
    assert d["config.options.8.color"] == ["Unknown field."]
    assert "config.options.0.id" not in d


def test_config_refuses_control_characters_in_labels() -> None:
    with pytest.raises(ValidationFailed) as exc:
        poll.validate_config(
            {"question": "Q", "options": [{"id": "a", "label": "A\x00"}, {"id": "b", "label": "B"}]}
        )
    assert details(exc) == {"config.options.0.label": ["Must not contain control characters."]}


# --- responses --------------------------------------------------------------------------------


@pytest.fixture
def single() -> Any:
    return ActivityFactory.build(
        type="poll", config=poll.validate_config({"question": "Q", "options": opts(4)})
    )


@pytest.fixture
def multi() -> Any:
    config = poll.validate_config({"question": "Q", "options": opts(4), "multiple": True, "max_choices": 2})
    return ActivityFactory.build(type="poll", config=config)


def test_response_accepted(single: Any, multi: Any) -> None:
    assert poll.validate_response(single, {"option_ids": ["o2"]}) == {"option_ids": ["o2"]}
    assert poll.validate_response(multi, {"option_ids": ["o3", "o0"]}) == {"option_ids": ["o3", "o0"]}


def test_multiple_without_max_choices_allows_all() -> None:
    config = poll.validate_config({"question": "Q", "options": opts(3), "multiple": True})
    activity = ActivityFactory.build(type="poll", config=config)
    assert poll.validate_response(activity, {"option_ids": ["o0", "o1", "o2"]})["option_ids"] == [
        "o0",
        "o1",
        "o2",
    ]


@pytest.mark.parametrize(
    ("fixture", "data", "expected"),
    [
        ("single", None, {"response_data": ["Must be a JSON object."]}),
        ("single", {}, {"response_data.option_ids": ["This field is required."]}),
        ("single", {"option_ids": "o1"}, {"response_data.option_ids": ["Must be a list."]}),
        ("single", {"option_ids": []}, {"response_data.option_ids": ["Choose at least one option."]}),
        (
            "single",
            {"option_ids": ["o0", "o1"]},
            {"response_data.option_ids": ["Choose exactly one option."]},
        ),
        ("single", {"option_ids": ["nope"]}, {"response_data.option_ids.0": ["Unknown option."]}),
        ("single", {"option_ids": [1]}, {"response_data.option_ids.0": ["Must be a string."]}),
        ("single", {"option_ids": ["o0"], "x": 1}, {"response_data.x": ["Unknown field."]}),
        ("multi", {"option_ids": ["o0", "o0"]}, {"response_data.option_ids.1": ["Duplicate option."]}),
        (
            "multi",
            {"option_ids": ["o0", "o1", "o2"]},
            {"response_data.option_ids": ["Choose at most 2 options."]},
        ),
        ("multi", {"option_ids": ["o0", "O1"]}, {"response_data.option_ids.1": ["Unknown option."]}),
    ],
)
def test_response_refused(request: Any, fixture: str, data: Any, expected: dict[str, list[str]]) -> None:
    activity = request.getfixturevalue(fixture)
    with pytest.raises(ValidationFailed) as exc:
        poll.validate_response(activity, data)
    assert details(exc) == expected


# --- results ----------------------------------------------------------------------------------


def test_results_single_choice_percentages() -> None:
    activity = live_activity("poll", {"question": "Q", "options": opts(3)})
    for choice in ["o0", "o0", "o1"]:
        response_submit(
            participant=ParticipantFactory(session=activity.session),
            activity=activity,
            response_data={"option_ids": [choice]},
        )
    results = activity_results(activity)
    assert results == {
        "type": "poll",
        "total_responses": 3,
        "options": [
            {"id": "o0", "label": "Option 0", "count": 2, "percentage": 66.7},
            {"id": "o1", "label": "Option 1", "count": 1, "percentage": 33.3},
            {"id": "o2", "label": "Option 2", "count": 0, "percentage": 0.0},
        ],
    }
    # live: the public sees the same
    assert activity_public_results(activity, timezone.now()) == results
    assert poll.is_revealed(activity, timezone.now())


def test_results_percentage_rounds_half_up() -> None:
    activity = ActivityFactory(
        type="poll", config=poll.validate_config({"question": "Q", "options": opts(2)})
    )
    ResponseFactory(activity=activity, response_data={"option_ids": ["o0"]})
    for _ in range(7):
        ResponseFactory(activity=activity, response_data={"option_ids": ["o1"]})
    options = activity_results(activity)["options"]
    assert [o["percentage"] for o in options] == [12.5, 87.5]
    ResponseFactory(activity=activity, response_data={"option_ids": ["o1"]})  # 1/9 = 11.11, 8/9 = 88.89
    assert [o["percentage"] for o in activity_results(activity)["options"]] == [11.1, 88.9]


def test_results_without_responses() -> None:
    activity = ActivityFactory(type="poll")
    assert activity_results(activity) == {
        "type": "poll",
        "total_responses": 0,
        "options": [
            {"id": "a", "label": "Pizza", "count": 0, "percentage": 0.0},
            {"id": "b", "label": "Salad", "count": 0, "percentage": 0.0},
        ],
    }


def test_results_multiple_choice_and_lookalike_ids() -> None:
    # ids that are substrings / case variants of each other must not be confused by the SQL count
    options = [{"id": i, "label": i} for i in ["a", "A", "ab", "b_a", "a-b"]]
    config = poll.validate_config({"question": "Q", "options": options, "multiple": True})
    activity = live_activity("poll", config)
    answers = [["ab"], ["A", "b_a"], ["a-b", "a"], ["ab", "A"], ["a", "A", "ab", "b_a", "a-b"]]
    for ids in answers:
        response_submit(
            participant=ParticipantFactory(session=activity.session),
            activity=activity,
            response_data={"option_ids": ids},
        )
    counts = {o["id"]: (o["count"], o["percentage"]) for o in activity_results(activity)["options"]}
    assert counts == {"a": (2, 40.0), "A": (3, 60.0), "ab": (3, 60.0), "b_a": (2, 40.0), "a-b": (2, 40.0)}


def test_reanswer_replaces() -> None:
    activity = live_activity("poll")
    participant = ParticipantFactory(session=activity.session)
    _, created = response_submit(
        participant=participant, activity=activity, response_data={"option_ids": ["a"]}
    )
    assert created
    _, created = response_submit(
        participant=participant, activity=activity, response_data={"option_ids": ["b"]}
    )
    assert not created
    assert [o["count"] for o in activity_results(activity)["options"]] == [0, 1]


def test_public_config_is_the_config() -> None:
    activity = ActivityFactory.build(type="poll")
    assert poll.public_config(activity, timezone.now()) == activity.config
