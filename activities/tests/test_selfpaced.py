"""Self-paced sessions (contract v1.2): pace and schedule, the clock that opens and closes a session
by itself, the open activities, a timed quiz's per-person start, progress, completion, and the one
shared state. Time is a controlled clock (core.testing.Clock): boundaries are hit exactly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from activities import services as activity_services
from activities.models import Activity, ActivityStart, Response
from activities.tests.factories import QNA_CONFIG, QUIZ_CONFIG
from conftest import participant_client
from core.testing import Clock, assert_error
from live import polling
from live.snapshot import forget_local
from participants import services as participant_services
from sessions_app.models import AuditEntry, Session
from sessions_app.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 2, 9, 0, 0, tzinfo=UTC)
POLL = {"question": "Lunch?", "options": [{"id": "a", "label": "Pizza"}, {"id": "b", "label": "Salad"}]}
RATING = {"question": "How was it?", "statements": [{"id": "s1", "label": "Pace"}]}


@pytest.fixture(autouse=True)
def _fresh_process_state(settings: Any) -> Any:
    settings.CAJA_SNAPSHOT_MIN_REBUILD_SECONDS = 0
    settings.CAJA_VERSION_MEMO_SECONDS = 0
    forget_local()
    polling.reset()
    yield
    forget_local()


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return Clock(monkeypatch, T0)


def _self_session(organizer: Any, *, opens: int | None = None, closes: int | None = None) -> Session:
    """A draft self-paced session opening/closing ``opens``/``closes`` seconds after T0, with a
    poll, a timed quiz (30 s), a rating, a Q&A (takes no answers) and a draft poll (not open)."""
    session = SessionFactory(
        owner=organizer,
        pace="self",
        opens_at=T0 + timedelta(seconds=opens) if opens is not None else None,
        closes_at=T0 + timedelta(seconds=closes) if closes is not None else None,
    )
    for order, (kind, config) in enumerate(
        [("poll", POLL), ("quiz", QUIZ_CONFIG), ("rating", RATING), ("qna", QNA_CONFIG)], start=1
    ):
        activity = activity_services.activity_create(
            session=session, type=kind, config=config, title=f"A{order}", order=order
        )
        activity_services.activity_set_status(activity=activity, status="published")
    activity_services.activity_create(session=session, type="poll", config=POLL, title="Later", order=9)
    return session


def _acts(session: Session) -> dict[str, Activity]:
    return {a.type: a for a in Activity.objects.filter(session=session, status="published")}


def _join(session: Session, nickname: str = "Ana") -> Any:
    participant, token = participant_services.participant_join(session=session, nickname=nickname)
    return participant, participant_client(token)


def _answer(client: Any, activity: Activity, data: dict[str, Any]) -> Any:
    url = f"/api/v1/sessions/{activity.session_id}/activities/{activity.pk}/responses"
    return client.post(url, {"response_data": data}, format="json")


def _start(client: Any, activity: Activity) -> Any:
    return client.post(f"/api/v1/sessions/{activity.session_id}/activities/{activity.pk}/start")


def _state(session: Session, client: Any = None) -> Any:
    from rest_framework.test import APIClient

    resp = (client or APIClient()).get(f"/api/v1/sessions/{session.pk}/state")
    assert resp.status_code == 200, resp.content
    return resp


def _status(session: Session) -> str:
    return Session.objects.values_list("status", flat=True).get(pk=session.pk)


# --- pace and schedule ------------------------------------------------------------------------


def test_pace_defaults_to_live_and_self_paced_session_is_created_with_its_times(org_api):
    resp = org_api.post("/api/v1/sessions", {"name": "Live"}, format="json")
    assert resp.status_code == 201, resp.content
    assert (resp.json()["pace"], resp.json()["opens_at"], resp.json()["closes_at"]) == ("live", None, None)
    resp = org_api.post(
        "/api/v1/sessions",
        {
            "name": "Async",
            "pace": "self",
            "opens_at": "2026-03-02T09:00:00Z",
            "closes_at": "2026-03-03T09:00:00Z",
        },
        format="json",
    )
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert (body["pace"], body["opens_at"], body["closes_at"]) == (
        "self",
        "2026-03-02T09:00:00Z",
        "2026-03-03T09:00:00Z",
    )
    assert Session.objects.get(pk=body["id"]).pace == "self"


@pytest.mark.parametrize("closes", ["2026-03-02T09:00:00Z", "2026-03-02T08:00:00Z"])
def test_closing_not_after_opening_is_400_and_nothing_changes(org_api, organizer, closes):
    resp = org_api.post(
        "/api/v1/sessions",
        {"name": "X", "pace": "self", "opens_at": "2026-03-02T09:00:00Z", "closes_at": closes},
        format="json",
    )
    assert_error(resp, 400, "VALIDATION_ERROR")
    assert "closes_at" in resp.json()["error"]["details"]
    assert not Session.objects.filter(name="X").exists()
    session = SessionFactory(owner=organizer, pace="self", opens_at=T0)
    resp = org_api.patch(f"/api/v1/sessions/{session.pk}", {"closes_at": closes}, format="json")
    assert_error(resp, 400, "VALIDATION_ERROR")
    assert Session.objects.get(pk=session.pk).closes_at is None


def test_pace_changes_while_draft_only(org_api, organizer):
    session = SessionFactory(owner=organizer)
    resp = org_api.patch(f"/api/v1/sessions/{session.pk}", {"pace": "self"}, format="json")
    assert resp.status_code == 200, resp.content
    assert resp.json()["pace"] == "self"
    Session.objects.filter(pk=session.pk).update(status="active")
    resp = org_api.patch(f"/api/v1/sessions/{session.pk}", {"pace": "live", "name": "Renamed"}, format="json")
    assert_error(resp, 409, "INVALID_TRANSITION")
    session.refresh_from_db()
    assert (session.pace, session.name) == ("self", session.name)
    assert session.name != "Renamed"
    # The same pace again is no change: allowed.
    resp = org_api.patch(f"/api/v1/sessions/{session.pk}", {"pace": "self"}, format="json")
    assert resp.status_code == 200, resp.content


def test_next_and_activating_are_409_in_an_active_self_paced_session(org_api, organizer, clock):
    session = _self_session(organizer, opens=0)
    poll = _acts(session)["poll"]
    resp = org_api.post(f"/api/v1/sessions/{session.pk}/next")
    assert_error(resp, 409, "INVALID_TRANSITION")
    resp = org_api.patch(f"/api/v1/activities/{poll.pk}/status", {"status": "active"}, format="json")
    assert_error(resp, 409, "INVALID_TRANSITION")
    assert _state(session).json()["session"]["status"] == "active"
    session.refresh_from_db()
    assert session.current_activity_id is None
    assert Activity.objects.get(pk=poll.pk).status == "published"


# --- the clock: opening ---------------------------------------------------------------------


def test_before_opening_joining_works_and_answers_are_not_open_yet(organizer, clock):
    session = _self_session(organizer, opens=60)
    participant, client = _join(session)
    acts = _acts(session)
    clock.set(T0 + timedelta(seconds=60) - timedelta(microseconds=1))
    assert_error(_answer(client, acts["poll"], {"option_ids": ["a"]}), 409, "NOT_OPEN_YET")
    assert_error(_start(client, acts["quiz"]), 409, "NOT_OPEN_YET")
    state = _state(session).json()
    assert state["session"]["status"] == "draft"
    assert state["session"]["opens_at"] == "2026-03-02T09:01:00Z"
    assert not Response.objects.exists() and not ActivityStart.objects.exists()
    assert _status(session) == "draft"


def test_opens_exactly_at_opens_at_on_a_poll_alone_and_the_version_moves(organizer, clock):
    session = _self_session(organizer, opens=60)
    clock.set(T0 + timedelta(seconds=59))
    before = _state(session)
    assert before.json()["session"]["status"] == "draft"
    clock.set(T0 + timedelta(seconds=60))  # exactly the opening time; no other request meanwhile
    after = _state(session)
    assert after.json()["session"]["status"] == "active"
    assert after.json()["version"] != before.json()["version"]
    assert after["ETag"] != before["ETag"]
    session.refresh_from_db()
    assert (session.status, session.started_at) == ("active", T0 + timedelta(seconds=60))
    assert (
        AuditEntry.objects.filter(session=session, action="session.status", details__by="clock").count() == 1
    )


def test_the_first_answer_after_opening_opens_the_session(organizer, clock):
    session = _self_session(organizer, opens=60)
    _, client = _join(session)
    clock.set(T0 + timedelta(seconds=60))
    resp = _answer(client, _acts(session)["poll"], {"option_ids": ["a"]})
    assert resp.status_code == 201, resp.content
    assert _status(session) == "active"


# --- the clock: closing ---------------------------------------------------------------------


def test_completes_exactly_at_closes_at_with_no_request_but_a_poll(organizer, clock):
    session = _self_session(organizer, opens=0, closes=600)
    _, client = _join(session)
    poll = _acts(session)["poll"]
    assert _answer(client, poll, {"option_ids": ["a"]}).status_code == 201
    clock.set(T0 + timedelta(seconds=599))
    before = _state(session)
    assert before.json()["session"]["status"] == "active"
    clock.set(T0 + timedelta(seconds=600))
    after = _state(session)
    assert after.json()["session"]["status"] == "completed"
    assert after.json()["version"] != before.json()["version"]
    session.refresh_from_db()
    assert (session.status, session.completed_at) == ("completed", T0 + timedelta(seconds=600))
    assert_error(_answer(client, poll, {"option_ids": ["b"]}), 409, "SESSION_NOT_ACTIVE")
    assert Response.objects.get().response_data == {"option_ids": ["a"]}


def test_an_answer_exactly_at_closes_at_is_refused_and_completes_the_session(organizer, clock):
    session = _self_session(organizer, opens=0, closes=600)
    _, client = _join(session)
    poll = _acts(session)["poll"]
    _state(session)  # the rules and the snapshot are cached while active
    clock.set(T0 + timedelta(seconds=600))
    assert_error(_answer(client, poll, {"option_ids": ["a"]}), 409, "SESSION_NOT_ACTIVE")
    assert _status(session) == "completed"
    assert not Response.objects.exists()


def test_the_status_endpoint_sees_the_clock_too(organizer, clock, api):
    session = _self_session(organizer, opens=0, closes=10)
    assert api.get(f"/api/v1/sessions/{session.pk}/status").json()["status"] == "active"
    clock.advance(10)
    assert api.get(f"/api/v1/sessions/{session.pk}/status").json()["status"] == "completed"


# --- open activities and answers --------------------------------------------------------------


def test_every_published_activity_is_open_replace_types_re_answer_quiz_is_final(organizer, clock):
    session = _self_session(organizer, opens=0)
    _, client = _join(session)
    acts = _acts(session)
    # Backwards order on purpose: each person walks back and forth.
    assert _answer(client, acts["rating"], {"ratings": {"s1": 4}}).status_code == 201
    assert _answer(client, acts["poll"], {"option_ids": ["a"]}).status_code == 201
    assert _answer(client, acts["poll"], {"option_ids": ["b"]}).status_code == 200
    assert _answer(client, acts["rating"], {"ratings": {"s1": 2}}).status_code == 200
    assert _start(client, acts["quiz"]).status_code == 200
    assert _answer(client, acts["quiz"], {"option_id": "b"}).status_code == 201
    assert_error(_answer(client, acts["quiz"], {"option_id": "a"}), 409, "ALREADY_ANSWERED")
    draft = Activity.objects.get(session=session, status="draft")
    assert_error(_answer(client, draft, {"option_ids": ["a"]}), 409, "ACTIVITY_NOT_ACTIVE")
    stored = {r.activity_id: r.response_data for r in Response.objects.all()}
    assert stored == {
        acts["poll"].pk: {"option_ids": ["b"]},
        acts["rating"].pk: {"ratings": {"s1": 2}},
        acts["quiz"].pk: {"option_id": "b"},
    }


def test_timed_quiz_start_deadline_and_score_per_person(organizer, clock):
    session = _self_session(organizer, opens=0)
    ana, ana_client = _join(session, "Ana")
    bo, bo_client = _join(session, "Bo")
    quiz = _acts(session)["quiz"]
    assert_error(_answer(ana_client, quiz, {"option_id": "a"}), 409, "NOT_STARTED")
    clock.advance(100)
    resp = _start(ana_client, quiz)
    assert resp.status_code == 200, resp.content
    started = T0 + timedelta(seconds=100)
    assert resp.json() == {"started_at": "2026-03-02T09:01:40Z", "deadline": "2026-03-02T09:02:10Z"}
    clock.advance(5)
    assert _start(ana_client, quiz).json()["started_at"] == "2026-03-02T09:01:40Z"  # first call wins
    assert ActivityStart.objects.filter(participant=ana).count() == 1
    # Bo starts later: his own clock.
    assert _start(bo_client, quiz).json()["deadline"] == "2026-03-02T09:02:15Z"
    clock.set(started + timedelta(seconds=15))  # half the limit: 1000 * (1 - 0.5 * 0.5)
    assert _answer(ana_client, quiz, {"option_id": "a"}).status_code == 201
    answer = Response.objects.get(participant=ana)
    assert (answer.score, answer.is_correct, answer.elapsed_ms) == (750, True, 15000)
    clock.set(started + timedelta(seconds=35, microseconds=1))  # Bo's deadline has just passed
    assert_error(_answer(bo_client, quiz, {"option_id": "a"}), 409, "TIME_UP")
    assert not Response.objects.filter(participant=bo).exists()


def test_exactly_at_the_deadline_is_still_in_time(organizer, clock):
    session = _self_session(organizer, opens=0)
    _, client = _join(session)
    quiz = _acts(session)["quiz"]
    _start(client, quiz)
    clock.advance(30)
    resp = _answer(client, quiz, {"option_id": "b"})
    assert resp.status_code == 201, resp.content


def test_mine_tells_the_verdict_after_answering_and_the_state_never_does(organizer, clock):
    session = _self_session(organizer, opens=0, closes=3600)
    _, client = _join(session)
    quiz = _acts(session)["quiz"]
    _start(client, quiz)
    _answer(client, quiz, {"option_id": "b"})
    mine = client.get(f"/api/v1/sessions/{session.pk}/activities/{quiz.pk}/responses/mine")
    assert mine.status_code == 200, mine.content
    assert (mine.json()["correct"], mine.json()["correct_option_id"], mine.json()["score"]) == (False, "a", 0)
    clock.advance(60)  # past this person's deadline: still secret on the shared state
    state = _state(session, client).json()
    quiz_item = next(a for a in state["activities"] if a["type"] == "quiz")
    assert "correct_option_id" not in quiz_item["config"]
    assert "correct_option_id" not in _state(session).text.replace('"correct_option_id":null', "")
    clock.set(T0 + timedelta(seconds=3600))
    state = _state(session).json()
    assert state["session"]["status"] == "completed"
    assert next(a for a in state["activities"] if a["type"] == "quiz")["config"]["correct_option_id"] == "a"


def test_live_session_mine_has_no_verdict_and_start_is_409(org_api, organizer, clock):
    session = SessionFactory(owner=organizer, status="active")
    quiz = activity_services.activity_create(session=session, type="quiz", config=QUIZ_CONFIG, title="Q")
    activity_services.activity_set_status(activity=quiz, status="active")
    _, client = _join(session)
    assert_error(_start(client, quiz), 409, "INVALID_TRANSITION")
    assert _answer(client, quiz, {"option_id": "a"}).status_code == 201
    mine = client.get(f"/api/v1/sessions/{session.pk}/activities/{quiz.pk}/responses/mine").json()
    assert "correct" not in mine and "correct_option_id" not in mine


# --- the one shared state ---------------------------------------------------------------------


def test_state_lists_open_activities_in_order_without_results_same_for_every_phone(organizer, clock):
    session = _self_session(organizer, opens=0)
    _, ana = _join(session, "Ana")
    _, bo = _join(session, "Bo")
    _answer(ana, _acts(session)["poll"], {"option_ids": ["a"]})
    first, second = _state(session, ana), _state(session, bo)
    assert first.content.split(b',"server_time"')[0] == second.content.split(b',"server_time"')[0]
    assert first["ETag"] == second["ETag"]
    state = first.json()
    assert state["pace"] == "self" and state["current_activity"] is None
    assert [a["title"] for a in state["activities"]] == ["A1", "A2", "A3", "A4"]
    assert set(state["activities"][0]) == {"id", "type", "type_label", "title", "order", "status", "config"}
    assert state["activities"][1]["config"]["time_limit_seconds"] == 30


def test_live_state_keeps_its_shape(organizer, clock):
    session = SessionFactory(owner=organizer, status="active")
    state = _state(session).json()
    assert "pace" not in state and "activities" not in state


# --- progress and completion ------------------------------------------------------------------


def test_progress_counts_the_answerable_activities_in_order(organizer, clock):
    session = _self_session(organizer, opens=0)
    _, client = _join(session)
    acts = _acts(session)
    url = f"/api/v1/sessions/{session.pk}/me/progress"
    body = client.get(url).json()
    assert body == {
        "items": [{"activity_id": str(acts[k].pk), "answered": False} for k in ("poll", "quiz", "rating")],
        "answered": 0,
        "total": 3,
    }
    _answer(client, acts["rating"], {"ratings": {"s1": 3}})
    body = client.get(url).json()
    assert (body["answered"], [i["answered"] for i in body["items"]]) == (1, [False, False, True])
    other = SessionFactory()
    _, stranger = _join(other, "Zed")
    resp = stranger.get(url)
    assert resp.status_code == 403, resp.content


def test_completion_counts_started_and_finished(org_api, organizer, clock):
    session = _self_session(organizer, opens=0)
    acts = _acts(session)
    _, ana = _join(session, "Ana")
    _, bo = _join(session, "Bo")
    _join(session, "Cy")  # joined, never answered
    for key, data in (("poll", {"option_ids": ["a"]}), ("rating", {"ratings": {"s1": 5}})):
        _answer(ana, acts[key], data)
    _start(ana, acts["quiz"])
    _answer(ana, acts["quiz"], {"option_id": "a"})
    _start(bo, acts["quiz"])  # started, answered nothing
    results = org_api.get(f"/api/v1/sessions/{session.pk}/results").json()
    assert results["completion"] == {"started": 2, "finished": 1}
    one = org_api.get(f"/api/v1/sessions/{session.pk}/activities/{acts['poll'].pk}/results").json()
    assert one["completion"] == {"started": 2, "finished": 1}
    assert one["results"]["total_responses"] == 1  # live results, whatever the visibility


# --- exports ----------------------------------------------------------------------------------


def test_exports_add_each_participants_start_and_finish(organizer, clock):
    import csv
    import io
    import json

    from activities.export import iter_session_export

    session = _self_session(organizer, opens=0)
    acts = _acts(session)
    _, ana = _join(session, "Ana")
    clock.advance(1)
    _, bo = _join(session, "Bo")
    clock.advance(9)
    _start(ana, acts["quiz"])  # her start: before any answer
    clock.advance(5)
    _answer(ana, acts["quiz"], {"option_id": "a"})
    _answer(bo, acts["poll"], {"option_ids": ["a"]})
    clock.advance(5)
    _answer(ana, acts["poll"], {"option_ids": ["b"]})
    clock.advance(5)
    _answer(ana, acts["rating"], {"ratings": {"s1": 4}})
    session.refresh_from_db()
    rows = list(csv.DictReader(io.StringIO("".join(iter_session_export(session, "csv")))))
    people = {
        r["nickname"]: (r["started_at"], r["finished_at"]) for r in rows if r["record"] == "participant"
    }
    assert people == {
        "Ana": ("2026-03-02T09:00:10Z", "2026-03-02T09:00:25Z"),
        "Bo": ("2026-03-02T09:00:15Z", ""),
    }
    body = json.loads("".join(iter_session_export(session, "json")))
    assert body["session"]["pace"] == "self"
    assert [(p["nickname"], p["started_at"], p["finished_at"]) for p in body["participants"]] == [
        ("Ana", "2026-03-02T09:00:10Z", "2026-03-02T09:00:25Z"),
        ("Bo", "2026-03-02T09:00:15Z", None),
    ]


def test_completing_ends_every_open_activity_and_the_quiz_counts_on_the_leaderboard(
    org_api, organizer, clock, api
):
    session = _self_session(organizer, opens=0, closes=600)
    acts = _acts(session)
    ana, client = _join(session, "Ana")
    for key, data in (("poll", {"option_ids": ["a"]}), ("rating", {"ratings": {"s1": 5}})):
        _answer(client, acts[key], data)
    _start(client, acts["quiz"])
    clock.advance(15)
    _answer(client, acts["quiz"], {"option_id": "a"})
    assert api.get(f"/api/v1/sessions/{session.pk}/leaderboard").json()["items"] == []  # not before the end
    clock.set(T0 + timedelta(seconds=600))
    state = _state(session).json()
    assert state["session"]["status"] == "completed"
    assert [a["title"] for a in state["activities"]] == ["A1", "A2", "A3", "A4"]
    assert set(Activity.objects.filter(session=session).values_list("status", flat=True)) == {
        "expired",
        "draft",
    }
    board = api.get(f"/api/v1/sessions/{session.pk}/leaderboard").json()["items"]
    assert [(p["participant_id"], p["score"]) for p in board] == [(str(ana.pk), 750)]
    results = org_api.get(f"/api/v1/sessions/{session.pk}/results").json()
    assert results["completion"] == {"started": 1, "finished": 1}
    assert _start(client, acts["quiz"]).status_code == 409
