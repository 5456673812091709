"""The API's JSON parser: DRF's, hardened against deeply nested documents.

Python's json decoder recurses once per nesting level: ``[[[[...`` ten thousand levels deep (10 KB,
well under the body limit) raised RecursionError, which DRF does not catch (a 500). Such a body is
now 400 MALFORMED_JSON, and a document that does decode but nests deeper than ``MAX_DEPTH`` (no
Caja payload nests more than five levels) is 400 VALIDATION_ERROR before any view code walks it.
"""

from __future__ import annotations

from typing import Any

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
        if json_depth_exceeds(data):
            raise exceptions.ValidationError(
                {"non_field_errors": [f"JSON nested deeper than {MAX_DEPTH} levels."]}
            )
        return data
