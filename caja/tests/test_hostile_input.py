"""Hostile input: every malformed, oversized or malicious request gets its 4xx envelope and
leaves the database exactly as it was (every row of every Caja table compared before/after).

Runs on SQLite and, under ``make test``, on PostgreSQL (where NUL characters and out-of-range
dates are real database errors, not just validation questions).
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote

import pytest
from django.apps import apps
from django.test import Client
from rest_framework_simplejwt.tokens import RefreshToken

from activities import services as activity_services
from activities.models import Activity, HiddenWord, Question, Response
from activities.tests.factories import CONFIGS
from activities.types.qna import services as qna_services
from live.snapshot import forget_local
from participants import services as participant_services
from participants.models import Participant
from sessions_app import services as session_services
from sessions_app.models import Session

pytestmark = pytest.mark.django_db

SQL = "'; DROP TABLE x; --"
CAJA_APPS = ("sessions_app", "participants", "activities", "auth")


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(organizer: Any, settings: Any) -> dict[str, Any]:
    settings.CAJA_SNAPSHOT_MIN_REBUILD_SECONDS = 0
    settings.CAJA_VERSION_MEMO_SECONDS = 0
    forget_local()
    session = session_services.session_create(owner=organizer, name="Hostile")
    session_services.session_set_status(session=session, status="active")
    poll = activity_services.activity_create(
        session=session, type="poll", config=dict(CONFIGS["poll"]), order=1
    )
    cloud = activity_services.activity_create(
        session=session, type="wordcloud", config=dict(CONFIGS["wordcloud"]), order=2
    )
    activity_services.activity_set_status(activity=poll, status="active")
    activity_services.hidden_word_add(activity=cloud, text="hidden")
    # A published Q&A is open beside the live poll; it holds one visible question.
    qna = activity_services.activity_create(session=session, type="qna", config=dict(CONFIGS["qna"]), order=3)
    activity_services.activity_set_status(activity=qna, status="published")
    participant, token = participant_services.participant_join(session=session, nickname="Player")
    activity_services.response_submit(
        participant=participant, activity=poll, response_data={"option_ids": ["a"]}
    )
    question = qna_services.question_post(participant=participant, activity=qna, text="Fair question?")
    return {
        "sid": str(session.pk),
        "code": session.join_code,
        "poll": str(poll.pk),
        "cloud": str(cloud.pk),
        "qna": str(qna.pk),
        "question": str(question.pk),
        "token": token,
        "jwt": str(RefreshToken.for_user(organizer).access_token),
        "session": session,
        "cloud_obj": cloud,
    }


def snapshot_db() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every Caja model (presence timestamps aside), to compare before/after."""
    out: dict[str, list[tuple[Any, ...]]] = {}
    for label in CAJA_APPS:
        for model in apps.get_app_config(label).get_models():
            fields = [f.attname for f in model._meta.concrete_fields if f.attname != "last_activity"]
            rows = model._default_manager.order_by("pk").values_list(*fields)
            out[model._meta.label] = [tuple(map(repr, row)) for row in rows]
    return out


def call(
    world: dict[str, Any], method: str, path: str, body: Any = None, *, auth: str = "", **extra: Any
) -> Any:
    client = Client()
    headers: dict[str, Any] = {}
    if auth == "org":
        headers["HTTP_AUTHORIZATION"] = f"Bearer {world['jwt']}"
    elif auth == "part":
        headers["HTTP_X_PARTICIPANT_TOKEN"] = world["token"]
    headers.update(extra)
    path = path.format(**{k: v for k, v in world.items() if isinstance(v, str)})
    if body is None:
        return getattr(client, method)(path, **headers)
    if isinstance(body, bytes):
        data = body
    else:
        data = json.dumps(body).encode()
    content_type = headers.pop("content_type", "application/json")
    return getattr(client, method)(path, data=data, content_type=content_type, **headers)


def assert_refused(response: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.content[:500]
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    text = response.content.decode()
    assert "Traceback" not in text and "<html" not in text.lower()
    body = response.json()
    assert set(body["error"]) == {"code", "message", "details"}
    if code:
        assert body["error"]["code"] == code, body
    return body


def nested(depth: int, *, closed: bool = True) -> bytes:
    return b"[" * depth + (b"]" * depth if closed else b"")


S = "/api/v1/sessions/{sid}"
POLL = S + "/activities/{poll}"
CLOUD = S + "/activities/{cloud}"
QS = S + "/activities/{qna}/questions"
ONE = QS + "/{question}"
NO_QUESTION = QS + "/00000000-0000-0000-0000-000000000000"
REACT = S + "/reactions"
BIG = "x" * (70 * 1024)
# (id, method, path, body, auth, extra headers, status, code)
REFUSED: list[tuple[str, str, str, Any, str, dict[str, Any], int, str]] = [
    # size
    ("oversized session", "post", "/api/v1/sessions", {"name": BIG}, "org", {}, 413, "PAYLOAD_TOO_LARGE"),
    ("oversized join", "post", S + "/participants", {"nickname": BIG}, "", {}, 413, "PAYLOAD_TOO_LARGE"),
    (
        "oversized answer",
        "post",
        POLL + "/responses",
        {"response_data": {"x": BIG}},
        "part",
        {},
        413,
        "PAYLOAD_TOO_LARGE",
    ),
    (
        "bad content-length",
        "post",
        "/api/v1/sessions",
        {"name": "a"},
        "org",
        {"CONTENT_LENGTH": "abc"},
        400,
        "VALIDATION_ERROR",
    ),
    # nesting: unclosed, closed, and just under the recursion limit inside a valid document
    (
        "10k [ session",
        "post",
        "/api/v1/sessions",
        nested(10_000, closed=False),
        "org",
        {},
        400,
        "MALFORMED_JSON",
    ),
    ("10k [] session", "post", "/api/v1/sessions", nested(10_000), "org", {}, 400, "MALFORMED_JSON"),
    ("10k [ join", "post", S + "/participants", nested(10_000, closed=False), "", {}, 400, "MALFORMED_JSON"),
    ("10k [ answer", "post", POLL + "/responses", nested(10_000), "part", {}, 400, "MALFORMED_JSON"),
    ("10k { answer", "post", POLL + "/responses", b'{"a":' * 10_000, "part", {}, 400, "MALFORMED_JSON"),
    (
        "deep config",
        "post",
        S + "/activities",
        b'{"type": "poll", "config": {"question": ' + nested(900) + b"}}",
        "org",
        {},
        400,
        "",
    ),
    (
        "deep answer",
        "post",
        POLL + "/responses",
        b'{"response_data": {"option_ids": ' + nested(900) + b"}}",
        "part",
        {},
        400,
        "",
    ),
    (
        "deep answer 990",
        "post",
        POLL + "/responses",
        b'{"response_data": ' + nested(990) + b"}",
        "part",
        {},
        400,
        "",
    ),
    # huge arrays
    (
        "5000 options",
        "post",
        S + "/activities",
        {
            "type": "poll",
            "config": {"question": "q", "options": [{"id": f"o{i}", "label": "l"} for i in range(2000)]},
        },
        "org",
        {},
        400,
        "VALIDATION_ERROR",
    ),
    (
        "10000 option_ids",
        "post",
        POLL + "/responses",
        {"response_data": {"option_ids": ["a"] * 10_000}},
        "part",
        {},
        400,
        "VALIDATION_ERROR",
    ),
    ("huge number", "post", S + "/activities", b'{"type": "poll", "order": 1e400}', "org", {}, 400, ""),
    ("NaN literal", "post", "/api/v1/sessions", b'{"name": NaN}', "org", {}, 400, "MALFORMED_JSON"),
    (
        "4301 digits",
        "post",
        S + "/activities",
        b'{"type": "poll", "order": ' + b"9" * 4301 + b"}",
        "org",
        {},
        400,
        "",
    ),
    # encodings and types
    (
        "invalid utf-8",
        "post",
        "/api/v1/sessions",
        b'{"name": "\xff\xfe\xfd"}',
        "org",
        {},
        400,
        "MALFORMED_JSON",
    ),
    (
        "invalid utf-8 join",
        "post",
        S + "/participants",
        b'{"nickname": "\xc3\x28"}',
        "",
        {},
        400,
        "MALFORMED_JSON",
    ),
    ("top-level list", "post", "/api/v1/sessions", [], "org", {}, 400, "VALIDATION_ERROR"),
    ("top-level null", "post", S + "/participants", None, "", {}, 400, ""),
    (
        "text/plain",
        "post",
        "/api/v1/sessions",
        b"name=x",
        "org",
        {"content_type": "text/plain"},
        415,
        "UNSUPPORTED_MEDIA_TYPE",
    ),
    (
        "form body",
        "post",
        S + "/participants",
        b"nickname=x",
        "",
        {"content_type": "application/x-www-form-urlencoded"},
        415,
        "UNSUPPORTED_MEDIA_TYPE",
    ),
    # control and formatting characters
    (
        "RTL nickname",
        "post",
        S + "/participants",
        {"nickname": "\u202eevil"},
        "",
        {},
        400,
        "VALIDATION_ERROR",
    ),
    (
        "zero-width nickname",
        "post",
        S + "/participants",
        {"nickname": "a\u200bb"},
        "",
        {},
        400,
        "VALIDATION_ERROR",
    ),
    ("NUL nickname", "post", S + "/participants", {"nickname": "a\x00b"}, "", {}, 400, "VALIDATION_ERROR"),
    (
        "BEL nickname",
        "post",
        "/api/v1/join",
        {"join_code": "{code}", "nickname": "a\x07b"},
        "",
        {},
        400,
        "VALIDATION_ERROR",
    ),
    ("NUL session name", "post", "/api/v1/sessions", {"name": "a\x00b"}, "org", {}, 400, "VALIDATION_ERROR"),
    ("NUL title", "patch", POLL, {"title": "a\x00b"}, "org", {}, 400, "VALIDATION_ERROR"),
    (
        "NUL config",
        "post",
        S + "/activities",
        {"type": "wordcloud", "config": {"prompt": "a\x00"}},
        "org",
        {},
        400,
        "VALIDATION_ERROR",
    ),
    (
        "NUL hidden word",
        "post",
        CLOUD + "/hidden-words",
        {"text": "a\x00"},
        "org",
        {},
        400,
        "VALIDATION_ERROR",
    ),
    (
        "NUL username",
        "post",
        "/api/v1/auth/token",
        {"username": "a\x00", "password": "x"},
        "",
        {},
        400,
        "VALIDATION_ERROR",
    ),
    ("NUL join code", "post", "/api/v1/join", {"join_code": "AB\x00CD", "nickname": "n"}, "", {}, 400, ""),
    # SQL where it is not a valid value
    ("SQL join code", "post", "/api/v1/join", {"join_code": SQL, "nickname": "n"}, "", {}, 404, "NOT_FOUND"),
    (
        "SQL option id",
        "post",
        S + "/activities",
        {
            "type": "poll",
            "config": {"question": "q", "options": [{"id": SQL, "label": "a"}, {"id": "b", "label": "b"}]},
        },
        "org",
        {},
        400,
        "VALIDATION_ERROR",
    ),
    (
        "SQL status filter",
        "get",
        "/api/v1/sessions?status=" + quote(SQL),
        None,
        "org",
        {},
        400,
        "VALIDATION_ERROR",
    ),
    (
        "SQL answer id",
        "post",
        POLL + "/responses",
        {"response_data": {"option_ids": [SQL]}},
        "part",
        {},
        400,
        "VALIDATION_ERROR",
    ),
    # path segments that are not what they should be
    ("SQL join lookup", "get", "/api/v1/join/" + quote(SQL), None, "", {}, 404, "NOT_FOUND"),
    ("NUL join lookup", "get", "/api/v1/join/AB%00CD", None, "", {}, 404, "NOT_FOUND"),
    ("SQL hidden word", "delete", CLOUD + "/hidden-words/" + quote(SQL), None, "org", {}, 404, "NOT_FOUND"),
    ("NUL hidden word path", "delete", CLOUD + "/hidden-words/a%00b", None, "org", {}, 404, "NOT_FOUND"),
    ("session not uuid", "get", "/api/v1/sessions/not-a-uuid", None, "org", {}, 404, "NOT_FOUND"),
    ("session int id", "patch", "/api/v1/sessions/123", {"name": "x"}, "org", {}, 404, "NOT_FOUND"),
    ("state not uuid", "get", "/api/v1/sessions/../../etc/passwd/state", None, "", {}, 404, "NOT_FOUND"),
    ("state SQL id", "get", "/api/v1/sessions/" + quote(SQL) + "/state", None, "", {}, 404, "NOT_FOUND"),
    (
        "activity not uuid",
        "patch",
        "/api/v1/activities/1%20OR%201=1/status",
        {"status": "active"},
        "org",
        {},
        404,
        "NOT_FOUND",
    ),
    (
        "answer bad ids",
        "post",
        "/api/v1/sessions/x/activities/y/responses",
        {"response_data": {}},
        "part",
        {},
        404,
        "NOT_FOUND",
    ),
    ("kick not uuid", "delete", S + "/participants/%00", None, "org", {}, 404, "NOT_FOUND"),
    # pagination
    ("limit -1", "get", "/api/v1/sessions?limit=-1", None, "org", {}, 400, "VALIDATION_ERROR"),
    ("limit 0", "get", S + "/participants?limit=0", None, "org", {}, 400, "VALIDATION_ERROR"),
    ("limit 10**30", "get", S + "/activities?limit=" + str(10**30), None, "org", {}, 400, "VALIDATION_ERROR"),
    (
        "offset 10**30",
        "get",
        POLL + "/responses?offset=" + str(10**30),
        None,
        "org",
        {},
        400,
        "VALIDATION_ERROR",
    ),
    ("offset -5", "get", "/api/v1/sessions?offset=-5", None, "org", {}, 400, "VALIDATION_ERROR"),
    ("limit float", "get", "/api/v1/sessions?limit=1e3", None, "org", {}, 400, "VALIDATION_ERROR"),
    (
        "limit 5000 digits",
        "get",
        "/api/v1/sessions?limit=" + "9" * 5000,
        None,
        "org",
        {},
        400,
        "VALIDATION_ERROR",
    ),
    (
        "purge garbage",
        "delete",
        S + "/participants/00000000-0000-0000-0000-000000000000?purge=" + quote(SQL),
        None,
        "org",
        {},
        404,
        "NOT_FOUND",
    ),
    # since/
    (
        "since 10**20",
        "get",
        POLL + "/responses/since/" + str(10**20),
        None,
        "org",
        {},
        400,
        "VALIDATION_ERROR",
    ),
    ("since -1", "get", POLL + "/responses/since/-1", None, "org", {}, 400, "VALIDATION_ERROR"),
    ("since NaN", "get", POLL + "/responses/since/NaN", None, "org", {}, 400, "VALIDATION_ERROR"),
    (
        "since month 13",
        "get",
        POLL + "/responses/since/2026-13-45T99:99:99Z",
        None,
        "org",
        {},
        400,
        "VALIDATION_ERROR",
    ),
    ("since SQL", "get", POLL + "/responses/since/" + quote(SQL), None, "org", {}, 400, "VALIDATION_ERROR"),
    (
        "since year 0",
        "get",
        POLL + "/responses/since/0000-01-01T00:00:00Z",
        None,
        "org",
        {},
        400,
        "VALIDATION_ERROR",
    ),
    (
        "since year 10000",
        "get",
        POLL + "/responses/since/10000-01-01T00:00:00Z",
        None,
        "org",
        {},
        400,
        "VALIDATION_ERROR",
    ),
    ("since NUL", "get", POLL + "/responses/since/2026%00", None, "org", {}, 400, "VALIDATION_ERROR"),
    (
        "since huge offset",
        "get",
        POLL + "/responses/since/2026-01-01T00:00:00+99:00",
        None,
        "org",
        {},
        400,
        "VALIDATION_ERROR",
    ),
    # Q&A (contract v1.1): posting, listing, upvoting, moderating
    ("oversized question", "post", QS, {"text": BIG}, "part", {}, 413, "PAYLOAD_TOO_LARGE"),
    ("10k [ question", "post", QS, nested(10_000, closed=False), "part", {}, 400, "MALFORMED_JSON"),
    ("10k { question", "post", QS, b'{"a":' * 10_000, "part", {}, 400, "MALFORMED_JSON"),
    ("deep question", "post", QS, b'{"text": ' + nested(900) + b"}", "part", {}, 400, ""),
    ("question over max_length", "post", QS, {"text": "q" * 281}, "part", {}, 400, "VALIDATION_ERROR"),
    ("blank question", "post", QS, {"text": " \t\n "}, "part", {}, 400, "VALIDATION_ERROR"),
    ("no question text", "post", QS, {"anonymous": True}, "part", {}, 400, "VALIDATION_ERROR"),
    ("NUL question", "post", QS, {"text": "a\x00b"}, "part", {}, 400, "VALIDATION_ERROR"),
    ("BEL question", "post", QS, {"text": "bell\x07"}, "part", {}, 400, "VALIDATION_ERROR"),
    ("ESC question", "post", QS, {"text": "esc\x1b[31m red"}, "part", {}, 400, "VALIDATION_ERROR"),
    ("question text list", "post", QS, {"text": ["a"]}, "part", {}, 400, "VALIDATION_ERROR"),
    ("question text object", "post", QS, {"text": {"a": 1}}, "part", {}, 400, "VALIDATION_ERROR"),
    ("question text null", "post", QS, {"text": None}, "part", {}, 400, "VALIDATION_ERROR"),
    ("question text bool", "post", QS, {"text": True}, "part", {}, 400, "VALIDATION_ERROR"),
    (
        "anonymous not bool",
        "post",
        QS,
        {"text": "ok", "anonymous": "maybe"},
        "part",
        {},
        400,
        "VALIDATION_ERROR",
    ),
    ("anonymous list", "post", QS, {"text": "ok", "anonymous": [True]}, "part", {}, 400, "VALIDATION_ERROR"),
    ("question top-level list", "post", QS, [{"text": "ok"}], "part", {}, 400, "VALIDATION_ERROR"),
    ("question top-level null", "post", QS, None, "part", {}, 400, ""),
    ("question invalid utf-8", "post", QS, b'{"text": "\xff\xfe"}', "part", {}, 400, "MALFORMED_JSON"),
    (
        "question form body",
        "post",
        QS,
        b"text=x",
        "part",
        {"content_type": "application/x-www-form-urlencoded"},
        415,
        "UNSUPPORTED_MEDIA_TYPE",
    ),
    (
        "question to a poll",
        "post",
        POLL + "/questions",
        {"text": "ok"},
        "part",
        {},
        404,
        "NOT_FOUND",
    ),
    (
        "questions of bad activity",
        "get",
        S + "/activities/1%20OR%201=1/questions",
        None,
        "",
        {},
        404,
        "NOT_FOUND",
    ),
    ("sort SQL", "get", QS + "?sort=" + quote(SQL), None, "", {}, 400, "VALIDATION_ERROR"),
    ("sort empty", "get", QS + "?sort=", None, "part", {}, 400, "VALIDATION_ERROR"),
    ("sort upvotes", "get", QS + "?sort=-upvote_count", None, "org", {}, 400, "VALIDATION_ERROR"),
    ("status unknown", "get", QS + "?status=deleted", None, "org", {}, 400, "VALIDATION_ERROR"),
    ("status SQL", "get", QS + "?status=" + quote(SQL), None, "org", {}, 400, "VALIDATION_ERROR"),
    ("status as public", "get", QS + "?status=pending", None, "", {}, 400, "VALIDATION_ERROR"),
    ("status as participant", "get", QS + "?status=hidden", None, "part", {}, 400, "VALIDATION_ERROR"),
    ("questions limit -1", "get", QS + "?limit=-1", None, "", {}, 400, "VALIDATION_ERROR"),
    ("upvote not uuid", "put", QS + "/not-a-uuid/upvote", None, "part", {}, 404, "NOT_FOUND"),
    ("upvote SQL id", "put", QS + "/" + quote(SQL) + "/upvote", None, "part", {}, 404, "NOT_FOUND"),
    ("upvote NUL id", "put", QS + "/%00/upvote", None, "part", {}, 404, "NOT_FOUND"),
    ("upvote unknown", "put", NO_QUESTION + "/upvote", None, "part", {}, 404, "NOT_FOUND"),
    ("unvote unknown", "delete", NO_QUESTION + "/upvote", None, "part", {}, 404, "NOT_FOUND"),
    ("unvote not uuid", "delete", QS + "/1/upvote", None, "part", {}, 404, "NOT_FOUND"),
    ("moderate unknown", "patch", NO_QUESTION, {"status": "hidden"}, "org", {}, 404, "NOT_FOUND"),
    ("moderate not uuid", "patch", QS + "/x'--", {"status": "hidden"}, "org", {}, 404, "NOT_FOUND"),
    ("moderate empty", "patch", ONE, {}, "org", {}, 400, "VALIDATION_ERROR"),
    ("moderate bad status", "patch", ONE, {"status": "deleted"}, "org", {}, 400, "VALIDATION_ERROR"),
    ("moderate SQL status", "patch", ONE, {"status": SQL}, "org", {}, 400, "VALIDATION_ERROR"),
    ("moderate status list", "patch", ONE, {"status": ["hidden"]}, "org", {}, 400, "VALIDATION_ERROR"),
    ("moderate pinned str", "patch", ONE, {"pinned": "maybe"}, "org", {}, 400, "VALIDATION_ERROR"),
    ("moderate pinned object", "patch", ONE, {"pinned": {}}, "org", {}, 400, "VALIDATION_ERROR"),
    ("moderate deep", "patch", ONE, b'{"status": ' + nested(900) + b"}", "org", {}, 400, ""),
    ("moderate 10k [", "patch", ONE, nested(10_000, closed=False), "org", {}, 400, "MALFORMED_JSON"),
    ("moderate oversized", "patch", ONE, {"status": BIG}, "org", {}, 413, "PAYLOAD_TOO_LARGE"),
    # reactions (a plain view: same envelope, same codes as the DRF views)
    ("reaction unknown kind", "post", REACT, {"kind": "boo"}, "part", {}, 400, "VALIDATION_ERROR"),
    ("reaction kind list", "post", REACT, {"kind": ["like"]}, "part", {}, 400, "VALIDATION_ERROR"),
    ("reaction extra key", "post", REACT, {"kind": "like", "x": 1}, "part", {}, 400, "VALIDATION_ERROR"),
    ("reaction not an object", "post", REACT, ["like"], "part", {}, 400, "VALIDATION_ERROR"),
    ("reaction 10k [", "post", REACT, nested(10_000, closed=False), "part", {}, 400, "MALFORMED_JSON"),
    ("reaction deep", "post", REACT, b'{"kind": ' + nested(900) + b"}", "part", {}, 400, ""),
    ("reaction NaN", "post", REACT, b'{"kind": NaN}', "part", {}, 400, "VALIDATION_ERROR"),
    ("reaction oversized", "post", REACT, {"kind": BIG}, "part", {}, 413, "PAYLOAD_TOO_LARGE"),
    ("reaction form", "post", REACT, b"kind=like", "part", {"content_type": "text/plain"}, 415, ""),
    ("reaction no token", "post", REACT, {"kind": "like"}, "anon", {}, 401, "NOT_AUTHENTICATED"),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "auth", "extra", "status", "code"),
    [pytest.param(*row[1:], id=row[0]) for row in REFUSED],
)
def test_hostile_request_is_refused_and_changes_nothing(
    world: dict[str, Any],
    method: str,
    path: str,
    body: Any,
    auth: str,
    extra: dict[str, Any],
    status: int,
    code: str,
) -> None:
    if isinstance(body, dict):
        body = json.loads(json.dumps(body).replace("{code}", world["code"]))
    if body is None and method == "post":
        body = b"null"
    before = snapshot_db()
    response = call(world, method, path, body, auth=auth, **extra)
    assert_refused(response, status, code or None)
    assert snapshot_db() == before


# --- edge values that are valid: answered normally, nothing breaks ---------------------------

SINCE_OK = [
    "0001-01-01T00:00:00Z",
    "0001-01-01T00:00:00",
    "9999-12-31T23:59:59.999999Z",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-14:00",
    "2026-01-01T00:00:00+00:00",
    "2026-01-01 00:00:00+00:00",
]


@pytest.mark.parametrize("stamp", SINCE_OK)
def test_since_accepts_extreme_but_valid_timestamps(world: dict[str, Any], stamp: str) -> None:
    before = snapshot_db()
    response = call(world, "get", POLL + "/responses/since/" + quote(stamp), auth="org")
    assert response.status_code in (200, 400), response.content[:300]
    if response.status_code == 200:
        body = response.json()
        assert body["count"] in (0, 1)
        if stamp.startswith("0001") and body["count"] != 1:
            raise AssertionError(f"year-1 since should list the response: {body}")
    else:
        assert_refused(response, 400, "VALIDATION_ERROR")
    assert snapshot_db() == before


@pytest.mark.parametrize("stamp", [*SINCE_OK, str(10**20), "-1", "garbage", "0000-00-00", "9" * 5000])
def test_state_last_update_never_breaks(world: dict[str, Any], stamp: str) -> None:
    response = Client().get(f"/api/v1/sessions/{world['sid']}/state", {"last_update": stamp})
    assert response.status_code in (200, 304, 400), response.content[:300]
    if response.status_code == 400:
        assert_refused(response, 400, "VALIDATION_ERROR")
        assert stamp not in SINCE_OK or stamp.startswith(("0001", "9999")), stamp


@pytest.mark.parametrize("value", ["-1", "0", str(10**30), "abc", "9" * 5000])
def test_poll_headers_never_break(world: dict[str, Any], value: str) -> None:
    response = Client().get(
        f"/api/v1/sessions/{world['sid']}/state", HTTP_IF_NONE_MATCH=value, HTTP_X_PARTICIPANT_TOKEN=value
    )
    assert response.status_code == 200


# --- SQL-looking text where text is allowed: stored verbatim ---------------------------------


def test_sql_looking_text_is_stored_verbatim(world: dict[str, Any], organizer: Any) -> None:
    created = call(world, "post", "/api/v1/sessions", {"name": SQL, "description": SQL}, auth="org")
    assert created.status_code == 201
    assert Session.objects.get(pk=created.json()["id"]).name == SQL
    joined = call(world, "post", S + "/participants", {"nickname": SQL})
    assert joined.status_code == 201
    assert Participant.objects.get(pk=joined.json()["id"]).nickname == SQL
    activity_services.activity_set_status(activity=world["cloud_obj"], status="active")
    answered = call(world, "post", CLOUD + "/responses", {"response_data": {"words": [SQL]}}, auth="part")
    assert answered.status_code == 201, answered.content
    assert Response.objects.get(pk=answered.json()["id"]).response_data == {"words": [SQL]}
    hidden = call(world, "post", CLOUD + "/hidden-words", {"text": SQL}, auth="org")
    assert hidden.status_code == 201
    assert HiddenWord.objects.filter(activity_id=world["cloud"]).count() == 2
    assert Activity.objects.count() == 3  # nothing was dropped
    state = Client().get(f"/api/v1/sessions/{world['sid']}/state").json()
    assert state["current_activity"]["results"]["words"] == []  # hidden by the organizer
    assert (
        call(world, "delete", CLOUD + "/hidden-words/" + quote(SQL, safe=""), auth="org").status_code == 204
    )
    state = Client().get(f"/api/v1/sessions/{world['sid']}/state").json()
    assert [w["text"] for w in state["current_activity"]["results"]["words"]] == [SQL]


def test_sql_looking_question_is_stored_verbatim_and_moderated(world: dict[str, Any]) -> None:
    asked = call(world, "post", QS, {"text": SQL, "anonymous": True}, auth="part")
    assert asked.status_code == 201, asked.content
    question = Question.objects.get(pk=asked.json()["id"])
    assert (question.text, question.anonymous) == (SQL, True)
    # Another phone upvotes it (the asker cannot: 409 OWN_QUESTION).
    other = participant_services.participant_join(
        session=Session.objects.get(pk=world["sid"]), nickname="Zed"
    )[1]
    upvoted = call(world, "put", QS + "/" + str(question.pk) + "/upvote", HTTP_X_PARTICIPANT_TOKEN=other)
    assert upvoted.json() == {"upvotes": 1, "upvoted": True}
    pinned = call(world, "patch", QS + "/" + str(question.pk), {"pinned": True}, auth="org")
    assert pinned.status_code == 200 and pinned.json()["pinned"] is True
    state = Client().get(f"/api/v1/sessions/{world['sid']}/state").json()
    assert state["qna"]["top"][0]["text"] == SQL and state["qna"]["top"][0]["nickname"] is None
    assert Question.objects.filter(activity_id=world["qna"]).count() == 2  # nothing was dropped


@pytest.mark.parametrize("word", ["\u202eevil", "a\x00b", "zero\u200bwidth", "bell\x07", "esc\x1b[31m"])
def test_control_characters_in_words_are_refused(world: dict[str, Any], word: str) -> None:
    activity_services.activity_set_status(activity=world["cloud_obj"], status="active")
    before = snapshot_db()
    response = call(world, "post", CLOUD + "/responses", {"response_data": {"words": [word]}}, auth="part")
    assert_refused(response, 400, "VALIDATION_ERROR")
    assert snapshot_db() == before


def test_huge_word_list_is_refused(world: dict[str, Any]) -> None:
    activity_services.activity_set_status(activity=world["cloud_obj"], status="active")
    before = snapshot_db()
    words = [f"w{i}" for i in range(5000)]
    response = call(world, "post", CLOUD + "/responses", {"response_data": {"words": words}}, auth="part")
    body = assert_refused(response, 400, "VALIDATION_ERROR")
    assert len(response.content) < 64 * 1024, "the error for a huge list stays small"
    assert "response_data.words" in body["error"]["details"]
    assert snapshot_db() == before


def test_whitespace_controls_in_words_are_collapsed_not_stored(world: dict[str, Any]) -> None:
    activity_services.activity_set_status(activity=world["cloud_obj"], status="active")
    response = call(
        world, "post", CLOUD + "/responses", {"response_data": {"words": ["tab\tword\n"]}}, auth="part"
    )
    assert response.status_code == 201
    assert response.json()["response_data"] == {"words": ["tab word"]}


# --- floods: the throttles, with real requests against the default (in-process) cache -------------


@pytest.fixture
def small_rates(monkeypatch: pytest.MonkeyPatch) -> None:
    from core.throttles import JoinIPThrottle, ParticipantTokenThrottle

    # DRF copies the rates into the class when it is defined: patch them there.
    for throttle in (JoinIPThrottle, ParticipantTokenThrottle):
        monkeypatch.setattr(throttle, "THROTTLE_RATES", {"join_ip": "3/min", "answer": "3/min"})


def _join(world: dict[str, Any], nickname: str, ip: str, **extra: Any) -> Any:
    return call(world, "post", S + "/participants", {"nickname": nickname}, REMOTE_ADDR=ip, **extra)


def test_join_is_throttled_per_ip_and_forged_forwarded_for_does_not_help(
    world: dict[str, Any], small_rates: None
) -> None:
    assert [_join(world, f"n{i}", "198.51.100.7").status_code for i in range(3)] == [201, 201, 201]
    before = snapshot_db()
    refused = _join(world, "n3", "198.51.100.7")
    body = assert_refused(refused, 429, "THROTTLED")
    assert int(refused["Retry-After"]) >= 1 and body["error"]["details"]["retry_after"] >= 1
    # The same address under a forged X-Forwarded-For is still the same client (NUM_PROXIES=0).
    for i in range(3):
        assert_refused(
            _join(world, f"f{i}", "198.51.100.7", HTTP_X_FORWARDED_FOR=f"10.0.0.{i}"), 429, "THROTTLED"
        )
    # Joining by code counts against the same limit.
    by_code = call(
        world,
        "post",
        "/api/v1/join",
        {"join_code": world["code"], "nickname": "c"},
        REMOTE_ADDR="198.51.100.7",
    )
    assert_refused(by_code, 429, "THROTTLED")
    assert snapshot_db() == before
    # Another address is another client.
    assert _join(world, "other", "198.51.100.8").status_code == 201


def test_answers_are_throttled_per_participant_token(world: dict[str, Any], small_rates: None) -> None:
    url = POLL + "/responses"
    statuses = [
        call(world, "post", url, {"response_data": {"option_ids": [o]}}, auth="part").status_code
        for o in "aba"
    ]
    assert statuses == [200, 200, 200]  # the fixture's first answer is replaced each time
    before = snapshot_db()
    refused = call(world, "post", url, {"response_data": {"option_ids": ["b"]}}, auth="part")
    assert_refused(refused, 429, "THROTTLED")
    assert refused["Retry-After"]
    assert snapshot_db() == before
    # Another participant behind the same address is not affected.
    other = _join(world, "Neighbour", "127.0.0.1").json()["token"]
    ok = call(world, "post", url, {"response_data": {"option_ids": ["a"]}}, HTTP_X_PARTICIPANT_TOKEN=other)
    assert ok.status_code == 201
