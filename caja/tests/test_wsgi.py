"""caja.wsgi: the hot paths go through a lean handler, everything else through the full stack."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone

from activities.tests.factories import ActivityFactory
from caja import wsgi
from participants import services as participant_services
from sessions_app.models import Session
from sessions_app.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db

POLL = {"question": "Lunch?", "options": [{"id": "a", "label": "Pizza"}, {"id": "b", "label": "Salad"}]}
SID = "0b2e9c4e-8a7f-4c1e-9d7a-2f1e3c4b5a6d"


@pytest.fixture(autouse=True)
def _keep_test_connection() -> Iterator[None]:
    # As Django's test client does: the request signals would close the test's connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def call(method: str, path: str, body: bytes = b"", **headers: str) -> tuple[int, dict[str, str], bytes]:
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "HTTP_HOST": "testserver",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "application/json" if body else "",
    }
    environ.update({k if k.startswith("HTTP_") else "HTTP_" + k.upper(): v for k, v in headers.items()})
    seen: dict[str, Any] = {}

    def start_response(status: str, response_headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        seen["status"] = int(status.split()[0])
        seen["headers"] = {k.lower(): v for k, v in response_headers}

    content = b"".join(wsgi.application(environ, start_response))
    return seen["status"], seen["headers"], content


def test_hot_paths_are_recognized() -> None:
    base = f"/api/v1/sessions/{SID}"
    assert wsgi.is_hot("GET", f"{base}/state") and wsgi.is_hot("HEAD", f"{base}/status/")
    assert wsgi.is_hot("GET", f"{base}/activities/{SID}/status")
    assert wsgi.is_hot("POST", f"{base}/activities/{SID}/responses") and wsgi.is_hot(
        "POST", f"{base}/heartbeat"
    )
    assert not wsgi.is_hot("GET", f"{base}/activities/{SID}/responses")  # the organizer's list
    assert not wsgi.is_hot("POST", f"{base}/state")
    assert not wsgi.is_hot("GET", f"{base}/results") and not wsgi.is_hot("GET", "/admin/")


def test_lean_stack_keeps_what_the_hot_paths_need(settings: Any) -> None:
    lean = wsgi.lean_middleware()
    for needed in (
        "caja.middleware.RequestIDMiddleware",
        "caja.middleware.BodySizeLimitMiddleware",
        "django.middleware.security.SecurityMiddleware",
        "caja.middleware.ApiErrorPageMiddleware",
        "caja.middleware.HotPathLanguageMiddleware",
    ):
        assert needed in lean
    for skipped in (
        "SessionMiddleware",
        "AuthenticationMiddleware",
        "CsrfViewMiddleware",
        "MessageMiddleware",
        "LocaleMiddleware",  # its Vary: Accept-Language would split nginx's cache of /state
    ):
        assert not any(name.endswith(skipped) for name in lean)
    settings.CORS_ALLOWED_ORIGINS = ["https://intranet.example"]
    assert "corsheaders.middleware.CorsMiddleware" in wsgi.lean_middleware()


def test_poll_and_vote_through_the_wsgi_entry_point(organizer: Any) -> None:
    session = SessionFactory(owner=organizer, status="active")
    activity = ActivityFactory(session=session, config=POLL, status="active", activated_at=timezone.now())
    Session.objects.filter(pk=session.pk).update(current_activity=activity)
    _, token = participant_services.participant_join(session=session, nickname="Ana")
    state = f"/api/v1/sessions/{session.pk}/state"

    status, headers, body = call("GET", state, HTTP_X_REQUEST_ID="abc-123")
    assert status == 200 and json.loads(body)["current_activity"]["id"] == str(activity.pk)
    assert headers["x-request-id"] == "abc-123"
    assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY"
    status, _, body = call("GET", state + "/", HTTP_IF_NONE_MATCH=headers["etag"])
    assert status == 304 and body == b""

    vote = json.dumps({"response_data": {"option_ids": ["a"]}}).encode()
    status, headers, body = call(
        "POST",
        f"/api/v1/sessions/{session.pk}/activities/{activity.pk}/responses",
        vote,
        X_PARTICIPANT_TOKEN=token,
    )
    assert status == 201 and json.loads(body)["response_data"] == {"option_ids": ["a"]}
    assert "x-request-id" in headers

    too_big = b'{"response_data": "' + b"x" * 70_000 + b'"}'
    status, _, body = call(
        "POST",
        f"/api/v1/sessions/{session.pk}/activities/{activity.pk}/responses",
        too_big,
        X_PARTICIPANT_TOKEN=token,
    )
    assert status == 413 and json.loads(body)["error"]["code"] == "PAYLOAD_TOO_LARGE"

    # Not a hot path: the full stack (sessions, CSRF) answers the admin.
    status, headers, _ = call("GET", "/admin/login/")
    assert status == 200 and "csrftoken" in headers.get("set-cookie", "")


def test_hot_paths_have_the_full_sites_route_names_and_patterns() -> None:
    """Metrics, logs and anything else keyed on the route see a hot path the same way whichever
    handler served it."""
    from django.urls import resolve

    sid, aid = SID, "1c2e9c4e-8a7f-4c1e-9d7a-2f1e3c4b5a6d"
    for path in (
        f"/api/v1/sessions/{sid}/state",
        f"/api/v1/sessions/{sid}/status",
        f"/api/v1/sessions/{sid}/heartbeat",
        f"/api/v1/sessions/{sid}/activities/{aid}/status",
        f"/api/v1/sessions/{sid}/activities/{aid}/responses",
    ):
        full, lean = resolve(path), resolve(path, urlconf="caja.hot_urls")
        assert (lean.url_name, lean.route, lean.func) == (full.url_name, full.route, full.func), path


def test_votes_and_polls_served_by_the_lean_handler_are_counted(organizer: Any, settings: Any) -> None:
    from caja.tests.test_metrics import ENABLED, value

    session = SessionFactory(owner=organizer, status="active")
    activity = ActivityFactory(session=session, config=POLL, status="active", activated_at=timezone.now())
    Session.objects.filter(pk=session.pk).update(current_activity=activity)
    _, token = participant_services.participant_join(session=session, nickname="Ana")
    for name, setting in ENABLED.items():
        setattr(settings, name, setting)
    # The module's handler loaded its middleware at import, with metrics off: a fresh one, as a
    # gunicorn worker started with METRICS_ENABLED builds.
    lean = wsgi.LeanWSGIHandler()
    original = wsgi.lean_application
    wsgi.lean_application = lean
    try:
        created = value("caja_answers_total", result="accepted", code="CREATED")
        polls = value("caja_polls_total", status="200")
        vote = json.dumps({"response_data": {"option_ids": ["a"]}}).encode()
        url = f"/api/v1/sessions/{session.pk}/activities/{activity.pk}/responses"
        assert call("POST", url, vote, X_PARTICIPANT_TOKEN=token)[0] == 201
        assert call("GET", f"/api/v1/sessions/{session.pk}/state")[0] == 200
    finally:
        wsgi.lean_application = original
    assert value("caja_answers_total", result="accepted", code="CREATED") == created + 1
    assert value("caja_polls_total", status="200") == polls + 1


def test_hot_paths_answer_errors_in_the_phones_language_without_splitting_the_poll(organizer: Any) -> None:
    from caja.testing import translated

    session = SessionFactory(owner=organizer, status="active")
    activity = ActivityFactory(session=session, config=POLL, status="expired")
    _, token = participant_services.participant_join(session=session, nickname="Ana")
    vote = json.dumps({"response_data": {"option_ids": ["a"]}}).encode()
    url = f"/api/v1/sessions/{session.pk}/activities/{activity.pk}/responses"
    for language, header in (("es", "es-ES,es;q=0.9"), ("de", "de"), ("en", "")):
        status, headers, body = call("POST", url, vote, X_PARTICIPANT_TOKEN=token, ACCEPT_LANGUAGE=header)
        error = json.loads(body)["error"]
        assert status == 409 and error["code"] == "ACTIVITY_NOT_ACTIVE"
        assert error["message"] == translated(language, "This activity is not open for answers.")
    # The switcher's cookie wins over Accept-Language, as on the pages.
    status, _, body = call(
        "POST", url, vote, X_PARTICIPANT_TOKEN=token, ACCEPT_LANGUAGE="de", COOKIE="caja_language=fr"
    )
    assert json.loads(body)["error"]["message"] == translated("fr", "This activity is not open for answers.")

    # A poll is the same for every language, and says nothing that would split a shared cache.
    state = f"/api/v1/sessions/{session.pk}/state"
    bodies = set()
    for header in ("es", "de", "fr", ""):
        status, headers, body = call("GET", state, ACCEPT_LANGUAGE=header)
        assert status == 200
        assert "accept-language" not in headers.get("vary", "").lower()
        assert "content-language" not in headers
        snapshot = json.loads(body)
        del snapshot["server_time"]  # the one field that is not part of the shared snapshot
        bodies.add(json.dumps(snapshot, sort_keys=True))
    assert len(bodies) == 1
