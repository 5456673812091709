"""Prometheus metrics: off unless ``METRICS_ENABLED=true``; ``/metrics`` needs ``METRICS_TOKEN``.

What is measured:

* ``caja_http_requests_total{method,route,status}`` and
  ``caja_http_request_duration_seconds{method,route}``: by the resolved URL *route pattern*
  (``api/v1/sessions/<uuid:session_id>/state``), never the raw path, so the label set is bounded;
  unresolved paths count as ``<unresolved>``, static files as ``<static>``. Scrapes of /metrics are
  not counted.
* ``caja_polls_total{status}``: the polling endpoints (state, session status, activity status)
  answered ``304`` (unchanged) vs ``200`` (full body) vs ``other``.
* ``caja_answers_total{result,code}``: answer submissions, ``accepted`` (code ``CREATED`` or
  ``REPLACED``) or ``refused`` with the error envelope's code (``TIME_UP``, ``THROTTLED``, ...).
* ``caja_snapshot_rebuilds_total``: state snapshots rebuilt from the database.
* Gauges computed from the database at scrape time (participants/metrics.py, three COUNT queries):
  ``caja_active_sessions``, ``caja_participants_joined`` (not kicked, in active sessions),
  ``caja_participants_recently_seen`` (their last presence within the last 30 s).

Several gunicorn workers: set ``PROMETHEUS_MULTIPROC_DIR`` to a directory writable by the workers;
each process writes its counters there and a scrape merges them all (``MultiProcessCollector``).
The directory must be emptied when the server starts (deploy/gunicorn.conf.py does it in
``when_ready``, before the workers fork) and ``child_exit`` calls ``mark_process_dead`` for each
worker that exits. Without the variable, each process reports only itself (fine for one worker).

Hooks for other modules: ``record_poll(status_code)``, ``record_answer(outcome)``,
``record_snapshot_rebuild()`` — cheap no-ops while metrics are disabled. The middleware already
records polls and answers from the responses, so views need not call them.
"""

from __future__ import annotations

import hmac
import json
import logging
import os
import re
import time
from collections.abc import Callable, Iterator
from typing import Any

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.registry import REGISTRY, Collector

from core.errors import json_error

logger = logging.getLogger("core.metrics")

POLL_ROUTES = {"session-state", "session-status", "activity-status"}
ANSWER_ROUTE = "response-list"
_METHODS = {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}
_CODE = re.compile(r"^[A-Z][A-Z_]{0,39}$")

REQUESTS = Counter(
    "caja_http_requests", "HTTP requests by route pattern, method and status.", ["method", "route", "status"]
)
LATENCY = Histogram(
    "caja_http_request_duration_seconds",
    "Time spent in Django per request, by route pattern.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
POLLS = Counter("caja_polls", "Polls of the state endpoints by answer: 304 (unchanged) or 200.", ["status"])
ANSWERS = Counter(
    "caja_answers", "Answer submissions: accepted, or refused with the error code.", ["result", "code"]
)
SNAPSHOT_REBUILDS = Counter("caja_snapshot_rebuilds", "State snapshots rebuilt from the database.")


def enabled() -> bool:
    return bool(getattr(settings, "METRICS_ENABLED", False))


# --- hooks ------------------------------------------------------------------------------------------


def record_poll(status_code: int) -> None:
    """A poll of a state endpoint was answered with ``status_code`` (304 or 200)."""
    if enabled():
        POLLS.labels(str(status_code) if status_code in (200, 304) else "other").inc()


def record_answer(outcome: str) -> None:
    """An answer submission: ``"created"``/``"replaced"``/``"accepted"``, or the refusal's error code."""
    if not enabled():
        return
    if outcome in ("accepted", "created", "replaced"):
        ANSWERS.labels("accepted", "CREATED" if outcome != "replaced" else "REPLACED").inc()
    else:
        ANSWERS.labels("refused", outcome if _CODE.match(outcome) else "OTHER").inc()


def record_snapshot_rebuild() -> None:
    """A state snapshot was rebuilt from the database (call from live/snapshot.py)."""
    if enabled():
        SNAPSHOT_REBUILDS.inc()


# --- middleware -------------------------------------------------------------------------------------


def _route(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    if match is not None and match.route:
        return str(match.route)
    if request.path_info.startswith("/" + settings.STATIC_URL.lstrip("/")):
        return "<static>"
    return "<unresolved>"


def _error_code(response: HttpResponse) -> str:
    if not response.get("Content-Type", "").startswith("application/json") or getattr(
        response, "streaming", False
    ):
        return f"HTTP_{response.status_code}"
    try:
        body = json.loads(response.content)
        code = body["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return f"HTTP_{response.status_code}"
    return code if isinstance(code, str) and _CODE.match(code) else "OTHER"


class MetricsMiddleware:
    """Counts and times every request by route pattern; records poll and answer outcomes.

    Put it right after RequestIDMiddleware (settings does when METRICS_ENABLED), so it times
    nearly the whole stack."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not enabled():
            return self.get_response(request)
        started = time.perf_counter()
        response: HttpResponse | None = None
        try:
            response = self.get_response(request)
            return response
        finally:
            self._record(request, response, time.perf_counter() - started)

    @staticmethod
    def _record(request: HttpRequest, response: HttpResponse | None, elapsed: float) -> None:
        match = getattr(request, "resolver_match", None)
        record_request(
            request.method or "",
            _route(request),
            match.url_name if match is not None else None,
            response.status_code if response is not None else 500,
            elapsed,
            lambda: _error_code(response) if response is not None else "INTERNAL_ERROR",
        )


def record_request(
    method: str, route: str, url_name: str | None, status: int, elapsed: float, error_code: Callable[[], str]
) -> None:
    """Count and time one request (MetricsMiddleware's).
    ``error_code`` gives a refused answer's envelope code; it is called only for those."""
    if url_name == "metrics":
        return
    method = method if method in _METHODS else "OTHER"
    REQUESTS.labels(method, route, str(status)).inc()
    LATENCY.labels(method, route).observe(elapsed)
    if url_name in POLL_ROUTES and method == "GET":
        record_poll(status)
    elif url_name == ANSWER_ROUTE and method == "POST":
        if status in (200, 201):
            record_answer("created" if status == 201 else "replaced")
        else:
            record_answer(error_code())


# --- scrape -----------------------------------------------------------------------------------------


# Gauges read from the database at scrape time, registered by the apps that own the data
# (participants/metrics.py): caja is the lowest layer and imports none of them.
_scrape_collectors: list[Collector] = []


def register_scrape_collector(collector: Collector) -> None:
    """Add ``collector`` to every scrape (after this process's or the workers' metrics)."""
    if collector not in _scrape_collectors:
        _scrape_collectors.append(collector)


class _Delegate(Collector):
    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry

    def collect(self) -> Iterator[Any]:
        yield from self.registry.collect()


def render() -> bytes:
    """The exposition text: this process's (or, in multiprocess mode, all workers') metrics plus
    the database gauges."""
    registry = CollectorRegistry()
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_Delegate(REGISTRY))
    for collector in _scrape_collectors:
        registry.register(collector)
    return generate_latest(registry)


def _authorized(request: HttpRequest) -> bool:
    token = getattr(settings, "METRICS_TOKEN", "") or ""
    header = request.headers.get("Authorization", "")
    scheme, _, given = header.partition(" ")
    if not token or scheme.lower() != "bearer" or not given.strip():
        return False
    return hmac.compare_digest(given.strip().encode(), token.encode())


@transaction.non_atomic_requests
def metrics_view(request: HttpRequest) -> HttpResponse:
    """GET /metrics: 404 when metrics are disabled, 401 without the bearer token."""
    if not enabled():
        return json_error(404, "NOT_FOUND", "Not found.")
    if request.method not in ("GET", "HEAD"):
        return json_error(405, "METHOD_NOT_ALLOWED", "Method not allowed.")
    if not _authorized(request):
        if not getattr(settings, "METRICS_TOKEN", ""):
            logger.warning("metrics: METRICS_ENABLED without METRICS_TOKEN; every scrape is refused")
        return json_error(
            401,
            "NOT_AUTHENTICATED",
            "A valid metrics bearer token is required.",
            headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
        )
    return HttpResponse(render(), content_type=CONTENT_TYPE_LATEST)
