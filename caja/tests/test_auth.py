"""Organizer authentication: JWT obtain/refresh, Bearer use, Django session login; the roles."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from conftest import participant_client
from core.testing import assert_error
from participants.tests.factories import ParticipantFactory
from sessions_app.models import Session
from sessions_app.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db


def obtain(client: APIClient, username: str, password: str) -> Any:
    return client.post("/api/v1/auth/token", {"username": username, "password": password}, format="json")


def test_obtain_and_use_a_jwt(api, organizer):
    resp = obtain(api, "alice", "pw-alice-123")
    assert resp.status_code == 200, resp.content
    tokens = resp.json()
    assert set(tokens) == {"access", "refresh"}
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {tokens['access']}")
    created = client.post("/api/v1/sessions", {"name": "By JWT"}, format="json")
    assert created.status_code == 201
    assert created.json()["admin_id"] == "alice"
    assert Session.objects.get(pk=created.json()["id"]).owner == organizer
    listed = client.get("/api/v1/sessions")
    assert listed.status_code == 200
    assert [s["id"] for s in listed.json()["items"]] == [created.json()["id"]]


def test_jwt_scopes_sessions_to_their_owner(api, organizer, other_organizer, superuser):
    mine = SessionFactory(owner=organizer)
    SessionFactory(owner=other_organizer)
    access = obtain(api, "alice", "pw-alice-123").json()["access"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {access}")
    assert [s["id"] for s in client.get("/api/v1/sessions").json()["items"]] == [str(mine.pk)]
    root = obtain(api, "root", "pw-root-123").json()["access"]
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {root}")
    assert client.get("/api/v1/sessions").json()["total"] == 2


def test_refresh_gives_a_working_access_token(api, organizer):
    tokens = obtain(api, "alice", "pw-alice-123").json()
    resp = api.post("/api/v1/auth/token/refresh", {"refresh": tokens["refresh"]}, format="json")
    assert resp.status_code == 200, resp.content
    assert "access" in resp.json()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {resp.json()['access']}")
    assert client.get("/api/v1/sessions").status_code == 200


def test_token_endpoints_accept_a_trailing_slash(api, organizer):
    tokens = obtain(api, "alice", "pw-alice-123").json()
    resp = api.post("/api/v1/auth/token/", {"username": "alice", "password": "pw-alice-123"}, format="json")
    assert resp.status_code == 200
    assert (
        api.post("/api/v1/auth/token/refresh/", {"refresh": tokens["refresh"]}, format="json").status_code
        == 200
    )


@pytest.mark.parametrize(
    ("username", "password"), [("alice", "wrong"), ("nobody", "pw-alice-123"), ("alice", "")]
)
def test_bad_credentials_are_401(api, organizer, username, password):
    resp = obtain(api, username, password)
    if password == "":
        assert_error(resp, 400, "VALIDATION_ERROR")
    else:
        assert_error(resp, 401, "NOT_AUTHENTICATED")


def test_obtain_validation(api, organizer):
    err = assert_error(
        api.post("/api/v1/auth/token", {"username": "alice"}, format="json"), 400, "VALIDATION_ERROR"
    )
    assert "password" in err["details"]
    assert_error(
        api.post("/api/v1/auth/token", b"{oops", content_type="application/json"), 400, "MALFORMED_JSON"
    )
    assert_error(api.get("/api/v1/auth/token"), 405, "METHOD_NOT_ALLOWED")


def test_inactive_user_cannot_obtain(api, organizer):
    organizer.is_active = False
    organizer.save()
    assert_error(obtain(api, "alice", "pw-alice-123"), 401, "NOT_AUTHENTICATED")


def test_bad_refresh_token_is_401(api, organizer):
    assert_error(
        api.post("/api/v1/auth/token/refresh", {"refresh": "garbage"}, format="json"),
        401,
        "NOT_AUTHENTICATED",
    )
    access = obtain(api, "alice", "pw-alice-123").json()["access"]
    # An access token is not a refresh token.
    assert_error(
        api.post("/api/v1/auth/token/refresh", {"refresh": access}, format="json"), 401, "NOT_AUTHENTICATED"
    )


@pytest.mark.parametrize("header", ["Bearer garbage", "Bearer", "Basic YWxpY2U6cHc=", "Token abc"])
def test_invalid_authorization_header_is_401(header, organizer):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    resp = client.get("/api/v1/sessions")
    assert_error(resp, 401, "NOT_AUTHENTICATED")


def test_refresh_token_cannot_be_used_as_bearer(api, organizer):
    refresh = obtain(api, "alice", "pw-alice-123").json()["refresh"]
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {refresh}")
    assert_error(client.get("/api/v1/sessions"), 401, "NOT_AUTHENTICATED")


def test_401_carries_a_www_authenticate_header(api):
    resp = api.get("/api/v1/sessions")
    assert_error(resp, 401, "NOT_AUTHENTICATED")
    assert resp["WWW-Authenticate"].startswith("Bearer")


def test_django_session_login_works_for_reads(organizer):
    client = APIClient()
    assert client.login(username="alice", password="pw-alice-123")
    s = SessionFactory(owner=organizer)
    resp = client.get("/api/v1/sessions")
    assert resp.status_code == 200
    assert [x["id"] for x in resp.json()["items"]] == [str(s.pk)]


def test_session_login_writes_need_csrf(organizer):
    client = APIClient(enforce_csrf_checks=True)
    assert client.login(username="alice", password="pw-alice-123")
    resp = client.post("/api/v1/sessions", {"name": "x"}, format="json")
    assert_error(resp, 403, "PERMISSION_DENIED")
    assert Session.objects.count() == 0


def test_participant_token_is_not_an_organizer_credential(organizer):
    s = SessionFactory(owner=organizer, status="active")
    p = ParticipantFactory(session=s)
    client = participant_client(p.token)
    for method, path in [
        ("get", "/api/v1/sessions"),
        ("get", f"/api/v1/sessions/{s.pk}"),
        ("patch", f"/api/v1/sessions/{s.pk}"),
        ("delete", f"/api/v1/sessions/{s.pk}"),
        ("post", f"/api/v1/sessions/{s.pk}/next"),
        ("get", f"/api/v1/sessions/{s.pk}/participants"),
    ]:
        assert_error(getattr(client, method)(path, {}, format="json"), 403, "PERMISSION_DENIED")
    s.refresh_from_db()
    assert s.status == "active"
    assert Session.objects.filter(pk=s.pk).exists()
