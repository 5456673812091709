"""Q&A endpoints (contract v1.1): post and list questions, upvote, moderate."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.request import Request
from rest_framework.response import Response

from activities import selectors as activity_selectors
from activities.models import Activity, Question, QuestionStatus
from core.errors import NotFound, ValidationFailed
from core.serializers import ErrorEnvelopeSerializer, NoBodySerializer
from core.throttles import AcceptedOnlyTokenThrottle, ParticipantTokenThrottle
from participants.authentication import ParticipantTokenAuthentication
from participants.base_views import ParticipantRoleView
from participants.models import Participant
from participants.services import participant_touch
from participants.tokens import ensure_participant_session
from sessions_app import selectors as session_selectors

from . import selectors, services
from .serializers import (
    QuestionCreateSerializer,
    QuestionModerateSerializer,
    QuestionSerializer,
    UpvoteSerializer,
)

E = ErrorEnvelopeSerializer
ERRORS = {400: E, 401: E, 403: E, 404: E, 409: E, 429: E}
SORTS = ("top", "new")


class QuestionThrottle(AcceptedOnlyTokenThrottle):
    """Questions a minute per phone: accepted ones only (a refused attempt costs nothing)."""

    scope = "question"


class UpvoteThrottle(ParticipantTokenThrottle):
    scope = "upvote"


def _qna(session_id: Any, activity_id: Any) -> Activity:
    activity = activity_selectors.activity_get_public(session_id, activity_id)
    if activity.type != "qna":
        raise NotFound(gettext("This activity is not a Q&A."))
    return activity


def _shape(
    question: Question, *, participant: Participant | None = None, upvoted: bool = False
) -> dict[str, Any]:
    data = selectors.question_public(question)
    if participant is not None:
        data["upvoted"] = upvoted
        data["mine"] = question.participant_id == participant.pk
    return data


class QuestionsView(ParticipantRoleView):
    """GET: anyone (a participant token or the owner's credentials show more); POST: participant."""

    roles = {"GET": "viewer", "POST": "participant"}

    def get_throttles(self) -> list[Any]:
        return [QuestionThrottle()] if self._role() == "participant" else []

    @extend_schema(
        operation_id="questions_create",
        request=QuestionCreateSerializer,
        responses={201: QuestionSerializer, **ERRORS},
    )
    def post(self, request: Request, session_id: Any, activity_id: Any) -> Response:
        participant = self.participant
        ensure_participant_session(participant, session_id)
        activity = _qna(session_id, activity_id)
        data = QuestionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        question = services.question_post(
            participant=participant,
            activity=activity,
            text=data.validated_data["text"],
            anonymous=data.validated_data["anonymous"],
        )
        QuestionThrottle().count_accepted(request)
        participant_touch(participant=participant)
        return Response(_shape(question, participant=participant), status=status.HTTP_201_CREATED)

    @extend_schema(
        operation_id="questions_list",
        parameters=[
            OpenApiParameter("sort", OpenApiTypes.STR, enum=list(SORTS), required=False),
            OpenApiParameter("status", OpenApiTypes.STR, required=False, description="organizer only"),
        ],
        responses={200: QuestionSerializer(many=True), 400: E, 401: E, 403: E, 404: E},
    )
    def get(self, request: Request, session_id: Any, activity_id: Any) -> Response:
        activity = _qna(session_id, activity_id)
        sort = request.query_params.get("sort", "top")
        if sort not in SORTS:
            raise ValidationFailed({"sort": [gettext("Must be top or new.")]})
        participant = self._participant_if_any(request, session_id)
        organizer = participant is None and self._is_owner(request, session_id)
        wanted = request.query_params.get("status")
        if wanted is not None and not organizer:
            raise ValidationFailed({"status": [gettext("Only the organizer can filter by status.")]})
        if wanted is not None and wanted not in QuestionStatus.values:
            raise ValidationFailed({"status": [services.must_be_status()]})
        qs = selectors.question_list(
            activity,
            organizer=organizer,
            participant_id=participant.pk if participant else None,
            sort=sort,
            status=wanted,
        )
        page = self.paginate_queryset(qs)
        items = list(page if page is not None else qs)
        upvoted = selectors.upvoted_by(participant.pk, [q.pk for q in items]) if participant else set()
        shaped = [_shape(q, participant=participant, upvoted=q.pk in upvoted) for q in items]
        return self.get_paginated_response(shaped)

    def _participant_if_any(self, request: Request, session_id: Any) -> Participant | None:
        if not request.headers.get("X-Participant-Token"):
            return None
        result = ParticipantTokenAuthentication().authenticate(request)
        participant = result[1] if result else None
        if participant is not None:
            ensure_participant_session(participant, session_id)
        return participant

    def _is_owner(self, request: Request, session_id: Any) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        try:
            session_selectors.session_get_for(request.user, session_id)
        except (NotFound, APIException):
            return False
        return True


class UpvoteView(ParticipantRoleView):
    roles = {"PUT": "participant", "DELETE": "participant"}

    def get_throttles(self) -> list[Any]:
        return [UpvoteThrottle()] if self._role() == "participant" else []

    @extend_schema(operation_id="questions_upvote", request=None, responses={200: UpvoteSerializer, **ERRORS})
    def put(self, request: Request, session_id: Any, activity_id: Any, question_id: Any) -> Response:
        return self._vote(services.question_upvote, session_id, activity_id, question_id)

    @extend_schema(operation_id="questions_unvote", responses={200: UpvoteSerializer, **ERRORS})
    def delete(self, request: Request, session_id: Any, activity_id: Any, question_id: Any) -> Response:
        return self._vote(services.question_unvote, session_id, activity_id, question_id)

    def _vote(self, service: Any, session_id: Any, activity_id: Any, question_id: Any) -> Response:
        participant = self.participant
        ensure_participant_session(participant, session_id)
        # No body: a field sent is unknown (400), not ignored.
        NoBodySerializer(data=self.request.data).is_valid(raise_exception=True)
        question, upvoted = service(
            participant=participant, activity=_qna(session_id, activity_id), question_id=question_id
        )
        return Response({"upvotes": question.upvote_count, "upvoted": upvoted})


class QuestionDetailView(ParticipantRoleView):
    roles = {"PATCH": "organizer"}

    @extend_schema(
        operation_id="questions_moderate",
        request=QuestionModerateSerializer,
        responses={200: QuestionSerializer, **ERRORS},
    )
    def patch(self, request: Request, session_id: Any, activity_id: Any, question_id: Any) -> Response:
        _, activity = activity_selectors.activity_get_for(
            request.user, session_id, activity_id, right="moderation"
        )
        if activity.type != "qna":
            raise NotFound(gettext("This activity is not a Q&A."))
        question = Question.objects.filter(activity=activity, pk=question_id).first()
        if question is None:
            raise NotFound(str(services.NO_SUCH_QUESTION))
        data = QuestionModerateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        question = services.question_moderate(
            question=question,
            status=data.validated_data.get("status"),
            pinned=data.validated_data.get("pinned"),
            actor=request.user,
        )
        return Response(_shape(question))
