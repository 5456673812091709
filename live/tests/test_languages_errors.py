"""Issue 22, item 9: every error a phone can get comes in its language.

Each error path of the phone's endpoints (the polls, join, ``/me``, the votes, reactions, the
heartbeat, the Q&A) and DRF's own refusals (401, 403, 404, 405, 415, a body that is not JSON) is
sent through the WSGI entry point (caja.wsgi.application: the lean handler for the hot paths, the
full stack for the rest), once without a language and once in Spanish (and in German and French).
The English answer pins the path (its status, code and message); the translated one must have the
same status, code and detail fields, with the message and every field message in that language."""

from __future__ import annotations

import io
import json
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from rest_framework_simplejwt.tokens import RefreshToken

from activities import services as activity_services
from activities.models import Activity
from activities.tests.factories import CONFIGS, ActivityFactory
from activities.types import get_type
from activities.types.qna import services as qna_services
from activities.types.qna.views import QuestionThrottle, UpvoteThrottle
from caja import wsgi
from core.api_keys import api_key_create
from core.parsers import MAX_DEPTH
from core.shedding import PROXY_BUSY_MESSAGE
from core.testing import translated
from core.throttles import JoinIPThrottle, ParticipantTokenThrottle
from live import polling, reactions
from participants import services as participant_services
from participants.models import Participant
from sessions_app.models import Session
from sessions_app.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db

UNKNOWN = "0b2e9c4e-8a7f-4c1e-9d7a-2f1e3c4b5a6d"


@pytest.fixture(autouse=True)
def _keep_test_connection() -> Iterator[None]:
    # As Django's test client does: the request signals would close the test's connection.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def error(self) -> dict[str, Any]:
        return dict(json.loads(self.body)["error"])


def call(
    method: str,
    path: str,
    body: bytes | str | dict[str, Any] | list[Any] | None = None,
    *,
    content_type: str = "application/json",
    query: str = "",
    headers: dict[str, str] | None = None,
) -> Answer:
    """One request through the WSGI entry point, as gunicorn would send it."""
    if body is None:
        raw = b""
    elif isinstance(body, bytes):
        raw = body
    elif isinstance(body, str):
        raw = body.encode()
    else:
        raw = json.dumps(body).encode()
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "REMOTE_ADDR": "203.0.113.9",
        "HTTP_HOST": "testserver",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(raw),
        "CONTENT_LENGTH": str(len(raw)),
        "CONTENT_TYPE": content_type if raw else "",
    }
    for name, value in (headers or {}).items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    seen: dict[str, Any] = {}

    def start_response(status: str, response_headers: list[tuple[str, str]], exc_info: Any = None) -> None:
        seen["status"], seen["headers"] = int(status.split()[0]), {k.lower(): v for k, v in response_headers}

    result: Any = wsgi.application(environ, start_response)
    try:
        content = b"".join(result)
    finally:
        if hasattr(result, "close"):  # a shed answer is a plain list
            result.close()  # request_finished, as the server sends it
    return Answer(seen["status"], seen["headers"], content)


@dataclass
class World:
    session: Session
    activities: dict[str, Activity]
    tokens: dict[str, str]  # a participant's token in each session, by session id
    other_token: str
    bearer: str
    api_key: str
    not_staff: str  # a bearer token of a user who is not an organizer
    draft_token: str
    draft: Session
    ended: Session
    own_question: str

    @property
    def token(self) -> str:
        return self.tokens[str(self.session.pk)]

    def token_for(self, key: str) -> str:
        return self.tokens[str(self.activities[key].session_id)]

    def url(self, key: str, rest: str = "") -> str:
        activity = self.activities[key]
        return f"/api/v1/sessions/{activity.session_id}/activities/{activity.pk}{rest}"


def _activity(session: Session, type: str, config: dict[str, Any] | None = None, **extra: Any) -> Activity:
    clean = get_type(type).validate_config(dict(CONFIGS[type]) if config is None else config)
    return ActivityFactory(session=session, type=type, config=clean, **extra)


LIVE = {
    "poll": ("poll", None, {}),
    "quiz": ("quiz", None, {}),
    "open_quiz": ("quiz", None, {}),
    "revealed": ("quiz", None, {"revealed_at": True}),
    "late": ("quiz", None, {"late": True}),
    "wordcloud": ("wordcloud", None, {}),
    "poker": ("poker", None, {}),
    "open_text": ("open_text", {"prompt": "A wish?", "max_length": 20}, {}),
    "rating": ("rating", {"question": "How was it?", "statements": [{"id": "s1", "label": "Pace"}]}, {}),
    "ranking": (
        "ranking",
        {"question": "Order?", "items": [{"id": "x", "label": "X"}, {"id": "y", "label": "Y"}]},
        {},
    ),
}


@pytest.fixture
def world(organizer: Any, django_user_model: Any) -> World:
    """One live session per type (one current activity each), the first also holding an ended poll,
    an open Q&A beside its poll and a closed Q&A; a participant in each."""
    now = timezone.now()
    activities: dict[str, Activity] = {}
    tokens: dict[str, str] = {}
    for key, (type, config, extra) in LIVE.items():
        session = SessionFactory(owner=organizer, status="active")
        started = now - timedelta(minutes=5) if extra.get("late") else now  # past its 30 s
        revealed = {"revealed_at": now} if extra.get("revealed_at") else {}
        activity = _activity(session, type, config, status="active", activated_at=started, **revealed)
        Session.objects.filter(pk=session.pk).update(current_activity=activity)
        activities[key] = activity
        tokens[str(session.pk)] = participant_services.participant_join(session=session, nickname="Ana")[1]
    main = activities["poll"].session
    quiz = activities["quiz"]
    ana = Participant.objects.get(session_id=quiz.session_id)
    activity_services.response_submit(participant=ana, activity=quiz, response_data={"option_id": "a"})
    activities["expired"] = _activity(main, "poll", status="expired")
    activities["qna"] = _activity(
        main, "qna", {**CONFIGS["qna"], "allow_anonymous": False}, status="published"
    )
    activities["closed_qna"] = _activity(main, "qna", status="expired")
    ana = Participant.objects.get(session=main)
    own = qna_services.question_post(participant=ana, activity=activities["qna"], text="Mine?")
    other = SessionFactory(status="active")
    _, other_token = participant_services.participant_join(session=other, nickname="Bo")
    draft = SessionFactory(owner=organizer, status="draft")
    _, draft_token = participant_services.participant_join(session=draft, nickname="Cy")
    activities["in_draft"] = _activity(draft, "poll")
    ended = SessionFactory(owner=organizer, status="completed")
    not_staff = django_user_model.objects.create_user(username="guest", password="pw-guest-123")
    return World(
        session=main,
        activities=activities,
        tokens=tokens,
        other_token=other_token,
        bearer=str(RefreshToken.for_user(organizer).access_token),
        api_key=api_key_create(user=organizer, name="CI")[1],
        not_staff=str(RefreshToken.for_user(not_staff).access_token),
        draft_token=draft_token,
        draft=draft,
        ended=ended,
        own_question=str(own.pk),
    )


# --- the refusals ----------------------------------------------------------------------------------
Request = Callable[[World, dict[str, str]], Answer]


@dataclass(frozen=True)
class Case:
    """One refusal: how to provoke it, and its English answer. ``message`` is the catalog's msgid
    (with ``params`` when it has placeholders), or None for a message only checked to change with
    the language (a plural form)."""

    name: str
    request: Request
    status: int
    code: str
    message: str | None
    params: dict[str, Any] | None = None
    fields: tuple[str, ...] = ()  # the detail fields the answer names (its messages are checked too)
    setup: Callable[[pytest.MonkeyPatch], None] | None = field(default=None)


def send(
    method: str,
    path: Callable[[World], str],
    body: Any = None,
    *,
    token: str | None = "token",
    bearer: bool = False,
    api_key: bool = False,
    query: str = "",
    content_type: str = "application/json",
) -> Request:
    """A request as a phone (``token``: the world's attribute naming whose token, or a literal
    token) or as an organizer (``bearer``) sends it. ``body`` may be a function of the world."""

    def request(w: World, headers: dict[str, str]) -> Answer:
        headers = dict(headers)
        if token:
            headers["X-Participant-Token"] = str(getattr(w, token, token))
        if bearer:
            headers["Authorization"] = f"Bearer {w.bearer}"
        if api_key:
            headers["Authorization"] = f"Api-Key {w.api_key}"
        data = body(w) if callable(body) else body
        return call(method, path(w), data, headers=headers, query=query, content_type=content_type)

    return request


def vote(key: str, body: Any, *, token: str | None = None, content_type: str = "application/json") -> Request:
    """A vote on the world's ``key`` activity, by its session's participant (or ``token``)."""

    def request(w: World, headers: dict[str, str]) -> Answer:
        headers = dict(headers)
        headers["X-Participant-Token"] = str(getattr(w, token, token)) if token else w.token_for(key)
        return call("POST", w.url(key, "/responses"), body, headers=headers, content_type=content_type)

    return request


def _shed(mp: pytest.MonkeyPatch) -> None:
    mp.setattr(settings, "CAJA_SHED_QUEUE_SECONDS", 5)


def _queued(key: str) -> Request:
    """A vote that waited 20 s in front of busy workers (the proxy's stamp): shed before Django."""

    def request(w: World, headers: dict[str, str]) -> Answer:
        stamp = {"X-Request-Start": f"t={time.time() - 20:.3f}", "X-Participant-Token": w.token_for(key)}
        return call("POST", w.url(key, "/responses"), OPTION, headers={**headers, **stamp})

    return request


def _rates(klass: type, **rates: str) -> Callable[[pytest.MonkeyPatch], None]:
    return lambda mp: mp.setattr(klass, "THROTTLE_RATES", rates)


def S(rest: str = "") -> Callable[[World], str]:  # noqa: N802 (reads as a path)
    return lambda w: f"/api/v1/sessions/{w.session.pk}{rest}"


def A(key: str, rest: str = "") -> Callable[[World], str]:  # noqa: N802
    return lambda w: w.url(key, rest)


NONE = f"/api/v1/sessions/{UNKNOWN}"
OPTION = {"response_data": {"option_ids": ["a"]}}
NESTED: Any = {"response_data": {"option_ids": ["a"]}}
for _ in range(MAX_DEPTH + 2):
    NESTED = {"response_data": NESTED}
V = "VALIDATION_ERROR"
INVALID, ANSWER = "Invalid input.", "Invalid answer."
NEEDS_TOKEN = (
    "This endpoint needs a participant token (the X-Participant-Token header you get when joining); "
    "organizer credentials cannot act as a participant."
)
NO_CREDENTIALS = "Authentication credentials were not provided."
REVOKED = "Invalid or revoked participant token."
OTHER_SESSION = "This participant token belongs to another session."
METHOD = 'Method "%(method)s" not allowed.'
THROTTLED = "Too many requests. Please slow down."
JOIN = "/api/v1/join"

CASES = [
    # The polls (plain views on the lean handler).
    Case(
        "state: last_update",
        send("GET", S("/state"), query="last_update=yesterday"),
        400,
        V,
        INVALID,
        fields=("last_update",),
    ),
    Case(
        "state: unknown session",
        send("GET", lambda w: NONE + "/state"),
        404,
        "NOT_FOUND",
        "Session not found.",
    ),
    Case("state: POST", send("POST", S("/state")), 405, "METHOD_NOT_ALLOWED", METHOD, {"method": "POST"}),
    Case(
        "state: polling too fast",
        send("GET", S("/state")),
        429,
        "THROTTLED",
        "Polling too fast; respect X-Poll-Interval.",
        fields=("retry_after",),
        setup=lambda mp: mp.setattr(polling, "POLL_BURST", 0),
    ),
    Case(
        "status: unknown session",
        send("GET", lambda w: NONE + "/status"),
        404,
        "NOT_FOUND",
        "Session not found.",
    ),
    Case(
        "status: DELETE",
        send("DELETE", S("/status")),
        405,
        "METHOD_NOT_ALLOWED",
        METHOD,
        {"method": "DELETE"},
    ),
    Case(
        "activity status: unknown activity",
        send("GET", S(f"/activities/{UNKNOWN}/status")),
        404,
        "NOT_FOUND",
        "Activity not found.",
    ),
    Case(
        "activity status: PUT",
        send("PUT", A("poll", "/status")),
        405,
        "METHOD_NOT_ALLOWED",
        METHOD,
        {"method": "PUT"},
    ),
    # Joining.
    Case(
        "join: unknown code",
        send("POST", lambda w: JOIN, {"join_code": "ZZZZZZ", "nickname": "Al"}, token=None),
        404,
        "NOT_FOUND",
        "No open session has this join code.",
    ),
    Case(
        "join: ended session",
        send(
            "POST", lambda w: JOIN, lambda w: {"join_code": w.ended.join_code, "nickname": "Al"}, token=None
        ),
        409,
        "SESSION_NOT_ACTIVE",
        None,
    ),
    Case(
        "join: unknown field",
        send(
            "POST",
            lambda w: JOIN,
            lambda w: {"join_code": w.session.join_code, "nickname": "Al", "x": 1},
            token=None,
        ),
        400,
        V,
        INVALID,
        fields=("x",),
    ),
    Case(
        "join: a number for a nickname",
        send("POST", lambda w: JOIN, lambda w: {"join_code": w.session.join_code, "nickname": 5}, token=None),
        400,
        V,
        INVALID,
        fields=("nickname",),
    ),
    Case(
        "join: nothing",
        send("POST", lambda w: JOIN, {}, token=None),
        400,
        V,
        INVALID,
        fields=("join_code", "nickname"),
    ),
    Case(
        "join: a list",
        send("POST", lambda w: JOIN, [1], token=None),
        400,
        V,
        INVALID,
        fields=("non_field_errors",),
    ),
    Case(
        "join: nickname too long",
        send(
            "POST",
            lambda w: JOIN,
            lambda w: {"join_code": w.session.join_code, "nickname": "x" * 40},
            token=None,
        ),
        400,
        V,
        INVALID,
        fields=("nickname",),
    ),
    Case(
        "join: taken",
        send(
            "POST",
            lambda w: JOIN,
            lambda w: {"join_code": w.session.join_code, "nickname": "ana"},
            token=None,
        ),
        409,
        "NICKNAME_TAKEN",
        "This nickname is already taken in this session.",
    ),
    Case(
        "join: not JSON",
        send("POST", lambda w: JOIN, "{nope", token=None),
        400,
        "MALFORMED_JSON",
        "The request body is not valid JSON.",
    ),
    Case(
        "join: text/plain",
        send("POST", lambda w: JOIN, "a=b", token=None, content_type="text/plain"),
        415,
        "UNSUPPORTED_MEDIA_TYPE",
        'Unsupported media type "{media_type}" in request.',
    ),
    Case(
        "join: GET",
        send("GET", lambda w: JOIN, token=None),
        405,
        "METHOD_NOT_ALLOWED",
        METHOD,
        {"method": "GET"},
    ),
    Case(
        "join: limit",
        send(
            "POST", lambda w: JOIN, lambda w: {"join_code": w.session.join_code, "nickname": "Al"}, token=None
        ),
        429,
        "THROTTLED",
        THROTTLED,
        fields=("retry_after",),
        setup=_rates(JoinIPThrottle, join_ip="0/min"),
    ),
    Case(
        "join a session: unknown field",
        send(
            "POST",
            lambda w: f"/api/v1/sessions/{w.draft.pk}/participants",
            {"nickname": "Zed", "extra": True},
            token=None,
        ),
        400,
        V,
        INVALID,
        fields=("extra",),
    ),
    Case(
        "join lookup: unknown code",
        send("GET", lambda w: "/api/v1/join/ZZZZZZ", token=None),
        404,
        "NOT_FOUND",
        "No open session has this join code.",
    ),
    Case(
        "join lookup: POST",
        send("POST", lambda w: f"/api/v1/join/{w.session.join_code}", token=None),
        405,
        "METHOD_NOT_ALLOWED",
        METHOD,
        {"method": "POST"},
    ),
    Case(
        "leaderboard: unknown session",
        send("GET", lambda w: NONE + "/leaderboard"),
        404,
        "NOT_FOUND",
        None,
    ),
    Case(
        "my answer: unknown activity",
        send("GET", S(f"/activities/{UNKNOWN}/responses/mine")),
        404,
        "NOT_FOUND",
        "Activity not found.",
    ),
    # /me.
    Case(
        "me: no token",
        send("GET", lambda w: "/api/v1/me", token=None),
        401,
        "NOT_AUTHENTICATED",
        NO_CREDENTIALS,
    ),
    Case(
        "me: revoked token",
        send("GET", lambda w: "/api/v1/me", token="nope"),
        401,
        "NOT_AUTHENTICATED",
        REVOKED,
    ),
    Case(
        "me: an organizer's API key",
        send("GET", lambda w: "/api/v1/me", token=None, api_key=True),
        401,
        "NOT_AUTHENTICATED",
        NEEDS_TOKEN,
    ),
    Case(
        "me: organizer credentials",
        send("GET", lambda w: "/api/v1/me", token=None, bearer=True),
        401,
        "NOT_AUTHENTICATED",
        NEEDS_TOKEN,
    ),
    Case(
        "me: POST",
        send("POST", lambda w: "/api/v1/me"),
        405,
        "METHOD_NOT_ALLOWED",
        METHOD,
        {"method": "POST"},
    ),
    # The votes: the fast path's refusals and the DRF view's.
    Case(
        "vote: unknown activity",
        send("POST", S(f"/activities/{UNKNOWN}/responses"), OPTION),
        404,
        "NOT_FOUND",
        "Activity not found.",
    ),
    Case(
        "vote: an activity of a draft session",
        vote("in_draft", OPTION, token="draft_token"),
        409,
        "SESSION_NOT_ACTIVE",
        "The session is not active.",
    ),
    Case(
        "vote: ended activity",
        vote("expired", OPTION, token="token"),
        409,
        "ACTIVITY_NOT_ACTIVE",
        "This activity is not open for answers.",
    ),
    Case(
        "vote: revealed quiz",
        vote("revealed", {"response_data": {"option_id": "a"}}),
        409,
        "TIME_UP",
        "The answer was revealed; this question is closed.",
    ),
    Case(
        "vote: quiz after its time",
        vote("late", {"response_data": {"option_id": "a"}}),
        409,
        "TIME_UP",
        "Time is up for this question.",
    ),
    Case(
        "vote: quiz answered",
        vote("quiz", {"response_data": {"option_id": "b"}}),
        409,
        "ALREADY_ANSWERED",
        "You have already answered this activity.",
    ),
    Case(
        "vote: limit",
        vote("poll", OPTION),
        429,
        "THROTTLED",
        THROTTLED,
        fields=("retry_after",),
        setup=_rates(ParticipantTokenThrottle, answer="0/min"),
    ),
    Case(
        "vote: shed (the server is saturated)",
        _queued("poll"),
        503,
        "SERVICE_UNAVAILABLE",
        "The server is busy: your answer was not stored. Please send it again shortly.",
        fields=("reason",),
        setup=_shed,
    ),
    Case(
        "vote: unknown option",
        vote("poll", {"response_data": {"option_ids": ["zz"]}}),
        400,
        V,
        ANSWER,
        fields=("response_data.option_ids.0",),
    ),
    Case(
        "vote: two options",
        vote("poll", {"response_data": {"option_ids": ["a", "b"]}}),
        400,
        V,
        ANSWER,
        fields=("response_data.option_ids",),
    ),
    Case(
        "vote: no option",
        vote("poll", {"response_data": {"option_ids": []}}),
        400,
        V,
        ANSWER,
        fields=("response_data.option_ids",),
    ),
    Case(
        "vote: a string for a list",
        vote("poll", {"response_data": {"option_ids": "a"}}),
        400,
        V,
        ANSWER,
        fields=("response_data.option_ids",),
    ),
    Case(
        "vote: a number for an option",
        vote("poll", {"response_data": {"option_ids": [1]}}),
        400,
        V,
        ANSWER,
        fields=("response_data.option_ids.0",),
    ),
    Case(
        "vote: unknown field in the answer",
        vote("poll", {"response_data": {"option_ids": ["a"], "x": 1}}),
        400,
        V,
        ANSWER,
        fields=("response_data.x",),
    ),
    Case("vote: unknown field", vote("poll", {**OPTION, "x": 1}), 400, V, INVALID, fields=("x",)),
    Case(
        "vote: a list for the answer",
        vote("poll", {"response_data": [1]}),
        400,
        V,
        ANSWER,
        fields=("response_data",),
    ),
    Case("vote: null", vote("poll", {"response_data": None}), 400, V, ANSWER, fields=("response_data",)),
    Case("vote: nothing", vote("poll", {}), 400, V, INVALID, fields=("response_data",)),
    Case("vote: a list", vote("poll", [1]), 400, V, INVALID, fields=("non_field_errors",)),
    Case("vote: nested too deeply", vote("poll", NESTED), 400, V, INVALID, fields=("non_field_errors",)),
    Case(
        "vote: not JSON", vote("poll", "{nope"), 400, "MALFORMED_JSON", "The request body is not valid JSON."
    ),
    Case(
        "vote: a form",
        vote("poll", "a=b", content_type="application/x-www-form-urlencoded"),
        415,
        "UNSUPPORTED_MEDIA_TYPE",
        'Unsupported media type "{media_type}" in request.',
    ),
    Case(
        "vote: no token",
        send("POST", A("poll", "/responses"), OPTION, token=None),
        401,
        "NOT_AUTHENTICATED",
        NO_CREDENTIALS,
    ),
    Case("vote: revoked token", vote("poll", OPTION, token="nope"), 401, "NOT_AUTHENTICATED", REVOKED),
    Case(
        "vote: another session's token",
        vote("poll", OPTION, token="other_token"),
        403,
        "PERMISSION_DENIED",
        OTHER_SESSION,
    ),
    Case(
        "vote: an organizer's API key",
        send("POST", A("poll", "/responses"), OPTION, token=None, api_key=True),
        401,
        "NOT_AUTHENTICATED",
        NEEDS_TOKEN,
    ),
    Case(
        "vote: organizer credentials",
        send("POST", A("poll", "/responses"), OPTION, token=None, bearer=True),
        401,
        "NOT_AUTHENTICATED",
        NEEDS_TOKEN,
    ),
    Case(
        "vote: PUT",
        send("PUT", A("poll", "/responses"), OPTION),
        405,
        "METHOD_NOT_ALLOWED",
        METHOD,
        {"method": "PUT"},
    ),
    Case(
        "answers list: a participant token",
        send("GET", A("poll", "/responses")),
        403,
        "PERMISSION_DENIED",
        "This action needs organizer credentials; a participant token cannot do it.",
    ),
    Case(
        "my answer: none yet",
        send("GET", A("expired", "/responses/mine")),
        404,
        "NOT_FOUND",
        "You have not answered this activity yet.",
    ),
    Case(
        "word cloud: blank word",
        vote("wordcloud", {"response_data": {"words": [" "]}}),
        400,
        V,
        ANSWER,
        fields=("response_data.words.0",),
    ),
    Case(
        "word cloud: too many",
        vote("wordcloud", {"response_data": {"words": ["a", "b", "c", "d"]}}),
        400,
        V,
        ANSWER,
        fields=("response_data.words",),
    ),
    Case(
        "word cloud: none",
        vote("wordcloud", {"response_data": {"words": []}}),
        400,
        V,
        ANSWER,
        fields=("response_data.words",),
    ),
    Case(
        "word cloud: too long",
        vote("wordcloud", {"response_data": {"words": ["x" * 40]}}),
        400,
        V,
        ANSWER,
        fields=("response_data.words.0",),
    ),
    Case(
        "word cloud: a number",
        vote("wordcloud", {"response_data": {"words": [5]}}),
        400,
        V,
        ANSWER,
        fields=("response_data.words.0",),
    ),
    Case(
        "word cloud: a blocked word",
        vote("wordcloud", {"response_data": {"words": ["fuck"]}}),
        400,
        V,
        ANSWER,
        fields=("response_data.words.0",),
    ),
    Case(
        "poker: not a card",
        vote("poker", {"response_data": {"value": "7"}}),
        400,
        V,
        ANSWER,
        fields=("response_data.value",),
    ),
    Case(
        "poker: a number",
        vote("poker", {"response_data": {"value": 5}}),
        400,
        V,
        ANSWER,
        fields=("response_data.value",),
    ),
    Case(
        "open text: too long",
        vote("open_text", {"response_data": {"text": "x" * 30}}),
        400,
        V,
        ANSWER,
        fields=("response_data.text",),
    ),
    Case(
        "open text: blank",
        vote("open_text", {"response_data": {"text": " \u200b "}}),
        400,
        V,
        ANSWER,
        fields=("response_data.text",),
    ),
    Case(
        "open text: control character",
        vote("open_text", {"response_data": {"text": "a\x07"}}),
        400,
        V,
        ANSWER,
        fields=("response_data.text",),
    ),
    Case(
        "open text: a boolean",
        vote("open_text", {"response_data": {"text": True}}),
        400,
        V,
        ANSWER,
        fields=("response_data.text",),
    ),
    Case(
        "rating: unknown statement",
        vote("rating", {"response_data": {"ratings": {"zz": 3}}}),
        400,
        V,
        ANSWER,
        fields=("response_data.ratings.zz",),
    ),
    Case(
        "rating: out of range",
        vote("rating", {"response_data": {"ratings": {"s1": 9}}}),
        400,
        V,
        ANSWER,
        fields=("response_data.ratings.s1",),
    ),
    Case(
        "rating: none",
        vote("rating", {"response_data": {"ratings": {}}}),
        400,
        V,
        ANSWER,
        fields=("response_data.ratings",),
    ),
    Case(
        "rating: a string",
        vote("rating", {"response_data": {"ratings": {"s1": "3"}}}),
        400,
        V,
        ANSWER,
        fields=("response_data.ratings.s1",),
    ),
    Case(
        "ranking: not all",
        vote("ranking", {"response_data": {"order": ["x"]}}),
        400,
        V,
        ANSWER,
        fields=("response_data.order",),
    ),
    Case(
        "ranking: twice",
        vote("ranking", {"response_data": {"order": ["x", "x"]}}),
        400,
        V,
        ANSWER,
        fields=("response_data.order.1",),
    ),
    Case(
        "ranking: unknown item",
        vote("ranking", {"response_data": {"order": ["x", "q"]}}),
        400,
        V,
        ANSWER,
        fields=("response_data.order.1",),
    ),
    Case(
        "quiz: a poll's answer",
        vote("open_quiz", {"response_data": {"option_ids": ["a"]}}),
        400,
        V,
        ANSWER,
        fields=("response_data.option_ids", "response_data.option_id"),
    ),
    # Reactions (plain view on the lean handler).
    Case(
        "reaction: unknown kind",
        send("POST", S("/reactions"), {"kind": "boo"}),
        400,
        V,
        "Invalid reaction.",
        fields=("kind",),
    ),
    Case(
        "reaction: an extra field",
        send("POST", S("/reactions"), {"kind": "wow", "x": 1}),
        400,
        V,
        "Invalid reaction.",
        fields=("x",),
    ),
    Case(
        "reaction: a number",
        send("POST", S("/reactions"), {"kind": 1}),
        400,
        V,
        "Invalid reaction.",
        fields=("kind",),
    ),
    Case(
        "reaction: nothing", send("POST", S("/reactions"), {}), 400, V, "Invalid reaction.", fields=("kind",)
    ),
    Case(
        "reaction: a list",
        send("POST", S("/reactions"), [1]),
        400,
        V,
        "Invalid reaction.",
        fields=("non_field_errors",),
    ),
    Case(
        "reaction: not JSON",
        send("POST", S("/reactions"), "{"),
        400,
        "MALFORMED_JSON",
        "The body is not valid JSON.",
    ),
    Case(
        "reaction: a form",
        send("POST", S("/reactions"), "kind=wow", content_type="application/x-www-form-urlencoded"),
        415,
        "UNSUPPORTED_MEDIA_TYPE",
        "Send the reaction as application/json.",
    ),
    Case("reaction: GET", send("GET", S("/reactions")), 405, "METHOD_NOT_ALLOWED", METHOD, {"method": "GET"}),
    Case("reaction: PUT", send("PUT", S("/reactions")), 405, "METHOD_NOT_ALLOWED", METHOD, {"method": "PUT"}),
    Case(
        "reaction: too many",
        send("POST", S("/reactions"), {"kind": "wow"}),
        429,
        "THROTTLED",
        "At most 2 reactions a second.",
        fields=("retry_after",),
        setup=lambda mp: mp.setattr(reactions, "RATE_PER_SECOND", 0),
    ),
    Case(
        "reaction: no token",
        send("POST", S("/reactions"), {"kind": "wow"}, token=None),
        401,
        "NOT_AUTHENTICATED",
        "A participant token is required.",
    ),
    Case(
        "reaction: an organizer's API key",
        send("POST", S("/reactions"), {"kind": "wow"}, token=None, api_key=True),
        401,
        "NOT_AUTHENTICATED",
        NEEDS_TOKEN,
    ),
    Case(
        "reaction: organizer credentials",
        send("POST", S("/reactions"), {"kind": "wow"}, token=None, bearer=True),
        401,
        "NOT_AUTHENTICATED",
        NEEDS_TOKEN,
    ),
    Case(
        "reaction: revoked token",
        send("POST", S("/reactions"), {"kind": "wow"}, token="nope"),
        401,
        "NOT_AUTHENTICATED",
        REVOKED,
    ),
    Case(
        "reaction: another session's token",
        send("POST", S("/reactions"), {"kind": "wow"}, token="other_token"),
        403,
        "PERMISSION_DENIED",
        OTHER_SESSION,
    ),
    Case(
        "reaction: a draft session",
        send(
            "POST", lambda w: f"/api/v1/sessions/{w.draft.pk}/reactions", {"kind": "wow"}, token="draft_token"
        ),
        409,
        "SESSION_NOT_ACTIVE",
        "Reactions are open while the session is live.",
    ),
    Case(
        "reaction: too large",
        send("POST", S("/reactions"), {"kind": "x" * 70_000}),
        413,
        "PAYLOAD_TOO_LARGE",
        None,
        fields=("limit_bytes",),
    ),
    # The heartbeat (plain view on the lean handler).
    Case("heartbeat: a field", send("POST", S("/heartbeat"), {"x": 1}), 400, V, INVALID, fields=("x",)),
    Case(
        "heartbeat: a list", send("POST", S("/heartbeat"), [1]), 400, V, INVALID, fields=("non_field_errors",)
    ),
    Case(
        "heartbeat: not JSON",
        send("POST", S("/heartbeat"), "{"),
        400,
        "MALFORMED_JSON",
        "The body is not valid JSON.",
    ),
    Case(
        "heartbeat: text",
        send("POST", S("/heartbeat"), "x", content_type="text/plain"),
        415,
        "UNSUPPORTED_MEDIA_TYPE",
        "Send the body as application/json.",
    ),
    Case(
        "heartbeat: GET", send("GET", S("/heartbeat")), 405, "METHOD_NOT_ALLOWED", METHOD, {"method": "GET"}
    ),
    Case(
        "heartbeat: no token",
        send("POST", S("/heartbeat"), token=None),
        401,
        "NOT_AUTHENTICATED",
        "A participant token is required.",
    ),
    Case(
        "heartbeat: an organizer's API key",
        send("POST", S("/heartbeat"), token=None, api_key=True),
        401,
        "NOT_AUTHENTICATED",
        NEEDS_TOKEN,
    ),
    Case(
        "heartbeat: organizer credentials",
        send("POST", S("/heartbeat"), token=None, bearer=True),
        401,
        "NOT_AUTHENTICATED",
        NEEDS_TOKEN,
    ),
    Case(
        "heartbeat: revoked token",
        send("POST", S("/heartbeat"), token="nope"),
        401,
        "NOT_AUTHENTICATED",
        REVOKED,
    ),
    Case(
        "heartbeat: another session's token",
        send("POST", S("/heartbeat"), token="other_token"),
        403,
        "PERMISSION_DENIED",
        OTHER_SESSION,
    ),
    # Questions and upvotes.
    Case(
        "question: closed Q&A",
        send("POST", A("closed_qna", "/questions"), {"text": "Hi?"}),
        409,
        "ACTIVITY_NOT_ACTIVE",
        "This Q&A is not taking questions now.",
    ),
    Case(
        "question: not a Q&A",
        send("POST", A("poll", "/questions"), {"text": "Hi?"}),
        404,
        "NOT_FOUND",
        "This activity is not a Q&A.",
    ),
    Case(
        "question: blank",
        send("POST", A("qna", "/questions"), {"text": "  "}),
        400,
        V,
        "Invalid question.",
        fields=("text",),
    ),
    Case(
        "question: invisible characters only",
        send("POST", A("qna", "/questions"), {"text": "\u200b\u200b"}),
        400,
        V,
        "Invalid question.",
        fields=("text",),
    ),
    Case(
        "question: too long",
        send("POST", A("qna", "/questions"), {"text": "x" * 300}),
        400,
        V,
        "Invalid question.",
        fields=("text",),
    ),
    Case(
        "question: a blocked word",
        send("POST", A("qna", "/questions"), {"text": "fuck this"}),
        400,
        V,
        "Invalid question.",
        fields=("text",),
    ),
    Case(
        "question: anonymous when off",
        send("POST", A("qna", "/questions"), {"text": "Hi?", "anonymous": True}),
        400,
        V,
        "Invalid question.",
        fields=("anonymous",),
    ),
    Case(
        "question: a string for a boolean",
        send("POST", A("qna", "/questions"), {"text": "Hi?", "anonymous": "yes"}),
        400,
        V,
        INVALID,
        fields=("anonymous",),
    ),
    Case(
        "question: a number for text",
        send("POST", A("qna", "/questions"), {"text": 5}),
        400,
        V,
        INVALID,
        fields=("text",),
    ),
    Case(
        "question: unknown field",
        send("POST", A("qna", "/questions"), {"text": "Hi?", "x": 1}),
        400,
        V,
        INVALID,
        fields=("x",),
    ),
    Case("question: nothing", send("POST", A("qna", "/questions"), {}), 400, V, INVALID, fields=("text",)),
    Case(
        "question: limit",
        send("POST", A("qna", "/questions"), {"text": "Hi?"}),
        429,
        "THROTTLED",
        THROTTLED,
        fields=("retry_after",),
        setup=_rates(QuestionThrottle, question="0/min"),
    ),
    Case(
        "question: no token",
        send("POST", A("qna", "/questions"), {"text": "Hi?"}, token=None),
        401,
        "NOT_AUTHENTICATED",
        NO_CREDENTIALS,
    ),
    Case(
        "question: an organizer's API key",
        send("POST", A("qna", "/questions"), {"text": "Hi?"}, token=None, api_key=True),
        401,
        "NOT_AUTHENTICATED",
        NEEDS_TOKEN,
    ),
    Case(
        "question: organizer credentials",
        send("POST", A("qna", "/questions"), {"text": "Hi?"}, token=None, bearer=True),
        401,
        "NOT_AUTHENTICATED",
        NEEDS_TOKEN,
    ),
    Case(
        "question: another session's token",
        send("POST", A("qna", "/questions"), {"text": "Hi?"}, token="other_token"),
        403,
        "PERMISSION_DENIED",
        OTHER_SESSION,
    ),
    Case(
        "questions: sort",
        send("GET", A("qna", "/questions"), query="sort=old"),
        400,
        V,
        INVALID,
        fields=("sort",),
    ),
    Case(
        "questions: status filter",
        send("GET", A("qna", "/questions"), query="status=hidden"),
        400,
        V,
        INVALID,
        fields=("status",),
    ),
    Case(
        "questions: unknown session",
        send("GET", lambda w: f"{NONE}/activities/{UNKNOWN}/questions"),
        404,
        "NOT_FOUND",
        "Activity not found.",
    ),
    Case(
        "upvote: unknown question",
        send("PUT", A("qna", f"/questions/{UNKNOWN}/upvote")),
        404,
        "NOT_FOUND",
        "No such question.",
    ),
    Case(
        "upvote: own question",
        send("PUT", lambda w: w.url("qna", f"/questions/{w.own_question}/upvote")),
        409,
        "OWN_QUESTION",
        "You cannot upvote your own question.",
    ),
    Case(
        "upvote: closed Q&A",
        send("PUT", A("closed_qna", f"/questions/{UNKNOWN}/upvote")),
        409,
        "ACTIVITY_NOT_ACTIVE",
        "This Q&A is not taking questions now.",
    ),
    Case(
        "upvote: limit",
        send("PUT", A("qna", f"/questions/{UNKNOWN}/upvote")),
        429,
        "THROTTLED",
        THROTTLED,
        fields=("retry_after",),
        setup=_rates(UpvoteThrottle, upvote="0/min"),
    ),
    Case(
        "upvote: a body",
        send("PUT", lambda w: w.url("qna", f"/questions/{w.own_question}/upvote"), {"x": 1}),
        400,
        V,
        INVALID,
        fields=("x",),
    ),
    Case(
        "upvote: POST",
        send("POST", A("qna", f"/questions/{UNKNOWN}/upvote")),
        405,
        "METHOD_NOT_ALLOWED",
        METHOD,
        {"method": "POST"},
    ),
    Case(
        "moderation: a participant token",
        send("PATCH", A("qna", f"/questions/{UNKNOWN}"), {"pinned": True}),
        403,
        "PERMISSION_DENIED",
        "This action needs organizer credentials; a participant token cannot do it.",
    ),
    # The session's language (an organizer's, shown in the organizer's language).
    Case(
        "language: unknown",
        send("PATCH", S(), {"language": "xx"}, token=None, bearer=True),
        400,
        V,
        INVALID,
        fields=("language",),
    ),
    Case(
        "language: a list",
        send("PATCH", S(), {"language": ["es"]}, token=None, bearer=True),
        400,
        V,
        INVALID,
        fields=("language",),
    ),
    # Django's and DRF's own answers.
    Case("unknown URL", send("GET", lambda w: "/api/v1/nowhere"), 404, "NOT_FOUND", "Not found."),
    Case("unknown URL under a session", send("GET", S("/nowhere")), 404, "NOT_FOUND", "Not found."),
    Case(
        "organizer endpoint: no credentials",
        send("GET", lambda w: "/api/v1/sessions", token=None),
        401,
        "NOT_AUTHENTICATED",
        NO_CREDENTIALS,
    ),
    Case(
        "organizer endpoint: a bad bearer token",
        lambda w, h: call("GET", "/api/v1/sessions", headers={**h, "Authorization": "Bearer nope"}),
        401,
        "NOT_AUTHENTICATED",
        "Token is invalid or expired",
    ),
    Case(
        "organizer endpoint: a participant token",
        send("GET", lambda w: "/api/v1/sessions"),
        403,
        "PERMISSION_DENIED",
        "This action needs organizer credentials; a participant token cannot do it.",
    ),
    Case(
        "organizer endpoint: not an organizer",
        lambda w, h: call("GET", "/api/v1/sessions", headers={**h, "Authorization": f"Bearer {w.not_staff}"}),
        403,
        "PERMISSION_DENIED",
        "Organizers are active staff users; this account is not one.",
    ),
    Case(
        "organizer endpoint: another organizer's session",
        send("GET", lambda w: NONE, token=None, bearer=True),
        404,
        "NOT_FOUND",
        None,
    ),
]


def _expected(case: Case, language: str) -> str:
    assert case.message is not None
    text = translated(language, case.message)
    if case.params:
        return text % case.params
    return text.replace(
        "{media_type}", "text/plain" if "join" in case.name else "application/x-www-form-urlencoded"
    )


def _field_messages(error: dict[str, Any]) -> dict[str, list[str]]:
    return {k: v for k, v in error["details"].items() if isinstance(v, list)}


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_every_refusal_a_phone_can_get_is_in_its_language(
    world: World, case: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    if case.setup is not None:
        case.setup(monkeypatch)
    english = case.request(world, {})
    assert english.status == case.status, english.body
    error = english.error()
    assert set(error) == {"code", "message", "details"} and error["code"] == case.code
    if case.message is not None:
        assert error["message"] == _expected(case, "en"), error
    if case.fields:
        assert sorted(error["details"]) == sorted(case.fields), error
    for language, header in (("es", "es-ES,es;q=0.9,en;q=0.5"), ("de", "de"), ("fr", "fr-FR")):
        answer = case.request(world, {"Accept-Language": header})
        assert answer.status == case.status, (language, answer.body)
        assert ("retry-after" in answer.headers) == ("retry-after" in english.headers)
        translated_error = answer.error()
        # The envelope and its code never change; the words do.
        assert translated_error["code"] == case.code
        assert sorted(translated_error["details"]) == sorted(error["details"])
        assert translated_error["message"] != error["message"], (language, translated_error)
        if case.message is not None:
            assert translated_error["message"] == _expected(case, language), (language, translated_error)
        for name, messages in _field_messages(error).items():
            other = translated_error["details"][name]
            assert len(other) == len(messages)
            for mine, theirs in zip(messages, other, strict=True):
                assert mine != theirs, (language, name, translated_error)


# --- nginx's own 503 --------------------------------------------------------------------------------


@pytest.mark.skipif(shutil.which("nginx") is None, reason="needs nginx")
def test_the_proxys_busy_answer_is_in_the_phones_language(tmp_path: Path) -> None:
    """deploy/nginx.conf answers for the app when every server is busy or unreachable (@busy): that
    503 is in the phone's language too (cookie, else Accept-Language), worded as the catalogs do.
    Here nginx runs with deploy/nginx.conf in front of a port nobody listens on."""
    from live.tests.test_stack import free_port, nginx_conf, request

    port, nobody = free_port(), free_port()
    conf = tmp_path / "nginx.conf"
    conf.write_text(nginx_conf(tmp_path, port, [nobody], tmp_path))
    log = (tmp_path / "nginx.out").open("wb")
    nginx = [shutil.which("nginx") or "nginx", "-c", str(conf), "-p", str(tmp_path), "-g", "daemon off;"]
    proc = subprocess.Popen(nginx, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603 (fixed argv)
    try:
        state = f"/api/v1/sessions/{UNKNOWN}/state"
        deadline = time.monotonic() + 10
        while True:
            try:
                request(port, "GET", state)
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, "nginx did not start"
                time.sleep(0.05)
        vote = f"/api/v1/sessions/{UNKNOWN}/activities/{UNKNOWN}/responses"
        for headers, language in (
            ({}, "en"),
            ({"Accept-Language": "es-ES,es;q=0.9,en;q=0.5"}, "es"),
            ({"Accept-Language": "de"}, "de"),
            ({"Accept-Language": "fr-CA,fr;q=0.8"}, "fr"),
            ({"Accept-Language": "en-US,es;q=0.5"}, "en"),
            ({"Accept-Language": "ja"}, "en"),
            ({"Accept-Language": "de", "Cookie": "caja_language=fr"}, "fr"),
            ({"Accept-Language": "es", "Cookie": "caja_language=en"}, "en"),
            ({"Accept-Language": "es", "Cookie": "caja_language=xx"}, "es"),
        ):
            for method, path, body in (("GET", state, None), ("POST", vote, OPTION)):
                status, got, raw = request(port, method, path, body, headers)
                assert status == 503 and got["retry-after"] in "1234", (status, raw)
                error = json.loads(raw)["error"]
                assert error == {
                    "code": "SERVICE_UNAVAILABLE",
                    "message": translated(language, PROXY_BUSY_MESSAGE),
                    "details": {"reason": "overloaded"},
                }, headers
    finally:
        proc.send_signal(signal.SIGQUIT)
        proc.wait(timeout=10)
        log.close()
