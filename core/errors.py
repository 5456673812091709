"""Domain errors and the API error envelope.

Every 4xx/5xx from the API is ``{"error": {"code", "message", "details"}}``. Domain errors are
exception classes carrying their code and status; the DRF exception handler below turns them (and
DRF's own exceptions) into the envelope and marks the transaction for rollback, so a write made
before the error never commits under ATOMIC_REQUESTS.
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError, DataError
from django.http import Http404, JsonResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions as drf_exc
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler
from rest_framework.views import set_rollback

logger = logging.getLogger("caja.errors")


class DomainError(Exception):
    """A business rule said no. Subclasses set ``code`` and ``status_code``."""

    status_code: int = status.HTTP_400_BAD_REQUEST
    code: str = "VALIDATION_ERROR"
    default_message: Any = _("The request was refused.")

    def __init__(self, message: str | None = None, details: dict[str, Any] | None = None) -> None:
        self.message = message or self.default_message
        self.details = details or {}
        super().__init__(self.message)


class ValidationFailed(DomainError):
    code = "VALIDATION_ERROR"
    default_message = _("Invalid input.")

    def __init__(self, details: dict[str, Any], message: str | None = None) -> None:
        normalized = {k: v if isinstance(v, list) else [str(v)] for k, v in details.items()}
        super().__init__(message, normalized)


class NotFound(DomainError):
    status_code = status.HTTP_404_NOT_FOUND
    code = "NOT_FOUND"
    default_message = _("Not found.")


class Forbidden(DomainError):
    status_code = status.HTTP_403_FORBIDDEN
    code = "PERMISSION_DENIED"
    default_message = _("You do not have permission to perform this action.")


class InvalidTransition(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "INVALID_TRANSITION"

    def __init__(self, *, from_: str | None, to: str, message: str | None = None) -> None:
        super().__init__(
            message or gettext("Cannot change status from %(from)s to %(to)s.") % {"from": from_, "to": to},
            {"from": from_, "to": to},
        )


class NicknameTaken(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "NICKNAME_TAKEN"
    default_message = _("This nickname is already taken in this session.")


class SessionNotActive(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "SESSION_NOT_ACTIVE"
    default_message = _("The session is not active.")


class ActivityNotActive(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "ACTIVITY_NOT_ACTIVE"
    default_message = _("This activity is not open for answers.")


class AlreadyAnswered(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "ALREADY_ANSWERED"
    default_message = _("You have already answered this activity.")


class TimeUp(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "TIME_UP"
    default_message = _("Time is up for this question.")


class NotOpenYet(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "NOT_OPEN_YET"
    default_message = _("This is not open for answers yet.")


class NotStarted(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "NOT_STARTED"
    default_message = _("Start this question before answering it.")


class PayloadTooLarge(DomainError):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    code = "PAYLOAD_TOO_LARGE"
    default_message = _("The request body is too large.")


class ServiceUnavailable(DomainError):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    code = "SERVICE_UNAVAILABLE"
    default_message = _("The service is temporarily unavailable. Please retry shortly.")


def envelope(code: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    """The error envelope: the one builder of ``{"error": {"code", "message", "details"}}`` (the DRF
    exception handler, the plain views' ``json_error``, the middleware's error pages, shedding)."""
    return {"error": {"code": code, "message": message, "details": details or {}}}


def json_error(
    status_code: int,
    code: str,
    message: str,
    details: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> JsonResponse:
    """The envelope as a plain Django response (the plain views and the middleware)."""
    return JsonResponse(envelope(code, message, details), status=status_code, headers=headers)


# How long a client should wait before retrying while the database is unreachable.
DATABASE_RETRY_AFTER = "2"


def database_error_answer(exc: BaseException) -> tuple[int, str, str] | None:
    """(status, code, message) for a database exception, logged, or None for any other exception.

    The one mapping for the DRF handler and the middleware (plain views): a value the database
    refuses (a NUL character, a number out of range) is the client's fault, 400; any other database
    error is an outage, 503 (sent with ``Retry-After: DATABASE_RETRY_AFTER``)."""
    if isinstance(exc, DataError):
        logger.warning("database refused a request value: %s", exc.__class__.__name__)
        return 400, "VALIDATION_ERROR", gettext("A value in the request is not valid.")
    if isinstance(exc, DatabaseError):
        logger.exception("database unavailable")
        return 503, ServiceUnavailable.code, str(ServiceUnavailable.default_message)
    return None


def retry_headers(status_code: int) -> dict[str, str] | None:
    """The headers of a database error answer: a 503 says when to retry."""
    return {"Retry-After": DATABASE_RETRY_AFTER} if status_code == 503 else None


def flatten_details(detail: Any, prefix: str = "") -> dict[str, list[str]]:
    """Turn DRF's nested error structure into ``{"config.options.1.label": [...]}``."""
    out: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            path = f"{prefix}.{key}" if prefix else str(key)
            out.update(flatten_details(value, path))
    elif isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            out[prefix or "non_field_errors"] = [str(item) for item in detail]
        else:
            for index, item in enumerate(detail):
                if item:
                    out.update(flatten_details(item, f"{prefix}.{index}" if prefix else str(index)))
    else:
        out[prefix or "non_field_errors"] = [str(detail)]
    return out


_DRF_CODES: list[tuple[type[Exception], int, str]] = [
    (drf_exc.ParseError, 400, "MALFORMED_JSON"),
    (drf_exc.ValidationError, 400, "VALIDATION_ERROR"),
    (drf_exc.NotAuthenticated, 401, "NOT_AUTHENTICATED"),
    (drf_exc.AuthenticationFailed, 401, "NOT_AUTHENTICATED"),
    (drf_exc.PermissionDenied, 403, "PERMISSION_DENIED"),
    (drf_exc.NotFound, 404, "NOT_FOUND"),
    (drf_exc.MethodNotAllowed, 405, "METHOD_NOT_ALLOWED"),
    (drf_exc.NotAcceptable, 406, "NOT_ACCEPTABLE"),
    (drf_exc.UnsupportedMediaType, 415, "UNSUPPORTED_MEDIA_TYPE"),
    (drf_exc.Throttled, 429, "THROTTLED"),
]


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    """DRF exception handler producing the envelope for every error."""
    if isinstance(exc, DomainError):
        set_rollback()
        return Response(envelope(exc.code, exc.message, exc.details), status=exc.status_code)
    if isinstance(exc, RequestDataTooBig):
        set_rollback()
        return Response(envelope("PAYLOAD_TOO_LARGE", gettext("The request body is too large.")), status=413)
    if isinstance(exc, Http404):
        exc = drf_exc.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = drf_exc.PermissionDenied()

    response = drf_handler(exc, context)  # sets headers (WWW-Authenticate, Retry-After) and rollback
    if response is None:
        set_rollback()
        answer = database_error_answer(exc)
        if answer is not None:
            status_code, code, message = answer
            return Response(envelope(code, message), status=status_code, headers=retry_headers(status_code))
        logger.exception("unhandled error")
        return Response(envelope("INTERNAL_ERROR", gettext("An unexpected error occurred.")), status=500)

    code = "ERROR"
    for klass, _status, klass_code in _DRF_CODES:
        if isinstance(exc, klass):
            code = klass_code
            break
    details: dict[str, Any] = {}
    if isinstance(exc, drf_exc.ParseError):
        message = gettext("The request body is not valid JSON.")
    elif isinstance(exc, drf_exc.ValidationError):
        message = gettext("Invalid input.")
        details = flatten_details(exc.detail)
    elif isinstance(exc, drf_exc.Throttled):
        message = gettext("Too many requests. Please slow down.")
        wait = getattr(exc, "wait", None)
        if wait is not None:
            details = {"retry_after": int(wait + 0.999)}
    elif isinstance(exc, drf_exc.APIException):
        message = str(exc.detail) if not isinstance(exc.detail, dict | list) else str(exc.default_detail)
    else:
        message = gettext("Request failed.")
    if isinstance(exc, drf_exc.NotAuthenticated | drf_exc.AuthenticationFailed):
        response.status_code = 401
    response.data = envelope(code, str(message), details)
    return response
