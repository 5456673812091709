"""WSGI entry point: ``gunicorn caja.wsgi`` serves ``application``.

Two Django handlers share one URLconf. The hot paths, which are nearly all of a live event's
traffic, go through a lean handler that runs only the middleware they need; everything else (the
admin, the organizer API, the pages) gets the full stack. The hot paths are:

* ``GET``/``HEAD`` ``/api/v1/sessions/{id}/state``, ``.../status`` and
  ``.../activities/{aid}/status`` (every phone and screen, every 2 s);
* ``POST`` ``.../activities/{aid}/responses`` (the votes), ``/api/v1/sessions/{id}/heartbeat`` and
  ``/api/v1/sessions/{id}/reactions``.

Their views are plain Django views that read credentials from headers only, so they need no
sessions, authentication, messages or CSRF middleware. What they keep: the request id, the trailing
slash rule, the body limit, the security headers, CORS when configured, Prometheus when enabled, the
language of error messages (without ``Vary``), and the JSON error envelope.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable
from typing import Any

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caja.settings")

full_application = get_wsgi_application()

from django.conf import settings  # noqa: E402  (after setup)
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402

from caja.shedding import queued_seconds, shed_response  # noqa: E402

_UUID = r"[0-9A-Fa-f]{8}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{12}"
_HOT_READ = re.compile(rf"^/api/v1/sessions/{_UUID}/(?:state|status|activities/{_UUID}/status)/?$")
_HOT_WRITE = re.compile(rf"^/api/v1/sessions/{_UUID}/(?:heartbeat|reactions|activities/{_UUID}/responses)/?$")


def lean_middleware() -> list[str]:
    """The subset of settings.MIDDLEWARE, in its order, that the hot paths need."""
    wanted = {
        "caja.middleware.RequestIDMiddleware",
        "caja.metrics.MetricsMiddleware",  # present only when METRICS_ENABLED
        "caja.middleware.ApiTrailingSlashMiddleware",
        "caja.middleware.BodySizeLimitMiddleware",
        "django.middleware.security.SecurityMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
        "caja.middleware.ApiErrorPageMiddleware",
        "django.middleware.locale.LocaleMiddleware",  # replaced below
    }
    if (
        getattr(settings, "CORS_ALLOWED_ORIGINS", None)
        or getattr(settings, "CORS_ALLOWED_ORIGIN_REGEXES", None)
        or getattr(settings, "CORS_ALLOW_ALL_ORIGINS", False)
    ):
        wanted.add("corsheaders.middleware.CorsMiddleware")
    # The language of error messages without the Vary header that would split nginx's cache.
    swap = {"django.middleware.locale.LocaleMiddleware": "caja.middleware.HotPathLanguageMiddleware"}
    return [swap.get(name, name) for name in settings.MIDDLEWARE if name in wanted]


class LeanWSGIHandler(WSGIHandler):
    """Django's WSGI handler with the middleware of :func:`lean_middleware` only."""

    def load_middleware(self, is_async: bool = False) -> None:
        # BaseHandler.load_middleware reads settings.MIDDLEWARE and has no parameter for another
        # list; swap it for the duration of the call (at import time, before any request).
        full = settings.MIDDLEWARE
        settings.MIDDLEWARE = lean_middleware()
        try:
            super().load_middleware(is_async)
        finally:
            settings.MIDDLEWARE = full

    def get_response(self, request: Any) -> Any:
        # Resolve against the hot paths only (caja/hot_urls.py); BaseHandler honours request.urlconf.
        request.urlconf = "caja.hot_urls"
        return super().get_response(request)


lean_application = LeanWSGIHandler()


def is_hot(method: str, path: str) -> bool:
    if method in ("GET", "HEAD"):
        return _HOT_READ.match(path) is not None
    if method == "POST":
        return _HOT_WRITE.match(path) is not None
    return False


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    method, path = environ.get("REQUEST_METHOD", ""), environ.get("PATH_INFO", "")
    if is_hot(method, path):
        # Votes and heartbeats that waited too long in front of a saturated server: 503 at once.
        limit = settings.CAJA_SHED_QUEUE_SECONDS
        if limit and method == "POST":
            waited = queued_seconds(environ)
            if waited is not None and waited > limit:
                return shed_response(environ, start_response)
        return lean_application(environ, start_response)
    return full_application(environ, start_response)
