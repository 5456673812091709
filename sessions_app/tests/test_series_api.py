"""The series API (contract v1.2, "Series and trends"): an organizer's own series, a session's
``series_id``, and what deleting a series does. The trends are activities/tests/test_trends_api.py."""

from __future__ import annotations

from typing import Any

import pytest

from activities import services as activity_services
from core.testing import PAGE_KEYS, assert_error
from sessions_app.models import AuditEntry, Series, Session, SessionMember
from sessions_app.tests.factories import SessionFactory, UserFactory

pytestmark = pytest.mark.django_db

SERIES_KEYS = {"id", "name", "session_count", "created_at"}


def _series(owner: Any, name: str = "Town halls") -> Series:
    return Series.objects.create(owner=owner, name=name)


def test_create_list_and_read_own_series(org_api: Any, organizer: Any, other_organizer: Any) -> None:
    resp = org_api.post("/api/v1/series", {"name": "  Monthly town hall "}, format="json")
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert set(body) == SERIES_KEYS
    assert body["name"] == "Monthly town hall" and body["session_count"] == 0
    series = Series.objects.get(pk=body["id"])
    assert series.owner == organizer
    SessionFactory(owner=organizer, series=series)
    SessionFactory(owner=organizer, series=series)
    _series(other_organizer, "Bob's")

    listing = org_api.get("/api/v1/series")
    assert listing.status_code == 200
    page = listing.json()
    assert set(page) == PAGE_KEYS
    assert [(s["name"], s["session_count"]) for s in page["items"]] == [("Monthly town hall", 2)]
    assert org_api.get(f"/api/v1/series/{series.pk}").json()["session_count"] == 2


def test_blank_name_is_refused(org_api: Any) -> None:
    assert_error(org_api.post("/api/v1/series", {"name": "  "}, format="json"), 400, "VALIDATION_ERROR")
    assert not Series.objects.exists()


def test_another_organizers_series_is_not_found(other_api: Any, organizer: Any) -> None:
    series = _series(organizer)
    for method in ("get", "patch", "delete"):
        resp = getattr(other_api, method)(f"/api/v1/series/{series.pk}", {"name": "x"}, format="json")
        assert_error(resp, 404, "NOT_FOUND")
    series.refresh_from_db()
    assert series.name == "Town halls"
    assert_error(other_api.get(f"/api/v1/series/{series.pk}/trends"), 404, "NOT_FOUND")


def test_rename(org_api: Any, organizer: Any) -> None:
    series = _series(organizer)
    resp = org_api.patch(f"/api/v1/series/{series.pk}", {"name": "Retros"}, format="json")
    assert resp.status_code == 200 and resp.json()["name"] == "Retros"
    series.refresh_from_db()
    assert series.name == "Retros"


def test_delete_keeps_the_sessions_unlinked(org_api: Any, organizer: Any) -> None:
    series = _series(organizer)
    done = SessionFactory(owner=organizer, series=series, status="completed")
    draft = SessionFactory(owner=organizer, series=series)
    resp = org_api.delete(f"/api/v1/series/{series.pk}")
    assert resp.status_code == 204
    assert not Series.objects.exists()
    rows: set[tuple[Any, Any]] = set(Session.objects.values_list("pk", "series_id"))
    assert rows == {(done.pk, None), (draft.pk, None)}
    entry = AuditEntry.objects.get(session=done, action="session.series")
    assert entry.details["to"] is None and entry.actor == organizer


def test_delete_while_a_session_is_live_is_refused(org_api: Any, organizer: Any) -> None:
    series = _series(organizer)
    live = SessionFactory(owner=organizer, series=series, status="active")
    error = assert_error(org_api.delete(f"/api/v1/series/{series.pk}"), 409, "INVALID_TRANSITION")
    assert "live session" in error["message"]
    live.refresh_from_db()
    assert live.series_id == series.pk


# --- a session's series_id --------------------------------------------------------------------------


def test_owner_puts_a_session_in_a_series_and_takes_it_out(org_api: Any, organizer: Any) -> None:
    series = _series(organizer)
    session = SessionFactory(owner=organizer)
    resp = org_api.patch(f"/api/v1/sessions/{session.pk}", {"series_id": str(series.pk)}, format="json")
    assert resp.status_code == 200, resp.content
    assert resp.json()["series_id"] == str(series.pk)
    session.refresh_from_db()
    assert session.series_id == series.pk
    entry = AuditEntry.objects.get(session=session, action="session.series")
    assert entry.details == {"from": None, "to": str(series.pk)} and entry.actor == organizer

    resp = org_api.patch(f"/api/v1/sessions/{session.pk}", {"series_id": None}, format="json")
    assert resp.status_code == 200 and resp.json()["series_id"] is None
    session.refresh_from_db()
    assert session.series_id is None


def test_co_organizer_may_use_the_owners_series_not_their_own(organizer: Any, api: Any) -> None:
    co = UserFactory(username="carol")
    session = SessionFactory(owner=organizer)
    SessionMember.objects.create(session=session, user=co, role="co_organizer")
    owners, carols = _series(organizer), _series(co, "Carol's")
    api.force_authenticate(co)
    url = f"/api/v1/sessions/{session.pk}"
    error = assert_error(
        api.patch(url, {"series_id": str(carols.pk)}, format="json"), 400, "VALIDATION_ERROR"
    )
    assert "series_id" in error["details"]
    session.refresh_from_db()
    assert session.series_id is None
    assert api.patch(url, {"series_id": str(owners.pk)}, format="json").status_code == 200
    session.refresh_from_db()
    assert session.series_id == owners.pk


def test_presenter_may_not_change_the_series(organizer: Any, api: Any) -> None:
    presenter = UserFactory(username="pat")
    session = SessionFactory(owner=organizer)
    SessionMember.objects.create(session=session, user=presenter, role="presenter")
    api.force_authenticate(presenter)
    resp = api.patch(
        f"/api/v1/sessions/{session.pk}", {"series_id": str(_series(organizer).pk)}, format="json"
    )
    assert_error(resp, 403, "PERMISSION_DENIED")
    session.refresh_from_db()
    assert session.series_id is None


def test_unknown_series_is_a_clear_400(org_api: Any, organizer: Any) -> None:
    session = SessionFactory(owner=organizer)
    resp = org_api.patch(
        f"/api/v1/sessions/{session.pk}", {"series_id": "00000000-0000-0000-0000-000000000000"}, format="json"
    )
    assert_error(resp, 400, "VALIDATION_ERROR")


def test_duplicate_keeps_the_series_and_track_keys(organizer: Any) -> None:
    series = _series(organizer)
    session = SessionFactory(owner=organizer, series=series)
    activity_services.activity_create(
        session=session,
        type="poll",
        config={"question": "Q", "options": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}]},
        track_key="confidence",
    )
    copy = activity_services.session_duplicate(session=session, owner=organizer)
    assert copy.series_id == series.pk
    assert list(copy.activities.values_list("track_key", flat=True)) == ["confidence"]
