"""What ``OPTIONS`` answers on the DRF views: the view's name, description and media types.

DRF's default (SimpleMetadata) also describes the fields of each write method by building the
view's serializer, which fails (500) on views whose serializer depends on the request or that
have none, and would describe another organizer's objects to anyone. The fields are documented in
the OpenAPI schema (/api/schema) instead.
"""

from __future__ import annotations

from typing import Any

from rest_framework.metadata import SimpleMetadata
from rest_framework.request import Request


class ContractMetadata(SimpleMetadata):
    def determine_metadata(self, request: Request, view: Any) -> dict[str, Any]:
        return {
            "name": view.get_view_name(),
            "description": view.get_view_description(),
            "renders": [renderer.media_type for renderer in view.renderer_classes],
            "parses": [parser.media_type for parser in view.parser_classes],
        }
