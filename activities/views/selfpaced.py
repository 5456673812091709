"""Self-paced sessions (contract v1.2): a participant's own start of a timed activity, and their
progress. Small per-participant endpoints: the shared /state stays one snapshot for every phone."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from core.serializers import NoBodySerializer
from participants.base_views import ParticipantRoleView
from participants.services import participant_touch
from participants.tokens import ensure_participant_session

from .. import selectors, services
from .base import ERRORS, E


class ActivityStartSerializer(serializers.Serializer):
    started_at = serializers.DateTimeField()
    deadline = serializers.DateTimeField(allow_null=True, help_text="null: no time limit.")


class ProgressItemSerializer(serializers.Serializer):
    activity_id = serializers.UUIDField()
    answered = serializers.BooleanField()


class ProgressSerializer(serializers.Serializer):
    items = ProgressItemSerializer(many=True)
    answered = serializers.IntegerField()
    total = serializers.IntegerField()


def _iso(value: Any) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


class ActivityStartView(ParticipantRoleView):
    """``POST /sessions/{id}/activities/{aid}/start``: this participant's clock on a timed activity
    of a self-paced session starts now (the first call wins; later calls return the same times)."""

    roles = {"POST": "participant"}

    @extend_schema(
        operation_id="activities_start",
        request=None,
        responses={200: ActivityStartSerializer, 403: E, **ERRORS},
    )
    def post(self, request: Request, session_id: Any, activity_id: Any) -> Response:
        participant = self.participant
        ensure_participant_session(participant, session_id)
        activity = selectors.activity_get_public(session_id, activity_id)
        NoBodySerializer(data=request.data or {}).is_valid(raise_exception=True)
        started_at, deadline = services.activity_start(participant=participant, activity=activity)
        participant_touch(participant=participant)
        return Response({"started_at": _iso(started_at), "deadline": _iso(deadline)})


class MyProgressView(ParticipantRoleView):
    """``GET /sessions/{id}/me/progress``: which activities this participant has answered."""

    roles = {"GET": "participant"}

    @extend_schema(operation_id="me_progress", responses={200: ProgressSerializer, 401: E, 403: E, 404: E})
    def get(self, request: Request, session_id: Any) -> Response:
        participant = self.participant
        ensure_participant_session(participant, session_id)
        participant_touch(participant=participant)
        return Response(selectors.participant_progress(session_id=session_id, participant_id=participant.pk))
