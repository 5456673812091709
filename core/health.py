"""Liveness and readiness probes (plain Django views: no auth, no DRF overhead)."""

from __future__ import annotations

import uuid

from django.core.cache import cache
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils import timezone

from core.http import read_only_view


@read_only_view  # liveness never touches the database
def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "healthy", "timestamp": timezone.now().isoformat()})


def _check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # any driver error means "not ready"
        return f"error: {exc.__class__.__name__}"
    return "ok"


def _check_cache() -> str:
    key = f"health:{uuid.uuid4().hex}"
    try:
        cache.set(key, "1", timeout=5)
        ok = cache.get(key) == "1"
        cache.delete(key)
    except Exception as exc:
        return f"error: {exc.__class__.__name__}"
    return "ok" if ok else "error: cache did not return the value it stored"


# Outside ATOMIC_REQUESTS: opening the request's transaction would fail before the view runs when
# the database is down, and the probe must answer its own 503 naming the failing check.
@read_only_view
def ready(request: HttpRequest) -> JsonResponse:
    checks = {"database": _check_database(), "cache": _check_cache()}
    healthy = all(v == "ok" for v in checks.values())
    body: dict[str, object] = {"status": "ready" if healthy else "unavailable", "checks": checks}
    if not healthy:
        failing = [name for name, v in checks.items() if v != "ok"]
        body["error"] = {
            "code": "SERVICE_UNAVAILABLE",
            "message": "Not ready: " + ", ".join(failing) + " check failed.",
            "details": {name: checks[name] for name in failing},
        }
    return JsonResponse(body, status=200 if healthy else 503)
