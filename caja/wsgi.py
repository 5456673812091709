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

The votes go one step further (``LeanWSGIHandler.serve_vote``): a vote is answered from the WSGI
environ by the view's own fast path (activities.views.vote_answer) without URL resolving, the
middleware chain or the view's wrappers, and its answer gets the lean stack's response headers
from the same middleware classes (security headers, CORS, X-Frame-Options), the request id,
the phone's language for error messages, metrics and Django's request signals. Anything else (a
body over the limit or of unknown length, a token or body the fast path leaves to the DRF view, an
SSL redirect, an exception) is answered by the lean handler as before, so odd requests keep their
exact answers.
"""

from __future__ import annotations

import io
import os
import re
import time
from collections.abc import Callable, Iterable
from typing import Any

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caja.settings")

full_application = get_wsgi_application()

from django.conf import settings  # noqa: E402  (after setup)
from django.core import signals  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler, WSGIRequest, get_script_name  # noqa: E402
from django.middleware.security import SecurityMiddleware  # noqa: E402
from django.urls import URLPattern, set_script_prefix  # noqa: E402
from django.urls.converters import UUIDConverter  # noqa: E402
from django.utils import translation  # noqa: E402
from django.utils.log import log_response  # noqa: E402
from django.utils.module_loading import import_string  # noqa: E402

from activities.views import TOKEN_ENVIRON, usable_token, vote_answer  # noqa: E402
from caja import hot_urls  # noqa: E402
from core import metrics  # noqa: E402
from core.logging import request_id_var  # noqa: E402
from core.middleware import (  # noqa: E402
    REQUEST_ID_ENVIRON,
    activate_request_language,
    body_length_refusal,
    request_id_for,
)
from core.shedding import queued_seconds, shed_response  # noqa: E402

_UUID = r"[0-9A-Fa-f]{8}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{4}-?[0-9A-Fa-f]{12}"
_HOT_READ = re.compile(rf"^/api/v1/sessions/{_UUID}/(?:state|status|activities/{_UUID}/status)/?$")
_HOT_WRITE = re.compile(rf"^/api/v1/sessions/{_UUID}/(?:heartbeat|reactions|activities/{_UUID}/responses)/?$")
# Exactly the paths the lean URLconf resolves to the votes view (its <uuid:...> converters, one
# optional trailing slash): any other spelling is left to the lean handler (404, or the full site).
_U = UUIDConverter.regex
_VOTE = re.compile(rf"^/api/v1/sessions/({_U})/activities/({_U})/responses/?$")
VOTE_URL_NAME = "response-list"
# The lean middleware whose work the bare vote path does itself, or leaves to the lean handler.
_BARE_HANDLED = {
    "core.middleware.RequestIDMiddleware",  # request_id_for, the same id in the logs and header
    "core.metrics.MetricsMiddleware",  # metrics.record_request
    "core.middleware.ApiTrailingSlashMiddleware",  # _VOTE allows the one trailing slash
    "core.middleware.BodySizeLimitMiddleware",  # refused lengths go to the lean handler
    "core.middleware.ApiErrorPageMiddleware",  # answers are JSON; exceptions go to the lean handler
    "core.middleware.HotPathLanguageMiddleware",  # activate_request_language
}
# ... and the middleware that only add response headers: run as they are, in the lean order.
_BARE_HEADERS = {
    "django.middleware.security.SecurityMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
}
# The exception of a bare vote, handed to the lean handler to answer (see serve_vote).
_BARE_FAILURE = "caja.bare_vote_failure"


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
    """Django's WSGI handler with the middleware of :func:`lean_middleware` only."""

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

        self._prepare_bare_votes(lean_middleware())

    def get_response(self, request: Any) -> Any:
        # Resolve against the hot paths only (caja/hot_urls.py); BaseHandler honours request.urlconf.
        request.urlconf = "caja.hot_urls"
        return super().get_response(request)

    # --- the bare vote path -------------------------------------------------------------------

    def _prepare_bare_votes(self, names: list[str]) -> None:
        # Only when every lean middleware is one the bare path accounts for.
        self.bare_votes = set(names) <= _BARE_HANDLED | _BARE_HEADERS
        self._bare_metrics = "core.metrics.MetricsMiddleware" in names
        self._bare_language = "core.middleware.HotPathLanguageMiddleware" in names
        self._bare_limit = settings.MAX_REQUEST_BODY_BYTES
        self._bare_redirect = SecurityMiddleware(_given_response)
        chain: Callable[[Any], Any] = _given_response
        for name in reversed([n for n in names if n in _BARE_HEADERS]):
            chain = import_string(name)(chain)
        self._bare_headers = chain
        self._vote_route = next(
            str(p.pattern)
            for p in hot_urls.urlpatterns
            if isinstance(p, URLPattern) and p.name == VOTE_URL_NAME
        )

    def _get_response(self, request: Any) -> Any:
        failure = request.META.pop(_BARE_FAILURE, None)
        if failure is None:
            return super()._get_response(request)  # type: ignore[misc]  # BaseHandler's; not in the stubs
        # A bare vote raised: answer as if the view had raised it (the lean middleware's
        # process_exception: 503 for a database outage, 500 otherwise; logs, metrics).
        request.resolver_match = self.resolve_request(request)
        response = self.process_exception_by_middleware(failure, request)
        if response is None:
            raise failure
        return response

    def serve_vote(
        self, environ: dict[str, Any], start_response: Callable[..., Any], match: re.Match[str]
    ) -> Iterable[bytes]:
        """``POST .../responses`` without Django's URL resolving and middleware chain: the same
        answer, headers, request id, metrics, logs and signals as the lean handler gives it."""
        token = environ.get(TOKEN_ENVIRON)
        length = environ.get("CONTENT_LENGTH")
        if (
            not self.bare_votes
            or not usable_token(token)
            or not length
            or "HTTP_TRANSFER_ENCODING" in environ
            or body_length_refusal(length, self._bare_limit) is not None
            or (self._bare_redirect.redirect and self._bare_redirect.process_request(WSGIRequest(environ)))
        ):
            return self(environ, start_response)
        set_script_prefix(get_script_name(environ))
        signals.request_started.send(sender=self.__class__, environ=environ)
        rid = request_id_for(environ.get(REQUEST_ID_ENVIRON, ""))
        rid_token = request_id_var.set(rid)
        try:
            started = time.perf_counter()
            request = WSGIRequest(environ)
            body = b""
            try:
                # The phone's language, as HotPathLanguageMiddleware picks it; without that
                # middleware, the default, not the language this thread's last request activated.
                if self._bare_language:
                    activate_request_language(request)
                else:
                    translation.deactivate()
                body = request.body
                answer = vote_answer(
                    session_id=match[1],
                    activity_id=match[2],
                    token=token or "",
                    content_type=environ.get("CONTENT_TYPE", ""),
                    body=body,
                )
                if answer is not None:
                    request.bare_response = answer.as_response()  # type: ignore[attr-defined]
                    response = self._bare_headers(request)
            except Exception as exc:  # noqa: BLE001 (answered by the lean handler's middleware)
                environ[_BARE_FAILURE] = exc
                answer = None
            if answer is None:  # the DRF view answers (it reads the body again), or the failure
                environ["wsgi.input"] = io.BytesIO(body)
                environ[REQUEST_ID_ENVIRON] = rid
                return self(environ, start_response)
            if self._bare_metrics and metrics.enabled():
                status_code = response.status_code
                metrics.record_request(
                    "POST",
                    self._vote_route,
                    VOTE_URL_NAME,
                    status_code,
                    time.perf_counter() - started,
                    lambda: answer.error_code or f"HTTP_{status_code}",
                )
            response["X-Request-ID"] = rid
        finally:
            request_id_var.reset(rid_token)
        if response.status_code >= 400:
            log_response("%s: %s", response.reason_phrase, request.path, response=response, request=request)
        # As WSGIHandler.__call__: the server's close() of the response sends request_finished.
        response._handler_class = self.__class__
        response._resource_closers.append(request.close)
        start_response(f"{response.status_code} {response.reason_phrase}", list(response.items()))
        return response


def _given_response(request: Any) -> Any:
    """The innermost "view" of the bare vote path's header middleware: the answer already made."""
    return getattr(request, "bare_response", None)


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
        if method == "POST":
            # Votes and heartbeats that waited too long in front of a saturated server: 503 at once.
            limit = settings.CAJA_SHED_QUEUE_SECONDS
            if limit:
                waited = queued_seconds(environ)
                if waited is not None and waited > limit:
                    return shed_response(environ, start_response)
            vote = _VOTE.match(path)
            if vote is not None:
                return lean_application.serve_vote(environ, start_response, vote)
        return lean_application(environ, start_response)
    return full_application(environ, start_response)
