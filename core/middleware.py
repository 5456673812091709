"""Cross-cutting request middleware: request ids, trailing slashes, body limit, JSON error pages."""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext

from core.errors import database_error_answer, json_error, retry_headers
from core.logging import request_id_var

logger = logging.getLogger("caja.request")

_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


def _is_api(path: str) -> bool:
    return path.startswith("/api/") or path == "/api" or path.startswith("/health")


# What request.headers.get("X-Request-ID") reads.
REQUEST_ID_ENVIRON = "HTTP_X_REQUEST_ID"


def request_id_for(incoming: str) -> str:
    """The request's id: the client's X-Request-ID if it is a plain token, else a new one
    (a hostile id could inject into logs)."""
    return incoming if _SAFE_REQUEST_ID.match(incoming) else uuid.uuid4().hex


class RequestIDMiddleware:
    """Echo a client's X-Request-ID (if sane) or make one; every log line and response carries it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        rid = request_id_for(request.META.get(REQUEST_ID_ENVIRON, ""))
        request.request_id = rid  # type: ignore[attr-defined]
        token = request_id_var.set(rid)
        try:
            response = self.get_response(request)
        finally:
            request_id_var.reset(token)
        response["X-Request-ID"] = rid
        return response


class HotPathLanguageMiddleware:
    """The hot paths' stand-in for LocaleMiddleware (caja.wsgi.lean_middleware): error messages a
    phone shows (a refused vote, a kicked participant) come in its language, but the responses get
    no ``Vary: Accept-Language`` or ``Content-Language``. The bodies of successful polls are the
    same in every language (labels are translated by the pages), and one cached ``/state`` serves
    every phone through nginx."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        activate_request_language(request)
        return self.get_response(request)


def activate_request_language(request: HttpRequest) -> None:
    """The phone's language for this thread's messages: the switcher's cookie, else
    Accept-Language (HotPathLanguageMiddleware, and BodySizeLimitMiddleware's refusals)."""
    translation.activate(translation.get_language_from_request(request))


class ApiTrailingSlashMiddleware:
    """``/api/v1/x/`` resolves like ``/api/v1/x``: canonical paths have no slash, and never redirect."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if path.startswith("/api/") and len(path) > 5 and path.endswith("/"):
            request.path_info = path.rstrip("/")
        return self.get_response(request)


class BodySizeLimitMiddleware:
    """Refuse bodies over MAX_REQUEST_BODY_BYTES before anything reads them (413)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.limit = settings.MAX_REQUEST_BODY_BYTES
        # The upload endpoints' own, larger limits (settings.UPLOAD_BODY_LIMITS), refused by their
        # declared length here too, before anything reads the body.
        self.uploads = [
            (re.compile(pattern), method, limit)
            for pattern, method, limit in getattr(settings, "UPLOAD_BODY_LIMITS", ())
        ]

    def limit_for(self, request: HttpRequest) -> int:
        for pattern, method, limit in self.uploads:
            if request.method == method and pattern.match(request.path_info):
                return int(limit)
        return self.limit

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _is_api(request.path_info):
            length = request.META.get("CONTENT_LENGTH")
            limit = self.limit_for(request) if self.uploads and request.method != "GET" else self.limit
            if body_length_refusal(length, limit) is not None:
                # This runs before LocaleMiddleware, and a thread keeps the language of the request it
                # served last: pick this request's before writing the message (only when refusing:
                # the check itself must stay cheap on every vote).
                activate_request_language(request)
                refusal = body_length_refusal(length, limit)
                if refusal is not None:
                    return json_error(*refusal)
        return self.get_response(request)


def body_length_refusal(
    content_length: str | None, limit: int
) -> tuple[int, str, str, dict[str, Any] | None] | None:
    """``json_error``'s arguments when a declared body length is refused (not a number: 400;
    over ``limit``: 413), else None."""
    try:
        length = int(content_length or 0)
    except ValueError:
        return 400, "VALIDATION_ERROR", gettext("Invalid Content-Length header."), None
    if length > limit:
        return (
            413,
            "PAYLOAD_TOO_LARGE",
            gettext("The request body is larger than %(limit)s bytes.") % {"limit": limit},
            {"limit_bytes": limit},
        )
    return None


class ApiErrorPageMiddleware:
    """Django's own 404/405/500 pages become the JSON envelope under /api and /health."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code >= 400
            and _is_api(request.path_info)
            and not response.get("Content-Type", "").startswith("application/json")
        ):
            code, message = {
                404: ("NOT_FOUND", gettext("Not found.")),
                # As DRF words it (core.errors.exception_handler): the same answer from every view.
                405: (
                    "METHOD_NOT_ALLOWED",
                    gettext('Method "%(method)s" not allowed.') % {"method": request.method},
                ),
                413: ("PAYLOAD_TOO_LARGE", gettext("The request body is too large.")),
            }.get(response.status_code, ("INTERNAL_ERROR", gettext("An unexpected error occurred.")))
            if response.status_code == 400:
                code, message = "VALIDATION_ERROR", gettext("Bad request.")
            replacement = json_error(response.status_code, code, message)
            for header in ("Allow", "Retry-After", "WWW-Authenticate"):  # the answer's meaning
                if header in response:
                    replacement[header] = response[header]
            return replacement
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not _is_api(request.path_info):
            return None
        answer = database_error_answer(exception)
        if answer is not None:
            return json_error(*answer, headers=retry_headers(answer[0]))
        logger.exception("unhandled error")
        return json_error(500, "INTERNAL_ERROR", gettext("An unexpected error occurred."))
