"""Planning poker: decks, votes, hidden/revealed results, average/median/consensus, rounds."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from activities.results import activity_public_results, activity_results
from activities.services import activity_reset, activity_reveal, response_submit
from activities.tests.factories import ActivityFactory, ResponseFactory, live_activity
from activities.types import get_type
from activities.types.poker import DECKS, summarize
from core.errors import ValidationFailed
from participants.tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db

poker = get_type("poker")


# --- config -----------------------------------------------------------------------------------


def test_config_defaults() -> None:
    default = {"story": "", "deck": "fibonacci", "auto_reveal": False}
    assert poker.validate_config({}) == default
    assert poker.validate_config(poker.default_config()) == default


@pytest.mark.parametrize("deck", ["fibonacci", "tshirt", "powers_of_two"])
def test_config_named_decks_stored_by_name(deck: str) -> None:
    expected = {"story": "Login", "deck": deck, "auto_reveal": False}
    assert poker.validate_config({"story": "  Login ", "deck": deck}) == expected


def test_config_auto_reveal_is_a_boolean() -> None:
    assert poker.validate_config({"auto_reveal": True})["auto_reveal"] is True
    with pytest.raises(ValidationFailed) as exc:
        poker.validate_config({"auto_reveal": "yes"})
    assert exc.value.details == {"config.auto_reveal": ["Must be true or false."]}


def test_config_custom_deck_stored_as_list() -> None:
    assert poker.validate_config({"deck": [" 1 ", "2", "many"]})["deck"] == ["1", "2", "many"]
    assert len(poker.validate_config({"deck": [str(i) for i in range(20)]})["deck"]) == 20
    assert poker.validate_config({"deck": ["x" * 20, "y"]})["deck"] == ["x" * 20, "y"]


def test_config_story_may_be_empty_or_null() -> None:
    assert poker.validate_config({"story": ""})["story"] == ""
    assert poker.validate_config({"story": None})["story"] == ""
    assert poker.validate_config({"story": "S" * 500})["story"] == "S" * 500


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ("fibonacci", {"config": ["Must be a JSON object."]}),
        (
            {"deck": "hours"},
            {"config.deck": ["Must be one of fibonacci, tshirt, powers_of_two or a list of cards."]},
        ),
        (
            {"deck": 3},
            {"config.deck": ["Must be one of fibonacci, tshirt, powers_of_two or a list of cards."]},
        ),
        ({"deck": ["1"]}, {"config.deck": ["At least 2 cards are required."]}),
        ({"deck": [str(i) for i in range(21)]}, {"config.deck": ["At most 20 cards are allowed."]}),
        ({"deck": ["1", "1"]}, {"config.deck.1": ["Duplicate card."]}),
        ({"deck": ["1", " "]}, {"config.deck.1": ["A card may not be blank."]}),
        ({"deck": ["1", "x" * 21]}, {"config.deck.1": ["At most 20 characters."]}),
        ({"deck": ["1", 2]}, {"config.deck.1": ["Must be a string."]}),
        ({"deck": ["1", "a\x07"]}, {"config.deck.1": ["Must not contain control characters."]}),
        ({"story": "S" * 501}, {"config.story": ["At most 500 characters."]}),
        ({"story": 1}, {"config.story": ["Must be a string."]}),
        ({"estimate": True}, {"config.estimate": ["Unknown field."]}),
    ],
)
def test_config_refused(config: Any, expected: dict[str, list[str]]) -> None:
    with pytest.raises(ValidationFailed) as exc:
        poker.validate_config(config)
    assert exc.value.details == expected


# --- responses --------------------------------------------------------------------------------


def test_response_accepted_for_every_card() -> None:
    for name, cards in DECKS.items():
        activity = ActivityFactory.build(type="poker", config={"story": "", "deck": name})
        for card in cards:
            assert poker.validate_response(activity, {"value": card}) == {"value": card}
    custom = ActivityFactory.build(type="poker", config={"story": "", "deck": ["S", "M"]})
    assert poker.validate_response(custom, {"value": "M"}) == {"value": "M"}


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({}, {"response_data.value": ["This field is required."]}),
        ({"value": 5}, {"response_data.value": ["Must be a string."]}),
        ({"value": "4"}, {"response_data.value": ["Not a card of this deck."]}),
        ({"value": "Coffee"}, {"response_data.value": ["Not a card of this deck."]}),
        ({"value": " 5"}, {"response_data.value": ["Not a card of this deck."]}),
        ({"value": "5", "note": "x"}, {"response_data.note": ["Unknown field."]}),
        ("5", {"response_data": ["Must be a JSON object."]}),
    ],
)
def test_response_refused(data: Any, expected: dict[str, list[str]]) -> None:
    activity = ActivityFactory.build(type="poker", config={"story": "", "deck": "fibonacci"})
    with pytest.raises(ValidationFailed) as exc:
        poker.validate_response(activity, data)
    assert exc.value.details == expected


# --- summary arithmetic -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("distribution", "average", "median", "consensus"),
    [
        ({}, None, None, False),
        ({"5": 3}, 5.0, 5, True),
        ({"?": 2}, None, None, True),
        ({"coffee": 1, "?": 1}, None, None, False),
        ({"5": 2, "8": 1, "?": 1}, 6.0, 5, False),  # ? ignored for average/median
        ({"3": 1, "5": 1, "8": 1, "13": 1}, 7.25, 6.5, False),
        ({"1": 1, "2": 1}, 1.5, 1.5, False),
        ({"1": 1, "2": 2}, 1.67, 2, False),  # 5/3 = 1.666… → 1.67
        ({"0": 1, "21": 1}, 10.5, 10.5, False),
        ({"0.5": 1, "1": 1}, 0.75, 0.75, False),
        ({"XS": 4, "M": 1}, None, None, False),
    ],
)
def test_summarize(distribution: dict[str, int], average: float | None, median: Any, consensus: bool) -> None:
    summary = summarize(distribution)
    assert summary["vote_count"] == sum(distribution.values())
    assert summary["average"] == average
    assert summary["median"] == median
    assert type(summary["median"]) is type(median)  # 5, not 5.0
    assert summary["consensus"] is consensus


# --- visibility and results -------------------------------------------------------------------


def vote(activity: Any, *values: str) -> None:
    for value in values:
        response_submit(
            participant=ParticipantFactory(session=activity.session),
            activity=activity,
            response_data={"value": value},
        )


def test_hidden_until_revealed_then_distribution_in_deck_order() -> None:
    activity = live_activity("poker")
    vote(activity, "8", "5", "coffee", "5", "13")
    now = timezone.now()
    assert not poker.is_revealed(activity, now)
    assert activity_public_results(activity, now) == {"type": "poker", "revealed": False, "vote_count": 5}

    activity_reveal(activity=activity)
    assert poker.is_revealed(activity, now)
    assert activity_public_results(activity, now) == {
        "type": "poker",
        "revealed": True,
        "vote_count": 5,
        "distribution": {"5": 2, "8": 1, "13": 1, "coffee": 1},
        "average": 7.75,
        "median": 6.5,
        "consensus": False,
    }


def test_consensus() -> None:
    activity = live_activity("poker", {"deck": "tshirt"})
    vote(activity, "M", "M", "M")
    activity_reveal(activity=activity)
    results = activity_public_results(activity, timezone.now())
    assert results is not None
    assert results["consensus"] is True
    assert results["distribution"] == {"M": 3}
    assert results["average"] is None and results["median"] is None


def test_organizer_sees_votes_before_reveal() -> None:
    activity = live_activity("poker", {"story": "Checkout", "deck": ["S", "1", "2"]})
    vote(activity, "2", "S")
    assert activity_results(activity) == {
        "type": "poker",
        "revealed": False,
        "round": 1,
        "story": "Checkout",
        "vote_count": 2,
        "distribution": {"S": 1, "2": 1},
        "average": 2.0,
        "median": 2,
        "consensus": False,
        "history": [],
    }


def test_public_config_lists_cards() -> None:
    activity = ActivityFactory.build(type="poker", config={"story": "", "deck": "powers_of_two"})
    public = poker.public_config(activity, timezone.now())
    assert public == {"story": "", "deck": "powers_of_two", "cards": DECKS["powers_of_two"]}
    assert "cards" not in activity.config


def test_revote_replaces() -> None:
    activity = live_activity("poker")
    participant = ParticipantFactory(session=activity.session)
    response_submit(participant=participant, activity=activity, response_data={"value": "3"})
    response_submit(participant=participant, activity=activity, response_data={"value": "8"})
    assert activity_results(activity)["distribution"] == {"8": 1}


def test_reset_keeps_rounds_in_history_without_nesting() -> None:
    activity = live_activity("poker")
    vote(activity, "3", "5")
    activity_reveal(activity=activity)
    activity = activity_reset(activity=activity)

    assert activity.round == 2 and activity.revealed_at is None
    results = activity_results(activity)
    assert results["round"] == 2 and results["vote_count"] == 0 and results["distribution"] == {}
    assert len(results["history"]) == 1
    first = results["history"][0]
    assert first["round"] == 1
    assert first["results"]["distribution"] == {"3": 1, "5": 1}
    assert first["results"]["revealed"] is True
    assert first["results"]["average"] == 4.0
    assert "history" not in first["results"]
    # the returned instance still shows history (the snapshot flag was one-shot)
    assert activity_results(activity)["history"] == results["history"]

    vote(activity, "8")
    activity = activity_reset(activity=activity)
    history = activity_results(activity)["history"]
    assert [h["round"] for h in history] == [1, 2]
    assert history[1]["results"]["distribution"] == {"8": 1}
    assert history[1]["results"]["revealed"] is False
    assert all("history" not in h["results"] for h in history)
    assert activity_public_results(activity, timezone.now()) == {
        "type": "poker",
        "revealed": False,
        "vote_count": 0,
    }


def test_results_from_direct_rows() -> None:
    activity = ActivityFactory(type="poker", config={"story": "", "deck": "fibonacci"})
    for value in ["21", "21", "0", "?"]:
        ResponseFactory(activity=activity, response_data={"value": value})
    results = activity_results(activity)
    assert results["distribution"] == {"0": 1, "21": 2, "?": 1}
    assert results["average"] == 14.0 and results["median"] == 21
