"""Quiz: schemas, time limit, scoring at known elapsed times, secrecy until reveal, leaderboard."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from activities.results import activity_public_results, activity_results, leaderboard
from activities.services import activity_reveal, response_submit
from activities.tests.factories import QUIZ_CONFIG, ActivityFactory, ResponseFactory, live_activity
from activities.types import get_type
from activities.types.base import Score
from activities.types.quiz import compute_score
from core.errors import AlreadyAnswered, TimeUp, ValidationFailed
from participants.services import participant_kick
from participants.tests.factories import ParticipantFactory
from sessions_app.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db

quiz = get_type("quiz")
T0 = timezone.now().replace(microsecond=0)


def cfg(**overrides: Any) -> dict[str, Any]:
    """A quiz config; without a lead-in unless asked (the lead-in's own tests are at the end)."""
    config = {k: v for k, v in QUIZ_CONFIG.items() if k not in ("time_limit_seconds", "points")}
    config["lead_in_seconds"] = 0
    config.update(overrides)
    return config


# --- config -----------------------------------------------------------------------------------


def test_config_defaults() -> None:
    clean = quiz.validate_config(cfg())
    assert clean["time_limit_seconds"] == 30 and clean["points"] == 1000
    assert clean["correct_option_id"] == "a"


def test_config_bounds_and_null_limit() -> None:
    assert quiz.validate_config(cfg(time_limit_seconds=None))["time_limit_seconds"] is None
    assert quiz.validate_config(cfg(time_limit_seconds=5, points=1))["points"] == 1
    assert quiz.validate_config(cfg(time_limit_seconds=600, points=10000))["time_limit_seconds"] == 600
    ten = [{"id": f"o{i}", "label": str(i)} for i in range(10)]
    assert len(quiz.validate_config(cfg(options=ten, correct_option_id="o9"))["options"]) == 10


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"time_limit_seconds": 4}, {"config.time_limit_seconds": ["Must be between 5 and 600."]}),
        ({"time_limit_seconds": 601}, {"config.time_limit_seconds": ["Must be between 5 and 600."]}),
        ({"time_limit_seconds": True}, {"config.time_limit_seconds": ["Must be an integer."]}),
        ({"time_limit_seconds": 30.0}, {"config.time_limit_seconds": ["Must be an integer."]}),
        ({"time_limit_seconds": "30"}, {"config.time_limit_seconds": ["Must be an integer."]}),
        ({"points": 0}, {"config.points": ["Must be between 1 and 10000."]}),
        ({"points": 10001}, {"config.points": ["Must be between 1 and 10000."]}),
        ({"points": False}, {"config.points": ["Must be an integer."]}),
        ({"points": None}, {"config.points": ["This field may not be null."]}),
        ({"correct_option_id": "z"}, {"config.correct_option_id": ["Must be the id of one of the options."]}),
        ({"correct_option_id": 1}, {"config.correct_option_id": ["Must be a string."]}),
        ({"correct_option_id": None}, {"config.correct_option_id": ["This field is required."]}),
        ({"hint": "x"}, {"config.hint": ["Unknown field."]}),
        ({"question": ""}, {"config.question": ["This field may not be blank."]}),
        (
            {"options": [{"id": f"o{i}", "label": "x"} for i in range(11)], "correct_option_id": "o0"},
            {"config.options": ["At most 10 options are allowed."]},
        ),
        (
            {"options": [{"id": "a", "label": "x"}]},
            {"config.options": ["At least 2 options are required."]},
        ),
    ],
)
def test_config_refused(overrides: dict[str, Any], expected: dict[str, list[str]]) -> None:
    with pytest.raises(ValidationFailed) as exc:
        quiz.validate_config(cfg(**overrides))
    assert exc.value.details == expected


def test_config_collects_all_errors() -> None:
    with pytest.raises(ValidationFailed) as exc:
        quiz.validate_config({"points": True, "time_limit_seconds": 1})
    assert set(exc.value.details) == {
        "config.question",
        "config.options",
        "config.correct_option_id",
        "config.points",
        "config.time_limit_seconds",
    }


# --- responses --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({}, {"response_data.option_id": ["This field is required."]}),
        ({"option_id": "z"}, {"response_data.option_id": ["Unknown option."]}),
        ({"option_id": ["a"]}, {"response_data.option_id": ["Must be a string."]}),
        (
            {"option_ids": ["a"]},
            {
                "response_data.option_ids": ["Unknown field."],
                "response_data.option_id": ["This field is required."],
            },
        ),
    ],
)
def test_response_refused(data: Any, expected: dict[str, list[str]]) -> None:
    activity = ActivityFactory.build(type="quiz", config=quiz.validate_config(cfg()))
    with pytest.raises(ValidationFailed) as exc:
        quiz.validate_response(activity, data)
    assert exc.value.details == expected


def test_response_accepted() -> None:
    activity = ActivityFactory.build(type="quiz", config=quiz.validate_config(cfg()))
    assert quiz.validate_response(activity, {"option_id": "b"}) == {"option_id": "b"}


# --- time limit and scoring -------------------------------------------------------------------


def built(**overrides: Any) -> Any:
    return ActivityFactory.build(
        type="quiz", config=quiz.validate_config(cfg(**overrides)), status="active", activated_at=T0
    )


def test_time_limit_on_server_clock() -> None:
    activity = built(time_limit_seconds=30)
    quiz.check_answer_allowed(activity, T0 + timedelta(seconds=30))  # exactly at the limit: allowed
    with pytest.raises(TimeUp):
        quiz.check_answer_allowed(activity, T0 + timedelta(seconds=30, microseconds=1))
    unlimited = built(time_limit_seconds=None)
    quiz.check_answer_allowed(unlimited, T0 + timedelta(hours=5))


@pytest.mark.parametrize(
    ("elapsed", "points", "limit", "option", "expected"),
    [
        (timedelta(0), 1000, 30, "a", Score(1000, True, 0)),
        (timedelta(seconds=15), 1000, 30, "a", Score(750, True, 15000)),
        (timedelta(seconds=30), 1000, 30, "a", Score(500, True, 30000)),
        (timedelta(seconds=10), 1000, 30, "a", Score(833, True, 10000)),  # 833.33
        (timedelta(seconds=20), 1000, 30, "a", Score(667, True, 20000)),  # 666.67
        (timedelta(milliseconds=1234), 1000, 10, "a", Score(938, True, 1234)),  # 938.3
        (timedelta(seconds=10), 5, 10, "a", Score(3, True, 10000)),  # 2.5 rounds half up (not to even)
        (timedelta(seconds=10), 3, 10, "a", Score(2, True, 10000)),  # 1.5 → 2
        (timedelta(seconds=45), 1000, 30, "a", Score(500, True, 30000)),  # clamped to the limit
        (timedelta(seconds=-2), 1000, 30, "a", Score(1000, True, 0)),  # clock skew: clamped at 0
        (timedelta(seconds=3), 1000, 30, "b", Score(0, False, 3000)),
        (timedelta(minutes=7), 800, None, "a", Score(800, True, 420000)),  # no limit: full points
        (timedelta(minutes=7), 800, None, "c", Score(0, False, 420000)),
    ],
)
def test_score(elapsed: timedelta, points: int, limit: int | None, option: str, expected: Score) -> None:
    activity = built(points=points, time_limit_seconds=limit)
    assert quiz.score(activity, {"option_id": option}, T0 + elapsed) == expected


def test_compute_score_formula_matches_float_where_unambiguous() -> None:
    for elapsed_ms in range(0, 30001, 997):
        exact = 1000 * (1 - 0.5 * elapsed_ms / 30000)
        if abs(exact - int(exact) - 0.5) > 1e-6:
            assert compute_score(1000, 30, elapsed_ms, True) == round(exact)


def test_submit_scores_and_refuses_second_answer_and_late_answer() -> None:
    activity = live_activity(
        "quiz", cfg(time_limit_seconds=30), activated_at=timezone.now() - timedelta(seconds=3)
    )
    participant = ParticipantFactory(session=activity.session)
    response, created = response_submit(
        participant=participant, activity=activity, response_data={"option_id": "a"}
    )
    assert created and response.is_correct is True
    assert 2900 <= response.elapsed_ms <= 10000 and 833 <= response.score <= 952
    with pytest.raises(AlreadyAnswered):
        response_submit(participant=participant, activity=activity, response_data={"option_id": "b"})

    late = live_activity(
        "quiz", cfg(time_limit_seconds=5), activated_at=timezone.now() - timedelta(seconds=6)
    )
    with pytest.raises(TimeUp):
        response_submit(
            participant=ParticipantFactory(session=late.session),
            activity=late,
            response_data={"option_id": "a"},
        )


# --- visibility -------------------------------------------------------------------------------


def test_secret_until_revealed() -> None:
    activity = live_activity("quiz", cfg(time_limit_seconds=None))
    for option in ["a", "b", "a"]:
        response_submit(
            participant=ParticipantFactory(session=activity.session),
            activity=activity,
            response_data={"option_id": option},
        )
    now = timezone.now()
    assert not quiz.is_revealed(activity, now)
    assert "correct_option_id" not in quiz.public_config(activity, now)
    assert quiz.public_config(activity, now)["options"] == activity.config["options"]
    assert activity_public_results(activity, now) == {"type": "quiz", "total_responses": 3, "revealed": False}
    # leaderboard does not count an unrevealed question
    assert leaderboard(activity.session, None) == []

    activity_reveal(activity=activity)
    assert quiz.public_config(activity, now)["correct_option_id"] == "a"
    public = activity_public_results(activity, now)
    assert public is not None
    assert public["revealed"] is True and public["total_responses"] == 3
    assert public["options"] == [
        {"id": "a", "label": "Paris", "count": 2, "correct": True},
        {"id": "b", "label": "Lyon", "count": 1, "correct": False},
        {"id": "c", "label": "Nice", "count": 0, "correct": False},
    ]
    assert [row["score"] for row in public["leaderboard"]] == [1000, 1000, 0]


def test_revealed_by_expiry_or_time_limit() -> None:
    expired = built()
    expired.status = "expired"
    assert quiz.is_revealed(expired, T0)
    assert "correct_option_id" in quiz.public_config(expired, T0)

    timed = built(time_limit_seconds=10)
    assert not quiz.is_revealed(timed, T0 + timedelta(seconds=10))
    assert quiz.is_revealed(timed, T0 + timedelta(seconds=10, milliseconds=1))
    assert "correct_option_id" in quiz.public_config(timed, T0 + timedelta(seconds=11))


def test_full_results_show_everything_before_reveal() -> None:
    activity = ActivityFactory(
        type="quiz",
        config=quiz.validate_config(cfg(time_limit_seconds=None)),
        status="active",
        activated_at=timezone.now(),
    )
    ResponseFactory(
        activity=activity, response_data={"option_id": "c"}, score=0, is_correct=False, elapsed_ms=5
    )
    full = activity_results(activity)
    assert full["revealed"] is False and full["correct_option_id"] == "a" and full["correct_count"] == 0
    assert [o["count"] for o in full["options"]] == [0, 0, 1]
    assert full["leaderboard"] == []


# --- leaderboard ------------------------------------------------------------------------------


def answer(activity: Any, participant: Any, score: int, ms: int) -> None:
    ResponseFactory(
        activity=activity,
        participant=participant,
        response_data={"option_id": "a" if score else "b"},
        score=score,
        is_correct=bool(score),
        elapsed_ms=ms,
    )


def test_leaderboard_order_ties_and_eligibility() -> None:
    session = SessionFactory(status="active")
    config = quiz.validate_config(cfg())
    q1 = ActivityFactory(session=session, type="quiz", config=config, status="expired", activated_at=T0)
    q2 = ActivityFactory(
        session=session, type="quiz", config=config, status="published", activated_at=T0, revealed_at=T0
    )
    hidden = ActivityFactory(
        session=session,
        type="quiz",
        config=quiz.validate_config(cfg(time_limit_seconds=None)),
        status="active",
        activated_at=timezone.now(),
    )
    poll = ActivityFactory(session=session, type="poll")
    zoe, amy, bob, cat, dan = (
        ParticipantFactory(session=session, nickname=n) for n in ["zoe", "Amy", "bob", "cat", "dan"]
    )
    answer(q1, zoe, 900, 2000)
    answer(q2, zoe, 600, 5000)  # zoe 1500 in 7000 ms
    answer(q1, amy, 800, 3000)
    answer(q2, amy, 700, 3000)  # amy 1500 in 6000 ms → ahead of zoe
    answer(q1, bob, 0, 1000)
    answer(q2, bob, 1000, 9000)  # bob 1000 in 10000
    answer(q1, cat, 1000, 10000)  # cat 1000 in 10000 → tie with bob: nickname
    answer(hidden, dan, 1000, 1)  # not eligible yet
    ResponseFactory(activity=poll, participant=dan, response_data={"option_ids": ["a"]})

    rows = leaderboard(session, None)
    assert [(r["nickname"], r["score"], r["correct_count"]) for r in rows] == [
        ("Amy", 1500, 2),
        ("zoe", 1500, 2),
        ("bob", 1000, 1),
        ("cat", 1000, 1),
    ]
    assert rows[0]["participant_id"] == str(amy.pk)
    assert [r["nickname"] for r in leaderboard(session, 2)] == ["Amy", "zoe"]
    # Equal scores share a place (contract v1.2): the order still breaks the tie by time.
    assert [r["rank"] for r in rows] == [1, 1, 3, 3]

    participant_kick(participant=cat)  # kicked participants keep their answers on the board
    assert "cat" in [r["nickname"] for r in leaderboard(session, None)]

    hidden.revealed_at = timezone.now()
    hidden.save()
    assert leaderboard(session, 1)[0]["nickname"] == "Amy"
    dan_row = next(r for r in leaderboard(session, None) if r["nickname"] == "dan")
    assert dan_row == {
        "participant_id": str(dan.pk),
        "nickname": "dan",
        "score": 1000,
        "correct_count": 1,
        "rank": 3,
    }


def test_leaderboard_top_ten_in_public_results() -> None:
    session = SessionFactory(status="active")
    activity = ActivityFactory(
        session=session, type="quiz", config=quiz.validate_config(cfg()), status="expired", activated_at=T0
    )
    for i in range(12):
        answer(activity, ParticipantFactory(session=session, nickname=f"p{i:02d}"), 100 * (i + 1), 1000)
    public = activity_public_results(activity, timezone.now())
    assert public is not None
    assert [r["nickname"] for r in public["leaderboard"]] == [f"p{i:02d}" for i in range(11, 1, -1)]
    assert len(leaderboard(session, None)) == 12


def test_leaderboard_ties_share_a_rank_in_the_api(api: Any) -> None:
    """Nine players on 1,000 points and one on 500: all nine are first, the tenth is tenth."""
    session = SessionFactory(status="active")
    activity = ActivityFactory(
        session=session, type="quiz", config=quiz.validate_config(cfg()), status="expired", activated_at=T0
    )
    for i in range(9):
        answer(activity, ParticipantFactory(session=session, nickname=f"p{i}"), 1000, 1000 + i)
    answer(activity, ParticipantFactory(session=session, nickname="last"), 500, 1)
    items = api.get(f"/api/v1/sessions/{session.pk}/leaderboard").json()["items"]
    assert [(i["nickname"], i["rank"]) for i in items] == [(f"p{i}", 1) for i in range(9)] + [("last", 10)]
    public = activity_public_results(activity, timezone.now())
    assert public is not None and [r["rank"] for r in public["leaderboard"]] == [1] * 9 + [10]


def test_leaderboard_counts_wrong_only_participants_with_zero() -> None:
    session = SessionFactory(status="active")
    activity = ActivityFactory(
        session=session, type="quiz", config=quiz.validate_config(cfg()), status="expired", activated_at=T0
    )
    answer(activity, ParticipantFactory(session=session, nickname="wrong"), 0, 500)
    assert leaderboard(session, None)[0]["score"] == 0
    assert leaderboard(SessionFactory(), None) == []


# --- the lead-in (issue 26): answers open at opens_at = activated_at + lead_in_seconds ------------


def test_lead_in_config_default_and_bounds() -> None:
    without = {k: v for k, v in cfg().items() if k != "lead_in_seconds"}
    assert quiz.validate_config(without)["lead_in_seconds"] == 3
    assert quiz.validate_config(cfg(lead_in_seconds=0))["lead_in_seconds"] == 0
    assert quiz.validate_config(cfg(lead_in_seconds=10))["lead_in_seconds"] == 10
    for bad in (-1, 11, 2.5, "3", True, None):
        with pytest.raises(ValidationFailed) as err:
            quiz.validate_config(cfg(lead_in_seconds=bad))
        assert "config.lead_in_seconds" in err.value.details, bad


def test_lead_in_edges_on_a_controlled_clock() -> None:
    """Just before opens_at: NOT_OPEN_YET; exactly at it: open, full points; the time limit and the
    score count from opens_at, not from the activation."""
    from activities.types.quiz import NotOpenYet

    activity = built(time_limit_seconds=30, lead_in_seconds=3)
    opens = T0 + timedelta(seconds=3)
    assert quiz.current_fields(activity) == {"opens_at": opens.isoformat().replace("+00:00", "Z")}
    with pytest.raises(NotOpenYet) as err:
        quiz.check_answer_allowed(activity, opens - timedelta(microseconds=1))
    assert err.value.code == "NOT_OPEN_YET" and err.value.status_code == 409
    assert err.value.details == {"opens_at": opens.isoformat().replace("+00:00", "Z")}
    quiz.check_answer_allowed(activity, opens)  # exactly at opens_at: allowed
    assert quiz.score(activity, {"option_id": "a"}, opens) == Score(1000, True, 0)
    assert quiz.score(activity, {"option_id": "a"}, opens + timedelta(seconds=15)) == Score(750, True, 15000)
    # The deadline is opens_at + the limit: 33 s after the activation.
    quiz.check_answer_allowed(activity, opens + timedelta(seconds=30))
    with pytest.raises(TimeUp):
        quiz.check_answer_allowed(activity, opens + timedelta(seconds=30, microseconds=1))
    assert not quiz.is_revealed(activity, T0 + timedelta(seconds=31))
    assert quiz.next_visibility_change(activity, T0) == opens + timedelta(seconds=30)


def test_a_config_stored_before_the_lead_in_has_none() -> None:
    legacy = {k: v for k, v in cfg(time_limit_seconds=30).items() if k != "lead_in_seconds"}
    activity = ActivityFactory.build(type="quiz", config=legacy, status="active", activated_at=T0)
    assert quiz.current_fields(activity) == {"opens_at": T0.isoformat().replace("+00:00", "Z")}
    quiz.check_answer_allowed(activity, T0)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The server's clock, set by the test (django.utils.timezone.now everywhere in the process)."""
    at = {"now": T0}
    monkeypatch.setattr("django.utils.timezone.now", lambda: at["now"])
    return at


def test_lead_in_through_the_api(api: Any, organizer: Any, clock: dict[str, Any], settings: Any) -> None:
    """The state's current_activity has opens_at (and the state server_time); an answer before it is
    409 NOT_OPEN_YET with nothing stored; at opens_at it counts, with full points."""
    from conftest import participant_client
    from core.testing import assert_error
    from participants.services import participant_join

    settings.CAJA_SNAPSHOT_MIN_REBUILD_SECONDS = 0
    session = SessionFactory(owner=organizer, status="active")
    activity = ActivityFactory(
        session=session, type="quiz", config=quiz.validate_config(cfg(lead_in_seconds=3)), order=0
    )
    token = participant_join(session=session, nickname="Ana")[1]
    api.force_authenticate(organizer)
    state = api.post(f"/api/v1/sessions/{session.pk}/next")
    assert state.status_code == 200, state.content
    current = state.json()["current_activity"]
    assert current["id"] == str(activity.pk)
    assert current["activated_at"] == T0.isoformat().replace("+00:00", "Z")
    assert current["opens_at"] == (T0 + timedelta(seconds=3)).isoformat().replace("+00:00", "Z")
    assert "server_time" in state.json()
    polled = participant_client(token).get(f"/api/v1/sessions/{session.pk}/state")
    assert polled.status_code == 200
    assert polled.json()["current_activity"]["opens_at"] == current["opens_at"]

    phone = participant_client(token)
    url = f"/api/v1/sessions/{session.pk}/activities/{activity.pk}/responses"
    clock["now"] = T0 + timedelta(seconds=3) - timedelta(milliseconds=1)
    early = phone.post(url, {"response_data": {"option_id": "a"}}, format="json")
    assert_error(early, 409, "NOT_OPEN_YET")
    assert early.json()["error"]["details"]["opens_at"] == current["opens_at"]
    assert not activity.responses.exists()
    clock["now"] = T0 + timedelta(seconds=3)
    on_time = phone.post(url, {"response_data": {"option_id": "a"}}, format="json")
    assert on_time.status_code == 201, on_time.content
    stored = activity.responses.get()
    assert (stored.score, stored.elapsed_ms) == (1000, 0)


def test_lead_in_deadline_through_the_api(
    api: Any, organizer: Any, clock: dict[str, Any], settings: Any
) -> None:
    """The time limit counts from opens_at: an answer 31 s after the activation of a 30-second quiz
    with a 3-second lead-in is in time (half-way score), one just after opens_at + 30 s is TIME_UP."""
    from conftest import participant_client
    from core.testing import assert_error
    from participants.services import participant_join

    settings.CAJA_SNAPSHOT_MIN_REBUILD_SECONDS = 0
    session = SessionFactory(owner=organizer, status="active")
    activity = ActivityFactory(
        session=session,
        type="quiz",
        config=quiz.validate_config(cfg(lead_in_seconds=3, time_limit_seconds=30)),
        order=0,
    )
    tokens = [participant_join(session=session, nickname=n)[1] for n in ("Ana", "Ben")]
    api.force_authenticate(organizer)
    assert api.post(f"/api/v1/sessions/{session.pk}/next").status_code == 200
    url = f"/api/v1/sessions/{session.pk}/activities/{activity.pk}/responses"
    clock["now"] = T0 + timedelta(seconds=18)
    mid = participant_client(tokens[0]).post(url, {"response_data": {"option_id": "a"}}, format="json")
    assert mid.status_code == 201, mid.content
    assert activity.responses.get().score == 750  # 15 s of 30 after opens_at
    clock["now"] = T0 + timedelta(seconds=33, milliseconds=1)
    late = participant_client(tokens[1]).post(url, {"response_data": {"option_id": "a"}}, format="json")
    assert_error(late, 409, "TIME_UP")
    assert activity.responses.count() == 1
