from __future__ import annotations

import contextlib
import json
import math
import time
from collections.abc import Callable
from typing import Any, ClassVar
from uuid import UUID

from django.core.cache import cache
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from core import cache_ops, state_version
from core.cache_ops import incr_seeded
from core.errors import (
    DomainError,
    JsonAnswer,
    NotFound,
    ValidationFailed,
    error_answer,
    json_answer,
)
from core.http import parse_timestamp
from core.parsers import json_depth_exceeds
from core.serializers import ErrorEnvelopeSerializer, NoBodySerializer
from core.throttles import ParticipantTokenThrottle, answer_throttles
from participants.authentication import HEADER as PARTICIPANT_HEADER
from participants.base_views import ParticipantRoleView
from participants.selectors import participant_ref_for_token, token_cache_key
from participants.services import hash_token, participant_touch
from participants.views import ensure_participant_session
from sessions_app import selectors as session_selectors
from sessions_app import services as session_services
from sessions_app.serializers import SessionSerializer

from . import results, selectors, services
from .models import Activity
from .models import Response as ResponseModel
from .serializers import (
    ActivityCreateSerializer,
    ActivityResultsSerializer,
    ActivitySerializer,
    ActivityStatusChangeSerializer,
    ActivityUpdateSerializer,
    HiddenWordSerializer,
    LeaderboardSerializer,
    ResponseHiddenResultSerializer,
    ResponseHiddenSerializer,
    ResponseSerializer,
    ResponsesSinceSerializer,
    ResponseSubmitSerializer,
    SessionResultsSerializer,
)

E = ErrorEnvelopeSerializer
ERRORS = {400: E, 401: E, 404: E, 409: E}
SINCE_LIMIT = 500


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
        session = session_selectors.session_get_for(request.user, session_id)
        data = ActivityCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        activity = services.activity_create(session=session, **data.validated_data)
        return Response(ActivitySerializer(activity).data, status=status.HTTP_201_CREATED)


class ActivityDetailView(ParticipantRoleView):
    roles = {"GET": "organizer", "PATCH": "organizer", "PUT": "organizer", "DELETE": "organizer"}
    serializer_class = ActivitySerializer

    @extend_schema(operation_id="activities_retrieve", responses={200: ActivitySerializer, 401: E, 404: E})
    def get(self, request: Request, session_id: Any, activity_id: Any) -> Response:
        _, activity = selectors.activity_get_for(request.user, session_id, activity_id)
        return Response(ActivitySerializer(activity).data)

    def _update(self, request: Request, session_id: Any, activity_id: Any, *, partial: bool) -> Response:
        _, activity = selectors.activity_get_for(request.user, session_id, activity_id)
        data = ActivityUpdateSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        if "type" in values and values.pop("type") != activity.type:
            raise ValidationFailed(
                {"type": ["The type of an activity cannot change; create a new activity."]}
            )
        if not partial and "config" not in values:
            raise ValidationFailed({"config": ["This field is required."]})
        activity = services.activity_update(activity=activity, **values)
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
        _, activity = selectors.activity_get_for(request.user, session_id, activity_id)
        services.activity_delete(activity=activity)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ActivityStatusChangeView(ParticipantRoleView):
    roles = {"PATCH": "organizer"}

    @extend_schema(
        operation_id="activities_set_status",
        request=ActivityStatusChangeSerializer,
        responses={200: ActivitySerializer, **ERRORS},
    )
    def patch(self, request: Request, activity_id: Any) -> Response:
        activity = selectors.activity_get_owned(request.user, activity_id)
        data = ActivityStatusChangeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        activity = services.activity_set_status(activity=activity, status=data.validated_data["status"])
        return Response(ActivitySerializer(activity).data)


# POST runs ``operation`` (a service taking ``activity=``) on the organizer's activity and answers
# the activity. (A comment: a docstring would become the operations' description in the schema.)
class _ActivityOperationView(ParticipantRoleView):
    roles = {"POST": "organizer"}
    operation: ClassVar[Callable[..., Activity]]

    def post(self, request: Request, session_id: Any, activity_id: Any) -> Response:
        _, activity = selectors.activity_get_for(request.user, session_id, activity_id)
        return Response(ActivitySerializer(type(self).operation(activity=activity)).data)


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
        _, activity = selectors.activity_get_for(request.user, session_id, activity_id)
        return Response(
            {
                "activity_id": str(activity.pk),
                "type": activity.type,
                "status": activity.status,
                "results": results.activity_results(activity),
            }
        )


class SessionResultsView(ParticipantRoleView):
    roles = {"GET": "organizer"}

    @extend_schema(operation_id="sessions_results", responses={200: SessionResultsSerializer, 401: E, 404: E})
    def get(self, request: Request, session_id: Any) -> Response:
        session = session_selectors.session_get_for(request.user, session_id)
        return Response(results.session_results(session))


class SessionRehearseView(ParticipantRoleView):
    """``POST /sessions/{id}/rehearse``: start a draft session as a rehearsal."""

    roles = {"POST": "organizer"}

    @extend_schema(
        operation_id="sessions_rehearse", request=None, responses={200: SessionSerializer, **ERRORS}
    )
    def post(self, request: Request, session_id: Any) -> Response:
        session = session_selectors.session_get_for(request.user, session_id)
        NoBodySerializer(data=request.data).is_valid(raise_exception=True)
        session = session_services.session_rehearse(session=session)
        return Response(SessionSerializer(session, context={"request": request}).data)


class SessionRehearsalEndView(ParticipantRoleView):
    """``POST /sessions/{id}/end-rehearsal``: wipe the rehearsal, back to draft, same join code."""

    roles = {"POST": "organizer"}

    @extend_schema(
        operation_id="sessions_end_rehearsal", request=None, responses={200: SessionSerializer, **ERRORS}
    )
    def post(self, request: Request, session_id: Any) -> Response:
        session = session_selectors.session_get_for(request.user, session_id)
        NoBodySerializer(data=request.data).is_valid(raise_exception=True)
        session = services.session_rehearsal_end(session=session)
        return Response(SessionSerializer(session, context={"request": request}).data)


class LeaderboardView(ParticipantRoleView):
    roles = {"GET": "viewer"}

    @extend_schema(operation_id="sessions_leaderboard", responses={200: LeaderboardSerializer, 404: E})
    def get(self, request: Request, session_id: Any) -> Response:
        session = session_selectors.session_get_public(session_id)
        user = request.user
        is_owner = bool(user and user.is_authenticated and (user.is_superuser or session.owner_id == user.pk))
        # Top 10 publicly; the organizer sees everyone.
        return Response({"items": results.leaderboard(session, None if is_owner else 10)})


class ResponsesView(ParticipantRoleView):
    roles = {"GET": "organizer", "POST": "participant"}
    serializer_class = ResponseSerializer

    def get_throttles(self) -> list[Any]:
        return answer_throttles() if self._role() == "participant" else []

    @extend_schema(
        operation_id="responses_list", responses={200: ResponseSerializer(many=True), 401: E, 404: E}
    )
    def get(self, request: Request, session_id: Any, activity_id: Any) -> Response:
        _, activity = selectors.activity_get_for(request.user, session_id, activity_id)
        qs = ResponseModel.objects.filter(activity=activity).order_by("created_at", "id")
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(ResponseSerializer(page, many=True).data)

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


# --- the vote fast path ---------------------------------------------------------------------------
# POST .../responses is what a room of phones sends within seconds of a question opening. It is a
# plain function of the request's values (vote_answer: no DRF request wrapping, negotiation,
# serializers or request transaction), called by the Django view below and, ahead of Django, by the
# bare WSGI vote path (caja.wsgi.LeanWSGIHandler.serve_vote):
#   1 cache round trip  read the token's participant, the session's structure version, the
#                       activity's cached answer rules and the token's throttle window (MGET);
#   1 database round trip  INSERT ... ON CONFLICT in autocommit (activities.services.response_store);
#   1 cache round trip  the state version and the throttle window, pipelined.
# Anything unusual (no or unknown token, a token of another session, a body that is not a plain
# JSON object with only response_data) goes to the DRF view above, which answers it with the same
# codes and messages as before; so does GET (the organizer's list).

_JSON_TYPES = ("application/json",)
# The participant token's key in the WSGI environ (request.META): what request.headers reads.
TOKEN_ENVIRON = "HTTP_" + PARTICIPANT_HEADER.upper().replace("-", "_")
TOKEN_MAX_LENGTH = 200


def _json_body(content_type: str, raw: bytes) -> dict[str, Any] | None:
    """The request body when it is a plain JSON object of the answer's shape, else None."""
    media, _, params = content_type.partition(";")
    if media.strip().lower() not in _JSON_TYPES or (params and "utf-8" not in params.lower()):
        return None
    try:
        data = json.loads(raw.decode("utf-8"), parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or set(data) != {"response_data"}:
        return None
    if json_depth_exceeds(data):
        return None
    return data


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _stored_answer(response: services.StoredAnswer) -> JsonAnswer:
    return json_answer(
        201 if response.created else 200,
        {
            "id": str(response.id),
            "activity_id": str(response.activity_id),
            "participant_id": str(response.participant_id),
            "response_data": response.response_data,
            "created_at": _iso(response.created_at),
            "updated_at": _iso(response.updated_at),
        },
    )


def _iso(value: Any) -> str:
    # DRF's DateTimeField output (settings: UTC, ISO 8601 with Z).
    return str(value.isoformat()).replace("+00:00", "Z")


_drf_responses_view = ResponsesView.as_view()


def _slow_responses_view(request: HttpRequest, **kwargs: Any) -> HttpResponse:
    # What ATOMIC_REQUESTS gives every other view: DRF's error handler marks the transaction
    # for rollback, which must be this request's own.
    with transaction.atomic():
        return _drf_responses_view(request, **kwargs)


def usable_token(token: str | None) -> bool:
    """Whether the fast path may try this token (anything else goes to the DRF view)."""
    return bool(token) and len(token or "") <= TOKEN_MAX_LENGTH


def vote_answer(
    *, session_id: UUID | str, activity_id: UUID | str, token: str, content_type: str, body: bytes
) -> JsonAnswer | None:
    """The fast path's answer to ``POST .../responses``, or None when the DRF view must answer
    (a token it cannot use, a token of another session, a body that is not a plain JSON answer);
    None is decided before the answer is stored or any counter moves. Shared by
    ``responses_view`` and the bare WSGI vote path (caja.wsgi), which call it with the same
    values: the ids as in the URL, the participant token, the Content-Type and the body.

    Domain errors become their envelope; any other exception (a database outage) propagates to
    the caller's error handling (core.middleware.ApiErrorPageMiddleware)."""
    if not usable_token(token):
        return None
    payload = _json_body(content_type, body)
    if payload is None:
        return None
    token_hash = hash_token(token)
    throttle = ParticipantTokenThrottle()
    now = time.time()
    window = throttle.window_key(token_hash, now) if throttle.rate else None
    keys = [token_cache_key(token_hash), state_version.structure_key(session_id)]
    if window:
        keys.append(window)
    try:
        cached = cache_ops.get_many(keys)
        structure_version = cached.get(keys[1])
        if structure_version is None:
            structure_version = state_version.current_or_raise(session_id, key=keys[1])
    except Exception:  # cache down: the database answers everything, throttles fail open
        cached, structure_version, window = {}, None, None
    ref = participant_ref_for_token(token_hash, cached.get(keys[0]))
    if ref is None or ref[1] != str(session_id):
        return None
    if window and int(cached.get(window) or 0) >= throttle.num_requests:
        wait = throttle.window_wait(now)
        return error_answer(
            429,
            "THROTTLED",
            gettext("Too many requests. Please slow down."),
            {"retry_after": int(wait + 0.999)},
            headers=(("Retry-After", str(max(1, math.ceil(wait)))),),
        )
    counters = [(window, 0, int(throttle.duration) + 1)] if window else []
    try:
        rules = selectors.local_answer_rules(activity_id, structure_version)
        if rules is None:  # a structure change (or a new worker): the shared copy, else the database
            rules = selectors.activity_answer_rules(
                session_id,
                activity_id,
                cached=_cache_get_quietly(selectors.answer_rules_key(activity_id)),
                structure_version=structure_version,
            )
        if rules is None:
            raise NotFound(gettext("Activity not found."))
        stored = services.response_submit_fast(
            rules=rules,
            participant_id=ref[0],
            response_data=payload["response_data"],
            counters=counters,
        )
    except DomainError as exc:
        if counters:  # a refused answer counts against the limit too, as on the DRF path
            with contextlib.suppress(Exception):
                incr_seeded(counters)
        return error_answer(exc.status_code, exc.code, exc.message, exc.details)
    return _stored_answer(stored)


@csrf_exempt
@transaction.non_atomic_requests
def responses_view(request: HttpRequest, session_id: UUID, activity_id: UUID) -> HttpResponse:
    token = request.META.get(TOKEN_ENVIRON)
    if request.method != "POST" or not usable_token(token):
        return _slow_responses_view(request, session_id=session_id, activity_id=activity_id)
    answer = vote_answer(
        session_id=session_id,
        activity_id=activity_id,
        token=token or "",
        content_type=request.META.get("CONTENT_TYPE", ""),
        body=request.body,
    )
    if answer is None:
        return _slow_responses_view(request, session_id=session_id, activity_id=activity_id)
    return answer.as_response()


def _cache_get_quietly(key: str) -> Any:
    try:
        return cache.get(key)
    except Exception:
        return None


# drf-spectacular documents the DRF view's GET and POST under this path.
setattr(responses_view, "cls", ResponsesView)  # noqa: B010
setattr(responses_view, "initkwargs", {})  # noqa: B010


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
        _, activity = selectors.activity_get_for(request.user, session_id, activity_id)
        answer = ResponseModel.objects.filter(activity=activity, pk=response_id).first()
        if answer is None:
            raise NotFound("No such answer.")
        answer.activity = activity
        data = ResponseHiddenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        answer = services.response_set_hidden(response=answer, hidden=data.validated_data["hidden"])
        return Response({"id": str(answer.pk), "hidden": answer.hidden})


class MyResponseView(ParticipantRoleView):
    roles = {"GET": "participant"}

    @extend_schema(operation_id="responses_mine", responses={200: ResponseSerializer, 401: E, 403: E, 404: E})
    def get(self, request: Request, session_id: Any, activity_id: Any) -> Response:
        participant = self.participant
        ensure_participant_session(participant, session_id)
        activity = selectors.activity_get_public(session_id, activity_id)
        response = ResponseModel.objects.filter(activity=activity, participant=participant).first()
        participant_touch(participant=participant)
        if response is None:
            raise NotFound(gettext("You have not answered this activity yet."))
        return Response(ResponseSerializer(response).data)


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
                "items": ResponseSerializer(items, many=True).data,
                "since": since.isoformat(),
                "count": len(items),
            }
        )


class HiddenWordsView(ParticipantRoleView):
    roles = {"POST": "organizer"}

    @extend_schema(
        operation_id="hidden_words_add",
        request=HiddenWordSerializer,
        responses={201: HiddenWordSerializer, **ERRORS},
    )
    def post(self, request: Request, session_id: Any, activity_id: Any) -> Response:
        _, activity = selectors.activity_get_for(request.user, session_id, activity_id)
        data = HiddenWordSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        word = services.hidden_word_add(activity=activity, text=data.validated_data["text"])
        return Response({"text": word.text}, status=status.HTTP_201_CREATED)


class HiddenWordDetailView(ParticipantRoleView):
    roles = {"DELETE": "organizer"}

    @extend_schema(operation_id="hidden_words_remove", responses={204: None, 401: E, 404: E})
    def delete(self, request: Request, session_id: Any, activity_id: Any, text: str) -> Response:
        _, activity = selectors.activity_get_for(request.user, session_id, activity_id)
        if not services.hidden_word_remove(activity=activity, text=text):
            raise NotFound("This word is not hidden.")
        return Response(status=status.HTTP_204_NO_CONTENT)
