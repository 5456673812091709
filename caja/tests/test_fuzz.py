"""Schemathesis fuzzing of every API operation against the app's own OpenAPI schema.

Every operation of ``/api/schema`` is driven in-process (WSGI) with positive and negative
Hypothesis-generated cases. About half the cases get real ids (a session with one activity of
each type, the poll active, a participant) and valid credentials for the operation's security
scheme, so the fuzzer reaches the handlers' bodies instead of stopping at 404/401.

Checks: no 5xx, every status documented, every body matching its documented schema, the
documented content type. Failures are collected (not raised one by one) and printed with the
counts; run with ``pytest -s`` to see them.
"""

from __future__ import annotations

import io
import json
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from rest_framework_simplejwt.tokens import RefreshToken
from schemathesis import DataGenerationMethod
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.exceptions import SkipTest

from activities import services as activity_services
from activities.tests.factories import CONFIGS
from caja.wsgi import application
from participants import services as participant_services
from sessions_app import services as session_services
from sessions_app.models import Session

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.slow]

MAX_EXAMPLES = {DataGenerationMethod.positive: 25, DataGenerationMethod.negative: 15}
CHECKS = (not_a_server_error, status_code_conformance, response_schema_conformance, content_type_conformance)
TYPES = ("poll", "poker", "quiz", "wordcloud")


@dataclass
class World:
    access: str
    session_id: str
    join_code: str
    activity_ids: list[str]
    participant_id: str
    token: str


def _make_world(user: Any, n: int) -> World:
    session = session_services.session_create(owner=user, name=f"Fuzz {n}")
    session_services.session_set_status(session=session, status="active")
    activities = [
        activity_services.activity_create(session=session, type=kind, config=dict(CONFIGS[kind]), title=kind)
        for kind in TYPES
    ]
    activity_services.activity_set_status(activity=activities[0], status="active")
    participant, token = participant_services.participant_join(session=session, nickname=f"fuzzer{n}")
    return World(
        access=str(RefreshToken.for_user(user).access_token),
        session_id=str(session.pk),
        join_code=session.join_code,
        activity_ids=[str(a.pk) for a in activities],
        participant_id=str(participant.pk),
        token=token,
    )


# Bodies the random generator rarely produces but which reach the success paths.
def _valid_bodies(world: World) -> dict[str, list[dict[str, Any]]]:
    return {
        "activities_create": [{"type": kind, "config": dict(CONFIGS[kind])} for kind in TYPES],
        "activities_update": [{"config": dict(CONFIGS["poker"]), "title": "t"}],
        "activities_partial_update": [{"title": "renamed"}, {"config": dict(CONFIGS["poker"])}],
        "activities_set_status": [{"status": "active"}, {"status": "published"}, {"status": "expired"}],
        "responses_submit": [{"response_data": {"option_ids": ["a"]}}, {"response_data": {"value": "5"}}],
        "hidden_words_add": [{"text": "hello"}],
        "join_by_code": [{"join_code": world.join_code, "nickname": "Ana"}],
        "participants_join": [{"nickname": "Bea"}],
        "sessions_partial_update": [{"status": "completed"}, {"name": "Renamed"}],
    }


def _schema() -> Any:
    response = Client().get("/api/schema", {"format": "json"})
    assert response.status_code == 200
    raw = json.loads(response.content)
    return schemathesis.from_dict(raw, app=application)


def _security(operation: Any) -> set[str]:
    schemes: set[str] = set()
    for requirement in operation.definition.raw.get("security", []) or []:
        schemes.update(requirement)
    return schemes


def test_fuzz_every_operation(monkeypatch: pytest.MonkeyPatch, settings: Any, capsys: Any) -> None:
    from core.throttles import JoinIPThrottle, ParticipantTokenThrottle

    # Token requests hash a password each (even for unknown users): keep that cheap here.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

    user = get_user_model().objects.create_user(username="fuzz-org", password="pw-fuzz-12345", is_staff=True)
    schema = _schema()
    operations = [result.ok() for result in schema.get_all_operations()]
    stats: Counter[str] = Counter()
    statuses: Counter[int] = Counter()
    real_statuses: Counter[int] = Counter()
    failures: dict[tuple[str, str], str] = {}
    counter = [0]
    unsatisfiable: list[str] = []
    timings: dict[str, float] = {}

    # The throttles are exercised elsewhere; here they would turn most cases into 429s.
    for throttle in (JoinIPThrottle, ParticipantTokenThrottle):
        monkeypatch.setattr(throttle, "allow_request", lambda self, request, view: True)

    def _runner(strategy: Any, max_examples: int, op_id: str, security: set[str]) -> Any:
        @hyp_settings(
            max_examples=max_examples,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=strategy, data=st.data())
        def run(case: Any, data: Any) -> None:
            counter[0] += 1
            world = _make_world(user, counter[0])
            real = data.draw(st.booleans(), label="real ids")
            if real:
                params = case.path_parameters or {}
                if "session_id" in params:
                    params["session_id"] = world.session_id
                if "activity_id" in params:
                    params["activity_id"] = data.draw(st.sampled_from(world.activity_ids), label="activity")
                if "participant_id" in params:
                    params["participant_id"] = world.participant_id
                if "join_code" in params:
                    params["join_code"] = world.join_code
                bodies = _valid_bodies(world).get(op_id)
                if bodies and data.draw(st.booleans(), label="valid body"):
                    case.body = data.draw(st.sampled_from(bodies), label="body")
            headers: dict[str, str] = {}
            if data.draw(st.integers(0, 9), label="auth") > 0:  # one case in ten goes without
                if "jwtAuth" in security:
                    headers["Authorization"] = f"Bearer {world.access}"
                if "ParticipantToken" in security:
                    headers["X-Participant-Token"] = world.token
            response = case.call(headers=headers)
            stats["cases"] += 1
            statuses[response.status_code] += 1
            if real:
                real_statuses[response.status_code] += 1
            try:
                case.validate_response(response, checks=CHECKS, headers=headers)
            except Exception as exc:  # collected, reported together below
                stats["failures"] += 1
                key = (op_id, type(exc).__name__ + ":" + str(exc).splitlines()[0][:120])
                if key not in failures:
                    failures[key] = (
                        f"{case.method} {case.formatted_path} status={response.status_code} "
                        f"query={case.query} body={str(case.body)[:200]!r}\n"
                        f"  response={response.text[:300]!r}\n  {str(exc)[:800]}"
                    )

        return run

    for operation in operations:
        op_id = operation.definition.raw.get("operationId", operation.verbose_name)
        security = _security(operation)
        stats["operations"] += 1
        has_path_params = any(p.get("in") == "path" for p in operation.definition.raw.get("parameters", []))
        for method, max_examples in MAX_EXAMPLES.items():
            if method is DataGenerationMethod.negative and has_path_params:
                # Schemathesis 3.39 cannot make negative cases that keep the path valid for these
                # (it gives up after seconds of filtering); test_hostile_input covers them.
                continue
            started = time.monotonic()
            try:
                _runner(operation.as_strategy(data_generation_method=method), max_examples, op_id, security)()
            except (Unsatisfiable, SkipTest):
                # Negative generation has nothing to mutate (e.g. no parameters and no body).
                unsatisfiable.append(f"{op_id}/{method.name}")
            timings[f"{op_id}/{method.name}"] = time.monotonic() - started

    with capsys.disabled():
        print(
            f"\n[fuzz] operations={stats['operations']} cases={stats['cases']} "
            f"failures={stats['failures']} distinct={len(failures)} statuses={dict(sorted(statuses.items()))}"
        )
        print(f"[fuzz] statuses of the cases with real ids: {dict(sorted(real_statuses.items()))}")
        slowest = sorted(timings.items(), key=lambda kv: -kv[1])[:5]
        print("[fuzz] slowest: " + ", ".join(f"{k}={v:.1f}s" for k, v in slowest))
        print(f"[fuzz] no negative cases possible for: {', '.join(unsatisfiable) or '-'}")
        for (op_id, _), text in sorted(failures.items()):
            print(f"[fuzz] FAIL {op_id}: {text}")
    assert stats["operations"] >= 38
    assert not failures, f"{len(failures)} distinct fuzz failures (see output above)"


# --- the endpoints added since v1.1: unknown fields and wrong types --------------------------------
# Issue 22 item 4: the contract's rule for every body is "unknown fields → 400 VALIDATION_ERROR,
# booleans are booleans, text is a string". Each endpoint below gets its valid body broken one way
# at a time (an unknown field, one field of the wrong type, a body that is not an object), first in
# a fixed list of the values clients really send by mistake, then in Hypothesis-generated ones. Each
# must be 400 VALIDATION_ERROR (or MALFORMED_JSON) naming the field at fault, never a 5xx, and the
# database (and the reaction counters) must be as before. The requests go through the WSGI entry
# point, so reactions and the heartbeat are answered by the lean handler, as in production.

BOOL, TEXT, CHOICE, TEXT_OR_NULL = "bool", "text", "choice", "text or null"
# What each kind of field must refuse: the mistakes clients make, then anything not of the kind.
WRONG: dict[str, list[Any]] = {
    BOOL: ["yes", "true", "", 1, 0, 1.5, None, [], [True], {}, {"a": True}],
    TEXT: [123, 0, 1.5, True, False, None, [], ["x"], {}, {"a": "b"}],
    CHOICE: [1, 0, True, None, [], ["es"], {}, {"x": 1}],
    TEXT_OR_NULL: [123, 0, 1.5, True, False, [], ["x"], {}, {"a": "b"}],
}
NOT_AN_OBJECT: list[Any] = [[], [{}], "x", "", 1, 2.5, True, False]
JSON_LEAF = (
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12)
)
JSON_VALUE = st.recursive(
    JSON_LEAF,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)
OF_KIND = {
    BOOL: JSON_VALUE.filter(lambda v: not isinstance(v, bool)),
    TEXT: JSON_VALUE.filter(lambda v: not isinstance(v, str)),
    CHOICE: JSON_VALUE.filter(lambda v: not isinstance(v, str)),
    TEXT_OR_NULL: JSON_VALUE.filter(lambda v: v is not None and not isinstance(v, str)),
}


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: str
    body: dict[str, Any]  # a valid body ({} for an endpoint that takes none)
    fields: dict[str, str]  # every field the endpoint knows, with its kind
    as_participant: bool = False


def _team_world(user: Any, other: Any) -> tuple[dict[str, Any], list[Endpoint]]:
    """Sessions in the states each endpoint needs, and the endpoints with valid bodies."""
    from activities.models import Activity
    from activities.types import get_type
    from activities.types.qna import services as qna_services
    from sessions_app import members

    now = timezone.now()
    session = session_services.session_create(owner=user, name="Fuzz team")
    session_services.session_set_status(session=session, status="active")

    def activity(kind: str, config: dict[str, Any], status: str) -> Activity:
        clean = get_type(kind).validate_config(config)
        return Activity.objects.create(
            session=session, type=kind, config=clean, status=status, order=Activity.objects.count() + 1
        )

    open_text = activity("open_text", {"prompt": "A wish?"}, "active")
    Activity.objects.filter(pk=open_text.pk).update(activated_at=now)
    Session.objects.filter(pk=session.pk).update(current_activity=open_text)
    qna = activity("qna", dict(CONFIGS["qna"]), "published")
    cloud = activity("wordcloud", dict(CONFIGS["wordcloud"]), "expired")
    ana, ana_token = participant_services.participant_join(session=session, nickname="Ana")
    ben, _ = participant_services.participant_join(session=session, nickname="Ben")
    answer, _ = activity_services.response_submit(
        participant=ana, activity=Activity.objects.get(pk=open_text.pk), response_data={"text": "More coffee"}
    )
    question = qna_services.question_post(participant=ben, activity=qna, text="Lunch?")
    members.member_add(session=session, role="presenter", username=other.username, actor=user)
    members.member_add(session=session, role="moderator", email="later@example.com", actor=user)
    draft = session_services.session_create(owner=user, name="Fuzz draft")
    rehearsal = session_services.session_create(owner=user, name="Fuzz rehearsal")
    session_services.session_rehearse(session=rehearsal, actor=user)

    s = f"/api/v1/sessions/{session.pk}"
    a = f"{s}/activities"
    world = {"session": session, "token": ana_token, "access": str(RefreshToken.for_user(user).access_token)}
    endpoints = [
        Endpoint(
            "questions_create",
            "POST",
            f"{a}/{qna.pk}/questions",
            {"text": "Hi?", "anonymous": False},
            {"text": TEXT, "anonymous": BOOL},
            as_participant=True,
        ),
        Endpoint(
            "questions_moderate",
            "PATCH",
            f"{a}/{qna.pk}/questions/{question.pk}",
            {"status": "answered", "pinned": True},
            {"status": CHOICE, "pinned": BOOL},
        ),
        Endpoint(
            "questions_upvote",
            "PUT",
            f"{a}/{qna.pk}/questions/{question.pk}/upvote",
            {},
            {},
            as_participant=True,
        ),
        Endpoint(
            "questions_unvote",
            "DELETE",
            f"{a}/{qna.pk}/questions/{question.pk}/upvote",
            {},
            {},
            as_participant=True,
        ),
        Endpoint(
            "sessions_react", "POST", f"{s}/reactions", {"kind": "wow"}, {"kind": CHOICE}, as_participant=True
        ),
        Endpoint("sessions_heartbeat", "POST", f"{s}/heartbeat", {}, {}, as_participant=True),
        Endpoint("sessions_rehearse", "POST", f"/api/v1/sessions/{draft.pk}/rehearse", {}, {}),
        Endpoint("sessions_end_rehearsal", "POST", f"/api/v1/sessions/{rehearsal.pk}/end-rehearsal", {}, {}),
        Endpoint(
            "responses_hide",
            "PATCH",
            f"{a}/{open_text.pk}/responses/{answer.pk}",
            {"hidden": True},
            {"hidden": BOOL},
        ),
        Endpoint(
            "hidden_words_add", "POST", f"{a}/{cloud.pk}/hidden-words", {"text": "hello"}, {"text": TEXT}
        ),
        Endpoint(
            "sessions_language",
            "PATCH",
            s,
            {"language": "es"},
            {"language": CHOICE, "name": TEXT, "description": TEXT_OR_NULL, "status": CHOICE},
        ),
        Endpoint(
            "members_add",
            "POST",
            f"{s}/members",
            {"email": "new@example.com", "role": "moderator"},
            {"username": TEXT, "email": TEXT, "role": CHOICE},
        ),
        Endpoint(
            "members_set_role", "PATCH", f"{s}/members/{other.pk}", {"role": "moderator"}, {"role": CHOICE}
        ),
        Endpoint("members_remove", "DELETE", f"{s}/members/{other.pk}", {}, {}),
        Endpoint("invitations_remove", "DELETE", f"{s}/invitations/later@example.com", {}, {}),
        Endpoint(
            "sessions_transfer", "POST", f"{s}/transfer", {"username": other.username}, {"username": TEXT}
        ),
        Endpoint("auth_keys_create", "POST", "/api/v1/auth/keys", {"name": "CI"}, {"name": TEXT}),
    ]
    return world, endpoints


def _stored() -> dict[str, Any]:
    """Everything a refused request must leave as it was."""
    from activities.models import Activity, HiddenWord, Question, QuestionUpvote
    from activities.models import Response as Answer
    from core.models import OrganizerApiKey
    from live.reactions import reaction_counts
    from participants.models import Participant
    from sessions_app.models import AuditEntry, SessionInvitation, SessionMember

    def rows(qs: Any, *fields: str) -> list[tuple[Any, ...]]:
        return sorted(map(tuple, qs.values_list(*fields)), key=str)

    return {
        "sessions": rows(
            Session.objects.all(),
            *("id", "name", "description", "status", "language", "rehearsal", "owner_id", "join_code"),
        ),
        "activities": rows(Activity.objects.all(), "id", "status", "revealed_at", "round"),
        "questions": rows(
            Question.objects.all(), "id", "text", "anonymous", "status", "pinned", "upvote_count"
        ),
        "upvotes": rows(QuestionUpvote.objects.all(), "question_id", "participant_id"),
        "answers": rows(Answer.objects.all(), "id", "hidden", "response_data"),
        "hidden_words": rows(HiddenWord.objects.all(), "activity_id", "text"),
        "participants": rows(Participant.objects.all(), "id", "kicked_at", "last_activity"),
        "members": rows(SessionMember.objects.all(), "session_id", "user_id", "role"),
        "invitations": rows(SessionInvitation.objects.all(), "session_id", "email", "role"),
        "api_keys": rows(OrganizerApiKey.objects.all(), "id", "name", "revoked"),
        "audit": AuditEntry.objects.count(),
        "reactions": [reaction_counts(s.pk)["counts"] for s in Session.objects.order_by("pk")],
    }


def _wsgi(method: str, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, bytes]:
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "REMOTE_ADDR": "203.0.113.7",
        "HTTP_HOST": "testserver",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(body),
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "application/json",
        **{"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()},
    }
    seen: dict[str, int] = {}

    def start_response(status: str, response_headers: Any, exc_info: Any = None) -> None:
        seen["status"] = int(status.split()[0])

    result: Any = application(environ, start_response)
    try:
        content = b"".join(result)
    finally:
        if hasattr(result, "close"):
            result.close()
    return seen["status"], content


def _fixed_mistakes(endpoint: Endpoint) -> list[tuple[str, Any, str | None]]:
    """(what, body, the field the answer must name) for the mistakes clients really make."""
    cases: list[tuple[str, Any, str | None]] = [
        ("an unknown field", {**endpoint.body, "bogus": 1}, "bogus"),
        ("an unknown field, null", {**endpoint.body, "extra": None}, "extra"),
        ("an unknown nested object", {**endpoint.body, "meta": {"a": [1]}}, "meta"),
    ]
    for name, kind in endpoint.fields.items():
        cases.extend((f"{name}={value!r}", {**endpoint.body, name: value}, name) for value in WRONG[kind])
    cases.extend((f"a body of {value!r}", value, None) for value in NOT_AN_OBJECT)
    return cases


def _mistakes(endpoint: Endpoint) -> Any:
    """Hypothesis: one mistake at a time in the endpoint's valid body."""
    known = set(endpoint.fields)
    unknown = st.builds(
        lambda key, value: (f"unknown {key!r}", {**endpoint.body, key: value}, key),
        st.text(min_size=1, max_size=12).filter(lambda k: k not in known),
        JSON_VALUE,
    )
    options = [
        unknown,
        st.builds(
            lambda v: (f"a body of {v!r}", v, None),
            JSON_VALUE.filter(lambda v: not isinstance(v, dict) and v is not None),
        ),
    ]
    for name, kind in endpoint.fields.items():
        options.append(
            st.builds(lambda v, name=name: (f"{name}={v!r}", {**endpoint.body, name: v}, name), OF_KIND[kind])
        )
    return st.one_of(options)


def test_fuzz_new_endpoints_refuse_unknown_fields_and_wrong_types(
    monkeypatch: pytest.MonkeyPatch, django_user_model: Any, capsys: Any
) -> None:
    from core.throttles import AcceptedOnlyTokenThrottle, JoinIPThrottle, ParticipantTokenThrottle

    for throttle in (JoinIPThrottle, ParticipantTokenThrottle, AcceptedOnlyTokenThrottle):
        monkeypatch.setattr(throttle, "allow_request", lambda self, request, view: True)
    user = django_user_model.objects.create_user(username="fuzz-owner", password="pw-12345-x", is_staff=True)
    other = django_user_model.objects.create_user(
        username="fuzz-member", password="pw-12345-y", is_staff=True, email="member@example.com"
    )
    world, endpoints = _team_world(user, other)
    failures: dict[str, str] = {}
    counts: Counter[str] = Counter()

    def check(endpoint: Endpoint, what: str, body: Any, field_name: str | None) -> None:
        headers = {"Accept": "application/json"}
        if endpoint.as_participant:
            headers["X-Participant-Token"] = world["token"]
        else:
            headers["Authorization"] = f"Bearer {world['access']}"
        before = _stored()
        status, content = _wsgi(endpoint.method, endpoint.path, json.dumps(body).encode(), headers)
        after = _stored()
        counts[endpoint.name] += 1
        problems = []
        try:
            error = json.loads(content)["error"]
        except (ValueError, KeyError, TypeError):
            error = {}
        if status != 400 or error.get("code") not in ("VALIDATION_ERROR", "MALFORMED_JSON"):
            problems.append(f"status {status} {content[:200]!r}")
        elif field_name is not None and field_name not in error.get("details", {}):
            problems.append(f"the details do not name {field_name!r}: {error.get('details')}")
        changed = [key for key in before if before[key] != after[key]]
        if changed:
            problems.append(f"stored: {', '.join(changed)}")
        if problems:
            failures.setdefault(f"{endpoint.name}: {what}", "; ".join(problems))

    def fuzz(endpoint: Endpoint) -> None:
        @hyp_settings(
            max_examples=25,
            deadline=None,
            derandomize=True,
            database=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=_mistakes(endpoint))
        def run(case: tuple[str, Any, str | None]) -> None:
            check(endpoint, *case)

        run()

    for endpoint in endpoints:
        for what, body, field_name in _fixed_mistakes(endpoint):
            check(endpoint, what, body, field_name)
        fuzz(endpoint)

    with capsys.disabled():
        print(
            f"\n[fuzz-new] requests={sum(counts.values())} endpoints={len(counts)} failures={len(failures)}"
        )
        for key, text in sorted(failures.items()):
            print(f"[fuzz-new] FAIL {key}: {text}")
    assert len(counts) == len(endpoints) >= 17
    assert not failures, f"{len(failures)} refusals went wrong (see output above)"
