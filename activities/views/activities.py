"""The organizer's activities: CRUD, status changes, reveal and reset, results, hidden words."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from django.utils.translation import gettext
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from core.errors import NotFound, ValidationFailed
from participants.base_views import ParticipantRoleView
from sessions_app import selectors as session_selectors
from sessions_app.models import SessionPace

from .. import results, selectors, services
from ..models import Activity
from ..serializers import (
    ActivityCreateSerializer,
    ActivityResultsSerializer,
    ActivitySerializer,
    ActivityStatusChangeSerializer,
    ActivityUpdateSerializer,
    HiddenWordSerializer,
)
from .base import ERRORS, E


class ActivityListCreateView(ParticipantRoleView):
    roles = {"GET": "organizer", "POST": "organizer"}
    serializer_class = ActivitySerializer

    @extend_schema(
        operation_id="activities_list", responses={200: ActivitySerializer(many=True), 401: E, 404: E}
    )
    def get(self, request: Request, session_id: Any) -> Response:
        session = session_selectors.session_get_for(request.user, session_id)
        qs = Activity.objects.filter(session=session).order_by("order", "created_at", "id")
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(ActivitySerializer(page, many=True).data)

    @extend_schema(
        operation_id="activities_create",
        request=ActivityCreateSerializer,
        responses={201: ActivitySerializer, **ERRORS},
    )
    def post(self, request: Request, session_id: Any) -> Response:
        session = session_selectors.session_get_for(request.user, session_id, right="edit")
        data = ActivityCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        activity = services.activity_create(session=session, **data.validated_data, actor=request.user)
        return Response(ActivitySerializer(activity).data, status=status.HTTP_201_CREATED)


class ActivityDetailView(ParticipantRoleView):
    roles = {"GET": "organizer", "PATCH": "organizer", "PUT": "organizer", "DELETE": "organizer"}
    serializer_class = ActivitySerializer

    @extend_schema(operation_id="activities_retrieve", responses={200: ActivitySerializer, 401: E, 404: E})
    def get(self, request: Request, session_id: Any, activity_id: Any) -> Response:
        _, activity = selectors.activity_get_for(request.user, session_id, activity_id)
        return Response(ActivitySerializer(activity).data)

    def _update(self, request: Request, session_id: Any, activity_id: Any, *, partial: bool) -> Response:
        _, activity = selectors.activity_get_for(request.user, session_id, activity_id, right="edit")
        data = ActivityUpdateSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if "type" in values and values.pop("type") != activity.type:
            raise ValidationFailed(
                {"type": ["The type of an activity cannot change; create a new activity."]}
            )
        if not partial and "config" not in values:
            raise ValidationFailed({"config": ["This field is required."]})
        if "track_key" in values:
            services.activity_set_track_key(
                activity=activity, track_key=values.pop("track_key"), actor=request.user
            )
        activity = services.activity_update(activity=activity, **values, actor=request.user)
        return Response(ActivitySerializer(activity).data)

    @extend_schema(
        operation_id="activities_partial_update",
        request=ActivityUpdateSerializer,
        responses={200: ActivitySerializer, **ERRORS},
    )
    def patch(self, request: Request, session_id: Any, activity_id: Any) -> Response:
        return self._update(request, session_id, activity_id, partial=True)

    @extend_schema(
        operation_id="activities_update",
        request=ActivityUpdateSerializer,
        responses={200: ActivitySerializer, **ERRORS},
    )
    def put(self, request: Request, session_id: Any, activity_id: Any) -> Response:
        return self._update(request, session_id, activity_id, partial=False)

    @extend_schema(operation_id="activities_destroy", responses={204: None, 401: E, 404: E})
    def delete(self, request: Request, session_id: Any, activity_id: Any) -> Response:
        _, activity = selectors.activity_get_for(request.user, session_id, activity_id, right="edit")
        services.activity_delete(activity=activity, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ActivityStatusChangeView(ParticipantRoleView):
    roles = {"PATCH": "organizer"}

    @extend_schema(
        operation_id="activities_set_status",
        request=ActivityStatusChangeSerializer,
        responses={200: ActivitySerializer, **ERRORS},
    )
    def patch(self, request: Request, activity_id: Any) -> Response:
        activity = selectors.activity_get_owned(request.user, activity_id, right="lifecycle")
        data = ActivityStatusChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        activity = services.activity_set_status(
            activity=activity, status=data.validated_data["status"], actor=request.user
        )
        return Response(ActivitySerializer(activity).data)


# POST runs ``operation`` (a service taking ``activity=``) on the organizer's activity and answers
# the activity. (A comment: a docstring would become the operations' description in the schema.)
class _ActivityOperationView(ParticipantRoleView):
    roles = {"POST": "organizer"}
    operation: ClassVar[Callable[..., Activity]]

    def post(self, request: Request, session_id: Any, activity_id: Any) -> Response:
        _, activity = selectors.activity_get_for(request.user, session_id, activity_id, right="lifecycle")
        return Response(ActivitySerializer(type(self).operation(activity=activity, actor=request.user)).data)


def _operation_schema(operation_id: str) -> Any:
    return extend_schema_view(
        post=extend_schema(
            operation_id=operation_id, request=None, responses={200: ActivitySerializer, **ERRORS}
        )
    )


@_operation_schema("activities_reveal")
class ActivityRevealView(_ActivityOperationView):
    operation = staticmethod(services.activity_reveal)


@_operation_schema("activities_reset")
class ActivityResetView(_ActivityOperationView):
    operation = staticmethod(services.activity_reset)


class ActivityResultsView(ParticipantRoleView):
    roles = {"GET": "organizer"}

    @extend_schema(
        operation_id="activities_results", responses={200: ActivityResultsSerializer, 401: E, 404: E}
    )
    def get(self, request: Request, session_id: Any, activity_id: Any) -> Response:
        session, activity = selectors.activity_get_for(request.user, session_id, activity_id)
        body: dict[str, Any] = {
            "activity_id": str(activity.pk),
            "type": activity.type,
            "status": activity.status,
            "results": results.activity_results(activity, with_trend=True),
        }
        if session.pace == SessionPace.SELF:
            body["completion"] = selectors.session_completion(session.pk)
        return Response(body)


class HiddenWordsView(ParticipantRoleView):
    roles = {"POST": "organizer"}

    @extend_schema(
        operation_id="hidden_words_add",
        request=HiddenWordSerializer,
        responses={201: HiddenWordSerializer, **ERRORS},
    )
    def post(self, request: Request, session_id: Any, activity_id: Any) -> Response:
        _, activity = selectors.activity_get_for(request.user, session_id, activity_id, right="moderation")
        data = HiddenWordSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        text = data.validated_data["text"]
        word = services.hidden_word_add(activity=activity, text=text, actor=request.user)
        return Response({"text": word.text}, status=status.HTTP_201_CREATED)


class HiddenWordDetailView(ParticipantRoleView):
    roles = {"DELETE": "organizer"}

    @extend_schema(operation_id="hidden_words_remove", responses={204: None, 401: E, 404: E})
    def delete(self, request: Request, session_id: Any, activity_id: Any, text: str) -> Response:
        _, activity = selectors.activity_get_for(request.user, session_id, activity_id, right="moderation")
        if not services.hidden_word_remove(activity=activity, text=text, actor=request.user):
            raise NotFound(gettext("This word is not hidden."))
        return Response(status=status.HTTP_204_NO_CONTENT)
