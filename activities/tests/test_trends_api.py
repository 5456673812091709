"""Trends of a series (contract v1.2, "Series and trends"): every type across three sessions, read
from the summaries stored when each tracked activity ended; the minimum group size; options that
changed between sessions; summaries recomputed when responses change afterwards; track-key rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from activities import services
from activities.models import Activity, ActivitySummary, Response
from activities.results import activity_public_results
from activities.tests.factories import ActivityFactory, QuestionFactory, ResponseFactory
from activities.types import get_type
from core.errors import ValidationFailed
from core.testing import assert_error
from participants.services import participant_kick
from participants.tests.factories import ParticipantFactory
from sessions_app.models import AuditEntry, Series, Session, SessionMember
from sessions_app.services import session_complete
from sessions_app.tests.factories import SessionFactory, UserFactory

pytestmark = pytest.mark.django_db

START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
POLL = {"question": "Confident?", "options": [{"id": "yes", "label": "Yes"}, {"id": "no", "label": "No"}]}


def answers(type_key: str, k: int, n: int) -> list[dict[str, Any]]:
    """n answers of session k (0, 1, 2) for a type: what the expected summaries below come from."""
    if type_key == "poll":  # k+1 of 5 say yes
        return [{"option_ids": ["yes" if i <= k else "no"]} for i in range(n)]
    if type_key == "rating":
        return [{"ratings": {"goals": k + 3, "focus": 2}} for _ in range(n)]
    if type_key == "quiz":
        return [{"option_id": "a" if i <= k else "b"} for i in range(n)]
    if type_key == "poker":
        return [{"value": ["2", "3", "5"][k]} for _ in range(n)]
    if type_key == "wordcloud":
        return [{"words": ["Alpha", f"w{k}"]} for _ in range(n)]
    if type_key == "ranking":
        return [{"order": ["perf", "mobile", "onboarding", "reports"]} for _ in range(n)]
    if type_key == "open_text":
        return [{"text": f"wish {i}"} for i in range(n + k)]
    return []  # qna: questions, not responses


EXPECTED = {
    "poll": lambda k: {"yes": [20.0, 40.0, 60.0][k], "no": [80.0, 60.0, 40.0][k]},
    "rating": lambda k: {"goals": float(k + 3), "focus": 2.0, "tools": None},
    "quiz": lambda k: {"correct_percentage": [20.0, 40.0, 60.0][k]},
    "poker": lambda k: {"median": [2, 3, 5][k]},
    "wordcloud": lambda k: {"top": ["Alpha", f"w{k}"]},
    "ranking": lambda k: {"perf": 15, "mobile": 10, "onboarding": 5, "reports": 0},
    "open_text": lambda k: {"count": 5 + k},
    "qna": lambda k: {"count": 5 + k},
}
TYPES = list(EXPECTED)


def config_of(type_key: str) -> dict[str, Any]:
    if type_key == "poll":
        return dict(POLL)
    if type_key == "quiz":
        return {
            "question": "2+2?",
            "options": [{"id": "a", "label": "4"}, {"id": "b", "label": "5"}],
            "correct_option_id": "a",
        }
    demo = get_type(type_key).demo
    assert demo is not None
    return dict(demo["config"])


def run_session(
    owner: Any,
    series: Series | None,
    k: int,
    *,
    n: int = 5,
    types: list[str] | None = None,
    configs: dict[str, dict[str, Any]] | None = None,
    rehearsal: bool = False,
) -> Session:
    """A session of the series, started k days after START, whose tracked activities each run in
    turn (activating the next ends the previous one) and end with the session."""
    session = SessionFactory(
        owner=owner,
        series=series,
        status="active",
        rehearsal=rehearsal,
        started_at=START + timedelta(days=k),
        name=f"Retro {k}",
    )
    people = [ParticipantFactory(session=session) for _ in range(n + 2)]
    for order, type_key in enumerate(types or TYPES):
        config = (configs or {}).get(type_key) or config_of(type_key)
        activity = ActivityFactory(
            session=session,
            type=type_key,
            order=order,
            title=f"Question {type_key}",
            config=get_type(type_key).validate_config(config),
            track_key=f"q-{type_key}",
            status="published",
        )
        services.activity_set_status(activity=activity, status="active")
        for person, data in zip(people, answers(type_key, k, n), strict=False):
            ResponseFactory(activity=activity, participant=person, response_data=data)
        if type_key == "qna":
            for person in (people * 2)[: n + k]:
                QuestionFactory(activity=activity, participant=person)
    session_complete(session=session)
    return session


@pytest.fixture
def series(organizer: Any) -> Series:
    return Series.objects.create(owner=organizer, name="Retros")


def trends(client: Any, series: Series) -> dict[str, Any]:
    resp = client.get(f"/api/v1/series/{series.pk}/trends")
    assert resp.status_code == 200, resp.content
    return resp.json()


def by_key(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["track_key"]: item for item in body["items"]}


def test_trends_of_every_type_across_three_sessions(org_api: Any, organizer: Any, series: Series) -> None:
    sessions = [run_session(organizer, series, k) for k in (2, 0, 1)]  # created out of order
    # Every tracked activity got its summary when it ended (by the next one, or the session's end).
    assert ActivitySummary.objects.count() == 3 * len(TYPES)
    items = by_key(trends(org_api, series))
    assert set(items) == {f"q-{t}" for t in TYPES}
    for type_key in TYPES:
        item = items[f"q-{type_key}"]
        assert item["type"] == type_key and item["title"] == f"Question {type_key}"
        points = item["points"]
        # oldest first (by the session's start)
        assert [p["session_name"] for p in points] == ["Retro 0", "Retro 1", "Retro 2"]
        assert [p["session_id"] for p in points] == [
            str(s.pk) for s in (sessions[1], sessions[2], sessions[0])
        ]
        assert points[0]["date"] == "2026-01-05T09:00:00Z"
        assert [p["summary"] for p in points] == [EXPECTED[type_key](k) for k in range(3)], type_key
        assert all(p["too_few"] is False for p in points)
    assert items["q-poll"]["matched"] == ["yes", "no"]
    assert items["q-poll"]["labels"] == {"yes": "Yes", "no": "No"}


def test_trends_are_read_from_stored_summaries(org_api: Any, organizer: Any, series: Series) -> None:
    run_session(organizer, series, 0, types=["poll"])
    # Responses changed behind the services' back are not recounted on a read.
    Response.objects.all().delete()
    assert by_key(trends(org_api, series))["q-poll"]["points"][0]["summary"] == {"yes": 20.0, "no": 80.0}


def test_a_summary_of_too_few_answers_is_not_shown(
    org_api: Any, organizer: Any, series: Series, settings: Any
) -> None:
    run_session(organizer, series, 0, types=["poll", "rating"])
    run_session(organizer, series, 1, n=4, types=["poll", "rating"])
    items = by_key(trends(org_api, series))
    few = items["q-poll"]["points"][1]
    assert few["summary"] is None and few["too_few"] is True and few["responses"] == 4
    assert items["q-rating"]["points"][1]["summary"] is None
    assert items["q-poll"]["points"][0]["summary"] is not None
    settings.SERIES_MIN_RESPONSES = 3  # configurable
    assert by_key(trends(org_api, series))["q-poll"]["points"][1]["summary"] == {"yes": 50.0, "no": 50.0}


def test_changed_options_show_what_matches_and_say_what_does_not(
    org_api: Any, organizer: Any, series: Series
) -> None:
    run_session(organizer, series, 0, types=["poll"])
    run_session(organizer, series, 1, types=["poll"])
    renamed = {
        "question": "Confident?",
        "options": [{"id": "yes", "label": "Yes!"}, {"id": "maybe", "label": "Maybe"}],
    }
    run_session(organizer, series, 2, types=["poll"], configs={"poll": renamed})
    item = by_key(trends(org_api, series))["q-poll"]
    assert item["matched"] == ["yes"]
    assert item["labels"] == {"yes": "Yes!", "no": "No", "maybe": "Maybe"}
    assert [p["unmatched"] for p in item["points"]] == [["no"], ["no"], ["maybe"]]
    # nothing lost: each point keeps its whole summary
    assert item["points"][2]["summary"] == {"yes": 60.0, "maybe": 0.0}


def test_rehearsals_and_untracked_activities_are_left_out(
    org_api: Any, organizer: Any, series: Series
) -> None:
    run_session(organizer, series, 0, types=["poll"])
    run_session(organizer, series, 1, types=["poll"], rehearsal=True)
    untracked = ActivityFactory(session=Session.objects.get(name="Retro 0"), type="poll", status="expired")
    assert untracked.track_key is None
    points = by_key(trends(org_api, series))["q-poll"]["points"]
    assert [p["session_name"] for p in points] == ["Retro 0"]


def test_other_series_and_sessions_outside_a_series_are_left_out(
    org_api: Any, organizer: Any, series: Series
) -> None:
    run_session(organizer, series, 0, types=["poll"])
    run_session(organizer, Series.objects.create(owner=organizer, name="Other"), 1, types=["poll"])
    run_session(organizer, None, 2, types=["poll"])
    assert len(by_key(trends(org_api, series))["q-poll"]["points"]) == 1


def test_summary_recomputed_when_an_answer_is_hidden_afterwards(
    org_api: Any, organizer: Any, series: Series
) -> None:
    run_session(organizer, series, 0, types=["open_text"])
    response = Response.objects.first()
    assert response is not None
    services.response_set_hidden(response=response, hidden=True)
    point = by_key(trends(org_api, series))["q-open_text"]["points"][0]
    assert point["summary"] == {"count": 4} or point["too_few"]
    assert ActivitySummary.objects.get().count == 4


def test_summary_recomputed_after_a_kick_purges_answers(
    org_api: Any, organizer: Any, series: Series, settings: Any
) -> None:
    settings.SERIES_MIN_RESPONSES = 1
    session = run_session(organizer, series, 0, types=["poll"])
    yes = Response.objects.get(response_data__option_ids=["yes"])
    participant_kick(participant=yes.participant, purge=True)
    assert ActivitySummary.objects.get().stale is True  # recomputed after the commit, or on read
    point = by_key(trends(org_api, series))["q-poll"]["points"][0]
    assert point["summary"] == {"yes": 0.0, "no": 100.0} and point["responses"] == 4
    assert session.pk


def test_organizer_results_gain_the_earlier_points(org_api: Any, organizer: Any, series: Series) -> None:
    for k in range(3):
        run_session(organizer, series, k, types=["poll"])
    latest = Activity.objects.get(session__name="Retro 2")
    resp = org_api.get(f"/api/v1/sessions/{latest.session_id}/activities/{latest.pk}/results")
    assert resp.status_code == 200
    trend = resp.json()["results"]["trend"]
    assert [p["session_name"] for p in trend] == ["Retro 0", "Retro 1"]
    assert trend[-1]["summary"] == {"yes": 40.0, "no": 60.0}
    untracked = ActivityFactory(session=latest.session, type="poll", config=POLL)
    resp = org_api.get(f"/api/v1/sessions/{latest.session_id}/activities/{untracked.pk}/results")
    assert "trend" not in resp.json()["results"]
    # the session's results too (one query for all its tracked activities)
    body = org_api.get(f"/api/v1/sessions/{latest.session_id}/results").json()
    by_id = {a["id"]: a["results"] for a in body["activities"]}
    assert by_id[str(latest.pk)]["trend"] == trend
    assert "trend" not in by_id[str(untracked.pk)]


# --- track keys ----------------------------------------------------------------------------------


def test_track_key_set_through_the_api_is_validated(org_api: Any, organizer: Any) -> None:
    session = SessionFactory(owner=organizer)
    url = f"/api/v1/sessions/{session.pk}/activities"
    resp = org_api.post(url, {"type": "poll", "config": POLL, "track_key": "confidence"}, format="json")
    assert resp.status_code == 201, resp.content
    assert resp.json()["track_key"] == "confidence"
    for bad in ("Has Caps", "x" * 41, "a/b"):
        error = assert_error(
            org_api.post(url, {"type": "poll", "config": POLL, "track_key": bad}, format="json"),
            400,
            "VALIDATION_ERROR",
        )
        assert "track_key" in error["details"]
    activity = Activity.objects.get(track_key="confidence")
    resp = org_api.patch(f"{url}/{activity.pk}", {"track_key": None}, format="json")
    assert resp.status_code == 200 and resp.json()["track_key"] is None
    activity.refresh_from_db()
    assert activity.track_key is None
    assert AuditEntry.objects.filter(action="activity.track_key", target_id=str(activity.pk)).exists()


def test_a_track_key_reused_for_another_type_in_the_series_is_refused(
    org_api: Any, organizer: Any, series: Series
) -> None:
    run_session(organizer, series, 0, types=["poll"])
    nxt = SessionFactory(owner=organizer, series=series)
    url = f"/api/v1/sessions/{nxt.pk}/activities"
    error = assert_error(
        org_api.post(url, {"type": "rating", "track_key": "q-poll"}, format="json"), 400, "VALIDATION_ERROR"
    )
    assert "q-poll" in error["details"]["track_key"][0]
    assert not nxt.activities.exists()
    # the same key and type is what a trend is made of
    assert (
        org_api.post(url, {"type": "poll", "config": POLL, "track_key": "q-poll"}, format="json").status_code
        == 201
    )
    # a session whose tracked activity clashes may not join the series either
    outside = SessionFactory(owner=organizer)
    ActivityFactory(session=outside, type="ranking", track_key="q-poll")
    error = assert_error(
        org_api.patch(f"/api/v1/sessions/{outside.pk}", {"series_id": str(series.pk)}, format="json"),
        400,
        "VALIDATION_ERROR",
    )
    assert "series_id" in error["details"]
    outside.refresh_from_db()
    assert outside.series_id is None


def test_a_tracked_activity_that_ended_untracked_gets_its_summary(
    org_api: Any, organizer: Any, series: Series
) -> None:
    session = run_session(organizer, series, 0, types=["poll"])
    activity = session.activities.get()
    services.activity_set_track_key(activity=activity, track_key=None)
    assert not ActivitySummary.objects.exists()
    services.activity_set_track_key(activity=activity, track_key="later")
    assert by_key(trends(org_api, series))["later"]["points"][0]["summary"] == {"yes": 20.0, "no": 80.0}


def test_rehearsal_end_drops_its_summaries(organizer: Any, series: Series) -> None:
    session = run_session(organizer, series, 0, types=["poll"], rehearsal=True)
    assert ActivitySummary.objects.exists()
    services.session_rehearsal_end(session=session)
    assert not ActivitySummary.objects.exists()


def test_the_big_screens_state_carries_last_times_point(api: Any, organizer: Any, series: Series) -> None:
    run_session(organizer, series, 0, types=["poll"])
    run_session(organizer, series, 1, types=["poll"])
    third = SessionFactory(
        owner=organizer, series=series, status="active", started_at=START + timedelta(days=2)
    )
    tracked = ActivityFactory(session=third, type="poll", config=POLL, track_key="q-poll", status="published")
    services.activity_set_status(activity=tracked, status="active")
    state = api.get(f"/api/v1/sessions/{third.pk}/state").json()
    previous = state["current_activity"]["results"]["previous"]
    assert previous["session_name"] == "Retro 1"
    assert previous["summary"] == {"yes": 40.0, "no": 60.0} and previous["too_few"] is False
    untracked = ActivityFactory(session=third, type="poll", config=POLL, status="expired")
    public = activity_public_results(untracked)
    assert public is not None and "previous" not in public


def test_a_read_after_a_change_is_never_the_cached_body(
    org_api: Any, organizer: Any, series: Series, settings: Any
) -> None:
    settings.SERIES_MIN_RESPONSES = 1
    session = run_session(organizer, series, 0, types=["poll", "open_text"])
    assert by_key(trends(org_api, series))["q-open_text"]["points"][0]["summary"] == {"count": 5}
    # an answer hidden afterwards
    services.response_set_hidden(
        response=Response.objects.filter(activity__type="open_text").first(), hidden=True
    )
    assert by_key(trends(org_api, series))["q-open_text"]["points"][0]["summary"] == {"count": 4}
    # the session renamed, the question retitled
    assert (
        org_api.patch(f"/api/v1/sessions/{session.pk}", {"name": "March"}, format="json").status_code == 200
    )
    poll = Activity.objects.get(type="poll")
    services.activity_update(activity=poll, title="How sure are we?")
    item = by_key(trends(org_api, series))["q-poll"]
    assert item["points"][0]["session_name"] == "March" and item["title"] == "How sure are we?"
    # the session leaves the series
    assert (
        org_api.patch(f"/api/v1/sessions/{session.pk}", {"series_id": None}, format="json").status_code == 200
    )
    assert trends(org_api, series) == {"items": []}


def test_session_definitions_carry_track_keys(organizer: Any) -> None:
    from activities.definitions import session_definition, session_import

    session = SessionFactory(owner=organizer)
    services.activity_create(
        session=session, type="poll", config=POLL, title="Tracked", track_key="confidence"
    )
    services.activity_create(session=session, type="poll", config=POLL, title="Not tracked")
    definition = session_definition(session)
    activities = definition["session"]["activities"]
    assert activities[0]["track_key"] == "confidence" and "track_key" not in activities[1]
    copy = session_import(owner=organizer, data=definition)
    assert list(copy.activities.order_by("order").values_list("track_key", flat=True)) == ["confidence", None]
    activities[0]["track_key"] = "Not Valid"
    with pytest.raises(ValidationFailed) as exc:
        session_import(owner=organizer, data=definition)
    assert "session.activities.0.track_key" in exc.value.details
    assert Session.objects.count() == 2


# --- who reads the trends: the series' owner all of them, a member of its sessions theirs ---------


def test_a_member_reads_the_trends_of_their_session_with_labels(
    org_api: Any, api: Any, organizer: Any, series: Series
) -> None:
    sessions = [run_session(organizer, series, k, types=["poll"]) for k in range(8)]
    run_session(organizer, series, 8, types=["quiz"])  # a tracked question Carol's session has not
    carol, pat = UserFactory(username="carol"), UserFactory(username="pat")
    SessionMember.objects.create(session=sessions[6], user=carol, role="co_organizer")
    SessionMember.objects.create(session=sessions[6], user=pat, role="presenter")
    url = f"/api/v1/series/{series.pk}/trends"

    everything = by_key(trends(org_api, series))
    assert set(everything) == {"q-poll", "q-quiz"} and len(everything["q-poll"]["points"]) == 8

    for member in (carol, pat):  # every member holds "read": the trend their results carry
        api.force_authenticate(member)
        body = trends(api, series)
        assert [item["track_key"] for item in body["items"]] == ["q-poll"]
        poll = body["items"][0]
        # Their session and up to 5 earlier ones, as the results' "trend" (never a later session).
        assert [p["session_name"] for p in poll["points"]] == [f"Retro {k}" for k in range(1, 7)]
        assert poll["labels"] == {"yes": "Yes", "no": "No"} and poll["matched"] == ["yes", "no"]
        assert poll["points"][-1]["summary"] == everything["q-poll"]["points"][6]["summary"]
        # Read-only: the series itself stays its owner's.
        assert_error(api.get(f"/api/v1/series/{series.pk}"), 404, "NOT_FOUND")
        assert_error(api.patch(f"/api/v1/series/{series.pk}", {"name": "x"}, format="json"), 404, "NOT_FOUND")
        assert_error(api.delete(f"/api/v1/series/{series.pk}"), 404, "NOT_FOUND")
    assert Series.objects.get(pk=series.pk).name == "Retros"

    # Another organizer, even one on the team of a session outside the series: 404, as today.
    dave = UserFactory(username="dave")
    SessionMember.objects.create(session=SessionFactory(owner=organizer), user=dave, role="co_organizer")
    api.force_authenticate(dave)
    assert_error(api.get(url), 404, "NOT_FOUND")
    # A session that leaves the series takes its members' view with it.
    sessions[6].series = None
    sessions[6].save(update_fields=["series"])
    api.force_authenticate(carol)
    assert_error(api.get(url), 404, "NOT_FOUND")
