"""caja.wsgi: the hot paths go through a lean handler, everything else through the full stack."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone

from activities import services
from activities.tests.factories import QUIZ_CONFIG, ActivityFactory, live_activity
from caja import wsgi
from participants import services as participant_services
from sessions_app import services as session_services
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


def _env(method: str, path: str, body: bytes, content_type: str, headers: dict[str, str]) -> dict[str, Any]:
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
        "CONTENT_TYPE": content_type,
    }
    environ.update(
        {k if k.startswith(("HTTP_", "wsgi.")) else "HTTP_" + k.upper(): v for k, v in headers.items()}
    )
    return environ


def call(method: str, path: str, body: bytes = b"", **headers: str) -> tuple[int, dict[str, str], bytes]:
    environ = _env(method, path, body, "application/json" if body else "", headers)
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
        "core.middleware.RequestIDMiddleware",
        "core.middleware.BodySizeLimitMiddleware",
        "django.middleware.security.SecurityMiddleware",
        "core.middleware.ApiErrorPageMiddleware",
        "core.middleware.HotPathLanguageMiddleware",
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
    from core.testing import translated

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


# --- the votes through the WSGI entry point ------------------------------------------------------
# caja.wsgi.application sends a vote to the lean handler (lean middleware, caja.hot_urls,
# activities.views.votes.responses_view). Its answers must be the ones the full stack gives: same
# status and body, the lean stack's headers. Each case sends one request through the entry point
# and the same request through the full handler (wsgi.full_application).


def _serve(app: Any, environ: dict[str, Any]) -> tuple[int, list[tuple[str, str]], bytes]:
    seen: dict[str, Any] = {}

    def start_response(status: str, response_headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        seen["status"], seen["headers"] = int(status.split()[0]), list(response_headers)

    result = app(environ, start_response)
    try:
        content = b"".join(result)
    finally:
        result.close()  # as the server does: sends request_finished
    return seen["status"], seen["headers"], content


class Served:
    """Counts the requests the lean handler serves."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.count = 0
        original = wsgi.LeanWSGIHandler.get_response

        def spy(handler: Any, request: Any) -> Any:
            self.count += 1
            return original(handler, request)

        monkeypatch.setattr(wsgi.LeanWSGIHandler, "get_response", spy)


def _answer(result: tuple[int, list[tuple[str, str]], bytes]) -> tuple[int, bytes, str | None]:
    """What must be the same whichever stack answers: the status, the body, Retry-After."""
    return result[0], result[2], dict(result[1]).get("Retry-After")


def both(
    url: str,
    body: bytes | str | dict[str, Any],
    *,
    content_type: str = "application/json",
    method: str = "POST",
    **headers: str,
) -> tuple[tuple[int, list[tuple[str, str]], bytes], tuple[int, list[tuple[str, str]], bytes]]:
    """(the entry point's answer, the full stack's) to the same request."""
    raw = body if isinstance(body, bytes) else (body if isinstance(body, str) else json.dumps(body)).encode()
    headers.setdefault("HTTP_X_REQUEST_ID", "req-1")
    hot = _serve(wsgi.application, _env(method, url, raw, content_type, headers))
    full = _serve(wsgi.full_application, _env(method, url, raw, content_type, headers))
    return hot, full


def assert_same(pair: Any, status: int, code: str | None = None) -> dict[str, Any]:
    hot, full = pair
    assert _answer(hot) == _answer(full), (hot, full)
    assert hot[0] == status, hot
    assert dict(hot[1])["X-Request-ID"] == "req-1"
    data: dict[str, Any] = json.loads(hot[2]) if hot[2] else {}
    if code is not None:
        assert data["error"]["code"] == code
    return data


@pytest.fixture
def vote_world(organizer: Any) -> dict[str, Any]:
    session = SessionFactory(owner=organizer, status="active")
    activity = ActivityFactory(session=session, config=POLL, status="active", activated_at=timezone.now())
    Session.objects.filter(pk=session.pk).update(current_activity=activity)
    joined = [participant_services.participant_join(session=session, nickname=n) for n in ("Ana", "Bo", "Cy")]
    return {
        "session": session,
        "activity": activity,
        "participants": [p for p, _ in joined],
        "tokens": [t for _, t in joined],
        "url": f"/api/v1/sessions/{session.pk}/activities/{activity.pk}/responses",
    }


VOTE_A = {"response_data": {"option_ids": ["a"]}}


def test_hot_routes_are_declared_once_and_the_dispatcher_agrees_with_the_lean_urlconf() -> None:
    from django.urls import Resolver404, resolve

    from caja import hot_urls

    sid, aid = SID, "1c2e9c4e-8a7f-4c1e-9d7a-2f1e3c4b5a6d"
    paths = [
        f"/api/v1/sessions/{sid}/{tail}{slash}"
        for tail in (
            "state",
            "status",
            "heartbeat",
            "reactions",
            "next",
            "results",
            f"activities/{aid}/status",
            f"activities/{aid}/responses",
            f"activities/{aid}/responses/mine",
            f"activities/{aid.upper()}/responses",
        )
        for slash in ("", "/", "//")
    ] + ["/api/v1/sessions", "/admin/", "/", "", "/api/v1/", f"/x/api/v1/sessions/{sid}/state"]
    for path in paths:
        for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"):
            try:
                name = resolve(path.removesuffix("/") or "/", urlconf="caja.hot_urls").url_name
            except Resolver404:
                name = None
            expected = path.count("//") == 0 and name is not None and method in hot_urls.METHODS[name]
            assert wsgi.is_hot(method, path) == expected, (method, path)
    assert sorted(hot_urls.METHODS) == sorted(
        [
            "session-state",
            "session-status",
            "activity-status",
            "session-heartbeat",
            "session-reactions",
            "response-list",
        ]
    )


def test_a_vote_is_answered_by_the_lean_handler_as_by_the_full_stack(vote_world, monkeypatch) -> None:
    from activities.models import Response

    served = Served(monkeypatch)
    a, b, _ = vote_world["tokens"]

    def vote_env(token: str, payload: dict[str, Any] = VOTE_A, slash: str = "") -> dict[str, Any]:
        path = vote_world["url"] + slash
        headers = {"HTTP_X_PARTICIPANT_TOKEN": token, "HTTP_X_REQUEST_ID": "r1"}
        return _env("POST", path, json.dumps(payload).encode(), "application/json", headers)

    hot = _serve(wsgi.application, vote_env(a))
    assert served.count == 1
    full = _serve(wsgi.full_application, vote_env(b))
    assert served.count == 1
    assert hot[0] == full[0] == 201
    assert [name for name, _ in hot[1]] == [
        "Content-Type",
        "X-Frame-Options",
        "X-Content-Type-Options",
        "Referrer-Policy",
        "Cross-Origin-Opener-Policy",
        "X-Request-ID",
    ]
    assert dict(hot[1])["X-Request-ID"] == "r1"
    hot_body, full_body = json.loads(hot[2]), json.loads(full[2])
    for body, participant in (
        (hot_body, vote_world["participants"][0]),
        (full_body, vote_world["participants"][1]),
    ):
        row = Response.objects.get(participant=participant)
        assert body == {
            "id": str(row.pk),
            "activity_id": str(vote_world["activity"].pk),
            "participant_id": str(participant.pk),
            "response_data": {"option_ids": ["a"]},
            "created_at": row.created_at.isoformat().replace("+00:00", "Z"),
            "updated_at": row.updated_at.isoformat().replace("+00:00", "Z"),
        }
    # A changed answer (a poll replaces it): 200, the same row; the trailing slash is hot too.
    again = {"response_data": {"option_ids": ["b"]}}
    hot2 = _serve(wsgi.application, vote_env(a, again, slash="/"))
    assert served.count == 2
    assert hot2[0] == 200 and json.loads(hot2[2])["id"] == hot_body["id"]
    assert Response.objects.filter(activity=vote_world["activity"]).count() == 2


def test_request_ids_on_the_vote_path(vote_world) -> None:
    a = vote_world["tokens"][0]
    raw = json.dumps(VOTE_A).encode()
    status, headers, _ = _serve(
        wsgi.application,
        _env(
            "POST",
            vote_world["url"],
            raw,
            "application/json",
            {"HTTP_X_PARTICIPANT_TOKEN": a, "HTTP_X_REQUEST_ID": "abc-123"},
        ),
    )
    assert status == 201 and dict(headers)["X-Request-ID"] == "abc-123"
    # A hostile or missing id is replaced by a new one (RequestIDMiddleware).
    for given in ({"HTTP_X_REQUEST_ID": "bad id\r\nX-Evil: 1"}, {}):
        status, headers, _ = _serve(
            wsgi.application,
            _env(
                "POST", vote_world["url"], raw, "application/json", {"HTTP_X_PARTICIPANT_TOKEN": a, **given}
            ),
        )
        assert status == 200 and len(dict(headers)["X-Request-ID"]) == 32


def test_vote_refusals_are_the_full_stacks(vote_world, monkeypatch) -> None:
    served = Served(monkeypatch)
    a, b, c = vote_world["tokens"]
    url = vote_world["url"]
    # Invalid answers (the type's validation): 400 with the same details.
    data = assert_same(
        both(url, {"response_data": {"option_ids": ["zzz"]}}, HTTP_X_PARTICIPANT_TOKEN=a),
        400,
        "VALIDATION_ERROR",
    )
    assert data["error"]["details"]
    assert_same(both(url, {"response_data": "nope"}, HTTP_X_PARTICIPANT_TOKEN=a), 400, "VALIDATION_ERROR")
    # An activity of another session (or none): 404.
    other = f"/api/v1/sessions/{vote_world['session'].pk}/activities/{SID}/responses"
    assert_same(both(other, VOTE_A, HTTP_X_PARTICIPANT_TOKEN=a), 404, "NOT_FOUND")
    assert served.count == 3  # one per pair: the entry point's
    # A closed activity: 409, in the phone's language (Accept-Language, the switcher's cookie).
    from core.testing import translated

    services.activity_set_status(activity=vote_world["activity"], status="expired")
    assert_same(both(url, VOTE_A, HTTP_X_PARTICIPANT_TOKEN=b), 409, "ACTIVITY_NOT_ACTIVE")
    for language, headers in (
        ("de", {"HTTP_ACCEPT_LANGUAGE": "de"}),
        ("fr", {"HTTP_COOKIE": "caja_language=fr"}),
    ):
        data = assert_same(
            both(url, VOTE_A, HTTP_X_PARTICIPANT_TOKEN=b, **headers), 409, "ACTIVITY_NOT_ACTIVE"
        )
        assert data["error"]["message"] == translated(language, "This activity is not open for answers.")
    # The next request without a language is in the default one again.
    data = assert_same(both(url, VOTE_A, HTTP_X_PARTICIPANT_TOKEN=b), 409, "ACTIVITY_NOT_ACTIVE")
    assert data["error"]["message"] == "This activity is not open for answers."
    # A completed session: 409.
    session_services.session_complete(session=vote_world["session"])
    assert_same(both(url, VOTE_A, HTTP_X_PARTICIPANT_TOKEN=c), 409, "SESSION_NOT_ACTIVE")


def test_odd_votes_get_the_full_stacks_answers(
    vote_world, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    a, b, c = vote_world["tokens"]
    url = vote_world["url"]
    cases = [
        # No token, an unknown one, a too long one: the DRF view's 401.
        (both(url, VOTE_A), 401, "NOT_AUTHENTICATED"),
        (both(url, VOTE_A, HTTP_X_PARTICIPANT_TOKEN="not-a-token"), 401, "NOT_AUTHENTICATED"),
        (both(url, VOTE_A, HTTP_X_PARTICIPANT_TOKEN="x" * 201), 401, "NOT_AUTHENTICATED"),
        # Bodies: malformed JSON, another content type, extra keys, too deep, over the limit.
        (both(url, b'{"response_data": ', HTTP_X_PARTICIPANT_TOKEN=a), 400, "MALFORMED_JSON"),
        (both(url, b'{"response_data": NaN}', HTTP_X_PARTICIPANT_TOKEN=a), 400, "MALFORMED_JSON"),
        (both(url, b"\xff\xfe", HTTP_X_PARTICIPANT_TOKEN=a), 400, "MALFORMED_JSON"),
        (both(url, "response_data=a", content_type="text/plain", HTTP_X_PARTICIPANT_TOKEN=a), 415, None),
        (both(url, {**VOTE_A, "x": 1}, HTTP_X_PARTICIPANT_TOKEN=a), None, None),
        (both(url, [1, 2], HTTP_X_PARTICIPANT_TOKEN=a), 400, "VALIDATION_ERROR"),
        (
            both(url, {"response_data": json.loads("[" * 40 + "]" * 40)}, HTTP_X_PARTICIPANT_TOKEN=a),
            400,
            "VALIDATION_ERROR",
        ),
        (
            both(url, b'{"response_data": "' + b"x" * 70_000 + b'"}', HTTP_X_PARTICIPANT_TOKEN=a),
            413,
            "PAYLOAD_TOO_LARGE",
        ),
    ]
    for pair, status, code in cases:
        hot, full = pair
        assert _answer(hot) == _answer(full), (hot, full)
        if status is not None:
            assert_same(pair, status, code)
    # A wrong Content-Length: the body limit middleware's 400.
    raw = json.dumps(VOTE_A).encode()
    env_hot = _env("POST", url, raw, "application/json", {"HTTP_X_PARTICIPANT_TOKEN": a})
    env_full = dict(env_hot, **{"wsgi.input": io.BytesIO(raw)})
    env_hot["CONTENT_LENGTH"] = env_full["CONTENT_LENGTH"] = "ten"
    hot = _serve(wsgi.application, env_hot)
    assert hot[0] == 400 and _answer(hot) == _answer(_serve(wsgi.full_application, env_full))
    # A token of another session: 403 on both.
    other = SessionFactory(owner=vote_world["session"].owner, status="active")
    _, stranger = participant_services.participant_join(session=other, nickname="Zed")
    assert_same(both(url, VOTE_A, HTTP_X_PARTICIPANT_TOKEN=stranger), 403, "PERMISSION_DENIED")
    # A path the lean URLconf does not resolve (upper-case ids): the full site's 404.
    upper = (
        url.upper()
        .replace("/API/V1/SESSIONS/", "/api/v1/sessions/")
        .replace("/ACTIVITIES/", "/activities/")
        .replace("/RESPONSES", "/responses")
    )
    assert_same(both(upper, VOTE_A, HTTP_X_PARTICIPANT_TOKEN=a), 404, "NOT_FOUND")
    # A kicked participant's token: 401 on both.
    with django_capture_on_commit_callbacks(execute=True):
        participant_services.participant_kick(participant=vote_world["participants"][1])
    assert_same(both(url, VOTE_A, HTTP_X_PARTICIPANT_TOKEN=b), 401, "NOT_AUTHENTICATED")


def test_a_declined_vote_is_decoded_once(vote_world, monkeypatch) -> None:
    """The fast path decodes the body; the DRF view it hands a vote to takes the decoded body."""
    import core.parsers

    decodes: list[Any] = []
    original = core.parsers.json.loads

    def counting(raw: Any, *args: Any, **kwargs: Any) -> Any:
        decodes.append(raw)
        return original(raw, *args, **kwargs)

    monkeypatch.setattr(core.parsers.json, "loads", counting)
    other = SessionFactory(owner=vote_world["session"].owner, status="active")
    _, stranger = participant_services.participant_join(session=other, nickname="Zed")
    url = vote_world["url"]
    a = vote_world["tokens"][0]
    for body, token, status in (
        (VOTE_A, stranger, 403),  # a token of another session: declined after decoding
        ({**VOTE_A, "x": 1}, a, 400),  # not the plain shape: the DRF view answers (unknown field)
        (b'{"response_data": ', a, 400),  # malformed: decoded (and refused) once
    ):
        decodes.clear()
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        result = _serve(
            wsgi.application, _env("POST", url, raw, "application/json", {"HTTP_X_PARTICIPANT_TOKEN": token})
        )
        assert result[0] == status, result
        assert [d for d in decodes if d in (raw, raw.decode())] == [raw.decode()], decodes


def test_a_quiz_after_its_time_is_refused_alike(organizer) -> None:
    quiz = live_activity(
        "quiz",
        {**QUIZ_CONFIG, "time_limit_seconds": 10},
        session=SessionFactory(owner=organizer, status="active"),
        activated_at=timezone.now() - timedelta(seconds=60),
    )
    session = quiz.session
    _, token = participant_services.participant_join(session=session, nickname="Q")
    url = f"/api/v1/sessions/{session.pk}/activities/{quiz.pk}/responses"
    assert_same(
        both(url, {"response_data": {"option_id": "a"}}, HTTP_X_PARTICIPANT_TOKEN=token), 409, "TIME_UP"
    )


def test_a_second_quiz_answer_is_refused_alike(organizer) -> None:
    quiz = live_activity("quiz", session=SessionFactory(owner=organizer, status="active"))
    session = quiz.session
    _, token = participant_services.participant_join(session=session, nickname="Q")
    url = f"/api/v1/sessions/{session.pk}/activities/{quiz.pk}/responses"
    raw = json.dumps({"response_data": {"option_id": "a"}}).encode()
    assert (
        _serve(
            wsgi.application, _env("POST", url, raw, "application/json", {"HTTP_X_PARTICIPANT_TOKEN": token})
        )[0]
        == 201
    )
    assert_same(both(url, raw, HTTP_X_PARTICIPANT_TOKEN=token), 409, "ALREADY_ANSWERED")


def test_throttled_votes_are_refused_alike(vote_world, monkeypatch) -> None:
    from activities.views import votes
    from core.throttles import ParticipantTokenThrottle

    monkeypatch.setattr(ParticipantTokenThrottle, "THROTTLE_RATES", {"join_ip": "3/min", "answer": "2/min"})
    # One instant for both sides, so Retry-After and details.retry_after are the same numbers.
    monkeypatch.setattr(votes.time, "time", lambda: 1_800_000_030.25)
    a = vote_world["tokens"][0]
    for _ in range(2):
        assert _serve(
            wsgi.application,
            _env(
                "POST",
                vote_world["url"],
                json.dumps(VOTE_A).encode(),
                "application/json",
                {"HTTP_X_PARTICIPANT_TOKEN": a},
            ),
        )[0] in (200, 201)
    data = assert_same(both(vote_world["url"], VOTE_A, HTTP_X_PARTICIPANT_TOKEN=a), 429, "THROTTLED")
    assert data["error"]["details"] == {"retry_after": 30}
    hot, _ = both(vote_world["url"], VOTE_A, HTTP_X_PARTICIPANT_TOKEN=a)
    assert dict(hot[1])["Retry-After"] == "30"


@pytest.mark.parametrize(
    ("error", "status", "code"),
    [
        ("operational", 503, "SERVICE_UNAVAILABLE"),
        ("data", 400, "VALIDATION_ERROR"),
        ("bug", 500, "INTERNAL_ERROR"),
    ],
)
def test_an_exception_in_a_vote_is_the_error_envelope(vote_world, monkeypatch, error, status, code) -> None:
    from django.db import DataError, OperationalError

    from activities import services as activity_services

    raised = {
        "operational": OperationalError("server closed the connection"),
        "data": DataError("bad"),
        "bug": RuntimeError("bug"),
    }[error]

    def broken(**kwargs: Any) -> Any:
        raise raised

    monkeypatch.setattr(activity_services, "response_submit_fast", broken)
    a = vote_world["tokens"][0]
    result = _serve(
        wsgi.application,
        _env(
            "POST",
            vote_world["url"],
            json.dumps(VOTE_A).encode(),
            "application/json",
            {"HTTP_X_PARTICIPANT_TOKEN": a, "HTTP_X_REQUEST_ID": "r"},
        ),
    )
    assert result[0] == status and json.loads(result[2])["error"]["code"] == code
    assert dict(result[1])["X-Request-ID"] == "r"
    if status == 503:
        assert dict(result[1])["Retry-After"] == "2"


def test_votes_get_the_lean_headers_under_other_settings(vote_world, settings, monkeypatch) -> None:
    """HSTS on https, CORS for a configured origin, an SSL redirect."""
    from activities.models import Response

    settings.SECURE_HSTS_SECONDS = 3600
    settings.CORS_ALLOWED_ORIGINS = ["https://intranet.example"]
    # As a worker started with these settings: the handler reads them when it is built.
    monkeypatch.setattr(wsgi, "lean_application", wsgi.LeanWSGIHandler())
    a, b, c = vote_world["tokens"]
    url = vote_world["url"]
    raw = json.dumps(VOTE_A).encode()
    extra = {"HTTP_X_REQUEST_ID": "r", "HTTP_ORIGIN": "https://intranet.example", "wsgi.url_scheme": "https"}
    hot = _serve(
        wsgi.application, _env("POST", url, raw, "application/json", {"HTTP_X_PARTICIPANT_TOKEN": a, **extra})
    )
    assert hot[0] == 201
    headers = dict(hot[1])
    assert headers["Strict-Transport-Security"] == "max-age=3600"
    assert headers["access-control-allow-origin"] == "https://intranet.example"
    assert headers["Vary"] == "origin"
    # Another origin gets no CORS grant.
    pair = both(
        url,
        {"response_data": {"option_ids": ["zzz"]}},
        HTTP_X_PARTICIPANT_TOKEN=c,
        HTTP_ORIGIN="https://evil.example",
    )
    assert_same(pair, 400, "VALIDATION_ERROR")
    assert "access-control-allow-origin" not in dict(pair[0][1])
    # SSL redirect: the lean handler redirects before any vote is stored.
    settings.SECURE_SSL_REDIRECT = True
    monkeypatch.setattr(wsgi, "lean_application", wsgi.LeanWSGIHandler())
    raw = json.dumps(VOTE_A).encode()
    hot = _serve(
        wsgi.application, _env("POST", url, raw, "application/json", {"HTTP_X_PARTICIPANT_TOKEN": b})
    )
    assert hot[0] == 301 and dict(hot[1])["Location"] == "https://testserver" + url
    assert not Response.objects.filter(participant=vote_world["participants"][1]).exists()


def test_refused_votes_are_counted_by_code(vote_world, settings, monkeypatch) -> None:
    from caja.tests.test_metrics import ENABLED, RESPONSES_ROUTE, value

    for name, setting in ENABLED.items():
        setattr(settings, name, setting)
    monkeypatch.setattr(wsgi, "lean_application", wsgi.LeanWSGIHandler())
    a = vote_world["tokens"][0]
    raw = json.dumps({"response_data": {"option_ids": ["zzz"]}}).encode()
    refused = value("caja_answers_total", result="refused", code="VALIDATION_ERROR")
    requests = value("caja_http_requests_total", method="POST", route=RESPONSES_ROUTE, status="400")
    assert (
        _serve(
            wsgi.application,
            _env("POST", vote_world["url"], raw, "application/json", {"HTTP_X_PARTICIPANT_TOKEN": a}),
        )[0]
        == 400
    )
    assert value("caja_answers_total", result="refused", code="VALIDATION_ERROR") == refused + 1
    assert (
        value("caja_http_requests_total", method="POST", route=RESPONSES_ROUTE, status="400") == requests + 1
    )
