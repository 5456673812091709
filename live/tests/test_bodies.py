"""The phone's plain endpoints (reactions, heartbeat) and the rehearsal actions check their bodies as
strictly as every other endpoint (issue 22 item 4): unknown fields and wrong types are 400
VALIDATION_ERROR naming the field at fault."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from conftest import participant_client
from core.testing import assert_error
from participants import services as participant_services
from sessions_app.models import Session
from sessions_app.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def phone(organizer: Any) -> dict[str, Any]:
    session = SessionFactory(owner=organizer, status="active")
    _, token = participant_services.participant_join(session=session, nickname="Ana")
    return {"session": session, "client": participant_client(token), "base": f"/api/v1/sessions/{session.pk}"}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "wow", "bogus": 1}, "bogus"),
        ({"kind": 1}, "kind"),
        ({"kind": ["wow"]}, "kind"),
        ({}, "kind"),
        ([], "non_field_errors"),
    ],
)
def test_reaction_bodies(phone: dict[str, Any], body: Any, field: str) -> None:
    resp = phone["client"].post(f"{phone['base']}/reactions", body, format="json")
    details = assert_error(resp, 400, "VALIDATION_ERROR")["details"]
    assert set(details) == {field}, details  # only the field at fault is named


def test_heartbeat_takes_no_body(phone: dict[str, Any]) -> None:
    url = f"{phone['base']}/heartbeat"
    assert phone["client"].post(url).status_code == 204
    assert phone["client"].post(url, {}, format="json").status_code == 204
    details = assert_error(phone["client"].post(url, {"bogus": 1}, format="json"), 400, "VALIDATION_ERROR")
    assert details["details"] == {"bogus": ["Unknown field."]}
    assert_error(phone["client"].post(url, "nope", content_type="application/json"), 400, "MALFORMED_JSON")


@pytest.mark.parametrize("action", ["rehearse", "end-rehearsal"])
def test_rehearsal_actions_take_no_body(organizer: Any, org_api: APIClient, action: str) -> None:
    session = SessionFactory(owner=organizer, status="draft")
    if action == "end-rehearsal":
        assert org_api.post(f"/api/v1/sessions/{session.pk}/rehearse").status_code == 200
    before = Session.objects.get(pk=session.pk).status
    resp = org_api.post(f"/api/v1/sessions/{session.pk}/{action}", {"bogus": 1}, format="json")
    assert assert_error(resp, 400, "VALIDATION_ERROR")["details"] == {"bogus": ["Unknown field."]}
    assert Session.objects.get(pk=session.pk).status == before


@pytest.mark.parametrize(
    ("body", "field"),
    [({"language": "es", "bogus": 1}, "bogus"), ({"language": 1}, "language"), ({"name": 123}, "name")],
)
def test_session_language_and_name_are_strict(
    organizer: Any, org_api: APIClient, body: dict[str, Any], field: str
) -> None:
    session = SessionFactory(owner=organizer, name="Town hall")
    resp = org_api.patch(f"/api/v1/sessions/{session.pk}", body, format="json")
    assert field in assert_error(resp, 400, "VALIDATION_ERROR")["details"]
    assert Session.objects.get(pk=session.pk).name == "Town hall"


def test_hot_endpoint_errors_come_in_spanish(phone: dict[str, Any]) -> None:
    """Issue 22 item 9: the error paths of the phone's hot endpoints, in es."""
    from core.testing import translated

    es = {"HTTP_ACCEPT_LANGUAGE": "es"}
    base = phone["base"]
    client = phone["client"]
    cases = [
        (client.post(f"{base}/reactions", {"kind": "wow", "x": 1}, format="json", **es), "Invalid reaction."),
        (client.post(f"{base}/heartbeat", {"x": 1}, format="json", **es), "Invalid input."),
        (APIClient().post(f"{base}/heartbeat", **es), "A participant token is required."),
        (participant_client("nope").post(f"{base}/heartbeat", **es), "Invalid or revoked participant token."),
        (participant_client("nope").get("/api/v1/me", **es), "Invalid or revoked participant token."),
    ]
    for resp, english in cases:
        assert resp.json()["error"]["message"] == translated("es", english), resp.content
    detail = client.post(f"{base}/reactions", {"kind": "wow", "x": 1}, format="json", **es).json()
    assert detail["error"]["details"] == {"x": [translated("es", "Unknown field.")]}
    for path in ("state", "status", "reactions", "heartbeat"):
        resp = APIClient().put(f"{base}/{path}", **es)
        assert resp.status_code == 405
        assert resp.json()["error"]["message"] == translated("es", 'Method "%(method)s" not allowed.') % {
            "method": "PUT"
        }
    resp = APIClient().get(f"{base}/state", {"last_update": "soon"}, **es)
    assert resp.json()["error"]["details"]["last_update"] == [
        translated("es", "Expected an ISO 8601 timestamp, e.g. 2026-11-22T10:00:00Z.")
    ]
