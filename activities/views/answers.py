"""Answers through DRF: submit (what the vote fast path leaves to it), the organizer's list, my
answer, hiding an answer, answers since a moment."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from core.errors import NotFound, ValidationFailed
from core.http import parse_timestamp
from core.parsers import PredecodedJSONParser
from core.throttles import answer_throttles
from participants.base_views import ParticipantRoleView
from participants.services import participant_touch
from participants.tokens import ensure_participant_session
from sessions_app.models import SessionPace

from .. import results, selectors, services
from ..models import Response as ResponseModel
from ..serializers import (
    MyResponseSerializer,
    OrganizerResponseSerializer,
    ResponseHiddenResultSerializer,
    ResponseHiddenSerializer,
    ResponseSerializer,
    ResponsesSinceSerializer,
    ResponseSubmitSerializer,
)
from ..types import get_type
from .base import ERRORS, E

SINCE_LIMIT = 500


class ResponsesView(ParticipantRoleView):
    roles = {"GET": "organizer", "POST": "participant"}
    serializer_class = ResponseSerializer
    # A vote the fast path declined arrives with its body already decoded (activities.views.votes).
    parser_classes = [PredecodedJSONParser]

    def get_throttles(self) -> list[Any]:
        return answer_throttles() if self._role() == "participant" else []

    @extend_schema(
        operation_id="responses_list",
        parameters=[
            OpenApiParameter("hidden", OpenApiTypes.BOOL, required=False, description="true: hidden only")
        ],
        responses={200: OrganizerResponseSerializer(many=True), 400: E, 401: E, 404: E},
    )
    def get(self, request: Request, session_id: Any, activity_id: Any) -> Response:
        _, activity = selectors.activity_get_for(request.user, session_id, activity_id)
        qs = ResponseModel.objects.filter(activity=activity).order_by("created_at", "id")
        hidden = request.query_params.get("hidden")
        if hidden is not None:
            if hidden not in ("true", "false"):
                raise ValidationFailed({"hidden": [gettext("Must be true or false.")]})
            qs = qs.filter(hidden=hidden == "true")
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(OrganizerResponseSerializer(page, many=True).data)

    @extend_schema(
        operation_id="responses_submit",
        request=ResponseSubmitSerializer,
        responses={200: ResponseSerializer, 201: ResponseSerializer, 403: E, 429: E, **ERRORS},
    )
    def post(self, request: Request, session_id: Any, activity_id: Any) -> Response:
        participant = self.participant
        ensure_participant_session(participant, session_id)
        activity = selectors.activity_get_public(session_id, activity_id)
        data = ResponseSubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        response, created = services.response_submit(
            participant=participant, activity=activity, response_data=data.validated_data["response_data"]
        )
        participant_touch(participant=participant)
        return Response(
            ResponseSerializer(response).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class ResponseDetailView(ParticipantRoleView):
    """``PATCH .../responses/{rid}`` ``{"hidden": bool}``: the organizer takes an answer off the
    public results (types with ``supports_hidden_answers``: open text)."""

    roles = {"PATCH": "organizer"}

    @extend_schema(
        operation_id="responses_hide",
        request=ResponseHiddenSerializer,
        responses={200: ResponseHiddenResultSerializer, 400: E, 401: E, 403: E, 404: E},
    )
    def patch(self, request: Request, session_id: Any, activity_id: Any, response_id: Any) -> Response:
        _, activity = selectors.activity_get_for(request.user, session_id, activity_id, right="moderation")
        answer = ResponseModel.objects.filter(activity=activity, pk=response_id).first()
        if answer is None:
            raise NotFound(gettext("No such answer."))
        answer.activity = activity
        data = ResponseHiddenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        answer = services.response_set_hidden(
            response=answer, hidden=data.validated_data["hidden"], actor=request.user
        )
        return Response({"id": str(answer.pk), "hidden": answer.hidden})


class MyResponseView(ParticipantRoleView):
    roles = {"GET": "participant"}

    @extend_schema(
        operation_id="responses_mine", responses={200: MyResponseSerializer, 401: E, 403: E, 404: E}
    )
    def get(self, request: Request, session_id: Any, activity_id: Any) -> Response:
        participant = self.participant
        ensure_participant_session(participant, session_id)
        activity = selectors.activity_get_public(session_id, activity_id)
        response = ResponseModel.objects.filter(activity=activity, participant=participant).first()
        participant_touch(participant=participant)
        if response is None:
            raise NotFound(gettext("You have not answered this activity yet."))
        body = dict(MyResponseSerializer(response).data)
        body["standing"] = results.response_standing(activity, participant.pk)
        if activity.session.pace == SessionPace.SELF:
            # Self-paced: the participant learns at once how their own final answer did (a quiz's
            # correct option); the shared state never shows it before the session completes.
            body.update(get_type(activity.type).own_outcome(activity, response))
        return Response(body)


def parse_since(raw: str) -> Any:
    return parse_timestamp(raw, field="timestamp")


class ResponsesSinceView(ParticipantRoleView):
    roles = {"GET": "organizer"}

    @extend_schema(
        operation_id="responses_since",
        parameters=[
            OpenApiParameter(
                "timestamp", OpenApiTypes.STR, OpenApiParameter.PATH, description="ISO 8601, URL-encoded"
            )
        ],
        responses={200: ResponsesSinceSerializer, 400: E, 401: E, 404: E},
    )
    def get(self, request: Request, session_id: Any, activity_id: Any, timestamp: str) -> Response:
        _, activity = selectors.activity_get_for(request.user, session_id, activity_id)
        since = parse_since(timestamp)
        items = list(
            ResponseModel.objects.filter(activity=activity, updated_at__gt=since).order_by(
                "updated_at", "id"
            )[:SINCE_LIMIT]
        )
        return Response(
            {
                "items": OrganizerResponseSerializer(items, many=True).data,
                "since": since.isoformat(),
                "count": len(items),
            }
        )
