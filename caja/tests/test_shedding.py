"""core.shedding: a vote that waited too long in front of busy workers is refused at once (503)."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from django.utils import timezone

from activities.models import Response
from activities.tests.factories import ActivityFactory
from caja.tests.test_wsgi import POLL, _keep_test_connection, call  # noqa: F401 (fixture)
from core.shedding import queued_seconds
from participants import services as participant_services
from sessions_app.models import Session
from sessions_app.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db

VOTE = json.dumps({"response_data": {"option_ids": ["a"]}}).encode()


NOW = 1_796_000_001.25  # a moment in 2026, in seconds since the epoch


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("t=1796000000.250", 1.0),  # nginx: seconds with milliseconds
        ("1796000000.250", 1.0),
        ("t=1796000000250", 1.0),  # milliseconds (other proxies)
        (None, None),
        ("", None),
        ("t=soon", None),
        ("t=1796000002", None),  # from the future: a clock that is off, not a queue
        ("t=1795999900", None),  # older than a minute: the same
    ],
)
def test_queue_time_from_the_proxy_stamp(header: str | None, expected: float | None) -> None:
    environ = {} if header is None else {"HTTP_X_REQUEST_START": header}
    waited = queued_seconds(environ, now=NOW)
    assert waited == (pytest.approx(expected, abs=1e-3) if expected is not None else None)


@pytest.fixture
def live_poll(organizer: Any) -> tuple[Any, Any, str]:
    session = SessionFactory(owner=organizer, status="active")
    activity = ActivityFactory(session=session, config=POLL, status="active", activated_at=timezone.now())
    Session.objects.filter(pk=session.pk).update(current_activity=activity)
    _, token = participant_services.participant_join(session=session, nickname="Ana")
    return session, activity, token


def test_a_vote_that_queued_too_long_is_refused_at_once(
    live_poll: tuple[Any, Any, str], settings: Any
) -> None:
    session, activity, token = live_poll
    settings.CAJA_SHED_QUEUE_SECONDS = 2.0
    url = f"/api/v1/sessions/{session.pk}/activities/{activity.pk}/responses"
    stale = f"t={time.time() - 5:.3f}"
    status, headers, body = call(
        "POST", url, VOTE, X_PARTICIPANT_TOKEN=token, X_REQUEST_START=stale, X_REQUEST_ID="r-1"
    )
    assert status == 503
    error = json.loads(body)["error"]
    assert error["code"] == "SERVICE_UNAVAILABLE" and "not stored" in error["message"]
    assert 1 <= int(headers["retry-after"]) <= 4
    assert headers["x-request-id"] == "r-1"
    assert not Response.objects.filter(activity=activity).exists()

    # Polls are never shed; a vote that did not wait is stored.
    assert call("GET", f"/api/v1/sessions/{session.pk}/state", X_REQUEST_START=stale)[0] == 200
    fresh = f"t={time.time():.3f}"
    status, _, body = call("POST", url, VOTE, X_PARTICIPANT_TOKEN=token, X_REQUEST_START=fresh)
    assert status == 201, body
    assert Response.objects.filter(activity=activity).count() == 1


def test_shedding_off_or_without_a_proxy_stamp(live_poll: tuple[Any, Any, str], settings: Any) -> None:
    session, activity, token = live_poll
    url = f"/api/v1/sessions/{session.pk}/activities/{activity.pk}/responses"
    settings.CAJA_SHED_QUEUE_SECONDS = 2.0
    assert call("POST", url, VOTE, X_PARTICIPANT_TOKEN=token)[0] == 201  # no stamp: nothing known
    settings.CAJA_SHED_QUEUE_SECONDS = 0
    stale = f"t={time.time() - 5:.3f}"
    assert call("POST", url, VOTE, X_PARTICIPANT_TOKEN=token, X_REQUEST_START=stale)[0] == 200


def test_a_stale_heartbeat_is_shed_before_django(
    live_poll: tuple[Any, Any, str], settings: Any, monkeypatch
) -> None:
    """Shedding answers from the WSGI environ: neither Django handler sees the request."""
    from caja import wsgi

    def no_django(*args: Any) -> Any:
        raise AssertionError("a shed request reached Django")

    monkeypatch.setattr(wsgi, "lean_application", no_django)
    session, activity, token = live_poll
    settings.CAJA_SHED_QUEUE_SECONDS = 2.0
    stale = f"t={time.time() - 5:.3f}"
    status, _, body = call(
        "POST",
        f"/api/v1/sessions/{session.pk}/heartbeat",
        b"",
        X_PARTICIPANT_TOKEN=token,
        X_REQUEST_START=stale,
    )
    assert status == 503 and json.loads(body)["error"]["details"] == {"reason": "overloaded"}
