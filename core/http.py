"""Method handling for the plain (non-DRF) views: the poll paths and the health probes."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from core.errors import ValidationFailed

READ_METHODS = ("GET", "HEAD", "OPTIONS")


def method_not_allowed(request: HttpRequest, allowed: tuple[str, ...]) -> HttpResponse:
    """405 with ``Allow``: Django's answer, which ApiErrorPageMiddleware sends as the envelope."""
    return HttpResponseNotAllowed(allowed)


def read_only_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """GET and HEAD (monitors and load balancers use HEAD); OPTIONS says what is allowed; any
    other method is 405 with ``Allow`` before any other check (Django's require_http_methods; the
    error page middleware makes it the envelope). No CSRF check: these views read nothing from
    cookies, and a POST must learn it is the wrong method, not a 403. No transaction around the
    view (no BEGIN/COMMIT on a poll)."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method == "OPTIONS":
            return HttpResponse(status=200, headers={"Allow": ", ".join(READ_METHODS)})
        response = view(request, *args, **kwargs)
        if request.method == "HEAD":
            # The GET answer's headers (its Content-Length included), without the body.
            length = len(response.content)
            response.content = b""
            response["Content-Length"] = str(length)
        return response

    allowed = require_http_methods(list(READ_METHODS))(wrapper)
    return csrf_exempt(transaction.non_atomic_requests(allowed))


def parse_timestamp(raw: str, *, field: str) -> datetime:
    """An ISO 8601 timestamp from a query or a path, as an aware UTC datetime, or 400
    VALIDATION_ERROR naming ``field``. Naive values are taken as UTC."""
    # A "+" in a query or path is often decoded to a space: put it back.
    text = (raw or "").strip().replace(" ", "+")
    try:
        # parse_datetime returns None for a wrong shape and raises for impossible values.
        value = parse_datetime(text) if text else None
    except (ValueError, OverflowError):
        value = None
    if value is None:
        raise ValidationFailed(
            {field: [gettext("Expected an ISO 8601 timestamp, e.g. 2026-11-22T10:00:00Z.")]}
        )
    if timezone.is_naive(value):
        value = value.replace(tzinfo=UTC)
    try:
        # 0001-01-01T00:00+14:00 is before year 1 in UTC: the database adapter would overflow (500).
        return value.astimezone(UTC)
    except OverflowError:
        raise ValidationFailed({field: [gettext("The timestamp is out of range.")]}) from None
