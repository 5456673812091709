"""Contract tests of the activity endpoints (CRUD, lifecycle, public status, results shapes).

The per-type rules (configs, answers and results of poll/poker/quiz/wordcloud) are tested elsewhere;
here every activity is the same simple poll.
"""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from django.utils import timezone

from activities.models import Activity, Response
from activities.tests.factories import ActivityFactory, ResponseFactory
from activities.types import get_type
from conftest import participant_client
from core.testing import PAGE_KEYS, assert_error
from participants.tests.factories import ParticipantFactory
from sessions_app.models import Session
from sessions_app.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db

POLL = {"question": "Lunch?", "options": [{"id": "a", "label": "Pizza"}, {"id": "b", "label": "Salad"}]}
# The contract's keys, plus revealed_at and round (extra keys are allowed: "anything beyond it is welcome").
CONTRACT_ACTIVITY_KEYS = {
    "id",
    "session_id",
    "type",
    "title",
    "config",
    "order",
    "status",
    "activated_at",
    "created_at",
    "updated_at",
    "track_key",  # contract v1.2: series and trends
}
ACTIVITY_KEYS = CONTRACT_ACTIVITY_KEYS | {"revealed_at", "round"}


@pytest.fixture
def session(organizer: Any) -> Session:
    return SessionFactory(owner=organizer, status="active")


def acts(session: Any, suffix: str = "") -> str:
    return f"/api/v1/sessions/{session.pk}/activities{suffix}"


def detail(activity: Activity, suffix: str = "") -> str:
    return f"/api/v1/sessions/{activity.session_id}/activities/{activity.pk}{suffix}"


def set_status(client: Any, activity: Activity, status: str, slash: str = "") -> Any:
    return client.patch(f"/api/v1/activities/{activity.pk}/status{slash}", {"status": status}, format="json")


# --- create ---------------------------------------------------------------------------------


def test_create_activity(org_api, session):
    resp = org_api.post(acts(session), {"type": "poll", "title": "Food", "config": POLL}, format="json")
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert set(body) == ACTIVITY_KEYS
    assert CONTRACT_ACTIVITY_KEYS <= set(body)
    assert body["session_id"] == str(session.pk)
    assert (body["type"], body["title"], body["status"], body["order"]) == ("poll", "Food", "draft", 1)
    assert body["activated_at"] is None
    assert body["config"]["question"] == "Lunch?"
    assert [o["id"] for o in body["config"]["options"]] == ["a", "b"]
    row = Activity.objects.get(pk=body["id"])
    assert (row.session_id, row.type, row.status, row.order) == (session.pk, "poll", "draft", 1)


def test_new_activities_go_last_unless_order_given(org_api, session):
    ActivityFactory(session=session, order=7)
    resp = org_api.post(acts(session), {"type": "poll", "config": POLL}, format="json")
    assert resp.json()["order"] == 8
    assert resp.json()["title"] == ""
    resp = org_api.post(acts(session, "/"), {"type": "poll", "config": POLL, "order": 3}, format="json")
    assert resp.status_code == 201
    assert resp.json()["order"] == 3


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"config": POLL}, "type"),
        ({"type": "survey", "config": POLL}, "type"),
        ({"type": "poll", "config": POLL, "order": -1}, "order"),
        ({"type": "poll", "config": POLL, "order": "first"}, "order"),
        ({"type": "poll", "config": POLL, "title": "t" * 201}, "title"),
        ({"type": "poll", "config": POLL, "session_id": str(uuid.uuid4())}, "session_id"),
        ({"type": "poll", "config": POLL, "status": "active"}, "status"),
    ],
)
def test_create_activity_validation(org_api, session, payload, field):
    err = assert_error(org_api.post(acts(session), payload, format="json"), 400, "VALIDATION_ERROR")
    assert field in err["details"]
    assert Activity.objects.count() == 0


def test_create_activity_invalid_config_reports_config_paths(org_api, session):
    bad = {"question": "Lunch?", "options": [{"id": "a", "label": "Pizza"}]}
    err = assert_error(
        org_api.post(acts(session), {"type": "poll", "config": bad}, format="json"), 400, "VALIDATION_ERROR"
    )
    assert err["details"]
    assert all(key.startswith("config") for key in err["details"])
    assert Activity.objects.count() == 0


def test_create_activity_permissions(api, other_api, super_api, session):
    payload = {"type": "poll", "config": POLL}
    assert_error(api.post(acts(session), payload, format="json"), 401, "NOT_AUTHENTICATED")
    assert_error(other_api.post(acts(session), payload, format="json"), 404, "NOT_FOUND")
    p = ParticipantFactory(session=session)
    assert_error(
        participant_client(p.token).post(acts(session), payload, format="json"), 403, "PERMISSION_DENIED"
    )
    assert Activity.objects.count() == 0
    assert super_api.post(acts(session), payload, format="json").status_code == 201
    assert Activity.objects.count() == 1


def test_create_activity_in_unknown_session_is_404(org_api):
    resp = org_api.post(
        f"/api/v1/sessions/{uuid.uuid4()}/activities", {"type": "poll", "config": POLL}, format="json"
    )
    assert_error(resp, 404, "NOT_FOUND")


# --- list / retrieve ------------------------------------------------------------------------


def test_list_activities_by_order(org_api, session):
    c = ActivityFactory(session=session, order=3)
    a = ActivityFactory(session=session, order=1)
    b = ActivityFactory(session=session, order=2)
    ActivityFactory()  # another session
    resp = org_api.get(acts(session))
    assert resp.status_code == 200
    body = resp.json()
    assert set(body) == PAGE_KEYS
    assert [x["id"] for x in body["items"]] == [str(a.pk), str(b.pk), str(c.pk)]
    assert all(set(x) == ACTIVITY_KEYS for x in body["items"])
    assert (body["total"], body["limit"], body["offset"], body["has_next"], body["has_prev"]) == (
        3,
        20,
        0,
        False,
        False,
    )
    page = org_api.get(acts(session, "/?limit=1&offset=1")).json()
    assert [x["id"] for x in page["items"]] == [str(b.pk)]
    assert (page["has_next"], page["has_prev"]) == (True, True)
    assert_error(org_api.get(acts(session, "?offset=abc")), 400, "VALIDATION_ERROR")


def test_list_activities_permissions(api, other_api, super_api, session):
    ActivityFactory(session=session)
    assert_error(api.get(acts(session)), 401, "NOT_AUTHENTICATED")
    assert_error(other_api.get(acts(session)), 404, "NOT_FOUND")
    assert super_api.get(acts(session)).json()["total"] == 1


def test_retrieve_activity(org_api, session):
    a = ActivityFactory(session=session, title="One")
    resp = org_api.get(detail(a))
    assert resp.status_code == 200
    assert set(resp.json()) == ACTIVITY_KEYS
    assert (resp.json()["id"], resp.json()["title"]) == (str(a.pk), "One")
    assert org_api.get(detail(a, "/")).status_code == 200


def test_retrieve_activity_of_another_session_in_path_is_404(org_api, organizer, session):
    elsewhere = ActivityFactory(session=SessionFactory(owner=organizer))
    assert_error(org_api.get(f"/api/v1/sessions/{session.pk}/activities/{elsewhere.pk}"), 404, "NOT_FOUND")
    assert_error(org_api.get(f"/api/v1/sessions/{session.pk}/activities/{uuid.uuid4()}"), 404, "NOT_FOUND")


def test_retrieve_activity_permissions(api, other_api, super_api, session):
    a = ActivityFactory(session=session)
    assert_error(api.get(detail(a)), 401, "NOT_AUTHENTICATED")
    assert_error(other_api.get(detail(a)), 404, "NOT_FOUND")
    assert super_api.get(detail(a)).status_code == 200


# --- update ---------------------------------------------------------------------------------


def test_patch_title_order_and_config_while_draft(org_api, session):
    a = ActivityFactory(session=session, title="Old", order=1)
    new_config = {**POLL, "question": "Dinner?"}
    resp = org_api.patch(detail(a), {"title": "New", "order": 5, "config": new_config}, format="json")
    assert resp.status_code == 200, resp.content
    assert set(resp.json()) == ACTIVITY_KEYS
    a.refresh_from_db()
    assert (a.title, a.order, a.config["question"]) == ("New", 5, "Dinner?")


def test_patch_config_while_published_is_allowed(org_api, session):
    a = ActivityFactory(session=session, status="published")
    assert org_api.patch(detail(a), {"config": {**POLL, "question": "Q2"}}, format="json").status_code == 200
    a.refresh_from_db()
    assert a.config["question"] == "Q2"


@pytest.mark.parametrize("status", ["active", "expired"])
def test_patch_config_of_live_or_finished_activity_is_409(org_api, session, status):
    a = ActivityFactory(session=session, status=status)
    resp = org_api.patch(detail(a), {"config": {**POLL, "question": "Changed"}}, format="json")
    err = assert_error(resp, 409, "INVALID_TRANSITION")
    assert set(err["details"]) == {"from", "to"}
    assert err["details"]["from"] == status
    a.refresh_from_db()
    assert a.config["question"] == "Lunch?"


def test_patch_title_of_active_activity_is_allowed(org_api, session):
    a = ActivityFactory(session=session, status="active")
    assert org_api.patch(detail(a), {"title": "Renamed"}, format="json").status_code == 200
    a.refresh_from_db()
    assert (a.title, a.status) == ("Renamed", "active")


def test_patch_invalid_config_is_400_and_unchanged(org_api, session):
    a = ActivityFactory(session=session)
    err = assert_error(
        org_api.patch(detail(a), {"config": {"question": ""}}, format="json"), 400, "VALIDATION_ERROR"
    )
    assert all(k.startswith("config") for k in err["details"])
    a.refresh_from_db()
    assert a.config["question"] == "Lunch?"


def test_patch_unknown_field_or_type_change_is_400(org_api, session):
    a = ActivityFactory(session=session, title="Keep")
    err = assert_error(
        org_api.patch(detail(a), {"title": "x", "status": "active"}, format="json"), 400, "VALIDATION_ERROR"
    )
    assert set(err["details"]) == {"status"}
    err = assert_error(
        org_api.patch(detail(a), {"type": "wordcloud"}, format="json"), 400, "VALIDATION_ERROR"
    )
    assert "type" in err["details"]
    a.refresh_from_db()
    assert (a.title, a.type, a.status) == ("Keep", "poll", "draft")


def test_put_requires_config(org_api, session):
    a = ActivityFactory(session=session, title="Keep")
    err = assert_error(org_api.put(detail(a), {"title": "x"}, format="json"), 400, "VALIDATION_ERROR")
    assert "config" in err["details"]
    a.refresh_from_db()
    assert a.title == "Keep"
    resp = org_api.put(detail(a), {"type": "poll", "title": "Put", "config": POLL}, format="json")
    assert resp.status_code == 200
    a.refresh_from_db()
    assert a.title == "Put"


def test_patch_activity_permissions(api, other_api, session):
    a = ActivityFactory(session=session, title="Keep")
    assert_error(api.patch(detail(a), {"title": "x"}, format="json"), 401, "NOT_AUTHENTICATED")
    assert_error(other_api.patch(detail(a), {"title": "x"}, format="json"), 404, "NOT_FOUND")
    a.refresh_from_db()
    assert a.title == "Keep"


# --- delete ---------------------------------------------------------------------------------


def test_delete_activity_removes_responses_and_clears_current(org_api, session):
    a = ActivityFactory(session=session, status="active", activated_at=timezone.now())
    Session.objects.filter(pk=session.pk).update(current_activity=a)
    r = ResponseFactory(activity=a)
    resp = org_api.delete(detail(a))
    assert resp.status_code == 204
    assert not Activity.objects.filter(pk=a.pk).exists()
    assert not Response.objects.filter(pk=r.pk).exists()
    session.refresh_from_db()
    assert session.current_activity_id is None
    assert org_api.get(f"/api/v1/sessions/{session.pk}").json()["current_activity_id"] is None
    assert_error(org_api.delete(detail(a)), 404, "NOT_FOUND")


def test_delete_activity_permissions(api, other_api, session):
    a = ActivityFactory(session=session)
    assert_error(api.delete(detail(a)), 401, "NOT_AUTHENTICATED")
    assert_error(other_api.delete(detail(a)), 404, "NOT_FOUND")
    assert Activity.objects.filter(pk=a.pk).exists()


# --- status transitions ---------------------------------------------------------------------


def test_lifecycle_draft_published_active_expired(org_api, session):
    a = ActivityFactory(session=session)
    resp = set_status(org_api, a, "published")
    assert resp.status_code == 200, resp.content
    assert set(resp.json()) == ACTIVITY_KEYS
    assert resp.json()["status"] == "published"
    a.refresh_from_db()
    assert a.status == "published" and a.activated_at is None

    resp = set_status(org_api, a, "active", slash="/")
    assert resp.status_code == 200
    assert resp.json()["status"] == "active"
    assert resp.json()["activated_at"] is not None
    a.refresh_from_db()
    session.refresh_from_db()
    assert a.status == "active" and a.activated_at is not None
    assert session.current_activity_id == a.pk
    assert org_api.get(f"/api/v1/sessions/{session.pk}").json()["current_activity_id"] == str(a.pk)

    resp = set_status(org_api, a, "expired")
    assert resp.status_code == 200
    a.refresh_from_db()
    assert a.status == "expired" and a.expired_at is not None


def test_draft_to_active_directly(org_api, session):
    a = ActivityFactory(session=session)
    assert set_status(org_api, a, "active").status_code == 200
    a.refresh_from_db()
    assert a.status == "active"


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("draft", "expired"),
        ("draft", "draft"),
        ("published", "draft"),
        ("published", "expired"),
        ("published", "published"),
        ("active", "draft"),
        ("active", "published"),
        ("active", "active"),
        ("expired", "active"),
        ("expired", "draft"),
        ("expired", "published"),
    ],
)
def test_refused_activity_transitions(org_api, session, start, target):
    a = ActivityFactory(session=session, status=start)
    assert_error(set_status(org_api, a, target), 409, "INVALID_TRANSITION", {"from": start, "to": target})
    a.refresh_from_db()
    assert a.status == start


@pytest.mark.parametrize("session_status", ["draft", "completed"])
def test_activating_needs_an_active_session(org_api, organizer, session_status):
    s = SessionFactory(owner=organizer, status=session_status)
    a = ActivityFactory(session=s, status="published")
    assert_error(set_status(org_api, a, "active"), 409, "SESSION_NOT_ACTIVE")
    a.refresh_from_db()
    s.refresh_from_db()
    assert a.status == "published" and a.activated_at is None
    assert s.current_activity_id is None


def test_publishing_in_a_draft_session_is_fine(org_api, organizer):
    s = SessionFactory(owner=organizer, status="draft")
    a = ActivityFactory(session=s)
    assert set_status(org_api, a, "published").status_code == 200
    a.refresh_from_db()
    assert a.status == "published"


def test_one_active_activity_per_session(org_api, session):
    a = ActivityFactory(session=session, order=1)
    b = ActivityFactory(session=session, order=2)
    other_session_active = ActivityFactory(session=SessionFactory(status="active"), status="active")
    assert set_status(org_api, a, "active").status_code == 200
    assert set_status(org_api, b, "active").status_code == 200
    a.refresh_from_db()
    b.refresh_from_db()
    session.refresh_from_db()
    assert (a.status, b.status) == ("expired", "active")
    assert a.expired_at is not None
    assert session.current_activity_id == b.pk
    assert Activity.objects.filter(session=session, status="active").count() == 1
    other_session_active.refresh_from_db()
    assert other_session_active.status == "active"


def test_status_change_validation(org_api, session):
    a = ActivityFactory(session=session)
    err = assert_error(set_status(org_api, a, "running"), 400, "VALIDATION_ERROR")
    assert "status" in err["details"]
    resp = org_api.patch(f"/api/v1/activities/{a.pk}/status", {"status": "published", "x": 1}, format="json")
    assert set(assert_error(resp, 400, "VALIDATION_ERROR")["details"]) == {"x"}
    err = assert_error(
        org_api.patch(f"/api/v1/activities/{a.pk}/status", {}, format="json"), 400, "VALIDATION_ERROR"
    )
    assert "status" in err["details"]
    a.refresh_from_db()
    assert a.status == "draft"


def test_status_change_permissions(api, other_api, super_api, session):
    a = ActivityFactory(session=session)
    assert_error(set_status(api, a, "published"), 401, "NOT_AUTHENTICATED")
    assert_error(set_status(other_api, a, "published"), 404, "NOT_FOUND")
    p = ParticipantFactory(session=session)
    assert_error(set_status(participant_client(p.token), a, "published"), 403, "PERMISSION_DENIED")
    a.refresh_from_db()
    assert a.status == "draft"
    assert set_status(super_api, a, "published").status_code == 200
    a.refresh_from_db()
    assert a.status == "published"


def test_status_change_unknown_activity_is_404(org_api):
    assert_error(
        org_api.patch(f"/api/v1/activities/{uuid.uuid4()}/status", {"status": "active"}, format="json"),
        404,
        "NOT_FOUND",
    )


def test_status_change_wrong_method_is_405(org_api, session):
    a = ActivityFactory(session=session)
    assert_error(org_api.get(f"/api/v1/activities/{a.pk}/status"), 405, "METHOD_NOT_ALLOWED")


# --- public activity status -----------------------------------------------------------------


def test_activity_status_is_public(api, session):
    a = ActivityFactory(session=session, status="active", activated_at=timezone.now())
    ResponseFactory(activity=a)
    ResponseFactory(activity=a)
    resp = api.get(detail(a, "/status"))
    assert resp.status_code == 200
    body = resp.json()
    assert set(body) == {"activity_id", "status", "response_count", "last_response_at", "last_updated"}
    assert (body["activity_id"], body["status"], body["response_count"]) == (str(a.pk), "active", 2)
    assert body["last_response_at"] is not None
    assert api.get(detail(a, "/status/")).status_code == 200


def test_activity_status_unknown_is_404(api, session):
    assert_error(api.get(f"/api/v1/sessions/{session.pk}/activities/{uuid.uuid4()}/status"), 404, "NOT_FOUND")
    other = ActivityFactory()
    assert_error(api.get(f"/api/v1/sessions/{session.pk}/activities/{other.pk}/status"), 404, "NOT_FOUND")


# --- reveal / reset / results (shapes and permissions only) ---------------------------------


def test_reveal_and_reset_of_a_poll_are_refused(org_api, session):
    a = ActivityFactory(session=session, status="active")
    err = assert_error(org_api.post(detail(a, "/reveal")), 409, "INVALID_TRANSITION")
    assert set(err["details"]) == {"from", "to"}
    err = assert_error(org_api.post(detail(a, "/reset")), 409, "INVALID_TRANSITION")
    assert set(err["details"]) == {"from", "to"}
    a.refresh_from_db()
    assert a.revealed_at is None and a.round == 1


def test_reveal_reset_results_permissions(api, other_api, session):
    a = ActivityFactory(session=session, status="active")
    for path in ("/reveal", "/reset"):
        assert_error(api.post(detail(a, path)), 401, "NOT_AUTHENTICATED")
        assert_error(other_api.post(detail(a, path)), 404, "NOT_FOUND")
    assert_error(api.get(detail(a, "/results")), 401, "NOT_AUTHENTICATED")
    assert_error(other_api.get(detail(a, "/results")), 404, "NOT_FOUND")


def test_activity_results_shape(org_api, session):
    a = ActivityFactory(session=session, status="active")
    ResponseFactory(activity=a)
    resp = org_api.get(detail(a, "/results"))
    assert resp.status_code == 200
    body = resp.json()
    assert set(body) == {"activity_id", "type", "status", "results"}
    assert (body["activity_id"], body["type"], body["status"]) == (str(a.pk), "poll", "active")
    assert body["results"]["type"] == "poll"
    assert body["results"]["total_responses"] == 1


def test_session_results_shape_and_permissions(api, org_api, other_api, session):
    a = ActivityFactory(session=session, order=1)
    b = ActivityFactory(session=session, order=2)
    resp = org_api.get(f"/api/v1/sessions/{session.pk}/results")
    assert resp.status_code == 200
    body = resp.json()
    assert set(body) == {"session_id", "activities", "leaderboard", "teams"}
    assert body["session_id"] == str(session.pk)
    assert [x["id"] for x in body["activities"]] == [str(a.pk), str(b.pk)]
    keys = {"id", "type", "type_label", "title", "order", "status", "results"}
    assert all(set(x) == keys for x in body["activities"])
    assert [x["type_label"] for x in body["activities"]] == [get_type(a.type).label, get_type(b.type).label]
    assert body["leaderboard"] == []
    assert_error(api.get(f"/api/v1/sessions/{session.pk}/results"), 401, "NOT_AUTHENTICATED")
    assert_error(other_api.get(f"/api/v1/sessions/{session.pk}/results"), 404, "NOT_FOUND")


def test_leaderboard_is_public(api, session):
    resp = api.get(f"/api/v1/sessions/{session.pk}/leaderboard")
    assert resp.status_code == 200
    assert resp.json() == {"items": [], "teams": []}
    assert_error(api.get(f"/api/v1/sessions/{uuid.uuid4()}/leaderboard"), 404, "NOT_FOUND")
