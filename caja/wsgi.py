"""WSGI entry point: ``gunicorn caja.wsgi`` serves ``application``.

Two Django handlers serve the site. The hot paths, which are nearly all of a live event's traffic,
go through a lean handler that runs only the middleware they need and resolves against the lean
URLconf (caja.hot_urls); everything else (the admin, the organizer API, the pages) gets the full
stack. The hot paths are declared once, by the apps that own them (``hot_routes`` in
activities.urls and live.api_urls, gathered by caja.hot_urls):

* ``GET``/``HEAD`` ``/api/v1/sessions/{id}/state``, ``.../status`` and
  ``.../activities/{aid}/status`` (every phone and screen, every 2 s);
* ``POST`` ``.../activities/{aid}/responses`` (the votes), ``/api/v1/sessions/{id}/heartbeat`` and
  ``/api/v1/sessions/{id}/reactions``.

Their views are plain Django views that read credentials from headers only, so they need no
sessions, authentication, messages or CSRF middleware. What they keep: the request id, the trailing
slash rule, the body limit, the security headers, CORS when configured, Prometheus when enabled, the
language of error messages (without ``Vary``), and the JSON error envelope. A vote is answered by
the plain view activities.views.votes.responses_view, like any other hot path.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from typing import Any

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caja.settings")

full_application = get_wsgi_application()

from django.conf import settings  # noqa: E402  (after setup)
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402

from caja import hot_urls  # noqa: E402
from core.shedding import queued_seconds, shed_response  # noqa: E402

HOT_URLCONF = "caja.hot_urls"
# The dispatcher's view of the lean URLconf: each hot route's own compiled pattern (the regex
# Django resolves it with, its converters' included) and its methods. Matching these costs a few
# microseconds; django.urls.resolve() against the same URLconf (converting the UUIDs, building a
# ResolverMatch) measured 50-70 us per request, which every poll and vote would pay twice.
_PREFIX = "/" + hot_urls.PREFIX
_ROUTES = [(route.pattern().pattern.regex, route.methods) for route in hot_urls.HOT_ROUTES]
_HOT_METHODS = frozenset().union(*hot_urls.METHODS.values())


def lean_middleware() -> list[str]:
    """The subset of settings.MIDDLEWARE, in its order, that the hot paths need."""
    wanted = {
        "core.middleware.RequestIDMiddleware",
        "core.metrics.MetricsMiddleware",  # present only when METRICS_ENABLED
        "core.middleware.ApiTrailingSlashMiddleware",
        "core.middleware.BodySizeLimitMiddleware",
        "django.middleware.security.SecurityMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
        "core.middleware.ApiErrorPageMiddleware",
        "django.middleware.locale.LocaleMiddleware",  # replaced below
    }
    if (
        getattr(settings, "CORS_ALLOWED_ORIGINS", None)
        or getattr(settings, "CORS_ALLOWED_ORIGIN_REGEXES", None)
        or getattr(settings, "CORS_ALLOW_ALL_ORIGINS", False)
    ):
        wanted.add("corsheaders.middleware.CorsMiddleware")
    # The language of error messages without the Vary header that would split nginx's cache.
    swap = {"django.middleware.locale.LocaleMiddleware": "core.middleware.HotPathLanguageMiddleware"}
    return [swap.get(name, name) for name in settings.MIDDLEWARE if name in wanted]


class LeanWSGIHandler(WSGIHandler):
    """Django's WSGI handler with the middleware of :func:`lean_middleware` only, resolving
    against the lean URLconf."""

    # See core.db_health: the hot paths skip the dead-connection check on every request.
    checks_gone_connections = False

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
        # Resolve against the hot paths only; BaseHandler honours request.urlconf.
        request.urlconf = HOT_URLCONF
        return super().get_response(request)


lean_application = LeanWSGIHandler()


def is_hot(method: str, path: str) -> bool:
    """Whether the lean handler serves ``method`` on ``path``: the path is one the lean URLconf
    resolves (one trailing slash allowed, as ApiTrailingSlashMiddleware strips it) to a route
    declared hot for that method."""
    if method not in _HOT_METHODS or not path.startswith(_PREFIX):
        return False
    rest = path[len(_PREFIX) : -1 if path.endswith("/") else None]
    for regex, methods in _ROUTES:
        if regex.match(rest) is not None:
            return method in methods
    return False


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    method, path = environ.get("REQUEST_METHOD", ""), environ.get("PATH_INFO", "")
    if is_hot(method, path):
        if method == "POST":
            # Votes and heartbeats that waited too long in front of a saturated server: 503 at once.
            limit = settings.CAJA_SHED_QUEUE_SECONDS
            if limit:
                waited = queued_seconds(environ)
                if waited is not None and waited > limit:
                    return shed_response(environ, start_response)
        return lean_application(environ, start_response)
    return full_application(environ, start_response)
