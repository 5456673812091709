"""Contract tests of the response endpoints: submit, mine, organizer list, since/{timestamp}."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import pytest
from django.utils import timezone

from activities.models import Response
from activities.tests.factories import ActivityFactory, ResponseFactory
from conftest import participant_client
from core.testing import PAGE_KEYS, assert_error
from participants.tests.factories import ParticipantFactory
from sessions_app.models import Session
from sessions_app.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db

RESPONSE_KEYS = {"id", "activity_id", "participant_id", "response_data", "created_at", "updated_at"}
# The organizer also sees whether an answer is hidden (issue 22).
ORGANIZER_RESPONSE_KEYS = RESPONSE_KEYS | {"hidden"}


@pytest.fixture
def session(organizer: Any) -> Session:
    return SessionFactory(owner=organizer, status="active")


@pytest.fixture
def activity(session: Session) -> Any:
    a = ActivityFactory(session=session, status="active", activated_at=timezone.now())
    Session.objects.filter(pk=session.pk).update(current_activity=a)
    return a


@pytest.fixture
def participant(session: Session) -> Any:
    return ParticipantFactory(session=session)


def responses_url(activity: Any, suffix: str = "") -> str:
    return f"/api/v1/sessions/{activity.session_id}/activities/{activity.pk}/responses{suffix}"


def answer(token: str, activity: Any, option: str = "a", suffix: str = "") -> Any:
    return participant_client(token).post(
        responses_url(activity, suffix), {"response_data": {"option_ids": [option]}}, format="json"
    )


# --- submit ---------------------------------------------------------------------------------


def test_first_answer_is_201_and_second_replaces_with_200(activity, participant):
    resp = answer(participant.token, activity, "a")
    assert resp.status_code == 201, resp.content
    first = resp.json()
    assert set(first) == RESPONSE_KEYS
    assert first["activity_id"] == str(activity.pk)
    assert first["participant_id"] == str(participant.pk)
    assert first["response_data"] == {"option_ids": ["a"]}

    resp = answer(participant.token, activity, "b", suffix="/")
    assert resp.status_code == 200, resp.content
    second = resp.json()
    assert set(second) == RESPONSE_KEYS
    assert second["id"] == first["id"]
    assert second["response_data"] == {"option_ids": ["b"]}
    assert second["created_at"] == first["created_at"]
    assert second["updated_at"] >= first["updated_at"]

    rows = Response.objects.filter(activity=activity, participant=participant)
    assert rows.count() == 1
    assert rows.get().response_data == {"option_ids": ["b"]}


def test_answering_updates_last_activity(activity, session):
    p = ParticipantFactory(session=session, last_activity=timezone.now() - timedelta(hours=1))
    before = p.last_activity
    assert answer(p.token, activity).status_code == 201
    p.refresh_from_db()
    assert p.last_activity > before


@pytest.mark.parametrize("status", ["draft", "published", "expired"])
def test_answering_a_non_active_activity_is_409(session, participant, status):
    a = ActivityFactory(session=session, status=status)
    assert_error(answer(participant.token, a), 409, "ACTIVITY_NOT_ACTIVE")
    assert Response.objects.count() == 0


def test_answering_an_activity_that_is_not_the_current_one_is_409(org_api, session, activity, participant):
    b = ActivityFactory(session=session, order=activity.order + 1)
    assert (
        org_api.patch(f"/api/v1/activities/{b.pk}/status", {"status": "active"}, format="json").status_code
        == 200
    )
    assert_error(answer(participant.token, activity), 409, "ACTIVITY_NOT_ACTIVE")
    assert answer(participant.token, b).status_code == 201
    assert list(Response.objects.values_list("activity_id", flat=True)) == [b.pk]


@pytest.mark.parametrize("session_status", ["draft", "completed"])
def test_answering_in_a_non_active_session_is_409(organizer, session_status):
    s = SessionFactory(owner=organizer, status=session_status)
    a = ActivityFactory(session=s, status="active", activated_at=timezone.now())
    p = ParticipantFactory(session=s)
    assert_error(answer(p.token, a), 409, "SESSION_NOT_ACTIVE")
    assert Response.objects.count() == 0


def test_answering_after_the_session_completed(org_api, session, activity, participant):
    assert answer(participant.token, activity).status_code == 201
    assert (
        org_api.patch(f"/api/v1/sessions/{session.pk}", {"status": "completed"}, format="json").status_code
        == 200
    )
    assert_error(answer(participant.token, activity, "b"), 409, "SESSION_NOT_ACTIVE")
    assert Response.objects.get().response_data == {"option_ids": ["a"]}


def test_token_of_another_session_is_403(organizer, activity):
    stranger = ParticipantFactory(session=SessionFactory(owner=organizer, status="active"))
    assert_error(answer(stranger.token, activity), 403, "PERMISSION_DENIED")
    assert_error(
        participant_client(stranger.token).get(responses_url(activity, "/mine")), 403, "PERMISSION_DENIED"
    )
    assert Response.objects.count() == 0


def test_missing_or_invalid_token_is_401(api, activity):
    assert_error(
        api.post(responses_url(activity), {"response_data": {"option_ids": ["a"]}}, format="json"),
        401,
        "NOT_AUTHENTICATED",
    )
    assert_error(answer("forged-token", activity), 401, "NOT_AUTHENTICATED")
    assert Response.objects.count() == 0


def test_kicked_participant_cannot_answer(org_api, session, activity, participant):
    assert org_api.delete(f"/api/v1/sessions/{session.pk}/participants/{participant.pk}").status_code == 204
    assert_error(answer(participant.token, activity), 401, "NOT_AUTHENTICATED")
    assert Response.objects.count() == 0


def test_activity_of_another_session_in_the_path_is_404(session, participant, organizer):
    other = SessionFactory(owner=organizer, status="active")
    foreign = ActivityFactory(session=other, status="active", activated_at=timezone.now())
    resp = participant_client(participant.token).post(
        f"/api/v1/sessions/{session.pk}/activities/{foreign.pk}/responses",
        {"response_data": {"option_ids": ["a"]}},
        format="json",
    )
    assert_error(resp, 404, "NOT_FOUND")
    resp = participant_client(participant.token).post(
        f"/api/v1/sessions/{session.pk}/activities/{uuid.uuid4()}/responses",
        {"response_data": {"option_ids": ["a"]}},
        format="json",
    )
    assert_error(resp, 404, "NOT_FOUND")
    assert Response.objects.count() == 0


def test_invalid_bodies_are_400(activity, participant):
    client = participant_client(participant.token)
    err = assert_error(client.post(responses_url(activity), {}, format="json"), 400, "VALIDATION_ERROR")
    assert "response_data" in err["details"]
    resp = client.post(
        responses_url(activity), {"response_data": {"option_ids": ["a"]}, "score": 5}, format="json"
    )
    assert set(assert_error(resp, 400, "VALIDATION_ERROR")["details"]) == {"score"}
    resp = client.post(responses_url(activity), {"response_data": {"option_ids": ["nope"]}}, format="json")
    err = assert_error(resp, 400, "VALIDATION_ERROR")
    assert err["details"] and all(k.startswith("response_data") for k in err["details"])
    assert Response.objects.count() == 0


def test_organizer_cannot_answer(org_api, activity):
    resp = org_api.post(responses_url(activity), {"response_data": {"option_ids": ["a"]}}, format="json")
    assert resp.status_code in (401, 403)
    assert resp.json()["error"]["code"] in ("NOT_AUTHENTICATED", "PERMISSION_DENIED")
    assert Response.objects.count() == 0


def test_activity_status_counts_the_answer(api, activity, participant, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert answer(participant.token, activity).status_code == 201
    body = api.get(f"/api/v1/sessions/{activity.session_id}/activities/{activity.pk}/status").json()
    assert body["response_count"] == 1
    assert body["last_response_at"] is not None


# --- mine -----------------------------------------------------------------------------------


def test_mine_is_404_before_answering_then_the_answer(activity, participant):
    client = participant_client(participant.token)
    assert_error(client.get(responses_url(activity, "/mine")), 404, "NOT_FOUND")
    answer(participant.token, activity, "b")
    resp = client.get(responses_url(activity, "/mine/"))
    assert resp.status_code == 200
    assert set(resp.json()) == RESPONSE_KEYS | {"standing"}
    assert resp.json()["standing"] is None  # a poll earns no points
    assert resp.json()["response_data"] == {"option_ids": ["b"]}
    assert resp.json()["participant_id"] == str(participant.pk)


def test_mine_shows_only_the_callers_answer(activity, session, participant):
    ResponseFactory(activity=activity, participant=ParticipantFactory(session=session))
    assert_error(
        participant_client(participant.token).get(responses_url(activity, "/mine")), 404, "NOT_FOUND"
    )


def test_mine_needs_a_token(api, activity):
    assert_error(api.get(responses_url(activity, "/mine")), 401, "NOT_AUTHENTICATED")


# --- organizer list -------------------------------------------------------------------------


def test_organizer_lists_responses_oldest_first(org_api, activity, session):
    now = timezone.now()
    late = ResponseFactory(activity=activity, created_at=now - timedelta(seconds=10), updated_at=now)
    early = ResponseFactory(activity=activity, created_at=now - timedelta(seconds=60), updated_at=now)
    ResponseFactory()  # another activity
    resp = org_api.get(responses_url(activity))
    assert resp.status_code == 200
    body = resp.json()
    assert set(body) == PAGE_KEYS
    assert [r["id"] for r in body["items"]] == [str(early.pk), str(late.pk)]
    assert all(set(r) == ORGANIZER_RESPONSE_KEYS for r in body["items"])
    assert (body["total"], body["limit"], body["offset"], body["has_next"], body["has_prev"]) == (
        2,
        20,
        0,
        False,
        False,
    )
    page = org_api.get(responses_url(activity, "/?limit=1")).json()
    assert [r["id"] for r in page["items"]] == [str(early.pk)]
    assert page["has_next"] is True
    assert_error(org_api.get(responses_url(activity, "?limit=-1")), 400, "VALIDATION_ERROR")


def test_organizer_list_permissions(api, other_api, super_api, activity, participant):
    ResponseFactory(activity=activity, participant=participant)
    assert_error(api.get(responses_url(activity)), 401, "NOT_AUTHENTICATED")
    assert_error(other_api.get(responses_url(activity)), 404, "NOT_FOUND")
    assert_error(participant_client(participant.token).get(responses_url(activity)), 403, "PERMISSION_DENIED")
    assert super_api.get(responses_url(activity)).json()["total"] == 1


# --- since ----------------------------------------------------------------------------------


def _at(activity: Any, when: datetime, session: Any) -> Any:
    return ResponseFactory(
        activity=activity, participant=ParticipantFactory(session=session), created_at=when, updated_at=when
    )


def since_url(activity: Any, ts: str) -> str:
    return responses_url(activity, f"/since/{quote(ts, safe='')}")


def test_since_is_strictly_after(org_api, activity, session):
    t0 = datetime(2026, 1, 1, 10, 0, 0, 500000, tzinfo=UTC)
    old = _at(activity, t0 - timedelta(seconds=5), session)
    exact = _at(activity, t0, session)
    new = _at(activity, t0 + timedelta(microseconds=1), session)
    newer = _at(activity, t0 + timedelta(seconds=5), session)
    resp = org_api.get(since_url(activity, t0.isoformat()))  # '+00:00' offset, URL-encoded
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert set(body) == {"items", "since", "count"}
    assert [r["id"] for r in body["items"]] == [str(new.pk), str(newer.pk)]
    assert body["count"] == 2
    assert all(set(r) == ORGANIZER_RESPONSE_KEYS for r in body["items"])
    assert datetime.fromisoformat(body["since"].replace("Z", "+00:00")) == t0
    assert str(old.pk) not in {r["id"] for r in body["items"]}
    assert str(exact.pk) not in {r["id"] for r in body["items"]}


@pytest.mark.parametrize(
    "ts",
    [
        "2026-01-01T10:00:00Z",
        "2026-01-01T10:00:00+00:00",
        "2026-01-01T10:00:00.000000Z",
        "2026-01-01T12:00:00+02:00",
    ],
)
def test_since_accepts_iso_8601_forms(org_api, activity, session, ts):
    t0 = datetime(2026, 1, 1, 10, 0, 0, tzinfo=UTC)
    _at(activity, t0 - timedelta(seconds=1), session)
    after = _at(activity, t0 + timedelta(seconds=1), session)
    resp = org_api.get(since_url(activity, ts))
    assert resp.status_code == 200, resp.content
    assert [r["id"] for r in resp.json()["items"]] == [str(after.pk)]


def test_since_with_unencoded_plus_and_trailing_slash(org_api, activity, session):
    t0 = datetime(2026, 1, 1, 10, 0, 0, tzinfo=UTC)
    after = _at(activity, t0 + timedelta(seconds=1), session)
    resp = org_api.get(responses_url(activity, "/since/2026-01-01T10:00:00+00:00/"))
    assert resp.status_code == 200, resp.content
    assert [r["id"] for r in resp.json()["items"]] == [str(after.pk)]


def test_since_includes_updated_answers(org_api, activity, session):
    t0 = datetime(2026, 1, 1, 10, 0, 0, tzinfo=UTC)
    r = ResponseFactory(
        activity=activity,
        participant=ParticipantFactory(session=session),
        created_at=t0 - timedelta(minutes=5),
        updated_at=t0 + timedelta(minutes=1),
    )
    assert [x["id"] for x in org_api.get(since_url(activity, "2026-01-01T10:00:00Z")).json()["items"]] == [
        str(r.pk)
    ]


@pytest.mark.parametrize("ts", ["yesterday", "2026-13-45T99:00:00Z", "12345"])
def test_since_invalid_timestamp_is_400(org_api, activity, ts):
    err = assert_error(org_api.get(since_url(activity, ts)), 400, "VALIDATION_ERROR")
    assert "timestamp" in err["details"]


def test_since_permissions(api, other_api, activity, participant):
    path = since_url(activity, "2026-01-01T10:00:00Z")
    assert_error(api.get(path), 401, "NOT_AUTHENTICATED")
    assert_error(other_api.get(path), 404, "NOT_FOUND")
    assert_error(participant_client(participant.token).get(path), 403, "PERMISSION_DENIED")
