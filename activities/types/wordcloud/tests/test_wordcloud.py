"""Word cloud: schemas, normalization, profanity refusal, spelling, ties, hidden words."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from activities.results import activity_public_results, activity_results
from activities.services import hidden_word_add, hidden_word_remove, response_submit
from activities.tests.factories import ActivityFactory, ResponseFactory, live_activity
from activities.types import get_type
from activities.types.wordcloud import is_blocked, normalize
from core.errors import ValidationFailed
from participants.tests.factories import ParticipantFactory

pytestmark = pytest.mark.django_db

cloud = get_type("wordcloud")


# --- config -----------------------------------------------------------------------------------


def test_config_defaults() -> None:
    assert cloud.validate_config({"prompt": " Mood? "}) == {
        "prompt": "Mood?",
        "max_words": 3,
        "max_length": 25,
    }
    assert cloud.validate_config({"prompt": "p", "max_words": 5, "max_length": 40})["max_length"] == 40
    assert cloud.validate_config({"prompt": "p", "max_words": 1, "max_length": 1})["max_words"] == 1


@pytest.mark.parametrize(
    ("config", "expected"),
    [
        ({}, {"config.prompt": ["This field is required."]}),
        ({"prompt": ""}, {"config.prompt": ["This field may not be blank."]}),
        ({"prompt": "p" * 501}, {"config.prompt": ["At most 500 characters."]}),
        ({"prompt": "p", "max_words": 0}, {"config.max_words": ["Must be between 1 and 5."]}),
        ({"prompt": "p", "max_words": 6}, {"config.max_words": ["Must be between 1 and 5."]}),
        ({"prompt": "p", "max_words": True}, {"config.max_words": ["Must be an integer."]}),
        ({"prompt": "p", "max_length": 0}, {"config.max_length": ["Must be between 1 and 40."]}),
        ({"prompt": "p", "max_length": 41}, {"config.max_length": ["Must be between 1 and 40."]}),
        ({"prompt": "p", "max_length": 2.5}, {"config.max_length": ["Must be an integer."]}),
        ({"prompt": "p", "colors": []}, {"config.colors": ["Unknown field."]}),
    ],
)
def test_config_refused(config: Any, expected: dict[str, list[str]]) -> None:
    with pytest.raises(ValidationFailed) as exc:
        cloud.validate_config(config)
    assert exc.value.details == expected


# --- normalization and responses --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("  Coffee ", "coffee"),
        ("ICE   cream", "ice cream"),
        ("ice\tcream", "ice cream"),
        ("Straße", "strasse"),
        ("ｃｏｆｆｅｅ", "coffee"),  # full-width (NFKC)
        ("ﬁsh", "fish"),  # ligature (NFKC)
    ],
)
def test_normalize_word(text: str, key: str) -> None:
    assert cloud.normalize_word(text) == key == normalize(text)


def activity_with(**config: Any) -> Any:
    return ActivityFactory.build(type="wordcloud", config=cloud.validate_config({"prompt": "p", **config}))


def test_response_stored_as_typed_after_collapsing() -> None:
    data = cloud.validate_response(activity_with(), {"words": ["  Ice   Cream ", "TEA"]})
    assert data == {"words": ["Ice Cream", "TEA"]}


def test_response_limits_accepted() -> None:
    activity = activity_with(max_words=5, max_length=4)
    assert cloud.validate_response(activity, {"words": ["a", "b", "c", "d", "eeee"]})["words"][-1] == "eeee"
    # the length counts after collapsing whitespace
    assert cloud.validate_response(activity, {"words": ["  a    b "]}) == {"words": ["a b"]}


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({}, {"response_data.words": ["This field is required."]}),
        ({"words": "coffee"}, {"response_data.words": ["Must be a list."]}),
        ({"words": []}, {"response_data.words": ["Send at least one word."]}),
        ({"words": ["a", "b", "c", "d"]}, {"response_data.words": ["At most 3 words."]}),
        ({"words": ["ok", "x" * 26]}, {"response_data.words.1": ["At most 25 characters."]}),
        ({"words": ["   "]}, {"response_data.words.0": ["A word may not be blank."]}),
        ({"words": [3]}, {"response_data.words.0": ["Must be a string."]}),
        ({"words": ["nul\x00l"]}, {"response_data.words.0": ["Must not contain control characters."]}),
        ({"words": ["zero\u200bwidth"]}, {"response_data.words.0": ["Must not contain control characters."]}),
        ({"words": ["bell\x07"]}, {"response_data.words.0": ["Must not contain control characters."]}),
        ({"words": ["ok"], "mood": 1}, {"response_data.mood": ["Unknown field."]}),
        ({"words": ["nice", "Shit"]}, {"response_data.words.1": ["This word is not allowed."]}),
        ({"words": ["holy SHIT!"]}, {"response_data.words.0": ["This word is not allowed."]}),
        ({"words": ["Son of a   Bitch"]}, {"response_data.words.0": ["This word is not allowed."]}),
        ({"words": ["ＦＵＣＫ"]}, {"response_data.words.0": ["This word is not allowed."]}),
    ],
)
def test_response_refused(data: Any, expected: dict[str, list[str]]) -> None:
    with pytest.raises(ValidationFailed) as exc:
        cloud.validate_response(activity_with(), data)
    assert exc.value.details == expected


def test_response_collects_errors_for_every_word() -> None:
    with pytest.raises(ValidationFailed) as exc:
        cloud.validate_response(activity_with(max_words=5), {"words": ["ok", "", "crap", "ok", 1]})
    assert exc.value.details == {
        "response_data.words.1": ["A word may not be blank."],
        "response_data.words.2": ["This word is not allowed."],
        "response_data.words.4": ["Must be a string."],
    }


@pytest.mark.parametrize("word", ["class", "Scunthorpe", "assessment", "son of a gun", "hello", "bitcoin"])
def test_profanity_is_whole_word(word: str) -> None:
    assert not is_blocked(normalize(word))


def test_profanity_extra_from_settings(settings: Any) -> None:
    assert not is_blocked("synergy")
    settings.CAJA_PROFANITY_EXTRA = ["Synergy", "move the needle"]
    assert is_blocked(normalize("SYNERGY!"))
    assert is_blocked(normalize("let's move the   needle"))
    assert not is_blocked(normalize("move the big needle"))
    with pytest.raises(ValidationFailed) as exc:
        cloud.validate_response(activity_with(), {"words": ["synergy"]})
    assert exc.value.details == {"response_data.words.0": ["This word is not allowed."]}


# --- results ----------------------------------------------------------------------------------


def submit(activity: Any, *answers: list[str]) -> None:
    for words in answers:
        response_submit(
            participant=ParticipantFactory(session=activity.session),
            activity=activity,
            response_data={"words": words},
        )


def test_results_counts_spelling_and_ties() -> None:
    activity = live_activity("wordcloud", {"prompt": "p", "max_words": 3})
    submit(
        activity,
        ["Coffee", "tea"],
        ["coffee", "Tea"],
        ["COFFEE", "sleep"],
        ["coffee ", "  ice   cream"],
        ["Ice Cream", "beer"],
        ["apple"],
    )
    results = activity_results(activity)
    assert results == {
        "type": "wordcloud",
        "total_responses": 6,
        "words": [
            {"text": "coffee", "count": 4},  # coffee ×2 beats Coffee ×1 and COFFEE ×1
            {"text": "Ice Cream", "count": 2},  # tie between "Ice Cream" and "ice cream": alphabetical
            {"text": "Tea", "count": 2},  # "Tea" < "tea"
            {"text": "apple", "count": 1},  # count ties: alphabetical by normalized form
            {"text": "beer", "count": 1},
            {"text": "sleep", "count": 1},
        ],
        "hidden": [],
    }
    public = activity_public_results(activity, timezone.now())
    assert public == {k: v for k, v in results.items() if k != "hidden"}
    assert cloud.is_revealed(activity, timezone.now())


def test_reanswer_replaces_words() -> None:
    activity = live_activity("wordcloud")
    participant = ParticipantFactory(session=activity.session)
    response_submit(participant=participant, activity=activity, response_data={"words": ["one"]})
    response_submit(participant=participant, activity=activity, response_data={"words": ["two"]})
    assert activity_results(activity)["words"] == [{"text": "two", "count": 1}]


def test_hidden_words_leave_public_results() -> None:
    activity = live_activity("wordcloud")
    submit(activity, ["Meetings", "coffee"], ["meetings"], ["Coffee"])
    hidden_word_add(activity=activity, text="  MEETINGS ")
    public = activity_public_results(activity, timezone.now())
    assert public is not None
    assert public["words"] == [{"text": "Coffee", "count": 2}]
    full = activity_results(activity)
    assert full["hidden"] == ["meetings"] and full["words"] == public["words"]
    assert hidden_word_remove(activity=activity, text="Meetings")
    assert activity_results(activity)["words"] == [
        {"text": "Coffee", "count": 2},
        {"text": "Meetings", "count": 2},  # "Meetings" and "meetings" tie: alphabetical spelling
    ]


def test_words_blocked_later_are_left_out(settings: Any) -> None:
    activity = ActivityFactory(type="wordcloud", config=cloud.validate_config({"prompt": "p"}))
    ResponseFactory(activity=activity, response_data={"words": ["synergy", "fun"]})
    ResponseFactory(activity=activity, response_data={"words": ["shit"]})  # bypassed validation
    settings.CAJA_PROFANITY_EXTRA = ["synergy"]
    assert activity_results(activity)["words"] == [{"text": "fun", "count": 1}]
    assert activity_results(activity)["total_responses"] == 2


def test_top_100() -> None:
    activity = ActivityFactory(
        type="wordcloud", config=cloud.validate_config({"prompt": "p", "max_words": 5})
    )
    for i in range(0, 105, 5):
        ResponseFactory(
            activity=activity, response_data={"words": [f"w{j:03d}" for j in range(i, min(i + 5, 105))]}
        )
    ResponseFactory(activity=activity, response_data={"words": ["w104", "w050"]})
    words = activity_results(activity)["words"]
    assert len(words) == 100
    assert words[0] == {"text": "w050", "count": 2} and words[1] == {"text": "w104", "count": 2}
    assert words[2]["text"] == "w000" and words[-1]["text"] == "w098"  # w050 moved up


def test_empty() -> None:
    activity = ActivityFactory(type="wordcloud", config=cloud.validate_config({"prompt": "p"}))
    assert activity_results(activity) == {
        "type": "wordcloud",
        "total_responses": 0,
        "words": [],
        "hidden": [],
    }


def test_public_config_is_the_config() -> None:
    activity = activity_with()
    assert cloud.public_config(activity, timezone.now()) == activity.config


@pytest.mark.parametrize(
    ("words", "kept"),
    [
        (["Happy", "  happy  ", "Tired"], ["Happy", "Tired"]),
        (["Coffee", " coffee "], ["Coffee"]),
        (["ｃｏｆｆｅｅ", "coffee"], ["ｃｏｆｆｅｅ"]),
    ],
)
def test_a_repeated_word_is_accepted_and_kept_once(words: list[str], kept: list[str]) -> None:
    assert cloud.validate_response(activity_with(), {"words": words}) == {"words": kept}
