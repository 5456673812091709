"""The OpenAPI schema describes what the API really answers.

Real responses of the main endpoints are validated against the response schema of their operation
(OpenAPI 3.0 schemas turned into JSON Schema: ``nullable`` becomes a ``null`` type, and every object
with declared properties gets ``additionalProperties: false`` so an undocumented key fails).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from jsonschema import Draft202012Validator, FormatChecker

from activities.tests.factories import ActivityFactory
from conftest import participant_client
from participants.tests.factories import ParticipantFactory
from sessions_app.models import Session
from sessions_app.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db

POLL = {"question": "Lunch?", "options": [{"id": "a", "label": "Pizza"}, {"id": "b", "label": "Salad"}]}
P = "/api/v1"


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


def _to_json_schema(node: Any) -> Any:
    if isinstance(node, list):
        return [_to_json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: _to_json_schema(value) for key, value in node.items()}
    if out.get("type") == "object" and "properties" in out and "additionalProperties" not in out:
        out["additionalProperties"] = False
    if out.pop("nullable", False):
        if "type" in out:
            out["type"] = [out["type"], "null"]
            if "enum" in out:
                out["enum"] = [*out["enum"], None]
        else:
            out = {"anyOf": [out, {"type": "null"}]}
    return out


def validate(schema: dict[str, Any], path: str, method: str, resp: Any) -> None:
    """Validate the JSON body of ``resp`` against the schema of (path, method, status)."""
    operation = schema["paths"][path][method]
    status = str(resp.status_code)
    assert status in operation["responses"], f"{method.upper()} {path} does not document {status}"
    content = operation["responses"][status]["content"]["application/json"]["schema"]
    root = _to_json_schema(copy.deepcopy(content))
    if "$ref" in root and len(root) == 1:
        root = {"allOf": [root]}
    root["components"] = _to_json_schema(copy.deepcopy(schema["components"]))
    validator = Draft202012Validator(root, format_checker=FormatChecker())
    errors = sorted(validator.iter_errors(resp.json()), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors)


@pytest.fixture
def world(organizer: Any) -> dict[str, Any]:
    session = SessionFactory(owner=organizer, status="active")
    activity = ActivityFactory(session=session, status="active", activated_at=timezone.now(), order=1)
    ActivityFactory(session=session, order=2)
    Session.objects.filter(pk=session.pk).update(current_activity=activity)
    participant = ParticipantFactory(session=session)
    return {"session": session, "activity": activity, "participant": participant}


# --- the generator itself -------------------------------------------------------------------


def test_schema_generates_without_warnings(tmp_path: Path):
    out = tmp_path / "s.yml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    assert text.startswith("openapi: 3")
    assert "/api/v1/sessions/{session_id}/activities/{activity_id}/responses:" in text


def test_every_documented_error_is_the_envelope(schema):
    envelope = schema["components"]["schemas"]["ErrorEnvelope"]
    assert envelope["required"] == ["error"]
    detail = schema["components"]["schemas"][envelope["properties"]["error"]["$ref"].rsplit("/", 1)[-1]]
    assert set(detail["properties"]) == {"code", "message", "details"}
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            for status, response in op["responses"].items():
                if status.startswith(("4", "5")) and "content" in response:
                    ref = response["content"]["application/json"]["schema"].get("$ref", "")
                    assert ref.endswith("/ErrorEnvelope"), f"{method.upper()} {path} {status}"


@pytest.mark.parametrize(
    ("component", "keys"),
    [
        (
            "Session",
            {
                "id",
                "name",
                "description",
                "status",
                "admin_id",
                "join_code",
                "join_url",
                "qr_code_url",
                "current_activity_id",
                "participant_count",
                "created_at",
                "updated_at",
            },
        ),
        (
            "Activity",
            {
                "id",
                "session_id",
                "type",
                "title",
                "config",
                "order",
                "status",
                "activated_at",
                "created_at",
                "updated_at",
            },
        ),
        ("Participant", {"id", "session_id", "nickname", "joined_at", "last_activity"}),
        ("Response", {"id", "activity_id", "participant_id", "response_data", "created_at", "updated_at"}),
    ],
)
def test_components_have_the_contract_keys(schema, component, keys):
    comp = schema["components"]["schemas"][component]
    assert keys <= set(comp["properties"])
    assert keys <= set(comp["required"])


def test_contract_paths_are_documented(schema):
    expected = {
        "/api/v1/sessions": {"get", "post"},
        "/api/v1/sessions/{session_id}": {"get", "patch", "put", "delete"},
        "/api/v1/sessions/{session_id}/next": {"post"},
        "/api/v1/sessions/{session_id}/qr.png": {"get"},
        "/api/v1/sessions/{session_id}/qr.svg": {"get"},
        "/api/v1/join/{join_code}": {"get"},
        "/api/v1/join": {"post"},
        "/api/v1/me": {"get"},
        "/api/v1/sessions/{session_id}/participants": {"get", "post"},
        "/api/v1/sessions/{session_id}/participants/{participant_id}": {"delete"},
        "/api/v1/sessions/{session_id}/activities": {"get", "post"},
        "/api/v1/sessions/{session_id}/activities/{activity_id}": {"get", "patch", "put", "delete"},
        "/api/v1/activities/{activity_id}/status": {"patch"},
        "/api/v1/sessions/{session_id}/activities/{activity_id}/responses": {"get", "post"},
        "/api/v1/sessions/{session_id}/activities/{activity_id}/responses/mine": {"get"},
        "/api/v1/sessions/{session_id}/activities/{activity_id}/responses/since/{timestamp}": {"get"},
        "/api/v1/sessions/{session_id}/state": {"get"},
        "/api/v1/sessions/{session_id}/status": {"get"},
        "/api/v1/sessions/{session_id}/activities/{activity_id}/status": {"get"},
        "/api/v1/auth/token": {"post"},
        "/api/v1/auth/token/refresh": {"post"},
    }
    for path, methods in expected.items():
        assert path in schema["paths"], path
        assert methods <= set(schema["paths"][path]), path


# --- real responses against the schema ------------------------------------------------------


def test_sessions_against_schema(schema, org_api, organizer, world):
    created = org_api.post(f"{P}/sessions", {"name": "Schema"}, format="json")
    assert created.status_code == 201
    validate(schema, f"{P}/sessions", "post", created)
    listed = org_api.get(f"{P}/sessions")
    assert listed.json()["total"] == 2
    validate(schema, f"{P}/sessions", "get", listed)
    sid = world["session"].pk
    validate(schema, f"{P}/sessions/{{session_id}}", "get", org_api.get(f"{P}/sessions/{sid}"))
    patched = org_api.patch(f"{P}/sessions/{created.json()['id']}", {"status": "active"}, format="json")
    assert patched.status_code == 200
    validate(schema, f"{P}/sessions/{{session_id}}", "patch", patched)


def test_session_errors_against_schema(schema, org_api, other_api, api, world):
    sid = world["session"].pk
    path = f"{P}/sessions/{{session_id}}"
    not_found = other_api.get(f"{P}/sessions/{sid}")
    assert not_found.status_code == 404
    validate(schema, path, "get", not_found)
    bad = org_api.patch(f"{P}/sessions/{sid}", {"bogus": 1}, format="json")
    assert bad.status_code == 400
    validate(schema, path, "patch", bad)
    conflict = org_api.patch(f"{P}/sessions/{sid}", {"status": "draft"}, format="json")
    assert conflict.status_code == 409
    validate(schema, path, "patch", conflict)
    anonymous = api.get(f"{P}/sessions")
    assert anonymous.status_code == 401
    validate(schema, f"{P}/sessions", "get", anonymous)


def test_activities_against_schema(schema, org_api, world):
    sid = world["session"].pk
    created = org_api.post(f"{P}/sessions/{sid}/activities", {"type": "poll", "config": POLL}, format="json")
    assert created.status_code == 201
    validate(schema, f"{P}/sessions/{{session_id}}/activities", "post", created)
    validate(
        schema,
        f"{P}/sessions/{{session_id}}/activities",
        "get",
        org_api.get(f"{P}/sessions/{sid}/activities"),
    )
    aid = created.json()["id"]
    one = org_api.get(f"{P}/sessions/{sid}/activities/{aid}")
    validate(schema, f"{P}/sessions/{{session_id}}/activities/{{activity_id}}", "get", one)
    changed = org_api.patch(f"{P}/activities/{aid}/status", {"status": "published"}, format="json")
    assert changed.status_code == 200
    validate(schema, f"{P}/activities/{{activity_id}}/status", "patch", changed)
    refused = org_api.patch(f"{P}/activities/{aid}/status", {"status": "draft"}, format="json")
    assert refused.status_code == 409
    validate(schema, f"{P}/activities/{{activity_id}}/status", "patch", refused)
    invalid = org_api.post(f"{P}/sessions/{sid}/activities", {"type": "poll", "config": {}}, format="json")
    assert invalid.status_code == 400
    validate(schema, f"{P}/sessions/{{session_id}}/activities", "post", invalid)


def test_join_and_me_against_schema(schema, api, world):
    session = world["session"]
    joined = api.post(f"{P}/sessions/{session.pk}/participants", {"nickname": "Schema"}, format="json")
    assert joined.status_code == 201
    validate(schema, f"{P}/sessions/{{session_id}}/participants", "post", joined)
    by_code = api.post(f"{P}/join", {"join_code": session.join_code, "nickname": "Code"}, format="json")
    assert by_code.status_code == 201
    validate(schema, f"{P}/join", "post", by_code)
    taken = api.post(f"{P}/join", {"join_code": session.join_code, "nickname": "code"}, format="json")
    assert taken.status_code == 409
    validate(schema, f"{P}/join", "post", taken)
    validate(schema, f"{P}/join/{{join_code}}", "get", api.get(f"{P}/join/{session.join_code}"))
    missing = api.get(f"{P}/join/ZZZZZZ")
    assert missing.status_code == 404
    validate(schema, f"{P}/join/{{join_code}}", "get", missing)
    me = participant_client(joined.json()["token"]).get(f"{P}/me")
    validate(schema, f"{P}/me", "get", me)


def test_participant_list_against_schema(schema, org_api, world):
    resp = org_api.get(f"{P}/sessions/{world['session'].pk}/participants")
    assert resp.json()["total"] == 1
    validate(schema, f"{P}/sessions/{{session_id}}/participants", "get", resp)


def test_responses_against_schema(schema, org_api, world):
    sid, aid = world["session"].pk, world["activity"].pk
    client = participant_client(world["participant"].token)
    base = f"{P}/sessions/{{session_id}}/activities/{{activity_id}}/responses"
    url = f"{P}/sessions/{sid}/activities/{aid}/responses"
    mine_missing = client.get(f"{url}/mine")
    assert mine_missing.status_code == 404
    validate(schema, f"{base}/mine", "get", mine_missing)
    first = client.post(url, {"response_data": {"option_ids": ["a"]}}, format="json")
    assert first.status_code == 201
    validate(schema, base, "post", first)
    second = client.post(url, {"response_data": {"option_ids": ["b"]}}, format="json")
    assert second.status_code == 200
    validate(schema, base, "post", second)
    validate(schema, f"{base}/mine", "get", client.get(f"{url}/mine"))
    validate(schema, base, "get", org_api.get(url))
    since = org_api.get(f"{url}/since/2000-01-01T00%3A00%3A00Z")
    assert since.json()["count"] == 1
    validate(schema, f"{base}/since/{{timestamp}}", "get", since)
    forbidden = participant_client(ParticipantFactory().token).post(url, {"response_data": {}}, format="json")
    assert forbidden.status_code == 403
    validate(schema, base, "post", forbidden)


def test_live_endpoints_against_schema(schema, api, org_api, world):
    sid, aid = world["session"].pk, world["activity"].pk
    validate(schema, f"{P}/sessions/{{session_id}}/state", "get", api.get(f"{P}/sessions/{sid}/state"))
    validate(schema, f"{P}/sessions/{{session_id}}/status", "get", api.get(f"{P}/sessions/{sid}/status"))
    validate(
        schema,
        f"{P}/sessions/{{session_id}}/activities/{{activity_id}}/status",
        "get",
        api.get(f"{P}/sessions/{sid}/activities/{aid}/status"),
    )
    nxt = org_api.post(f"{P}/sessions/{sid}/next")
    assert nxt.status_code == 200
    validate(schema, f"{P}/sessions/{{session_id}}/next", "post", nxt)
    none_left = org_api.post(f"{P}/sessions/{sid}/next")
    assert none_left.status_code == 409
    validate(schema, f"{P}/sessions/{{session_id}}/next", "post", none_left)


def test_results_against_schema(schema, org_api, world):
    sid, aid = world["session"].pk, world["activity"].pk
    validate(
        schema,
        f"{P}/sessions/{{session_id}}/activities/{{activity_id}}/results",
        "get",
        org_api.get(f"{P}/sessions/{sid}/activities/{aid}/results"),
    )
    validate(
        schema, f"{P}/sessions/{{session_id}}/results", "get", org_api.get(f"{P}/sessions/{sid}/results")
    )
    validate(
        schema,
        f"{P}/sessions/{{session_id}}/leaderboard",
        "get",
        org_api.get(f"{P}/sessions/{sid}/leaderboard"),
    )


def test_auth_against_schema(schema, api, organizer):
    tokens = api.post(f"{P}/auth/token", {"username": "alice", "password": "pw-alice-123"}, format="json")
    validate(schema, f"{P}/auth/token", "post", tokens)
    refreshed = api.post(f"{P}/auth/token/refresh", {"refresh": tokens.json()["refresh"]}, format="json")
    validate(schema, f"{P}/auth/token/refresh", "post", refreshed)
