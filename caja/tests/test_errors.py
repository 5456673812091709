"""The general rules of the contract: error envelope, request ids, trailing slashes, body limits,
content types, methods, unknown URLs, throttling, health probes."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from core.testing import assert_error
from participants.models import Participant
from sessions_app.models import Session
from sessions_app.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db


# --- malformed bodies and content types -----------------------------------------------------


@pytest.mark.parametrize("raw", [b"{bad", b'{"name": "x",}', b"", b"\xff\xfe", b'{"name": "unterminated}'])
def test_malformed_json_is_400(org_api, raw):
    resp = org_api.post("/api/v1/sessions", raw, content_type="application/json")
    if raw == b"":
        # An empty body is an empty object: the missing field is reported.
        assert "name" in assert_error(resp, 400, "VALIDATION_ERROR")["details"]
    else:
        assert_error(resp, 400, "MALFORMED_JSON")
    assert Session.objects.count() == 0


def test_malformed_json_on_a_public_endpoint(api, organizer):
    s = SessionFactory(owner=organizer, status="active")
    resp = api.post(
        f"/api/v1/sessions/{s.pk}/participants", b'{"nickname": ', content_type="application/json"
    )
    assert_error(resp, 400, "MALFORMED_JSON")
    assert Participant.objects.count() == 0


@pytest.mark.parametrize("body", [b"[]", b'"name"', b"42", b"null"])
def test_json_that_is_not_an_object_is_a_validation_error(org_api, body):
    assert_error(
        org_api.post("/api/v1/sessions", body, content_type="application/json"), 400, "VALIDATION_ERROR"
    )
    assert Session.objects.count() == 0


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("text/plain", b'{"name": "x"}'),
        ("application/x-www-form-urlencoded", b"name=x"),
        ("application/xml", b"<name>x</name>"),
    ],
)
def test_non_json_content_type_is_415(org_api, content_type, body):
    resp = org_api.post("/api/v1/sessions", body, content_type=content_type)
    assert_error(resp, 415, "UNSUPPORTED_MEDIA_TYPE")
    assert Session.objects.count() == 0


def test_multipart_is_415(org_api):
    resp = org_api.post("/api/v1/sessions", {"name": "x"})  # the test client's default is multipart
    assert_error(resp, 415, "UNSUPPORTED_MEDIA_TYPE")
    assert Session.objects.count() == 0


def test_non_json_content_type_on_a_public_endpoint_is_415(api, organizer):
    s = SessionFactory(owner=organizer, status="active")
    resp = api.post(
        f"/api/v1/sessions/{s.pk}/participants",
        b"nickname=x",
        content_type="application/x-www-form-urlencoded",
    )
    assert_error(resp, 415, "UNSUPPORTED_MEDIA_TYPE")
    assert Participant.objects.count() == 0


def test_json_with_charset_is_accepted(org_api):
    resp = org_api.post(
        "/api/v1/sessions", b'{"name": "Caf\xc3\xa9"}', content_type="application/json; charset=utf-8"
    )
    assert resp.status_code == 201
    assert resp.json()["name"] == "Café"


# --- unknown fields -------------------------------------------------------------------------


def test_unknown_fields_are_listed_in_details(org_api):
    resp = org_api.post("/api/v1/sessions", {"name": "x", "colour": "red", "size": 3}, format="json")
    err = assert_error(resp, 400, "VALIDATION_ERROR")
    assert set(err["details"]) == {"colour", "size"}
    assert all(isinstance(v, list) and v for v in err["details"].values())


# --- methods and URLs -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("delete", "/api/v1/sessions"),
        ("put", "/api/v1/sessions"),
        ("post", "/api/v1/me"),
        ("get", "/api/v1/join"),
        ("delete", "/api/v1/join"),
        ("post", "/api/v1/join/ABCDEF"),
    ],
)
def test_wrong_method_is_405(org_api, api, method, path):
    assert_error(getattr(org_api, method)(path, format="json"), 405, "METHOD_NOT_ALLOWED")
    # The same answer without credentials: an unsupported method needs no login to be refused.
    assert_error(getattr(api, method)(path, format="json"), 405, "METHOD_NOT_ALLOWED")


def test_wrong_method_on_plain_django_views_is_405(api, organizer):
    s = SessionFactory(owner=organizer)
    assert_error(api.post(f"/api/v1/sessions/{s.pk}/state"), 405, "METHOD_NOT_ALLOWED")
    assert_error(api.post(f"/api/v1/sessions/{s.pk}/status"), 405, "METHOD_NOT_ALLOWED")
    assert_error(api.post("/health"), 405, "METHOD_NOT_ALLOWED")


@pytest.mark.parametrize(
    "path",
    ["/api/v1/nope", "/api/v1/nope/", "/api/v2/sessions", "/api/v1/sessions/123/activities", "/api/v1/"],
)
def test_unknown_api_url_is_404_envelope(api, org_api, path):
    assert_error(api.get(path), 404, "NOT_FOUND")
    assert_error(org_api.post(path, {}, format="json"), 404, "NOT_FOUND")


# --- trailing slashes -----------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "/"])
def test_trailing_slash_works_without_redirect(org_api, organizer, suffix):
    s = SessionFactory(owner=organizer)
    for path in ("/api/v1/sessions", f"/api/v1/sessions/{s.pk}", f"/api/v1/sessions/{s.pk}/activities"):
        resp = org_api.get(path + suffix)
        assert resp.status_code == 200, (path, resp.status_code)
        assert "Location" not in resp


def test_health_with_trailing_slash(api):
    assert api.get("/health/").json()["status"] == "healthy"
    assert api.get("/health/ready/").status_code == 200


# --- body size limit ------------------------------------------------------------------------


def test_body_over_64_kib_is_413(org_api, api, organizer):
    big = json.dumps({"name": "x", "description": "d" * (64 * 1024)}).encode()
    err = assert_error(
        org_api.post("/api/v1/sessions", big, content_type="application/json"), 413, "PAYLOAD_TOO_LARGE"
    )
    assert isinstance(err["details"], dict)
    assert Session.objects.count() == 0
    s = SessionFactory(owner=organizer, status="active")
    nick = json.dumps({"nickname": "n" * (70 * 1024)}).encode()
    resp = api.post(f"/api/v1/sessions/{s.pk}/participants", nick, content_type="application/json")
    assert_error(resp, 413, "PAYLOAD_TOO_LARGE")
    assert Participant.objects.count() == 0


def test_body_just_under_the_limit_is_parsed(org_api):
    body = json.dumps({"name": "x", "description": "d" * (60 * 1024)}).encode()
    assert len(body) < 64 * 1024
    err = assert_error(
        org_api.post("/api/v1/sessions", body, content_type="application/json"), 400, "VALIDATION_ERROR"
    )
    assert "description" in err["details"]


def test_body_limit_follows_the_setting(org_api, settings):
    from core.middleware import BodySizeLimitMiddleware

    assert BodySizeLimitMiddleware(lambda r: None).limit == settings.MAX_REQUEST_BODY_BYTES == 64 * 1024


# --- request ids ----------------------------------------------------------------------------


def test_request_id_is_echoed(org_api):
    resp = org_api.get("/api/v1/sessions", HTTP_X_REQUEST_ID="abc-123.XYZ")
    assert resp["X-Request-ID"] == "abc-123.XYZ"


def test_request_id_is_generated_when_absent(org_api, api):
    first = org_api.get("/api/v1/sessions")["X-Request-ID"]
    second = org_api.get("/api/v1/sessions")["X-Request-ID"]
    assert first and second and first != second
    assert re.fullmatch(r"[A-Za-z0-9._:-]{8,128}", first)


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("get", "/api/v1/nope", {}),
        ("get", "/api/v1/sessions", {}),
        ("get", "/health", {}),
        ("post", "/api/v1/sessions", {"data": b"x" * (65 * 1024), "content_type": "application/json"}),
    ],
)
def test_every_answer_carries_a_request_id(api, method, path, kwargs):
    resp = getattr(api, method)(path, HTTP_X_REQUEST_ID="trace-1", **kwargs)
    assert resp["X-Request-ID"] == "trace-1"
    assert getattr(api, method)(path, **kwargs)["X-Request-ID"]


def test_hostile_request_id_is_replaced(api):
    resp = api.get("/health", HTTP_X_REQUEST_ID="evil\r\nSet-Cookie: x=1")
    assert resp["X-Request-ID"]
    assert "evil" not in resp["X-Request-ID"]
    resp = api.get("/health", HTTP_X_REQUEST_ID="x" * 500)
    assert len(resp["X-Request-ID"]) <= 128


# --- unexpected failures ---------------------------------------------------------------------


def test_unexpected_failure_is_a_generic_500_envelope(org_api, monkeypatch):
    from sessions_app import services

    def boom(**kwargs: Any) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(services, "session_create", boom)
    resp = org_api.post("/api/v1/sessions", {"name": "x"}, format="json", HTTP_X_REQUEST_ID="req-500")
    err = assert_error(resp, 500, "INTERNAL_ERROR", {})
    assert "secret" not in err["message"]
    assert resp["X-Request-ID"] == "req-500"


# --- throttling -----------------------------------------------------------------------------


def test_join_throttle_is_429_with_retry_after(api, organizer, monkeypatch):
    from core.throttles import JoinIPThrottle

    monkeypatch.setattr(
        JoinIPThrottle, "THROTTLE_RATES", {**JoinIPThrottle.THROTTLE_RATES, "join_ip": "2/min"}
    )
    s = SessionFactory(owner=organizer, status="active")
    url = f"/api/v1/sessions/{s.pk}/participants"
    assert api.post(url, {"nickname": "a"}, format="json").status_code == 201
    assert api.post(url, {"nickname": "b"}, format="json").status_code == 201
    resp = api.post(url, {"nickname": "c"}, format="json")
    assert_error(resp, 429, "THROTTLED")
    assert int(resp["Retry-After"]) > 0
    assert Participant.objects.filter(session=s).count() == 2


# --- health ---------------------------------------------------------------------------------


def test_health(api):
    resp = api.get("/health")
    assert resp.status_code == 200
    body = resp.json()
    assert set(body) == {"status", "timestamp"}
    assert body["status"] == "healthy"
    from datetime import datetime

    assert datetime.fromisoformat(body["timestamp"].replace("Z", "+00:00")).tzinfo is not None


def test_health_ready(api):
    resp = api.get("/health/ready")
    assert resp.status_code == 200
    body = resp.json()
    assert body["status"] == "ready"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["cache"] == "ok"


def test_docs_are_served(api):
    assert api.get("/api/schema").status_code == 200
    assert api.get("/api/docs").status_code == 200
    assert api.get("/api/redoc").status_code == 200
