"""The plain poll views' methods (405 with Allow, HEAD), deleted sessions and activities, and the
heartbeat that keeps presence right when a proxy cache answers the polls."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from activities import services as activity_services
from activities.tests.factories import ActivityFactory
from core.testing import assert_error
from participants import services as participant_services
from participants.models import Participant
from sessions_app.models import Session
from sessions_app.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db

POLL = {"question": "Lunch?", "options": [{"id": "a", "label": "Pizza"}, {"id": "b", "label": "Salad"}]}


@pytest.fixture
def live(organizer: Any) -> dict[str, Any]:
    session = SessionFactory(owner=organizer, status="active")
    activity = ActivityFactory(session=session, config=POLL, status="active", activated_at=timezone.now())
    Session.objects.filter(pk=session.pk).update(current_activity=activity)
    base = f"/api/v1/sessions/{session.pk}"
    return {
        "session": session,
        "activity": activity,
        "paths": [f"{base}/state", f"{base}/status", f"{base}/activities/{activity.pk}/status"],
    }


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_wrong_methods_on_poll_views_are_405_with_allow(api: APIClient, live: dict[str, Any], method: str):
    for path in [*live["paths"], "/health", "/health/ready"]:
        resp = getattr(api, method)(path, {}, format="json")
        assert_error(resp, 405, "METHOD_NOT_ALLOWED")
        assert resp["Allow"] == "GET, HEAD, OPTIONS", path


def test_wrong_method_is_405_even_with_an_admin_session_cookie(live: dict[str, Any], organizer: Any):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(organizer)  # a stale admin cookie must not turn the answer into a CSRF 403
    assert_error(client.post(live["paths"][0]), 405, "METHOD_NOT_ALLOWED")


def test_head_works_where_get_does(api: APIClient, live: dict[str, Any]):
    for path in [*live["paths"], "/health", "/health/ready"]:
        got = api.get(path)
        head = api.head(path)
        assert head.status_code == 200, path
        assert head.content == b""
        assert head["Content-Length"] == str(len(got.content))
        if path.endswith("state"):
            assert head["ETag"] == got["ETag"]


def test_options_answers_allow(api: APIClient, live: dict[str, Any]):
    for path in [*live["paths"], "/health"]:
        resp = api.options(path)
        assert resp.status_code == 200 and resp["Allow"] == "GET, HEAD, OPTIONS"


def test_a_deleted_session_is_404_at_once_everywhere(
    api: APIClient, org_api: APIClient, live: dict[str, Any]
):
    for path in live["paths"]:
        assert api.get(path).status_code == 200  # cached in this process and the shared cache
    assert org_api.delete(f"/api/v1/sessions/{live['session'].pk}").status_code == 204
    for _ in range(10):
        for path in live["paths"]:
            assert_error(api.get(path), 404, "NOT_FOUND")


def test_a_deleted_activity_status_is_404(api: APIClient, live: dict[str, Any]):
    other = ActivityFactory(session=live["session"], config=POLL)
    path = f"/api/v1/sessions/{live['session'].pk}/activities/{other.pk}/status"
    assert api.get(path).status_code == 200
    activity_services.activity_delete(activity=other)
    for _ in range(5):
        assert_error(api.get(path), 404, "NOT_FOUND")


def test_heartbeat_marks_presence(api: APIClient, live: dict[str, Any]):
    participant, token = participant_services.participant_join(session=live["session"], nickname="Ana")
    old = timezone.now() - timedelta(minutes=5)
    Participant.objects.filter(pk=participant.pk).update(last_activity=old)
    url = f"/api/v1/sessions/{live['session'].pk}/heartbeat"
    resp = api.post(url, HTTP_X_PARTICIPANT_TOKEN=token)
    assert resp.status_code == 204 and resp.content == b""
    participant.refresh_from_db()
    assert participant.last_activity > old


def test_heartbeat_refuses_missing_forged_and_foreign_tokens(
    api: APIClient, live: dict[str, Any], organizer: Any
):
    url = f"/api/v1/sessions/{live['session'].pk}/heartbeat"
    assert_error(api.post(url), 401, "NOT_AUTHENTICATED")
    assert_error(api.post(url, HTTP_X_PARTICIPANT_TOKEN="forged"), 401, "NOT_AUTHENTICATED")
    elsewhere = SessionFactory(owner=organizer, status="active")
    _, token = participant_services.participant_join(session=elsewhere, nickname="Bo")
    assert_error(api.post(url, HTTP_X_PARTICIPANT_TOKEN=token), 403, "PERMISSION_DENIED")
    resp = api.get(url, HTTP_X_PARTICIPANT_TOKEN=token)
    assert_error(resp, 405, "METHOD_NOT_ALLOWED")
    assert resp["Allow"] == "POST, OPTIONS"


def test_conditional_polls(api: APIClient, live: dict[str, Any]):
    """If-None-Match (Django's conditional GET): 304 for the current ETag, in any of its spellings;
    the polls ignore If-Match rather than answer 412."""
    for path in live["paths"]:
        etag = api.get(path)["ETag"]
        for header in (etag, f"W/{etag}", f'"other", {etag}', "*"):
            resp = api.get(path, HTTP_IF_NONE_MATCH=header)
            assert resp.status_code == 304 and resp.content == b"", (path, header)
            assert resp["ETag"] == etag and "X-Poll-Interval" in resp
        assert api.get(path, HTTP_IF_NONE_MATCH='"other"').status_code == 200
        assert api.get(path, HTTP_IF_MATCH='"other"').status_code == 200
    resp = api.post(live["paths"][0], {}, format="json")
    assert resp.json()["error"]["message"] == 'Method "POST" not allowed.'
