"""A session's media: ``/sessions/{id}/media`` (upload, list) and ``/media/{mid}`` (delete)."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from core.errors import ValidationFailed
from participants.base_views import ParticipantRoleView
from sessions_app import selectors as session_selectors

from .. import selectors
from ..serializers import (
    ActivitySerializer,
    DeckImportedSerializer,
    DeckUploadSerializer,
    MediaSerializer,
    MediaUploadSerializer,
)
from ..services import deck as deck_services
from ..services import media as media_services
from .base import E


class MediaListCreateView(ParticipantRoleView):
    roles = {"GET": "organizer", "POST": "organizer"}
    serializer_class = MediaSerializer
    parser_classes = [MultiPartParser]

    @extend_schema(operation_id="media_list", responses={200: MediaSerializer(many=True), 401: E, 404: E})
    def get(self, request: Request, session_id: Any) -> Response:
        session = session_selectors.session_get_for(request.user, session_id)
        page = self.paginate_queryset(selectors.media_list(session))
        return self.get_paginated_response(MediaSerializer(page, many=True).data)

    @extend_schema(
        operation_id="media_create",
        request={"multipart/form-data": MediaUploadSerializer},
        responses={201: MediaSerializer, 400: E, 401: E, 403: E, 404: E, 413: E, 415: E},
    )
    def post(self, request: Request, session_id: Any) -> Response:
        session = session_selectors.session_get_for(request.user, session_id, right="edit")
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationFailed({"file": [gettext("This field is required.")]})
        # The declared length was checked before the body was read (core.middleware); the file's
        # own size before its bytes are read into memory.
        if upload.size is None or upload.size > settings.MEDIA_MAX_BYTES:
            raise media_services.media_too_large()
        media = media_services.media_upload(session=session, data=upload.read(), actor=request.user)
        return Response(MediaSerializer(media).data, status=status.HTTP_201_CREATED)


class MediaDetailView(ParticipantRoleView):
    roles = {"DELETE": "organizer"}

    @extend_schema(operation_id="media_destroy", responses={204: None, 401: E, 403: E, 404: E, 409: E})
    def delete(self, request: Request, session_id: Any, media_id: Any) -> Response:
        media = selectors.media_get_for(request.user, session_id, media_id, right="edit")
        media_services.media_delete(media=media, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class DeckImportView(ParticipantRoleView):
    """``POST /sessions/{id}/deck``: a PDF becomes one slide per page. Rendering is synchronous
    (a 100-page deck takes seconds: docs/operations.md "Media storage")."""

    roles = {"POST": "organizer"}
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="deck_import",
        request={"multipart/form-data": DeckUploadSerializer},
        responses={201: DeckImportedSerializer, 400: E, 401: E, 403: E, 404: E, 413: E, 415: E},
    )
    def post(self, request: Request, session_id: Any) -> Response:
        session = session_selectors.session_get_for(request.user, session_id, right="edit")
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationFailed({"file": [gettext("This field is required.")]})
        after = request.data.get("after") or None
        if after is not None:
            try:
                after = uuid.UUID(str(after))
            except ValueError:
                raise ValidationFailed({"after": [gettext("Must be a valid UUID.")]}) from None
        # The declared length was checked before the body was read (core.middleware); PDFium reads
        # the uploaded file as it needs (a large upload is a temporary file, not held in memory).
        slides = deck_services.deck_import(
            session=session, source=upload.file, size=upload.size or 0, after=after, actor=request.user
        )
        return Response(
            {"activities": ActivitySerializer(slides, many=True).data}, status=status.HTTP_201_CREATED
        )
