"""Load shedding: an answer that waited too long in front of a saturated server is refused at once.

When every worker thread is busy, requests queue (in gunicorn's accept backlog, or in a thread's
queue) before any of our code runs. A vote that waited 20 s and is then stored helps nobody: the
phone gave up or is about to, and the queue behind it only grows. The proxy stamps each request
with the time it passed it on (``X-Request-Start: t=<seconds since the epoch, with ms>``, as
deploy/nginx.conf sets); when a vote or heartbeat reaches us older than
``CAJA_SHED_QUEUE_SECONDS``, it gets a 503 ``SERVICE_UNAVAILABLE`` with a jittered ``Retry-After``
before Django even builds a request: microseconds instead of a database round trip, so the worker
catches up. The phone keeps the answer and sends it again after Retry-After (join.js).

Only the hot writes are shed. Polls are cheap, cached by the proxy and answered stale-if-error;
organizer calls are rare and must not be refused for a queue the room made.

Without the header (no proxy, or a proxy that does not set it) nothing is shed. The proxy's clock
and ours must agree (NTP): a stamp from the future, or one older than a minute (a clock that is
off, not a queue), is ignored rather than trusted.
"""

from __future__ import annotations

import json
import random
import time
from collections.abc import Callable, Iterable
from types import SimpleNamespace
from typing import Any

from django.http.cookie import parse_cookie
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from core.errors import envelope

_MAX_BELIEVABLE_WAIT = 60.0


def queued_seconds(environ: dict[str, Any], now: float | None = None) -> float | None:
    """How long the request waited between the proxy and us, or None when unknown."""
    raw = environ.get("HTTP_X_REQUEST_START")
    if not raw:
        return None
    text = raw.strip()
    if text.startswith("t="):
        text = text[2:]
    try:
        started = float(text)
    except ValueError:
        return None
    if started > 1e12:  # milliseconds (some proxies), not nginx's seconds.milliseconds
        started /= 1000.0
    waited = (time.time() if now is None else now) - started
    if waited < 0 or waited > _MAX_BELIEVABLE_WAIT:
        return None
    return waited


# deploy/nginx.conf's own 503 (every server busy or unreachable), worded there in each language
# from the catalogs' translations of this text (live/tests/test_languages_errors.py checks them).
PROXY_BUSY_MESSAGE = gettext_noop("The server is busy. Please try again in a moment.")
SHED_MESSAGE = gettext_noop("The server is busy: your answer was not stored. Please send it again shortly.")


def _message(environ: dict[str, Any]) -> str:
    """SHED_MESSAGE in the phone's language (the switcher's cookie, else Accept-Language), as every
    other error a phone gets. Django's own choice, handed the two things it reads (COOKIES, META),
    not a request it would take longer to build (about 20 us a call)."""
    asked = SimpleNamespace(COOKIES=parse_cookie(environ.get("HTTP_COOKIE", "")), META=environ)
    with translation.override(translation.get_language_from_request(asked)):  # type: ignore[arg-type]
        return gettext(SHED_MESSAGE)


def shed_response(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """The 503 envelope, built without a Django request (the point is to spend nothing on it)."""
    body = json.dumps(envelope("SERVICE_UNAVAILABLE", _message(environ), {"reason": "overloaded"})).encode()
    # 1 to 4 s, spread so the phones refused together do not come back together.
    retry_after = str(random.randint(1, 4))  # noqa: S311 (jitter, not a secret)
    headers = [
        ("Content-Type", "application/json"),
        ("Content-Length", str(len(body))),
        ("Retry-After", retry_after),
        ("Cache-Control", "no-store"),
        ("X-Content-Type-Options", "nosniff"),
    ]
    request_id = environ.get("HTTP_X_REQUEST_ID", "")
    if request_id and len(request_id) <= 200 and request_id.isprintable():
        headers.append(("X-Request-ID", request_id))
    start_response("503 Service Unavailable", headers)
    return [body]
