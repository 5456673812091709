"""Bodies of the phone's plain (non-DRF) endpoints, checked as strictly as the DRF ones: a JSON
object with known fields only, each of the right type; every message in the phone's language.

reactions: ``{"kind"}``; heartbeat: no body (an empty body, ``{}`` or ``null``)."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext

from core.errors import json_error
from core.serializers import UNKNOWN_FIELD

from . import reactions


def _json(request: HttpRequest, *, wrong_media: str) -> Any | JsonResponse:
    """The parsed body (None when empty), or the 415/400 answer (``wrong_media``: the 415's message,
    a whole sentence so each language can word it)."""
    if not request.body:
        return None
    media = request.META.get("CONTENT_TYPE", "").partition(";")[0].strip().lower()
    if media != "application/json":
        return json_error(415, "UNSUPPORTED_MEDIA_TYPE", wrong_media)
    try:
        return json.loads(request.body.decode("utf-8"))
    except (ValueError, UnicodeDecodeError, RecursionError):
        return json_error(400, "MALFORMED_JSON", gettext("The body is not valid JSON."))


def _unknown(body: dict[str, Any], known: set[str]) -> dict[str, list[str]]:
    return {str(name): [str(UNKNOWN_FIELD)] for name in sorted(set(body) - known)}


def reaction_kind(request: HttpRequest) -> str | JsonResponse:
    """The ``kind`` of a reaction's body, or the error answer naming the field at fault."""
    body = _json(request, wrong_media=gettext("Send the reaction as application/json."))
    if isinstance(body, JsonResponse):
        return body
    if not isinstance(body, dict):
        details = {"non_field_errors": [gettext("Must be a JSON object.")]}
    else:
        details = _unknown(body, {"kind"})
        kind = body.get("kind")
        if "kind" not in body:
            details["kind"] = [gettext("This field is required.")]
        elif kind not in reactions.KINDS:
            details["kind"] = [
                gettext("Must be one of %(choices)s.") % {"choices": ", ".join(reactions.KINDS)}
            ]
        if not details:
            return str(kind)
    return json_error(400, "VALIDATION_ERROR", gettext("Invalid reaction."), details)


def no_body(request: HttpRequest) -> JsonResponse | None:
    """None when the request carries no body (or ``{}``/``null``), else the error answer."""
    body = _json(request, wrong_media=gettext("Send the body as application/json."))
    if isinstance(body, JsonResponse):
        return body
    if body is None or body == {}:
        return None
    if isinstance(body, dict):
        details = _unknown(body, set())
    else:
        details = {"non_field_errors": [gettext("This endpoint takes no body.")]}
    return json_error(400, "VALIDATION_ERROR", gettext("Invalid input."), details)
