"""Property tests: results always equal a plain Python recount of the stored responses; and the
number of queries behind results does not grow with the number of responses."""

from __future__ import annotations

import statistics
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from activities.models import Activity, Response
from activities.results import activity_public_results, activity_results, session_results
from activities.services import response_submit
from activities.tests.factories import ActivityFactory, ResponseFactory, live_activity
from activities.types.poker import DECKS
from activities.types.wordcloud import normalize
from core.errors import DomainError
from participants.tests.factories import ParticipantFactory
from sessions_app.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db

PROPS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# A submission: (which of 6 participants, the response_data they send).
participant_index = st.integers(min_value=0, max_value=5)


def run(activity: Activity, submissions: list[tuple[int, Any]], organizer: Any) -> list[Response]:
    participants = [ParticipantFactory(session=activity.session) for _ in range(6)]
    for index, data in submissions:
        try:
            response_submit(participant=participants[index], activity=activity, response_data=data)
        except DomainError:
            pass  # invalid answers (and a quiz's second answer) are refused; nothing stored
    return list(Response.objects.filter(activity=activity))


def fresh(type: str, config: dict[str, Any], organizer: Any) -> Activity:
    return live_activity(type, config, session=SessionFactory(status="active", owner=organizer))


def pct(count: int, total: int) -> float:
    if not total:
        return 0.0
    return float((Decimal(count * 100) / total).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


# --- poll -------------------------------------------------------------------------------------

POLL_IDS = ["a", "A", "ab", "b_a", "a-b"]
poll_data = st.one_of(
    st.fixed_dictionaries({"option_ids": st.lists(st.sampled_from([*POLL_IDS, "zz", "AB"]), max_size=4)}),
    st.just({"option_ids": "a"}),
    st.just({"option_ids": ["a"], "extra": True}),
)


@PROPS
@given(st.lists(st.tuples(participant_index, poll_data), max_size=15))
def test_poll_results_match_recount(organizer: Any, submissions: list[tuple[int, Any]]) -> None:
    config = {
        "question": "Q",
        "options": [{"id": i, "label": i.upper()} for i in POLL_IDS],
        "multiple": True,
        "max_choices": 3,
    }
    activity = fresh("poll", config, organizer)
    rows = run(activity, submissions, organizer)
    total = len(rows)
    counts = Counter(i for r in rows for i in r.response_data["option_ids"])
    assert all(
        len(r.response_data["option_ids"]) == len(set(r.response_data["option_ids"])) <= 3 for r in rows
    )
    assert activity_results(activity) == {
        "type": "poll",
        "total_responses": total,
        "options": [
            {"id": i, "label": i.upper(), "count": counts[i], "percentage": pct(counts[i], total)}
            for i in POLL_IDS
        ],
    }


# --- poker ------------------------------------------------------------------------------------

poker_data = st.one_of(
    st.fixed_dictionaries({"value": st.sampled_from([*DECKS["fibonacci"], "4", "", "Coffee"])}),
    st.fixed_dictionaries({"value": st.integers(0, 5)}),
)


@PROPS
@given(st.lists(st.tuples(participant_index, poker_data), max_size=15))
def test_poker_results_match_recount(organizer: Any, submissions: list[tuple[int, Any]]) -> None:
    activity = fresh("poker", {"story": "", "deck": "fibonacci"}, organizer)
    rows = run(activity, submissions, organizer)
    values = [r.response_data["value"] for r in rows]
    counts = Counter(values)
    numeric = [Decimal(v) for v in values if v.isdigit()]
    expected_average = (
        float((sum(numeric) / len(numeric)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
        if numeric
        else None
    )
    expected_median = statistics.median(numeric) if numeric else None
    results = activity_results(activity)
    assert results["vote_count"] == len(rows)
    assert results["distribution"] == {card: counts[card] for card in DECKS["fibonacci"] if counts[card]}
    assert list(results["distribution"]) == [c for c in DECKS["fibonacci"] if counts[c]]
    assert results["average"] == expected_average
    assert results["median"] == expected_median
    assert results["consensus"] is (len(counts) == 1)
    # hidden from the public until revealed
    assert activity_public_results(activity, timezone.now()) == {
        "type": "poker",
        "revealed": False,
        "vote_count": len(rows),
    }


# --- quiz -------------------------------------------------------------------------------------

quiz_data = st.one_of(
    st.fixed_dictionaries({"option_id": st.sampled_from(["a", "b", "c", "z"])}),
    st.fixed_dictionaries({"option_id": st.integers(0, 2)}),
)


@PROPS
@given(st.lists(st.tuples(participant_index, quiz_data), max_size=15))
def test_quiz_results_match_recount(organizer: Any, submissions: list[tuple[int, Any]]) -> None:
    config = {
        "question": "Q",
        "options": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}, {"id": "c", "label": "C"}],
        "correct_option_id": "b",
        "time_limit_seconds": None,
        "points": 500,
    }
    activity = fresh("quiz", config, organizer)
    rows = run(activity, submissions, organizer)
    assert len({r.participant_id for r in rows}) == len(rows)  # one answer each
    counts = Counter(r.response_data["option_id"] for r in rows)
    for r in rows:
        assert r.is_correct is (r.response_data["option_id"] == "b")
        assert r.score == (500 if r.is_correct else 0)
    activity.status = "expired"
    activity.save()
    results = activity_results(activity)
    assert results["total_responses"] == len(rows)
    assert results["correct_count"] == counts["b"]
    assert [(o["id"], o["count"], o["correct"]) for o in results["options"]] == [
        ("a", counts["a"], False),
        ("b", counts["b"], True),
        ("c", counts["c"], False),
    ]
    expected_board = sorted(
        ((r.score, r.elapsed_ms, r.participant.nickname_key, str(r.participant_id)) for r in rows),
        key=lambda t: (-t[0], t[1], t[2], t[3]),
    )
    assert [(row["participant_id"], row["score"]) for row in results["leaderboard"]] == [
        (pid, score) for score, _ms, _nick, pid in expected_board[:10]
    ]


# --- word cloud -------------------------------------------------------------------------------

SPELLINGS = [
    "Coffee",
    "coffee",
    "COFFEE ",
    "tea",
    "Tea",
    "ice  cream",
    "Ice Cream",
    "Straße",
    "STRASSE",
    "ｔｅａ",
]
BAD = ["", "   ", "x" * 30, "a\x00b", "shit", 7]
word_data = st.fixed_dictionaries({"words": st.lists(st.sampled_from(SPELLINGS + BAD), max_size=4)})


@PROPS
@given(st.lists(st.tuples(participant_index, word_data), max_size=15))
def test_wordcloud_results_match_recount(organizer: Any, submissions: list[tuple[int, Any]]) -> None:
    activity = fresh("wordcloud", {"prompt": "p", "max_words": 3, "max_length": 25}, organizer)
    rows = run(activity, submissions, organizer)
    spellings: dict[str, Counter[str]] = {}
    for r in rows:
        keys = [normalize(w) for w in r.response_data["words"]]
        assert len(keys) == len(set(keys))  # counted once per participant
        for word in r.response_data["words"]:
            assert word == " ".join(word.split())  # stored trimmed and collapsed
            spellings.setdefault(normalize(word), Counter())[word] += 1
    expected = sorted(
        (
            {"text": min(c, key=lambda s, c=c: (-c[s], s)), "count": sum(c.values()), "key": key}
            for key, c in spellings.items()
        ),
        key=lambda w: (-w["count"], w["key"]),
    )
    results = activity_results(activity)
    assert results["total_responses"] == len(rows)
    assert results["words"] == [{"text": w["text"], "count": w["count"]} for w in expected]


# --- query counts -----------------------------------------------------------------------------

ANSWERS: dict[str, Any] = {
    "poll": lambda i: {"option_ids": ["a" if i % 3 else "b"]},
    "poker": lambda i: {"value": ["1", "3", "8", "?"][i % 4]},
    "quiz": lambda i: {"option_id": "ab"[i % 2]},
    "wordcloud": lambda i: {"words": [f"w{i}", "common", f"x{i % 7}"]},
}


def queries_for(type: str, n: int) -> tuple[int, int]:
    session = SessionFactory(status="active")
    activity = ActivityFactory(
        session=session, type=type, status="expired", activated_at=timezone.now(), revealed_at=timezone.now()
    )
    for i in range(n):
        extra = {"score": 10 * i, "is_correct": bool(i % 2), "elapsed_ms": i} if type == "quiz" else {}
        ResponseFactory(activity=activity, response_data=ANSWERS[type](i), **extra)
    with CaptureQueriesContext(connection) as full:
        activity_results(activity)
    with CaptureQueriesContext(connection) as public:
        activity_public_results(activity, timezone.now())
    return len(full.captured_queries), len(public.captured_queries)


@pytest.mark.parametrize("type", ["poll", "poker", "quiz", "wordcloud"])
def test_query_count_does_not_grow_with_responses(type: str, django_assert_max_num_queries: Any) -> None:
    one = queries_for(type, 1)
    fifty = queries_for(type, 50)
    assert one == fifty
    assert max(one) <= 3
    activity = Activity.objects.filter(type=type).order_by("created_at").last()
    assert activity is not None and activity.responses.count() == 50
    with django_assert_max_num_queries(max(one)):
        activity_results(activity)


def test_session_results(django_assert_max_num_queries: Any) -> None:
    session = SessionFactory(status="active")
    for type in ANSWERS:
        activity = ActivityFactory(session=session, type=type, status="expired", activated_at=timezone.now())
        for i in range(5):
            participant = ParticipantFactory(session=session, nickname=f"{type}{i}")
            extra = {"score": 100 * i, "is_correct": bool(i), "elapsed_ms": 10} if type == "quiz" else {}
            ResponseFactory(
                activity=activity, participant=participant, response_data=ANSWERS[type](i), **extra
            )
    # 1 (activities) + poll 1 + poker 1 + quiz 3 + wordcloud 3 + leaderboard 2
    with django_assert_max_num_queries(11):
        results = session_results(session)
    assert results["session_id"] == str(session.pk)
    assert [a["type"] for a in results["activities"]] == list(ANSWERS)
    assert [a["results"]["type"] for a in results["activities"]] == list(ANSWERS)
    assert [row["score"] for row in results["leaderboard"]] == [400, 300, 200, 100, 0]
    assert results["activities"][0]["status"] == "expired"


# --- rating (contract v1.1) -------------------------------------------------------------------

RATING_IDS = ["1", "2", "speed", "a-b"]  # ids that read as numbers too
rating_data = st.fixed_dictionaries(
    {
        "ratings": st.dictionaries(
            st.sampled_from([*RATING_IDS, "zz"]),
            st.one_of(st.integers(-1, 6), st.just("3"), st.booleans()),
            max_size=4,
        )
    }
)


@PROPS
@given(st.lists(st.tuples(participant_index, rating_data), max_size=15))
def test_rating_results_match_recount(organizer: Any, submissions: list[tuple[int, Any]]) -> None:
    config = {
        "question": "Q",
        "statements": [{"id": i, "label": i.upper()} for i in RATING_IDS],
        "scale_min": 1,
        "scale_max": 5,
    }
    activity = fresh("rating", config, organizer)
    rows = run(activity, submissions, organizer)
    results = activity_results(activity)
    assert results["total_responses"] == len(rows)
    for statement in results["statements"]:
        values = [
            r.response_data["ratings"][statement["id"]]
            for r in rows
            if statement["id"] in r.response_data["ratings"]
        ]
        assert all(isinstance(v, int) and 1 <= v <= 5 for v in values)
        assert statement["count"] == len(values)
        assert statement["distribution"] == {str(n): values.count(n) for n in range(1, 6)}
        expected = (
            float((Decimal(sum(values)) / len(values)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
            if values
            else None
        )
        assert statement["average"] == expected


# --- ranking (contract v1.1) ------------------------------------------------------------------

RANK_IDS = ["a", "b", "3"]
ranking_data = st.one_of(
    st.fixed_dictionaries({"order": st.permutations(RANK_IDS)}),
    st.fixed_dictionaries({"order": st.lists(st.sampled_from([*RANK_IDS, "x"]), max_size=4)}),
)


@PROPS
@given(st.lists(st.tuples(participant_index, ranking_data), max_size=15))
def test_ranking_results_match_recount(organizer: Any, submissions: list[tuple[int, Any]]) -> None:
    config = {"question": "Q", "items": [{"id": i, "label": i.upper()} for i in RANK_IDS]}
    activity = fresh("ranking", config, organizer)
    rows = run(activity, submissions, organizer)
    k = len(RANK_IDS)
    assert all(sorted(r.response_data["order"]) == sorted(RANK_IDS) for r in rows)  # permutations only
    points = {i: sum(k - 1 - r.response_data["order"].index(i) for r in rows) for i in RANK_IDS}
    ranks = {i: [r.response_data["order"].index(i) + 1 for r in rows] for i in RANK_IDS}
    results = activity_results(activity)
    assert results["total_responses"] == len(rows)
    by_id = {item["id"]: item for item in results["items"]}
    for i in RANK_IDS:
        assert by_id[i]["points"] == points[i]
        expected = (
            float((Decimal(sum(ranks[i])) / len(ranks[i])).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))
            if ranks[i]
            else None
        )
        assert by_id[i]["average_rank"] == expected
    assert [item["points"] for item in results["items"]] == sorted(points.values(), reverse=True)


# --- open text (contract v1.1) ----------------------------------------------------------------

text_data = st.fixed_dictionaries(
    {"text": st.sampled_from(["Cake", "  more  cake ", "", "x" * 50, "a\x00b", "shit"])}
)


@PROPS
@given(st.lists(st.tuples(participant_index, text_data), max_size=15))
def test_open_text_wall_matches_recount(organizer: Any, submissions: list[tuple[int, Any]]) -> None:
    activity = fresh("open_text", {"prompt": "p", "max_length": 40, "show_live": True}, organizer)
    rows = run(activity, submissions, organizer)
    results = activity_results(activity)
    assert results["total_responses"] == len(rows)
    stored = sorted(rows, key=lambda r: (r.updated_at, str(r.pk)), reverse=True)
    assert [a["text"] for a in results["answers"]] == [r.response_data["text"] for r in stored]
    assert all(0 < len(a["text"]) <= 40 and a["text"] == a["text"].strip() for a in results["answers"])
