"""Contract tests of the sessions endpoints: /sessions, /sessions/{id}, /next, QR, /join/{code}, /status."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from activities.models import Activity, Response
from activities.tests.factories import ActivityFactory, ResponseFactory
from core.testing import PAGE_KEYS, assert_error
from participants.models import Participant
from participants.tests.factories import ParticipantFactory
from sessions_app.models import JOIN_CODE_ALPHABET, Session
from sessions_app.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db

CONTRACT_SESSION_KEYS = {
    "id",
    "name",
    "description",
    "status",
    "admin_id",
    "join_code",
    "join_url",
    "qr_code_url",
    "current_activity_id",
    "participant_count",
    "created_at",
    "updated_at",
    "my_role",  # contract v1.2: every organizer view of a session
    "series_id",  # contract v1.2: series and trends
}
# The contract's keys plus one documented extra (the contract welcomes additions that keep its shapes).
SESSION_KEYS = CONTRACT_SESSION_KEYS | {
    "participants_seen_recently",
    "rehearsal",
    "language",
    "pace",
    "opens_at",
    "closes_at",
    "teams",
    "team_assignment",
}
STATE_KEYS = {
    "session",
    "current_activity",
    "qna",
    "reactions",
    "participant_count",
    "version",
    "last_updated",
    "server_time",
}
POLL = {"question": "Lunch?", "options": [{"id": "a", "label": "Pizza"}, {"id": "b", "label": "Salad"}]}


def url(session: Session | str, suffix: str = "") -> str:
    sid = session.pk if isinstance(session, Session) else session
    return f"/api/v1/sessions/{sid}{suffix}"


# --- create ---------------------------------------------------------------------------------


def test_create_session_returns_draft_with_every_field(org_api, organizer, settings):
    resp = org_api.post("/api/v1/sessions", {"name": "All hands", "description": "Q3"}, format="json")
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert set(body) == SESSION_KEYS
    assert body["name"] == "All hands"
    assert body["description"] == "Q3"
    assert body["status"] == "draft"
    assert body["admin_id"] == "alice"
    assert body["current_activity_id"] is None
    assert body["participant_count"] == 0
    code = body["join_code"]
    assert len(code) == 6 and all(ch in JOIN_CODE_ALPHABET for ch in code)
    assert not set(code) & set("0O1IL")
    assert body["join_url"] == f"{settings.PUBLIC_BASE_URL}/join/{code}"
    assert body["qr_code_url"].endswith(f"/api/v1/sessions/{body['id']}/qr.png")
    uuid.UUID(body["id"])
    row = Session.objects.get(pk=body["id"])
    assert row.owner == organizer
    assert row.status == "draft"
    assert row.join_code == code


def test_create_session_description_is_optional(org_api):
    resp = org_api.post("/api/v1/sessions", {"name": "Retro"}, format="json")
    assert resp.status_code == 201
    assert resp.json()["description"] == ""


def test_create_session_with_trailing_slash_works_without_redirect(org_api):
    resp = org_api.post("/api/v1/sessions/", {"name": "Slash"}, format="json")
    assert resp.status_code == 201
    assert Session.objects.filter(name="Slash").count() == 1


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 256}, "name"),
        ({"name": 5 * ["x"]}, "name"),
        ({"name": "ok", "description": "d" * 1001}, "description"),
    ],
)
def test_create_session_invalid_body_is_a_validation_error(org_api, payload, field):
    resp = org_api.post("/api/v1/sessions", payload, format="json")
    err = assert_error(resp, 400, "VALIDATION_ERROR")
    assert field in err["details"]
    assert Session.objects.count() == 0


def test_create_session_unknown_field_is_rejected(org_api):
    resp = org_api.post("/api/v1/sessions", {"name": "x", "owner": "bob", "status": "active"}, format="json")
    err = assert_error(resp, 400, "VALIDATION_ERROR")
    assert set(err["details"]) == {"owner", "status"}
    assert Session.objects.count() == 0


def test_create_session_anonymous_is_401(api):
    resp = api.post("/api/v1/sessions", {"name": "x"}, format="json")
    assert_error(resp, 401, "NOT_AUTHENTICATED")
    assert Session.objects.count() == 0


def test_create_session_with_a_participant_token_is_403(api):
    p = ParticipantFactory()
    resp = api.post("/api/v1/sessions", {"name": "x"}, format="json", HTTP_X_PARTICIPANT_TOKEN=p.token)
    assert_error(resp, 403, "PERMISSION_DENIED")
    assert Session.objects.filter(name="x").count() == 0


def test_create_session_with_an_invalid_participant_token_is_401(api):
    resp = api.post("/api/v1/sessions", {"name": "x"}, format="json", HTTP_X_PARTICIPANT_TOKEN="bogus")
    assert_error(resp, 401, "NOT_AUTHENTICATED")


def test_create_session_strips_name(org_api):
    resp = org_api.post("/api/v1/sessions", {"name": "  Spaced  "}, format="json")
    assert resp.status_code == 201
    assert resp.json()["name"] == "Spaced"


# --- list -----------------------------------------------------------------------------------


def _aged(session: Session, minutes: int) -> Session:
    Session.objects.filter(pk=session.pk).update(created_at=timezone.now() - timedelta(minutes=minutes))
    return session


def test_list_shows_own_sessions_newest_first(org_api, organizer, other_organizer):
    old = _aged(SessionFactory(owner=organizer, name="old"), 30)
    mid = _aged(SessionFactory(owner=organizer, name="mid"), 20)
    new = _aged(SessionFactory(owner=organizer, name="new"), 10)
    SessionFactory(owner=other_organizer, name="bob's")
    resp = org_api.get("/api/v1/sessions")
    assert resp.status_code == 200
    body = resp.json()
    assert set(body) == PAGE_KEYS
    assert [s["id"] for s in body["items"]] == [str(new.pk), str(mid.pk), str(old.pk)]
    assert all(set(s) == SESSION_KEYS for s in body["items"])
    assert body["total"] == 3
    assert body["limit"] == 20
    assert body["offset"] == 0
    assert body["has_next"] is False
    assert body["has_prev"] is False


def test_list_superuser_sees_every_organizers_sessions(super_api, organizer, other_organizer):
    a = SessionFactory(owner=organizer)
    b = SessionFactory(owner=other_organizer)
    resp = super_api.get("/api/v1/sessions")
    assert resp.status_code == 200
    assert {s["id"] for s in resp.json()["items"]} == {str(a.pk), str(b.pk)}
    assert resp.json()["total"] == 2


def test_list_status_filter(org_api, organizer):
    SessionFactory(owner=organizer, status="draft")
    active = SessionFactory(owner=organizer, status="active")
    done = SessionFactory(owner=organizer, status="completed")
    resp = org_api.get("/api/v1/sessions?status=active")
    assert [s["id"] for s in resp.json()["items"]] == [str(active.pk)]
    assert resp.json()["total"] == 1
    resp = org_api.get("/api/v1/sessions?status=completed")
    assert [s["id"] for s in resp.json()["items"]] == [str(done.pk)]


def test_list_unknown_status_filter_is_400(org_api):
    err = assert_error(org_api.get("/api/v1/sessions?status=running"), 400, "VALIDATION_ERROR")
    assert "status" in err["details"]


def test_list_pagination_default_20_and_flags(org_api, organizer):
    for i in range(25):
        _aged(SessionFactory(owner=organizer, name=f"s{i:02d}"), 100 - i)
    first = org_api.get("/api/v1/sessions").json()
    assert len(first["items"]) == 20
    assert first["total"] == 25
    assert (first["limit"], first["offset"], first["has_next"], first["has_prev"]) == (20, 0, True, False)
    second = org_api.get("/api/v1/sessions?limit=20&offset=20").json()
    assert len(second["items"]) == 5
    assert (second["limit"], second["offset"], second["has_next"], second["has_prev"]) == (
        20,
        20,
        False,
        True,
    )
    assert not {s["id"] for s in first["items"]} & {s["id"] for s in second["items"]}
    middle = org_api.get("/api/v1/sessions?limit=5&offset=5").json()
    assert [s["name"] for s in middle["items"]] == ["s19", "s18", "s17", "s16", "s15"]
    assert (middle["has_next"], middle["has_prev"]) == (True, True)
    assert org_api.get("/api/v1/sessions?limit=100").json()["limit"] == 100
    beyond = org_api.get("/api/v1/sessions?offset=500").json()
    assert beyond["items"] == [] and beyond["total"] == 25


@pytest.mark.parametrize(
    "query", ["limit=101", "limit=-1", "limit=0", "limit=abc", "offset=abc", "offset=-1"]
)
def test_list_bad_pagination_params_are_400(org_api, query):
    err = assert_error(org_api.get(f"/api/v1/sessions?{query}"), 400, "VALIDATION_ERROR")
    assert query.split("=")[0] in err["details"]


def test_list_anonymous_is_401(api):
    assert_error(api.get("/api/v1/sessions"), 401, "NOT_AUTHENTICATED")


def test_list_trailing_slash(org_api, organizer):
    SessionFactory(owner=organizer)
    resp = org_api.get("/api/v1/sessions/")
    assert resp.status_code == 200
    assert resp.json()["total"] == 1


def test_participant_count_ignores_kicked(org_api, organizer):
    s = SessionFactory(owner=organizer)
    ParticipantFactory(session=s)
    ParticipantFactory(session=s)
    ParticipantFactory(session=s, kicked_at=timezone.now())
    assert org_api.get(url(s)).json()["participant_count"] == 2
    assert org_api.get("/api/v1/sessions").json()["items"][0]["participant_count"] == 2


# --- retrieve -------------------------------------------------------------------------------


def test_retrieve_own_session(org_api, organizer):
    s = SessionFactory(owner=organizer, name="Mine")
    resp = org_api.get(url(s))
    assert resp.status_code == 200
    assert set(resp.json()) == SESSION_KEYS
    assert resp.json()["id"] == str(s.pk)
    assert resp.json()["name"] == "Mine"
    assert org_api.get(url(s, "/")).json()["id"] == str(s.pk)


def test_retrieve_other_organizers_session_is_404(other_api, organizer):
    s = SessionFactory(owner=organizer)
    assert_error(other_api.get(url(s)), 404, "NOT_FOUND", {})


def test_retrieve_superuser_sees_any(super_api, organizer):
    s = SessionFactory(owner=organizer)
    assert super_api.get(url(s)).json()["admin_id"] == "alice"


def test_retrieve_unknown_is_404(org_api):
    assert_error(org_api.get(url(str(uuid.uuid4()))), 404, "NOT_FOUND")
    assert_error(org_api.get("/api/v1/sessions/not-a-uuid"), 404, "NOT_FOUND")


def test_retrieve_anonymous_is_401(api, organizer):
    s = SessionFactory(owner=organizer)
    assert_error(api.get(url(s)), 401, "NOT_AUTHENTICATED")


# --- update / transitions -------------------------------------------------------------------


def test_patch_name_and_description(org_api, organizer):
    s = SessionFactory(owner=organizer, name="Old", description="")
    resp = org_api.patch(url(s), {"name": "New", "description": "Desc"}, format="json")
    assert resp.status_code == 200
    assert set(resp.json()) == SESSION_KEYS
    assert (resp.json()["name"], resp.json()["description"]) == ("New", "Desc")
    s.refresh_from_db()
    assert (s.name, s.description, s.status) == ("New", "Desc", "draft")


def test_patch_unknown_field_is_rejected_and_nothing_changes(org_api, organizer):
    s = SessionFactory(owner=organizer, name="Keep")
    resp = org_api.patch(url(s), {"name": "Changed", "join_code": "AAAAAA"}, format="json")
    err = assert_error(resp, 400, "VALIDATION_ERROR")
    assert set(err["details"]) == {"join_code"}
    s.refresh_from_db()
    assert s.name == "Keep"


def test_patch_blank_name_is_400(org_api, organizer):
    s = SessionFactory(owner=organizer, name="Keep")
    err = assert_error(org_api.patch(url(s), {"name": "  "}, format="json"), 400, "VALIDATION_ERROR")
    assert "name" in err["details"]
    s.refresh_from_db()
    assert s.name == "Keep"


def test_put_replaces_and_requires_name(org_api, organizer):
    s = SessionFactory(owner=organizer, name="Keep")
    err = assert_error(org_api.put(url(s), {"description": "x"}, format="json"), 400, "VALIDATION_ERROR")
    assert "name" in err["details"]
    s.refresh_from_db()
    assert (s.name, s.description) == ("Keep", "")
    resp = org_api.put(url(s), {"name": "Put", "description": "d"}, format="json")
    assert resp.status_code == 200
    s.refresh_from_db()
    assert (s.name, s.description) == ("Put", "d")


def test_lifecycle_draft_active_completed(org_api, organizer):
    s = SessionFactory(owner=organizer)
    resp = org_api.patch(url(s), {"status": "active"}, format="json")
    assert resp.status_code == 200
    assert resp.json()["status"] == "active"
    s.refresh_from_db()
    assert s.status == "active" and s.started_at is not None and s.completed_at is None
    resp = org_api.patch(url(s), {"status": "completed"}, format="json")
    assert resp.status_code == 200
    assert resp.json()["status"] == "completed"
    s.refresh_from_db()
    assert s.status == "completed" and s.completed_at is not None


def test_put_can_change_status(org_api, organizer):
    s = SessionFactory(owner=organizer, name="n")
    resp = org_api.put(url(s), {"name": "n", "status": "active"}, format="json")
    assert resp.status_code == 200
    s.refresh_from_db()
    assert s.status == "active"


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("draft", "completed"),
        ("active", "draft"),
        ("completed", "active"),
        ("completed", "draft"),
        ("draft", "draft"),
        ("active", "active"),
        ("completed", "completed"),
    ],
)
def test_refused_transitions_are_409_and_leave_the_row(org_api, organizer, start, target):
    s = SessionFactory(owner=organizer, status=start)
    resp = org_api.patch(url(s), {"status": target}, format="json")
    assert_error(resp, 409, "INVALID_TRANSITION", {"from": start, "to": target})
    s.refresh_from_db()
    assert s.status == start


def test_refused_transition_rolls_back_other_fields_of_the_same_request(org_api, organizer):
    s = SessionFactory(owner=organizer, name="Keep", status="completed")
    resp = org_api.patch(url(s), {"name": "Changed", "status": "draft"}, format="json")
    assert_error(resp, 409, "INVALID_TRANSITION", {"from": "completed", "to": "draft"})
    s.refresh_from_db()
    assert (s.name, s.status) == ("Keep", "completed")


def test_patch_unknown_status_value_is_400(org_api, organizer):
    s = SessionFactory(owner=organizer)
    err = assert_error(org_api.patch(url(s), {"status": "paused"}, format="json"), 400, "VALIDATION_ERROR")
    assert "status" in err["details"]
    s.refresh_from_db()
    assert s.status == "draft"


def test_completing_a_session_expires_its_active_activity(org_api, organizer):
    s = SessionFactory(owner=organizer, status="active")
    a = ActivityFactory(session=s, status="active", activated_at=timezone.now())
    Session.objects.filter(pk=s.pk).update(current_activity=a)
    assert org_api.patch(url(s), {"status": "completed"}, format="json").status_code == 200
    a.refresh_from_db()
    assert a.status == "expired" and a.expired_at is not None


def test_patch_other_organizers_session_is_404_and_unchanged(other_api, organizer):
    s = SessionFactory(owner=organizer, name="Keep")
    assert_error(
        other_api.patch(url(s), {"name": "Hijack", "status": "active"}, format="json"), 404, "NOT_FOUND"
    )
    s.refresh_from_db()
    assert (s.name, s.status) == ("Keep", "draft")


def test_superuser_may_change_any_session(super_api, organizer):
    s = SessionFactory(owner=organizer)
    assert super_api.patch(url(s), {"status": "active"}, format="json").status_code == 200
    s.refresh_from_db()
    assert s.status == "active"


def test_patch_anonymous_is_401(api, organizer):
    s = SessionFactory(owner=organizer)
    assert_error(api.patch(url(s), {"name": "x"}, format="json"), 401, "NOT_AUTHENTICATED")


def test_patch_with_trailing_slash(org_api, organizer):
    s = SessionFactory(owner=organizer)
    assert org_api.patch(url(s, "/"), {"name": "Slashed"}, format="json").status_code == 200
    s.refresh_from_db()
    assert s.name == "Slashed"


# --- delete ---------------------------------------------------------------------------------


def test_delete_removes_session_and_everything_in_it(org_api, organizer):
    s = SessionFactory(owner=organizer, status="active")
    a = ActivityFactory(session=s, status="active", activated_at=timezone.now())
    Session.objects.filter(pk=s.pk).update(current_activity=a)
    b = ActivityFactory(session=s)
    r = ResponseFactory(activity=a)
    p = ParticipantFactory(session=s)
    keep = SessionFactory(owner=organizer)
    keep_p = ParticipantFactory(session=keep)
    resp = org_api.delete(url(s))
    assert resp.status_code == 204
    assert resp.content == b""
    assert not Session.objects.filter(pk=s.pk).exists()
    assert not Activity.objects.filter(pk__in=[a.pk, b.pk]).exists()
    assert not Response.objects.filter(pk=r.pk).exists()
    assert not Participant.objects.filter(pk__in=[p.pk, r.participant_id]).exists()
    assert Session.objects.filter(pk=keep.pk).exists()
    assert Participant.objects.filter(pk=keep_p.pk).exists()
    assert_error(org_api.get(url(s)), 404, "NOT_FOUND")


def test_delete_other_organizers_session_is_404_and_it_stays(other_api, organizer):
    s = SessionFactory(owner=organizer)
    assert_error(other_api.delete(url(s)), 404, "NOT_FOUND")
    assert Session.objects.filter(pk=s.pk).exists()


def test_delete_anonymous_is_401(api, organizer):
    s = SessionFactory(owner=organizer)
    assert_error(api.delete(url(s)), 401, "NOT_AUTHENTICATED")
    assert Session.objects.filter(pk=s.pk).exists()


def test_delete_twice_is_404(org_api, organizer):
    s = SessionFactory(owner=organizer)
    assert org_api.delete(url(s, "/")).status_code == 204
    assert_error(org_api.delete(url(s)), 404, "NOT_FOUND")


def test_session_detail_wrong_method_is_405(org_api, organizer):
    s = SessionFactory(owner=organizer)
    assert_error(org_api.post(url(s), {}, format="json"), 405, "METHOD_NOT_ALLOWED")


# --- next -----------------------------------------------------------------------------------


def test_next_activates_in_order_and_returns_the_state(org_api, organizer):
    s = SessionFactory(owner=organizer, status="active")
    third = ActivityFactory(session=s, order=3, title="third")
    first = ActivityFactory(session=s, order=1, title="first")
    second = ActivityFactory(session=s, order=2, title="second", status="published")

    resp = org_api.post(url(s, "/next"))
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert set(body) == STATE_KEYS
    assert body["session"] == {
        "id": str(s.pk),
        "name": s.name,
        "status": "active",
        "join_code": s.join_code,
        "rehearsal": False,
        "teams": [],
        "team_assignment": "choose",
    }
    assert body["current_activity"]["id"] == str(first.pk)
    assert body["current_activity"]["status"] == "active"
    first.refresh_from_db()
    assert first.status == "active" and first.activated_at is not None
    s.refresh_from_db()
    assert s.current_activity_id == first.pk

    resp = org_api.post(url(s, "/next/"))
    assert resp.status_code == 200
    assert resp.json()["current_activity"]["id"] == str(second.pk)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("expired", "active")

    assert org_api.post(url(s, "/next")).json()["current_activity"]["id"] == str(third.pk)
    s.refresh_from_db()
    assert s.current_activity_id == third.pk

    err = assert_error(org_api.post(url(s, "/next")), 409, "INVALID_TRANSITION")
    assert set(err["details"]) == {"from", "to"}
    third.refresh_from_db()
    assert third.status == "active"
    assert Activity.objects.filter(session=s, status="active").count() == 1


def test_next_with_no_activities_is_409(org_api, organizer):
    s = SessionFactory(owner=organizer, status="active")
    err = assert_error(org_api.post(url(s, "/next")), 409, "INVALID_TRANSITION")
    assert set(err["details"]) == {"from", "to"}


def test_next_in_a_draft_session_is_session_not_active(org_api, organizer):
    s = SessionFactory(owner=organizer, status="draft")
    a = ActivityFactory(session=s)
    assert_error(org_api.post(url(s, "/next")), 409, "SESSION_NOT_ACTIVE")
    a.refresh_from_db()
    assert a.status == "draft"


def test_next_permissions(api, other_api, super_api, organizer):
    s = SessionFactory(owner=organizer, status="active")
    a = ActivityFactory(session=s)
    assert_error(api.post(url(s, "/next")), 401, "NOT_AUTHENTICATED")
    assert_error(other_api.post(url(s, "/next")), 404, "NOT_FOUND")
    a.refresh_from_db()
    assert a.status == "draft"
    assert super_api.post(url(s, "/next")).status_code == 200
    a.refresh_from_db()
    assert a.status == "active"


# --- QR, join lookup, public status ---------------------------------------------------------


def test_qr_png_is_public(api, organizer):
    s = SessionFactory(owner=organizer)
    resp = api.get(url(s, "/qr.png"))
    assert resp.status_code == 200
    assert resp["Content-Type"] == "image/png"
    assert resp.content.startswith(b"\x89PNG\r\n\x1a\n")


def test_qr_svg_is_public(api, organizer):
    s = SessionFactory(owner=organizer)
    resp = api.get(url(s, "/qr.svg"))
    assert resp.status_code == 200
    assert resp["Content-Type"].startswith("image/svg+xml")
    assert b"<svg" in resp.content


def test_qr_unknown_session_is_404(api):
    assert_error(api.get(url(str(uuid.uuid4()), "/qr.png")), 404, "NOT_FOUND")
    assert_error(api.get(url(str(uuid.uuid4()), "/qr.svg")), 404, "NOT_FOUND")


def test_join_lookup(api, organizer):
    s = SessionFactory(owner=organizer, name="Kickoff", status="draft")
    resp = api.get(f"/api/v1/join/{s.join_code}")
    assert resp.status_code == 200
    assert resp.json() == {
        "session_id": str(s.pk),
        "name": "Kickoff",
        "status": "draft",
        "teams": [],
        "team_assignment": "choose",
    }
    lower = api.get(f"/api/v1/join/{s.join_code.lower()}/")
    assert lower.status_code == 200
    assert lower.json()["session_id"] == str(s.pk)


def test_join_lookup_active_session(api, organizer):
    s = SessionFactory(owner=organizer, status="active")
    assert api.get(f"/api/v1/join/{s.join_code}").json()["status"] == "active"


def test_join_lookup_completed_or_unknown_is_404(api, organizer):
    s = SessionFactory(owner=organizer, status="completed")
    assert_error(api.get(f"/api/v1/join/{s.join_code}"), 404, "NOT_FOUND")
    assert_error(api.get("/api/v1/join/ZZZZZZ"), 404, "NOT_FOUND")


def test_session_status_is_public(api, organizer):
    s = SessionFactory(owner=organizer, status="active")
    a = ActivityFactory(session=s, status="active", activated_at=timezone.now())
    Session.objects.filter(pk=s.pk).update(current_activity=a)
    ParticipantFactory(session=s)
    resp = api.get(url(s, "/status"))
    assert resp.status_code == 200
    body = resp.json()
    assert set(body) == {"session_id", "status", "current_activity_id", "participant_count", "last_updated"}
    assert body["session_id"] == str(s.pk)
    assert body["status"] == "active"
    assert body["current_activity_id"] == str(a.pk)
    assert body["participant_count"] == 1
    assert api.get(url(s, "/status/")).status_code == 200


def test_session_status_unknown_is_404(api):
    assert_error(api.get(url(str(uuid.uuid4()), "/status")), 404, "NOT_FOUND")


def test_state_is_public(api, organizer):
    s = SessionFactory(owner=organizer, status="draft")
    resp = api.get(url(s, "/state"))
    assert resp.status_code == 200
    body = resp.json()
    assert set(body) == STATE_KEYS
    assert body["current_activity"] is None
    assert body["session"]["join_code"] == s.join_code


@pytest.mark.parametrize("value", ["garbage", "2026-13-45T99:00:00Z", "yesterday", "1700000000"])
def test_state_refuses_an_unparsable_last_update(api, organizer, value):
    """Conformance (issue 12 item 9): ``?last_update=`` that is not a timestamp is 400
    VALIDATION_ERROR naming the parameter, like ``responses/since``; never a 500."""
    s = SessionFactory(owner=organizer)
    resp = api.get(url(s, "/state"), {"last_update": value})
    assert resp.status_code == 400, resp.content
    error = resp.json()["error"]
    assert error["code"] == "VALIDATION_ERROR"
    assert "last_update" in error["details"]
    # A real timestamp still works, and an empty one is no hint at all.
    assert api.get(url(s, "/state"), {"last_update": "2026-11-22T10:00:00Z"}).status_code == 200
    assert api.get(url(s, "/state"), {"last_update": ""}).status_code == 200


def test_the_seeds_limits_name_255_and_description_1000_or_null(org_api):
    """Conformance (issue 12 item 9)."""
    resp = org_api.post("/api/v1/sessions", {"name": "n" * 255, "description": "d" * 1000}, format="json")
    assert resp.status_code == 201, resp.content
    assert len(resp.json()["name"]) == 255 and len(resp.json()["description"]) == 1000
    sid = resp.json()["id"]
    empty = org_api.post("/api/v1/sessions", {"name": "No description", "description": None}, format="json")
    assert empty.status_code == 201 and empty.json()["description"] is None
    cleared = org_api.patch(f"/api/v1/sessions/{sid}", {"description": None}, format="json")
    assert cleared.status_code == 200 and cleared.json()["description"] is None
    assert Session.objects.get(pk=sid).description is None
    renamed = org_api.patch(f"/api/v1/sessions/{sid}", {"name": "Still no description"}, format="json")
    assert renamed.json()["description"] is None  # not given: unchanged


# --- the presenter screen's language (issue 16) -----------------------------------------------------


def test_a_session_has_a_presenter_language_english_by_default(org_api):
    resp = org_api.post("/api/v1/sessions", {"name": "Town hall"}, format="json")
    assert resp.status_code == 201 and resp.json()["language"] == "en"
    resp = org_api.post("/api/v1/sessions", {"name": "Reunión", "language": "es"}, format="json")
    assert resp.status_code == 201 and resp.json()["language"] == "es"
    assert Session.objects.get(pk=resp.json()["id"]).language == "es"


@pytest.mark.parametrize("method", ["patch", "put"])
def test_the_presenter_language_changes_and_bad_ones_are_refused(org_api, organizer, method):
    session = SessionFactory(owner=organizer)
    url = f"/api/v1/sessions/{session.pk}"
    resp = getattr(org_api, method)(url, {"name": session.name, "language": "de"}, format="json")
    assert resp.status_code == 200 and resp.json()["language"] == "de"
    session.refresh_from_db()
    assert session.language == "de"
    for bad in ("xx", "en-GB", "", None, 3):
        resp = getattr(org_api, method)(url, {"name": session.name, "language": bad}, format="json")
        error = assert_error(resp, 400, "VALIDATION_ERROR")
        assert list(error["details"]) == ["language"]
    session.refresh_from_db()
    assert session.language == "de"
    # A PATCH without it keeps it.
    assert org_api.patch(url, {"name": "Renamed"}, format="json").json()["language"] == "de"


def test_the_database_refuses_a_language_caja_does_not_speak(organizer):
    from django.db import IntegrityError, transaction

    session = SessionFactory(owner=organizer)
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.filter(pk=session.pk).update(language="xx")
