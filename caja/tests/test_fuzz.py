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

import json
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.test import Client
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
