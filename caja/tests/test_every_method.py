"""Every method on every URL: no 5xx, ever (conformance, issue 12 items 1 and 2).

The URLs are read from Django's resolver, so a new endpoint is covered the day it is added. Each is
called with GET, HEAD, POST, PUT, PATCH, DELETE and OPTIONS, plain and as a CORS preflight, as an
anonymous caller, as the owning organizer and as a participant. A method a path does not serve is
405 METHOD_NOT_ALLOWED with an Allow header."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from activities.tests.factories import ActivityFactory, QuestionFactory
from participants import services as participant_services
from sessions_app.models import Series, Session
from sessions_app.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db

METHODS = ("get", "head", "post", "put", "patch", "delete", "options")
ORIGIN = "https://intranet.example"


def _patterns(resolver: URLResolver, prefix: str = "") -> list[str]:
    out: list[str] = []
    for entry in resolver.url_patterns:
        text = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if text.startswith("admin/"):
                continue  # Django's own admin has its own tests (sessions_app, activities)
            out += _patterns(entry, text)
        elif isinstance(entry, URLPattern):
            out.append(text)
    return sorted(set(out))


def _fill(pattern: str, values: dict[str, str]) -> str:
    path = pattern
    for name, value in values.items():
        for converter in ("uuid", "str", "path", "int", "slug"):
            path = path.replace(f"<{converter}:{name}>", value)
    assert "<" not in path, f"no value for a parameter of {pattern!r}: extend the test"
    return "/" + path


@pytest.fixture
def world(organizer: Any, settings: Any) -> dict[str, Any]:
    settings.CORS_ALLOWED_ORIGINS = [ORIGIN]
    session = SessionFactory(owner=organizer, status="active")
    activity = ActivityFactory(
        session=session,
        config={"question": "Q?", "options": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}]},
        status="active",
        activated_at=timezone.now(),
    )
    Session.objects.filter(pk=session.pk).update(current_activity=activity)
    participant, token = participant_services.participant_join(session=session, nickname="Ana")
    # The Q&A's question paths need a question id (of a Q&A beside the live poll).
    qna = ActivityFactory(session=session, type="qna", status="published")
    question = QuestionFactory(activity=qna, participant=participant)
    series = Series.objects.create(owner=organizer, name="Town halls")
    return {
        "values": {
            "session_id": str(session.pk),
            "activity_id": str(activity.pk),
            "participant_id": str(participant.pk),
            "question_id": str(question.pk),
            "timestamp": "2026-01-01T00:00:00Z",
            "text": "word",
            "code": session.join_code,
            "language": "es",
            "join_code": session.join_code,
            "size": "10",
            "response_id": "0f1e2d3c-4b5a-4978-8675-a4b3c2d1e0f9",  # none such: 404, never 5xx
            "user_id": "987654",  # no such member: 404, never 5xx
            "email": "nobody@example.com",  # no such invitation: 404
            "key_id": "12345678",  # no such API key: 404
            "media_id": "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",  # no such media: 404
            "path": "images/none.png",  # a media file (served when MEDIA_SERVE): 404
            "series_id": str(series.pk),
        },
        "jwt": str(RefreshToken.for_user(organizer).access_token),
        "token": token,
    }


def _clients(world: dict[str, Any]) -> dict[str, APIClient]:
    owner, participant = APIClient(), APIClient()
    owner.credentials(HTTP_AUTHORIZATION=f"Bearer {world['jwt']}")
    participant.credentials(HTTP_X_PARTICIPANT_TOKEN=world["token"])
    return {"anonymous": APIClient(), "owner": owner, "participant": participant}


def test_every_method_on_every_path_answers_without_a_5xx(world: dict[str, Any]) -> None:
    paths = [_fill(p, world["values"]) for p in _patterns(get_resolver())]
    assert len(paths) > 30
    failures: list[str] = []
    for path in paths:
        for role, client in _clients(world).items():
            for method in METHODS:
                if method == "delete" and role == "owner":
                    continue  # would delete the world under the next calls
                resp = getattr(client, method)(path)
                if resp.status_code >= 500:
                    failures.append(f"{method.upper()} {path} as {role}: {resp.status_code}")
                elif resp.status_code == 405:
                    if not resp.get("Allow"):
                        failures.append(f"{method.upper()} {path} as {role}: 405 without Allow")
                    if (
                        path.startswith("/api/")
                        and method != "head"  # no body
                        and resp.json()["error"]["code"] != "METHOD_NOT_ALLOWED"
                    ):
                        failures.append(f"{method.upper()} {path} as {role}: 405 without the envelope")
            preflight = client.options(path, HTTP_ORIGIN=ORIGIN, HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST")
            if preflight.status_code >= 500:
                failures.append(f"preflight {path} as {role}: {preflight.status_code}")
    assert not failures, "\n".join(failures)


def test_options_answers_on_views_without_a_serializer(world: dict[str, Any]) -> None:
    v = world["values"]
    base = f"/api/v1/sessions/{v['session_id']}"
    for path in (
        "/api/v1/join",
        base,
        f"{base}/next",
        f"{base}/activities/{v['activity_id']}/reveal",
        f"{base}/activities/{v['activity_id']}/reset",
        f"{base}/activities/{v['activity_id']}/hidden-words",
        "/api/docs",
    ):
        resp = APIClient().options(path)
        assert resp.status_code == 200, (path, resp.content)
        preflight = APIClient().options(path, HTTP_ORIGIN=ORIGIN, HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST")
        assert preflight.status_code == 200 and preflight["Access-Control-Allow-Origin"] == ORIGIN
