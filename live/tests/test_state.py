"""The polling endpoints: one shared snapshot, ETag/304, cheap unchanged polls, visibility."""

from __future__ import annotations

import json
import time
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from prometheus_client import REGISTRY
from rest_framework.test import APIClient

from activities import services as activity_services
from activities.models import Activity
from activities.tests.factories import ActivityFactory
from activities.types import get_type
from live import polling
from live.snapshot import forget_local
from participants import services as participant_services
from participants.models import Participant
from sessions_app import services as session_services
from sessions_app.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db

POLL = {"question": "Lunch?", "options": [{"id": "a", "label": "Pizza"}, {"id": "b", "label": "Salad"}]}


@pytest.fixture(autouse=True)
def _fresh_process_state(settings: Any) -> Any:
    # Tests write and read within microseconds; the storm guard is tested on its own below.
    settings.CAJA_SNAPSHOT_MIN_REBUILD_SECONDS = 0
    settings.CAJA_VERSION_MEMO_SECONDS = 0
    forget_local()
    polling.reset()
    yield
    forget_local()


def _live_session(config: dict[str, Any] | None = None, type: str = "poll") -> tuple[Any, Activity]:
    session = SessionFactory()
    activity = activity_services.activity_create(
        session=session, type=type, config=config or POLL, title="Q1"
    )
    session_services.session_start(session=session)
    activity_services.activity_set_status(activity=activity, status="active")
    return session, activity


def _state(client: APIClient, session: Any, **headers: str) -> Any:
    return client.get(f"/api/v1/sessions/{session.pk}/state", **headers)


def _vote(session: Any, activity: Activity, nickname: str, data: dict[str, Any]) -> Participant:
    participant, _ = participant_services.participant_join(session=session, nickname=nickname)
    activity_services.response_submit(participant=participant, activity=activity, response_data=data)
    return participant


def test_state_shape_and_headers(api: APIClient) -> None:
    session, activity = _live_session()
    r = _state(api, session)
    assert r.status_code == 200
    assert r["Content-Type"] == "application/json"
    body = json.loads(r.content)
    assert set(body) == {
        "session",
        "current_activity",
        "qna",
        "reactions",
        "participant_count",
        "version",
        "last_updated",
        "server_time",
    }
    assert body["session"] == {
        "id": str(session.pk),
        "name": session.name,
        "status": "active",
        "join_code": session.join_code,
        "rehearsal": False,
        "teams": [],
        "team_assignment": "choose",
    }
    cur = body["current_activity"]
    assert set(cur) == {
        "id",
        "type",
        "type_label",
        "title",
        "status",
        "order",
        "activated_at",
        "config",
        "response_count",
        "results",
    }
    assert cur["type_label"] == get_type(cur["type"]).label
    assert cur["id"] == str(activity.pk) and cur["status"] == "active" and cur["response_count"] == 0
    assert r["ETag"].startswith('"') and float(r["X-Poll-Interval"]) >= 2.0
    assert r["X-Request-ID"]


def test_unchanged_poll_is_304_without_body_and_without_queries(
    api: APIClient, django_assert_num_queries: Any
) -> None:
    session, _ = _live_session()
    first = _state(api, session)
    etag = first["ETag"]
    with django_assert_num_queries(0):
        again = _state(api, session, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    # An unconditional unchanged poll is also served without touching the database.
    with django_assert_num_queries(0):
        body = _state(api, session)
    assert body.status_code == 200 and body["ETag"] == etag


def test_etag_and_version_change_exactly_when_content_changes(api: APIClient) -> None:
    session, activity = _live_session()
    r1 = _state(api, session)
    v1 = json.loads(r1.content)["version"]

    # A write that changes nothing the snapshot shows (same name) keeps ETag and version.
    session_services.session_update(session=session, name=session.name)
    r2 = _state(api, session)
    assert r2["ETag"] == r1["ETag"]
    assert json.loads(r2.content)["version"] == v1
    # server_time moves on its own and is not part of the ETag.
    assert json.loads(r2.content)["server_time"] >= json.loads(r1.content)["server_time"]

    _vote(session, activity, "Ann", {"option_ids": ["a"]})
    r3 = _state(api, session)
    body = json.loads(r3.content)
    assert r3["ETag"] != r1["ETag"]
    assert body["version"] > v1
    assert body["current_activity"]["response_count"] == 1
    assert body["participant_count"] == 1
    assert _state(api, session, HTTP_IF_NONE_MATCH=r1["ETag"]).status_code == 200
    assert _state(api, session, HTTP_IF_NONE_MATCH=r3["ETag"]).status_code == 304


def test_last_update_query_answers_304_when_nothing_changed(api: APIClient) -> None:
    session, activity = _live_session()
    body = json.loads(_state(api, session).content)
    url = f"/api/v1/sessions/{session.pk}/state"
    assert api.get(url, {"last_update": body["last_updated"]}).status_code == 304
    earlier = (timezone.now() - timedelta(hours=1)).isoformat()
    assert api.get(url, {"last_update": earlier}).status_code == 200
    _vote(session, activity, "Ann", {"option_ids": ["b"]})
    assert api.get(url, {"last_update": body["last_updated"]}).status_code == 200


def test_every_write_kind_moves_the_state(api: APIClient, organizer: Any) -> None:
    session = SessionFactory(owner=organizer)
    activity = activity_services.activity_create(session=session, type="poll", config=POLL)
    etags = [_state(api, session)["ETag"]]

    def changed() -> None:
        etag = _state(api, session)["ETag"]
        assert etag not in etags
        etags.append(etag)

    participant_services.participant_join(session=session, nickname="Early")  # a join (lobby)
    changed()
    session_services.session_start(session=session)  # a transition
    changed()
    activity_services.activity_set_status(activity=activity, status="active")
    changed()
    _vote(session, activity, "Bo", {"option_ids": ["a"]})  # an answer
    changed()
    activity_services.activity_set_status(activity=activity, status="expired")
    changed()


def test_status_endpoints_answer_from_the_snapshot(api: APIClient, django_assert_num_queries: Any) -> None:
    session, activity = _live_session()
    _vote(session, activity, "Ann", {"option_ids": ["a"]})
    status = api.get(f"/api/v1/sessions/{session.pk}/status").json()
    assert status["session_id"] == str(session.pk)
    assert status["status"] == "active"
    assert status["current_activity_id"] == str(activity.pk)
    assert status["participant_count"] == 1
    astatus = api.get(f"/api/v1/sessions/{session.pk}/activities/{activity.pk}/status").json()
    assert astatus["activity_id"] == str(activity.pk)
    assert astatus["response_count"] == 1
    assert astatus["status"] == "active"
    assert astatus["last_response_at"] is not None
    with django_assert_num_queries(0):
        assert api.get(f"/api/v1/sessions/{session.pk}/status").status_code == 200
        assert api.get(f"/api/v1/sessions/{session.pk}/activities/{activity.pk}/status").status_code == 200


def test_unknown_session_and_activity_are_404_envelopes(api: APIClient) -> None:
    session, _ = _live_session()
    import uuid

    r = api.get(f"/api/v1/sessions/{uuid.uuid4()}/state")
    assert r.status_code == 404 and r.json()["error"]["code"] == "NOT_FOUND"
    r = api.get(f"/api/v1/sessions/{session.pk}/activities/{uuid.uuid4()}/status")
    assert r.status_code == 404 and r.json()["error"]["code"] == "NOT_FOUND"
    r = api.get("/api/v1/sessions/not-a-uuid/state")
    assert r.status_code == 404 and r.json()["error"]["code"] == "NOT_FOUND"


def test_poker_votes_never_in_state_before_reveal(api: APIClient) -> None:
    session, activity = _live_session({"story": "Login page", "deck": "fibonacci"}, type="poker")
    _vote(session, activity, "Ann", {"value": "5"})
    _vote(session, activity, "Bo", {"value": "8"})
    raw = _state(api, session).content.decode()
    body = json.loads(raw)
    assert body["current_activity"]["results"] == {"type": "poker", "revealed": False, "vote_count": 2}
    assert "distribution" not in raw and "average" not in raw
    activity_services.activity_reveal(activity=activity)
    results = json.loads(_state(api, session).content)["current_activity"]["results"]
    assert results["revealed"] is True
    assert results["distribution"] == {"5": 1, "8": 1}


def test_quiz_answer_and_choices_hidden_until_reveal(api: APIClient) -> None:
    config = {
        "question": "Capital of France?",
        "options": [{"id": "p", "label": "Paris"}, {"id": "l", "label": "Lyon"}],
        "correct_option_id": "p",
        "time_limit_seconds": 60,
        "lead_in_seconds": 0,
    }
    session, activity = _live_session(config, type="quiz")
    _vote(session, activity, "Ann", {"option_id": "l"})
    body = json.loads(_state(api, session).content)
    cur = body["current_activity"]
    assert "correct_option_id" not in cur["config"]
    assert cur["results"] == {"type": "quiz", "total_responses": 1, "revealed": False}
    activity_services.activity_reveal(activity=activity)
    cur = json.loads(_state(api, session).content)["current_activity"]
    assert cur["config"]["correct_option_id"] == "p"
    assert cur["results"]["revealed"] is True
    assert {o["id"]: o["count"] for o in cur["results"]["options"]} == {"p": 0, "l": 1}


def test_quiz_answer_appears_when_time_runs_out_without_any_write(api: APIClient) -> None:
    config = {
        "question": "2+2?",
        "options": [{"id": "4", "label": "Four"}, {"id": "5", "label": "Five"}],
        "correct_option_id": "4",
        "time_limit_seconds": 5,
        "lead_in_seconds": 0,
    }
    session, activity = _live_session(config, type="quiz")
    cur = json.loads(_state(api, session).content)["current_activity"]
    assert "correct_option_id" not in cur["config"]
    # Move the start back past the limit (the clock advancing), without bumping the version.
    Activity.objects.filter(pk=activity.pk).update(activated_at=timezone.now() - timedelta(seconds=6))
    # The cached snapshot knows its own expiry time: it must not be served past the deadline.
    from django.core.cache import cache

    import live.snapshot as snapshot

    for snap in list(snapshot._local.values()):
        snap.valid_until = 0.0
        cache.set(snapshot._snap_key(snap.session_id), snap)
    cur = json.loads(_state(api, session).content)["current_activity"]
    assert cur["config"]["correct_option_id"] == "4"


def test_presence_is_written_at_most_once_per_interval(api: APIClient, settings: Any) -> None:
    settings.CAJA_PRESENCE_INTERVAL = 60
    session, _ = _live_session()
    participant, token = participant_services.participant_join(session=session, nickname="Ann")
    old = timezone.now() - timedelta(minutes=5)
    Participant.objects.filter(pk=participant.pk).update(last_activity=old)
    _state(api, session, HTTP_X_PARTICIPANT_TOKEN=token)
    participant.refresh_from_db()
    first_seen = participant.last_activity
    assert first_seen > old
    for _ in range(5):
        _state(api, session, HTTP_X_PARTICIPANT_TOKEN=token)
    participant.refresh_from_db()
    assert participant.last_activity == first_seen


def test_fast_poller_gets_429_with_retry_after_but_anonymous_venue_does_not(api: APIClient) -> None:
    session, _ = _live_session()
    _, token = participant_services.participant_join(session=session, nickname="Hammer")
    codes = [
        _state(api, session, HTTP_X_PARTICIPANT_TOKEN=token).status_code
        for _ in range(polling.POLL_BURST + 5)
    ]
    assert codes[: polling.POLL_BURST] == [200] * polling.POLL_BURST
    last = _state(api, session, HTTP_X_PARTICIPANT_TOKEN=token)
    assert last.status_code == 429
    assert int(last["Retry-After"]) >= 1
    assert last.json()["error"]["code"] == "THROTTLED"
    # Hundreds of polls without a token (one NAT address) are never throttled.
    assert {_state(api, session).status_code for _ in range(300)} == {200}


def test_next_answers_the_state_snapshot(org_api: APIClient, organizer: Any) -> None:
    session = SessionFactory(owner=organizer)
    first = ActivityFactory(session=session, config=POLL, order=1)
    ActivityFactory(session=session, config=POLL, order=2)
    session_services.session_start(session=session)
    r = org_api.post(f"/api/v1/sessions/{session.pk}/next")
    assert r.status_code == 200
    body = r.json()
    assert body["current_activity"]["id"] == str(first.pk)
    assert {
        "session",
        "current_activity",
        "participant_count",
        "version",
        "last_updated",
        "server_time",
    } <= set(body)


def test_one_poll_costs_at_most_one_cache_read_when_unchanged(api: APIClient, monkeypatch: Any) -> None:
    from django.core.cache import cache

    session, _ = _live_session()
    etag = _state(api, session)["ETag"]
    calls: list[str] = []
    for name in ("get", "get_many", "set", "add", "incr"):
        original = getattr(cache, name)

        def wrapper(*a: Any, _n: str = name, _o: Any = original, **k: Any) -> Any:
            calls.append(_n)
            return _o(*a, **k)

        monkeypatch.setattr(cache, name, wrapper)
    with CaptureQueriesContext(connection) as queries:
        assert _state(api, session, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert len(queries) == 0
    assert calls == ["get"]


def test_a_storm_of_answers_rebuilds_at_most_a_few_times_per_second(api: APIClient, settings: Any) -> None:
    def rebuilds_so_far() -> float:
        return REGISTRY.get_sample_value("caja_snapshot_rebuilds_total") or 0.0

    settings.CAJA_SNAPSHOT_MIN_REBUILD_SECONDS = 0.25
    settings.METRICS_ENABLED = True  # the rebuild counter counts only then
    session, activity = _live_session()
    participants = [
        participant_services.participant_join(session=session, nickname=f"p{i}")[0] for i in range(60)
    ]
    _state(api, session)
    before = rebuilds_so_far()
    started = time.monotonic()
    for p in participants:  # every answer followed by a poll: the worst case
        activity_services.response_submit(
            participant=p, activity=activity, response_data={"option_ids": ["a"]}
        )
        _state(api, session)
    elapsed = time.monotonic() - started
    rebuilds = rebuilds_so_far() - before
    assert rebuilds <= elapsed / 0.25 + 2, (rebuilds, elapsed)
    time.sleep(0.3)
    # Once the storm is over the next poll shows every answer.
    body = json.loads(_state(api, session).content)
    assert body["current_activity"]["response_count"] == 60


def test_state_teams_carry_their_members_from_the_snapshot(
    api: APIClient, django_assert_num_queries: Any
) -> None:
    # The big screen's lobby shows how many joined each team (issue 26): counted in the rebuild that a
    # join, a move or a kick causes (one GROUP BY), never per poll; kicked participants do not count.
    teams = [
        {"id": "red", "name": "Red", "color": "#d62828"},
        {"id": "blue", "name": "Blue", "color": "#1d4ed8"},
    ]
    session = SessionFactory(teams=teams)
    ann, _ = participant_services.participant_join(session=session, nickname="Ann", team_id="red")
    participant_services.participant_join(session=session, nickname="Bo", team_id="red")
    participant_services.participant_join(session=session, nickname="Cy", team_id="blue")
    body = json.loads(_state(api, session).content)
    assert [(t["id"], t["members"]) for t in body["session"]["teams"]] == [("red", 2), ("blue", 1)]
    assert body["session"]["teams"][0] == {"id": "red", "name": "Red", "color": "#d62828", "members": 2}
    assert body["participant_count"] == 3
    with django_assert_num_queries(0):
        assert _state(api, session).status_code == 200
    participant_services.participant_move(participant=ann, team_id="blue")
    body = json.loads(_state(api, session).content)
    assert [t["members"] for t in body["session"]["teams"]] == [1, 2]
    participant_services.participant_kick(participant=Participant.objects.get(nickname="Cy"))
    body = json.loads(_state(api, session).content)
    assert [t["members"] for t in body["session"]["teams"]] == [1, 1]
    assert body["participant_count"] == 2
