"""The benchmark's ceiling C2: a bare Django view returning constant bytes (CAJA_BENCH_CEILING=1).

Same process, middleware and gunicorn config as the real poll path, none of its work: the ratio
of our /state to this view is how much the poll path costs on top of Django itself."""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest, HttpResponse

_BODIES: dict[int, bytes] = {}


@transaction.non_atomic_requests
def constant(request: HttpRequest, size: int) -> HttpResponse:
    size = min(size, 1_000_000)
    body = _BODIES.get(size)
    if body is None:
        body = _BODIES[size] = b"x" * size
    return HttpResponse(body, content_type="application/json")
