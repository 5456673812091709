"""The API's JSON parser: DRF's, hardened against deeply nested documents.

Python's json decoder recurses once per nesting level: ``[[[[...`` ten thousand levels deep (10 KB,
well under the body limit) raised RecursionError, which DRF does not catch (a 500). Such a body is
now 400 MALFORMED_JSON, and a document that does decode but nests deeper than ``MAX_DEPTH`` (no
Caja payload nests more than five levels) is 400 VALIDATION_ERROR before any view code walks it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext
from rest_framework import exceptions, parsers

MAX_DEPTH = 32


def json_depth_exceeds(data: Any, limit: int = MAX_DEPTH) -> bool:
    """True if ``data`` nests lists/objects more than ``limit`` levels (iterative: no recursion)."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, dict):
            children: Any = node.values()
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False


class JSONParser(parsers.JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise exceptions.ParseError("JSON parse error - nested too deeply") from None
        return checked_depth(data)


def checked_depth(data: Any) -> Any:
    """``data``, or 400 VALIDATION_ERROR when it nests deeper than MAX_DEPTH."""
    if json_depth_exceeds(data):
        raise exceptions.ValidationError(
            {"non_field_errors": [gettext("JSON nested deeper than %(n)s levels.") % {"n": MAX_DEPTH}]}
        )
    return data


# --- a body decoded once ------------------------------------------------------------------------
# A plain view that decodes a JSON body itself (the vote fast path) and then hands the request to
# a DRF view (anything unusual) leaves what it decoded on the HttpRequest, under an attribute of
# ours; the DRF view's PredecodedJSONParser returns it instead of decoding the body again (DRF's
# Request passes attribute reads through to the HttpRequest it wraps).
DECODED_BODY_ATTR = "caja_decoded_json"


@dataclass(frozen=True, slots=True)
class DecodedBody:
    """A JSON body as decoded, or ``malformed`` when it is not valid UTF-8 JSON."""

    data: Any = None
    malformed: bool = False


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")  # NaN, Infinity: as DRF's strict JSON


def decode_json_body(request: HttpRequest) -> DecodedBody:
    """Decode ``request``'s UTF-8 JSON body once, as DRF's JSONParser would, and remember the
    result for the DRF view the request may be handed to (PredecodedJSONParser)."""
    try:
        decoded = DecodedBody(json.loads(request.body.decode("utf-8"), parse_constant=_refuse_constant))
    except (ValueError, RecursionError):
        decoded = DecodedBody(malformed=True)
    setattr(request, DECODED_BODY_ATTR, decoded)
    return decoded


class PredecodedJSONParser(JSONParser):
    """JSONParser that takes the body a plain view already decoded (decode_json_body)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        request = (parser_context or {}).get("request")
        decoded = getattr(request, DECODED_BODY_ATTR, None)
        if not isinstance(decoded, DecodedBody):
            return super().parse(stream, media_type, parser_context)
        if decoded.malformed:
            raise exceptions.ParseError("JSON parse error")
        return checked_depth(decoded.data)
