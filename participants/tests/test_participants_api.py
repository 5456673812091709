"""Contract tests of joining, the participant list, /me and kicking."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from activities.models import Response
from activities.tests.factories import ActivityFactory, ResponseFactory
from conftest import participant_client
from core.testing import PAGE_KEYS, assert_error
from participants.models import Participant
from participants.services import hash_token
from participants.tests.factories import ParticipantFactory
from sessions_app.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db

PARTICIPANT_KEYS = {"id", "session_id", "nickname", "team_id", "joined_at", "last_activity"}


def join_url(session: Any) -> str:
    return f"/api/v1/sessions/{session.pk}/participants"


@pytest.fixture
def session(organizer: Any) -> Any:
    return SessionFactory(owner=organizer, status="active")


# --- join by session id ---------------------------------------------------------------------


def test_join_returns_participant_and_token_once(api, session):
    resp = api.post(join_url(session), {"nickname": "Ann"}, format="json")
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert set(body) == PARTICIPANT_KEYS | {"token"}
    assert body["nickname"] == "Ann"
    assert body["session_id"] == str(session.pk)
    token = body["token"]
    assert isinstance(token, str) and len(token) >= 32
    row = Participant.objects.get(pk=body["id"])
    assert row.session_id == session.pk
    assert row.token_hash == hash_token(token)
    assert token not in (row.token_hash, row.nickname)
    # The token works, and is never shown again.
    me = participant_client(token).get("/api/v1/me")
    assert me.status_code == 200
    assert set(me.json()) == PARTICIPANT_KEYS
    assert "token" not in me.json()


def test_join_trims_the_nickname(api, session):
    resp = api.post(join_url(session), {"nickname": "  Ann  "}, format="json")
    assert resp.status_code == 201
    assert resp.json()["nickname"] == "Ann"


def test_join_draft_session_is_allowed(api, organizer):
    draft = SessionFactory(owner=organizer, status="draft")
    resp = api.post(join_url(draft), {"nickname": "Early"}, format="json")
    assert resp.status_code == 201
    assert Participant.objects.filter(session=draft).count() == 1


def test_join_completed_session_is_409(api, organizer):
    done = SessionFactory(owner=organizer, status="completed")
    assert_error(api.post(join_url(done), {"nickname": "Late"}, format="json"), 409, "SESSION_NOT_ACTIVE")
    assert Participant.objects.filter(session=done).count() == 0


def test_join_unknown_session_is_404(api):
    resp = api.post(f"/api/v1/sessions/{uuid.uuid4()}/participants", {"nickname": "x"}, format="json")
    assert_error(resp, 404, "NOT_FOUND")


@pytest.mark.parametrize("taken", ["Ann", " ann ", "ANN", "ann"])
def test_join_nickname_taken_trimmed_and_case_insensitive(api, session, taken):
    assert api.post(join_url(session), {"nickname": "Ann"}, format="json").status_code == 201
    resp = api.post(join_url(session), {"nickname": taken}, format="json")
    assert_error(resp, 409, "NICKNAME_TAKEN")
    assert Participant.objects.filter(session=session).count() == 1


def test_same_nickname_in_another_session_is_fine(api, organizer, session):
    other = SessionFactory(owner=organizer, status="active")
    assert api.post(join_url(session), {"nickname": "Ann"}, format="json").status_code == 201
    assert api.post(join_url(other), {"nickname": "Ann"}, format="json").status_code == 201


@pytest.mark.parametrize(
    "nickname",
    [
        "",
        "   ",
        "x" * 31,
        "bad\x00name",
        "bell\x07",
        "tab\tname\x1b",
        "evil\u202eeman",
        "zero\u200bwidth",
    ],
)
def test_join_invalid_nickname_is_400(api, session, nickname):
    err = assert_error(
        api.post(join_url(session), {"nickname": nickname}, format="json"), 400, "VALIDATION_ERROR"
    )
    assert "nickname" in err["details"]
    assert Participant.objects.count() == 0


def test_join_30_chars_after_trimming_is_allowed(api, session):
    resp = api.post(join_url(session), {"nickname": "  " + "x" * 30 + "  "}, format="json")
    assert resp.status_code == 201
    assert resp.json()["nickname"] == "x" * 30


def test_join_missing_or_non_string_nickname_is_400(api, session):
    err = assert_error(api.post(join_url(session), {}, format="json"), 400, "VALIDATION_ERROR")
    assert "nickname" in err["details"]
    err = assert_error(
        api.post(join_url(session), {"nickname": ["a"]}, format="json"), 400, "VALIDATION_ERROR"
    )
    assert "nickname" in err["details"]


def test_join_unknown_field_is_400(api, session):
    resp = api.post(join_url(session), {"nickname": "Ann", "is_admin": True}, format="json")
    err = assert_error(resp, 400, "VALIDATION_ERROR")
    assert set(err["details"]) == {"is_admin"}
    assert Participant.objects.count() == 0


def test_join_with_trailing_slash(api, session):
    assert api.post(join_url(session) + "/", {"nickname": "Slash"}, format="json").status_code == 201


def test_join_ignores_a_stale_admin_login(organizer, session):
    from rest_framework.test import APIClient

    client = APIClient(enforce_csrf_checks=True)
    client.force_login(organizer)
    resp = client.post(join_url(session), {"nickname": "Cookie"}, format="json")
    assert resp.status_code == 201


# --- join by code ---------------------------------------------------------------------------


def test_join_by_code(api, session):
    resp = api.post("/api/v1/join", {"join_code": session.join_code, "nickname": "Bo"}, format="json")
    assert resp.status_code == 201, resp.content
    assert set(resp.json()) == PARTICIPANT_KEYS | {"token"}
    assert resp.json()["session_id"] == str(session.pk)


def test_join_by_code_is_case_insensitive(api, session):
    resp = api.post(
        "/api/v1/join/", {"join_code": f" {session.join_code.lower()} ", "nickname": "Bo"}, format="json"
    )
    assert resp.status_code == 201
    assert resp.json()["session_id"] == str(session.pk)


def test_join_by_code_unknown_is_404_and_completed_is_409(api, organizer):
    done = SessionFactory(owner=organizer, status="completed")
    assert_error(
        api.post("/api/v1/join", {"join_code": done.join_code, "nickname": "x"}, format="json"),
        409,
        "SESSION_NOT_ACTIVE",
    )
    assert_error(
        api.post("/api/v1/join", {"join_code": "ZZZZZZ", "nickname": "x"}, format="json"), 404, "NOT_FOUND"
    )
    assert Participant.objects.count() == 0


def test_join_by_code_validation(api, session):
    err = assert_error(api.post("/api/v1/join", {"nickname": "x"}, format="json"), 400, "VALIDATION_ERROR")
    assert "join_code" in err["details"]
    resp = api.post(
        "/api/v1/join", {"join_code": session.join_code, "nickname": "x", "extra": 1}, format="json"
    )
    assert set(assert_error(resp, 400, "VALIDATION_ERROR")["details"]) == {"extra"}
    resp = api.post("/api/v1/join", {"join_code": session.join_code, "nickname": "a\u202eb"}, format="json")
    assert "nickname" in assert_error(resp, 400, "VALIDATION_ERROR")["details"]


def test_join_by_code_nickname_taken(api, session):
    ParticipantFactory(session=session, nickname="Ann", nickname_key="ann")
    resp = api.post("/api/v1/join", {"join_code": session.join_code, "nickname": " ann "}, format="json")
    assert_error(resp, 409, "NICKNAME_TAKEN")


def test_join_by_code_wrong_method_is_405(api):
    assert_error(api.get("/api/v1/join"), 405, "METHOD_NOT_ALLOWED")
    assert_error(api.delete("/api/v1/join"), 405, "METHOD_NOT_ALLOWED")


# --- list -----------------------------------------------------------------------------------


def test_list_participants_oldest_first_without_kicked(org_api, session):
    now = timezone.now()
    b = ParticipantFactory(session=session, joined_at=now - timedelta(minutes=1))
    a = ParticipantFactory(session=session, joined_at=now - timedelta(minutes=5))
    ParticipantFactory(session=session, kicked_at=now, token_hash=None)
    ParticipantFactory()  # another session
    resp = org_api.get(join_url(session))
    assert resp.status_code == 200
    body = resp.json()
    assert set(body) == PAGE_KEYS
    assert [p["id"] for p in body["items"]] == [str(a.pk), str(b.pk)]
    assert all(set(p) == PARTICIPANT_KEYS for p in body["items"])
    assert (body["total"], body["limit"], body["offset"], body["has_next"], body["has_prev"]) == (
        2,
        20,
        0,
        False,
        False,
    )


def test_list_participants_paginates(org_api, session):
    for _ in range(3):
        ParticipantFactory(session=session)
    body = org_api.get(join_url(session) + "?limit=2").json()
    assert (len(body["items"]), body["total"], body["has_next"]) == (2, 3, True)
    assert_error(org_api.get(join_url(session) + "?limit=101"), 400, "VALIDATION_ERROR")


def test_list_participants_permissions(api, other_api, super_api, session):
    p = ParticipantFactory(session=session)
    assert_error(api.get(join_url(session)), 401, "NOT_AUTHENTICATED")
    assert_error(other_api.get(join_url(session)), 404, "NOT_FOUND")
    assert super_api.get(join_url(session)).json()["total"] == 1
    # A participant cannot list the others: authenticated, but not allowed.
    assert_error(participant_client(p.token).get(join_url(session)), 403, "PERMISSION_DENIED")


# --- /me ------------------------------------------------------------------------------------


def test_me_returns_the_callers_record(session):
    p = ParticipantFactory(session=session, nickname="Zed", nickname_key="zed")
    resp = participant_client(p.token).get("/api/v1/me")
    assert resp.status_code == 200
    assert resp.json()["id"] == str(p.pk)
    assert resp.json()["nickname"] == "Zed"
    assert resp.json()["session_id"] == str(session.pk)
    assert participant_client(p.token).get("/api/v1/me/").status_code == 200


def test_me_updates_last_activity_at_most_every_few_seconds(session, settings):
    old = timezone.now() - timedelta(minutes=10)
    p = ParticipantFactory(session=session, last_activity=old)
    client = participant_client(p.token)
    assert client.get("/api/v1/me").status_code == 200
    p.refresh_from_db()
    first = p.last_activity
    assert first > old
    assert client.get("/api/v1/me").status_code == 200
    p.refresh_from_db()
    assert p.last_activity == first


def test_me_without_token_is_401(api):
    assert_error(api.get("/api/v1/me"), 401, "NOT_AUTHENTICATED")


def test_me_with_bad_token_is_401(session):
    ParticipantFactory(session=session)
    assert_error(participant_client("not-a-token").get("/api/v1/me"), 401, "NOT_AUTHENTICATED")
    assert_error(participant_client("x" * 500).get("/api/v1/me"), 401, "NOT_AUTHENTICATED")


def test_me_organizer_credentials_are_not_a_participant(api, organizer):
    tokens = api.post(
        "/api/v1/auth/token", {"username": "alice", "password": "pw-alice-123"}, format="json"
    ).json()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    resp = api.get("/api/v1/me")
    assert resp.status_code in (401, 403)
    assert resp.json()["error"]["code"] in ("NOT_AUTHENTICATED", "PERMISSION_DENIED")


# --- kick -----------------------------------------------------------------------------------


def test_kick_keeps_responses_and_revokes_token(org_api, session):
    activity = ActivityFactory(session=session, status="active", activated_at=timezone.now())
    r = ResponseFactory(activity=activity)
    p = r.participant
    token = p.token
    assert participant_client(token).get("/api/v1/me").status_code == 200

    resp = org_api.delete(f"{join_url(session)}/{p.pk}")
    assert resp.status_code == 204
    p.refresh_from_db()
    assert p.kicked_at is not None
    assert p.token_hash is None
    assert Response.objects.filter(pk=r.pk).exists()
    assert_error(participant_client(token).get("/api/v1/me"), 401, "NOT_AUTHENTICATED")
    resp = participant_client(token).post(
        f"/api/v1/sessions/{session.pk}/activities/{activity.pk}/responses",
        {"response_data": {"option_ids": ["b"]}},
        format="json",
    )
    assert_error(resp, 401, "NOT_AUTHENTICATED")
    r.refresh_from_db()
    assert r.response_data == {"option_ids": ["a"]}
    # Gone from the list and the count; a second kick is 404.
    assert org_api.get(join_url(session)).json()["total"] == 0
    assert org_api.get(f"/api/v1/sessions/{session.pk}").json()["participant_count"] == 0
    assert_error(org_api.delete(f"{join_url(session)}/{p.pk}"), 404, "NOT_FOUND")


def test_kick_with_purge_deletes_participant_and_responses(org_api, session):
    activity = ActivityFactory(session=session, status="active", activated_at=timezone.now())
    r = ResponseFactory(activity=activity)
    other = ResponseFactory(activity=activity)
    p = r.participant
    resp = org_api.delete(f"{join_url(session)}/{p.pk}/?purge=true")
    assert resp.status_code == 204
    assert not Participant.objects.filter(pk=p.pk).exists()
    assert not Response.objects.filter(pk=r.pk).exists()
    assert Response.objects.filter(pk=other.pk).exists()
    assert_error(participant_client(p.token).get("/api/v1/me"), 401, "NOT_AUTHENTICATED")


def test_kicked_nickname_remains_reserved(api, org_api, session):
    """Kicking keeps the row (its answers stay counted), so the nickname stays taken."""
    joined = api.post(join_url(session), {"nickname": "Troll"}, format="json").json()
    assert org_api.delete(f"{join_url(session)}/{joined['id']}").status_code == 204
    assert_error(api.post(join_url(session), {"nickname": "troll"}, format="json"), 409, "NICKNAME_TAKEN")


def test_kick_bad_purge_value_is_400(org_api, session):
    p = ParticipantFactory(session=session)
    err = assert_error(org_api.delete(f"{join_url(session)}/{p.pk}?purge=maybe"), 400, "VALIDATION_ERROR")
    assert "purge" in err["details"]
    p.refresh_from_db()
    assert p.kicked_at is None and p.token_hash is not None


def test_kick_permissions(api, other_api, super_api, organizer, session):
    p = ParticipantFactory(session=session)
    assert_error(api.delete(f"{join_url(session)}/{p.pk}"), 401, "NOT_AUTHENTICATED")
    assert_error(other_api.delete(f"{join_url(session)}/{p.pk}"), 404, "NOT_FOUND")
    assert_error(participant_client(p.token).delete(f"{join_url(session)}/{p.pk}"), 403, "PERMISSION_DENIED")
    p.refresh_from_db()
    assert p.kicked_at is None
    assert super_api.delete(f"{join_url(session)}/{p.pk}").status_code == 204
    p.refresh_from_db()
    assert p.kicked_at is not None


def test_kick_participant_of_another_session_is_404(org_api, organizer, session):
    elsewhere = ParticipantFactory(session=SessionFactory(owner=organizer))
    assert_error(org_api.delete(f"{join_url(session)}/{elsewhere.pk}"), 404, "NOT_FOUND")
    elsewhere.refresh_from_db()
    assert elsewhere.kicked_at is None


def test_joining_an_ended_session_by_code_is_409_like_by_id(api, organizer):
    """Conformance (issue 12 item 6): the phone can say the event is over."""
    from core.testing import assert_error
    from sessions_app.models import Session
    from sessions_app.tests.factories import SessionFactory

    session = SessionFactory(owner=organizer, status="active")
    Session.objects.filter(pk=session.pk).update(status="completed")
    by_code = api.post("/api/v1/join", {"join_code": session.join_code, "nickname": "Late"}, format="json")
    body = assert_error(by_code, 409, "SESSION_NOT_ACTIVE")
    assert body["message"] == "This session has ended."
    by_id = api.post(f"/api/v1/sessions/{session.pk}/participants", {"nickname": "Late"}, format="json")
    assert_error(by_id, 409, "SESSION_NOT_ACTIVE")
    # A new open session that reuses the code is joined normally.
    reused = SessionFactory(owner=organizer, status="active", join_code=session.join_code)
    ok = api.post("/api/v1/join", {"join_code": session.join_code, "nickname": "Late"}, format="json")
    assert ok.status_code == 201 and ok.json()["session_id"] == str(reused.pk)
    # Unknown codes stay 404.
    assert_error(
        api.post("/api/v1/join", {"join_code": "ZZZZZZ", "nickname": "X"}, format="json"), 404, "NOT_FOUND"
    )
