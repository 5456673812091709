"""Prometheus metrics: /metrics protection, and counts after known traffic (one process)."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import override_settings
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families
from rest_framework.test import APIClient

from activities.services import activity_create, activity_set_status
from core import metrics
from participants.services import participant_join
from sessions_app.services import session_create, session_start

pytestmark = pytest.mark.django_db

MIDDLEWARE_WITH_METRICS = [
    settings.MIDDLEWARE[0],
    "core.metrics.MetricsMiddleware",
    *[m for m in settings.MIDDLEWARE[1:] if m != "core.metrics.MetricsMiddleware"],
]
ENABLED = {"METRICS_ENABLED": True, "METRICS_TOKEN": "s3cret-token", "MIDDLEWARE": MIDDLEWARE_WITH_METRICS}
AUTH = {"HTTP_AUTHORIZATION": "Bearer s3cret-token"}

STATE_ROUTE = "api/v1/sessions/<uuid:session_id>/state"
RESPONSES_ROUTE = "api/v1/sessions/<uuid:session_id>/activities/<uuid:activity_id>/responses"


def value(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def scrape(client: Any) -> dict[str, dict[tuple[tuple[str, str], ...], float]]:
    response = client.get("/metrics", **AUTH)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    samples: dict[str, dict[tuple[tuple[str, str], ...], float]] = {}
    for family in text_string_to_metric_families(response.content.decode()):
        for sample in family.samples:
            samples.setdefault(sample.name, {})[tuple(sorted(sample.labels.items()))] = sample.value
    return samples


@pytest.fixture
def live_quiz(organizer: Any) -> tuple[Any, Any]:
    session = session_create(owner=organizer, name="Metrics town hall")
    quiz = activity_create(
        session=session,
        type="quiz",
        title="Q",
        config={
            "question": "2 + 2?",
            "options": [{"id": "a", "label": "4"}, {"id": "b", "label": "5"}],
            "correct_option_id": "a",
            "time_limit_seconds": 60,
            "points": 1000,
            "lead_in_seconds": 0,
        },
    )
    session_start(session=session)
    activity_set_status(activity=quiz, status="active")
    return session, quiz


def test_metrics_endpoint_is_404_when_disabled(client: Any) -> None:
    with override_settings(METRICS_ENABLED=False, METRICS_TOKEN="s3cret-token"):
        response = client.get("/metrics", **AUTH)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"HTTP_AUTHORIZATION": "Bearer wrong"},
        {"HTTP_AUTHORIZATION": "Bearer "},
        {"HTTP_AUTHORIZATION": "Basic s3cret-token"},
        {"HTTP_AUTHORIZATION": "s3cret-token"},
    ],
)
def test_metrics_endpoint_needs_the_token(client: Any, headers: dict[str, str]) -> None:
    with override_settings(**ENABLED):
        response = client.get("/metrics", **headers)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "NOT_AUTHENTICATED"
    assert response["WWW-Authenticate"].startswith("Bearer")


def test_metrics_refuses_everyone_without_a_configured_token(client: Any) -> None:
    with override_settings(**{**ENABLED, "METRICS_TOKEN": ""}):
        assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 401
        assert client.get("/metrics", **AUTH).status_code == 401


def test_request_counts_by_route_pattern(client: Any) -> None:
    labels = {"method": "GET", "route": "health", "status": "200"}
    before = value("caja_http_requests_total", **labels)
    before_hist = value("caja_http_request_duration_seconds_count", method="GET", route="health")
    before_unresolved = value("caja_http_requests_total", method="GET", route="<unresolved>", status="404")
    with override_settings(**ENABLED):
        for _ in range(3):
            assert client.get("/health").status_code == 200
        assert client.get("/no/such/page/12345").status_code == 404
        samples = scrape(client)
    assert value("caja_http_requests_total", **labels) == before + 3
    assert value("caja_http_request_duration_seconds_count", method="GET", route="health") == before_hist + 3
    assert value("caja_http_requests_total", method="GET", route="<unresolved>", status="404") == (
        before_unresolved + 1
    )
    # The scrape shows the same numbers; raw paths never become labels; scrapes are not counted.
    key = tuple(sorted(labels.items()))
    assert samples["caja_http_requests_total"][key] == before + 3
    routes = {dict(k)["route"] for k in samples["caja_http_requests_total"]}
    assert "no/such/page/12345" not in routes and "metrics" not in routes


def test_polls_answers_and_gauges(client: Any, live_quiz: tuple[Any, Any]) -> None:
    session, quiz = live_quiz
    _, token = participant_join(session=session, nickname="Ana")
    participant_join(session=session, nickname="Bo")
    p200, p304 = value("caja_polls_total", status="200"), value("caja_polls_total", status="304")
    created = value("caja_answers_total", result="accepted", code="CREATED")
    refused = value("caja_answers_total", result="refused", code="ALREADY_ANSWERED")
    state_hits = value("caja_http_requests_total", method="GET", route=STATE_ROUTE, status="200")
    with override_settings(**ENABLED):
        first = client.get(f"/api/v1/sessions/{session.pk}/state")
        assert first.status_code == 200
        again = client.get(f"/api/v1/sessions/{session.pk}/state", HTTP_IF_NONE_MATCH=first["ETag"])
        assert again.status_code == 304
        participant = APIClient()
        participant.credentials(HTTP_X_PARTICIPANT_TOKEN=token)
        url = f"/api/v1/sessions/{session.pk}/activities/{quiz.pk}/responses"
        body = {"response_data": {"option_id": "a"}}
        assert participant.post(url, body, format="json").status_code == 201
        assert participant.post(url, body, format="json").status_code == 409
        samples = scrape(client)
    assert value("caja_polls_total", status="200") == p200 + 1
    assert value("caja_polls_total", status="304") == p304 + 1
    assert value("caja_answers_total", result="accepted", code="CREATED") == created + 1
    assert value("caja_answers_total", result="refused", code="ALREADY_ANSWERED") == refused + 1
    assert value("caja_http_requests_total", method="GET", route=STATE_ROUTE, status="200") == state_hits + 1
    assert value("caja_http_requests_total", method="POST", route=RESPONSES_ROUTE, status="201") >= 1
    # Gauges come from the database at scrape time.
    assert samples["caja_active_sessions"][()] == 1
    assert samples["caja_participants_joined"][()] == 2
    assert samples["caja_participants_recently_seen"][()] == 2
    assert samples["caja_metrics_database_up"][()] == 1


def test_hooks_are_no_ops_while_disabled() -> None:
    before = value("caja_snapshot_rebuilds_total")
    with override_settings(METRICS_ENABLED=False):
        metrics.record_snapshot_rebuild()
        metrics.record_poll(304)
        metrics.record_answer("TIME_UP")
    assert value("caja_snapshot_rebuilds_total") == before
    with override_settings(METRICS_ENABLED=True):
        metrics.record_snapshot_rebuild()
        metrics.record_answer("lowercase junk")
    assert value("caja_snapshot_rebuilds_total") == before + 1
    assert value("caja_answers_total", result="refused", code="OTHER") >= 1
