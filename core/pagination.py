"""The contract's pagination envelope: items/total/limit/offset/has_next/has_prev."""

from __future__ import annotations

from typing import Any

from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response

from core.errors import ValidationFailed

MAX_OFFSET = 1_000_000_000


def parse_int_param(request: Request, name: str, default: int, minimum: int, maximum: int) -> int:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except (TypeError, ValueError):
        raise ValidationFailed({name: ["Must be an integer."]}) from None
    if value < minimum or value > maximum:
        raise ValidationFailed({name: [f"Must be between {minimum} and {maximum}."]})
    return value


class EnvelopePagination(LimitOffsetPagination):
    default_limit = 20
    max_limit = 100

    def get_limit(self, request: Request) -> int:
        return parse_int_param(request, "limit", self.default_limit, 1, self.max_limit)

    def get_offset(self, request: Request) -> int:
        return parse_int_param(request, "offset", 0, 0, MAX_OFFSET)

    def get_paginated_response(self, data: Any) -> Response:
        limit, offset, count = int(self.limit or 0), int(self.offset or 0), int(self.count or 0)
        return Response(
            {
                "items": data,
                "total": self.count,
                "limit": self.limit,
                "offset": self.offset,
                "has_next": offset + limit < count,
                "has_prev": offset > 0,
            }
        )

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        # The documented bounds are the enforced ones (values outside get 400).
        return [
            {
                "name": "limit",
                "required": False,
                "in": "query",
                "description": "Number of results to return per page.",
                "schema": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": self.max_limit,
                    "default": self.default_limit,
                },
            },
            {
                "name": "offset",
                "required": False,
                "in": "query",
                "description": "The initial index from which to return the results.",
                "schema": {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0},
            },
        ]

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["items", "total", "limit", "offset", "has_next", "has_prev"],
            "properties": {
                "items": schema,
                "total": {"type": "integer"},
                "limit": {"type": "integer"},
                "offset": {"type": "integer"},
                "has_next": {"type": "boolean"},
                "has_prev": {"type": "boolean"},
            },
        }
