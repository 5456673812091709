from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from core.errors import NotFound, ValidationFailed
from core.serializers import ErrorEnvelopeSerializer
from core.throttles import join_throttles
from sessions_app import selectors as session_selectors
from sessions_app.models import Session

from . import services
from .base_views import ParticipantRoleView
from .models import Participant
from .serializers import (
    JoinByCodeSerializer,
    JoinSerializer,
    ParticipantMoveSerializer,
    ParticipantSerializer,
    ParticipantWithTokenSerializer,
)

E = ErrorEnvelopeSerializer
JOIN_ERRORS = {400: E, 404: E, 409: E, 429: E}


def _join_response(session: Session, nickname: str, team_id: str | None) -> Response:
    participant, token = services.participant_join(session=session, nickname=nickname, team_id=team_id)
    data = dict(ParticipantWithTokenSerializer(participant).data)
    data["token"] = token
    return Response(data, status=status.HTTP_201_CREATED)


class SessionParticipantsView(ParticipantRoleView):
    roles = {"GET": "organizer", "POST": "public"}
    serializer_class = ParticipantSerializer

    def get_throttles(self) -> list[Any]:
        return join_throttles() if self._role() == "public" else []

    @extend_schema(
        operation_id="participants_list", responses={200: ParticipantSerializer(many=True), 401: E, 404: E}
    )
    def get(self, request: Request, session_id: Any) -> Response:
        session = session_selectors.session_get_for(request.user, session_id)
        qs: QuerySet[Participant] = Participant.objects.filter(
            session=session, kicked_at__isnull=True
        ).order_by("joined_at", "id")
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(ParticipantSerializer(page, many=True).data)

    @extend_schema(
        operation_id="participants_join",
        request=JoinSerializer,
        responses={201: ParticipantWithTokenSerializer, **JOIN_ERRORS},
        auth=[],
    )
    def post(self, request: Request, session_id: Any) -> Response:
        data = JoinSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        session = session_selectors.session_get_public(session_id)
        return _join_response(session, data.validated_data["nickname"], data.validated_data.get("team_id"))


class JoinByCodeView(ParticipantRoleView):
    roles = {"POST": "public"}

    def get_throttles(self) -> list[Any]:
        return join_throttles()

    @extend_schema(
        operation_id="join_by_code",
        request=JoinByCodeSerializer,
        responses={201: ParticipantWithTokenSerializer, **JOIN_ERRORS},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        data = JoinByCodeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        session = session_selectors.session_get_by_code(
            data.validated_data["join_code"], ended_is_conflict=True
        )
        return _join_response(session, data.validated_data["nickname"], data.validated_data.get("team_id"))


class ParticipantDetailView(ParticipantRoleView):
    roles = {"DELETE": "organizer", "PATCH": "organizer"}

    @extend_schema(
        operation_id="participants_move",
        request=ParticipantMoveSerializer,
        responses={200: ParticipantSerializer, 400: E, 401: E, 403: E, 404: E},
    )
    def patch(self, request: Request, session_id: Any, participant_id: Any) -> Response:
        # Moving someone between teams is managing the room, as a kick is: the "moderation" right
        # (sessions_app.roles), so a moderator at the door can fix a wrong tap.
        session = session_selectors.session_get_for(request.user, session_id, right="moderation")
        participant = Participant.objects.filter(
            session=session, pk=participant_id, kicked_at__isnull=True
        ).first()
        if participant is None:
            raise NotFound(gettext("Participant not found."))
        data = ParticipantMoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.participant_move(
            participant=participant, team_id=data.validated_data["team_id"], actor=request.user
        )
        return Response(ParticipantSerializer(participant).data)

    @extend_schema(
        operation_id="participants_kick",
        parameters=[
            OpenApiParameter("purge", bool, required=False, description="Also delete their answers.")
        ],
        responses={204: None, 400: E, 401: E, 404: E},
    )
    def delete(self, request: Request, session_id: Any, participant_id: Any) -> Response:
        session = session_selectors.session_get_for(request.user, session_id, right="moderation")
        participant = Participant.objects.filter(
            session=session, pk=participant_id, kicked_at__isnull=True
        ).first()
        if participant is None:
            raise NotFound(gettext("Participant not found."))
        raw = request.query_params.get("purge", "false").lower()
        if raw not in {"true", "false", "1", "0"}:
            raise ValidationFailed({"purge": [gettext("Must be true or false.")]})
        services.participant_kick(participant=participant, purge=raw in {"true", "1"}, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(ParticipantRoleView):
    roles = {"GET": "participant"}

    @extend_schema(operation_id="participants_me", responses={200: ParticipantSerializer, 401: E})
    def get(self, request: Request) -> Response:
        participant = self.participant
        services.participant_touch(participant=participant)
        return Response(ParticipantSerializer(participant).data)
