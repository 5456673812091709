"""The polling endpoints (plain Django views: the hot path skips DRF) and ``next``."""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, ClassVar
from uuid import UUID

from django.conf import settings
from django.db import DatabaseError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified, JsonResponse
from django.utils.cache import get_conditional_response, patch_vary_headers
from django.utils.translation import gettext
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.request import Request
from rest_framework.response import Response

from activities import services as activity_services
from core.errors import NotFound, ValidationFailed, json_error
from core.http import method_not_allowed, parse_timestamp, read_only_view
from core.serializers import ErrorEnvelopeSerializer
from core.views import RoleView
from participants import tokens
from participants.presence import presence_mark
from sessions_app import selectors as session_selectors

from . import bodies, polling, reactions
from .serializers import StateSerializer
from .snapshot import Snapshot, get_snapshot, state_now

logger = logging.getLogger("caja.state")
_presence_memo: dict[str, float] = {}


def _not_found() -> JsonResponse:
    return json_error(404, "NOT_FOUND", gettext("Session not found."))


def _touch_presence(token: str | None) -> None:
    """A poll with a token marks presence, at most once per participant per interval and worker
    (the mark itself is buffered: participants.presence)."""
    if not token:
        return
    now = time.monotonic()
    key = token[:64]
    if now - _presence_memo.get(key, -1e9) < settings.CAJA_PRESENCE_INTERVAL:
        return
    if len(_presence_memo) > 100_000:
        _presence_memo.clear()
    _presence_memo[key] = now
    try:
        ref = tokens.participant_ref(token)
    except DatabaseError:
        # Presence is best-effort: a poll served from the cache must not fail (503) because
        # the database is briefly unreachable.
        logger.warning("presence update skipped: database unavailable")
        return
    if ref is not None:
        presence_mark(ref[0])


def _not_modified(request: HttpRequest, snap: Snapshot) -> HttpResponse | None:
    """304 when the client's If-None-Match names this snapshot (Django's conditional GET). The
    polls honour If-None-Match only: a 412 Django would give for If-Match is not theirs to send."""
    response = get_conditional_response(request, etag=snap.etag)
    return response if response is not None and response.status_code == 304 else None


def _last_update(request: HttpRequest) -> datetime | None | JsonResponse:
    """``?last_update=``: a timestamp, None when absent, or the 400 answer for anything else."""
    raw = request.GET.get("last_update")
    if not raw:  # absent or empty: no hint
        return None
    try:
        return parse_timestamp(raw, field="last_update")
    except ValidationFailed as exc:
        return json_error(400, exc.code, exc.message, exc.details)


def _poll_headers(response: HttpResponse, snap: Snapshot) -> HttpResponse:
    response["ETag"] = snap.etag
    response["Cache-Control"] = "no-cache"
    response["X-Poll-Interval"] = str(polling.suggested_interval())
    # For the nginx micro-cache (deploy/nginx.conf), which hides this header from clients: keep
    # this answer until the end of the current second. nginx counts validity in whole seconds, so
    # its own "valid 1s" would serve an answer for 1 to 2 s; this bounds it to under 1 s.
    response["X-Accel-Expires"] = f"@{int(time.time())}"
    if snap.stale:  # the database is unreachable: the last good state (nginx keeps it 1 s)
        response["X-Caja-Stale"] = "1"
    patch_vary_headers(response, [tokens.HEADER])
    return response


def _poll(request: HttpRequest, session_id: UUID) -> Snapshot | HttpResponse:
    """The session's snapshot, or the answer to send instead (429, 404)."""
    polling.note_poll()
    token = request.headers.get(tokens.HEADER)
    wait = polling.check_fast_poller(token)
    if wait is not None:
        return json_error(
            429,
            "THROTTLED",
            gettext("Polling too fast; respect X-Poll-Interval."),
            {"retry_after": math.ceil(wait)},
            headers={
                "Retry-After": str(math.ceil(wait)),
                "X-Poll-Interval": str(polling.suggested_interval()),
            },
        )
    snap = get_snapshot(session_id)
    if snap is None:
        return _not_found()
    _touch_presence(token)
    return snap


@read_only_view
def state_view(request: HttpRequest, session_id: UUID) -> HttpResponse:
    since = _last_update(request)
    if isinstance(since, JsonResponse):
        return since
    snap = _poll(request, session_id)
    if isinstance(snap, HttpResponse):
        return snap
    not_modified = _not_modified(request, snap)
    if not_modified is None and since is not None and snap.last_updated <= since:
        not_modified = HttpResponseNotModified()
    if not_modified is not None:
        return _poll_headers(not_modified, snap)
    return _poll_headers(HttpResponse(snap.body(), content_type="application/json"), snap)


@read_only_view
def session_status_view(request: HttpRequest, session_id: UUID) -> HttpResponse:
    snap = _poll(request, session_id)
    if isinstance(snap, HttpResponse):
        return snap
    not_modified = _not_modified(request, snap)
    if not_modified is not None:
        return _poll_headers(not_modified, snap)
    return _poll_headers(JsonResponse(snap.status), snap)


@read_only_view
def activity_status_view(request: HttpRequest, session_id: UUID, activity_id: UUID) -> HttpResponse:
    snap = _poll(request, session_id)
    if isinstance(snap, HttpResponse):
        return snap
    item = snap.activities.get(str(activity_id))
    if item is None:
        return json_error(404, "NOT_FOUND", gettext("Activity not found."))
    not_modified = _not_modified(request, snap)
    if not_modified is not None:
        return _poll_headers(not_modified, snap)
    return _poll_headers(JsonResponse(item), snap)


@csrf_exempt
@transaction.non_atomic_requests
def heartbeat_view(request: HttpRequest, session_id: UUID) -> HttpResponse:
    """``POST /sessions/{id}/heartbeat`` with the participant token: "this phone is still here".

    Phones send it every ~30 s, so presence keeps working when a proxy cache (deploy/nginx.conf)
    answers their polls. No database round trip: a cached token lookup and a buffered mark."""
    if request.method == "OPTIONS":
        resp = HttpResponse(status=200)
        resp["Allow"] = "POST, OPTIONS"
        return resp
    if request.method != "POST":
        return method_not_allowed(request, ("POST", "OPTIONS"))
    ref = _participant_of_session(request, session_id)
    if isinstance(ref, HttpResponse):
        return ref
    refused = bodies.no_body(request)
    if refused is not None:
        return refused
    presence_mark(ref[0])
    return HttpResponse(status=204)


def _participant_of_session(request: HttpRequest, session_id: UUID) -> tuple[str, str] | HttpResponse:
    """The (participant id, session id) of the request's token (from the cache), or the 401/403
    answer: no token, a revoked or unknown one, another session's."""
    token = request.headers.get(tokens.HEADER)
    if not token:
        return json_error(401, "NOT_AUTHENTICATED", tokens.missing_token_message(request.headers))
    ref = tokens.participant_ref(token)
    if ref is None:
        return json_error(401, "NOT_AUTHENTICATED", gettext("Invalid or revoked participant token."))
    if not tokens.of_session(session_id, ref[1]):
        refused = tokens.another_session_error()
        return json_error(refused.status_code, refused.code, refused.message)
    return ref


@csrf_exempt
@transaction.non_atomic_requests
def reactions_view(request: HttpRequest, session_id: UUID) -> HttpResponse:
    """``POST /sessions/{id}/reactions`` ``{"kind"}`` with the participant token → 202. Counted in the
    cache only (live.reactions); at most 2 a second per phone (429), only in an active session."""
    if request.method == "OPTIONS":
        resp = HttpResponse(status=200)
        resp["Allow"] = "POST, OPTIONS"
        return resp
    if request.method != "POST":
        return method_not_allowed(request, ("POST", "OPTIONS"))
    ref = _participant_of_session(request, session_id)
    if isinstance(ref, HttpResponse):
        return ref
    kind = bodies.reaction_kind(request)
    if isinstance(kind, HttpResponse):
        return kind
    snap = get_snapshot(session_id)
    if snap is None:
        return json_error(404, "NOT_FOUND", gettext("Session not found."))
    if snap.status.get("status") != "active":
        return json_error(409, "SESSION_NOT_ACTIVE", gettext("Reactions are open while the session is live."))
    if not reactions.reaction_add(session_id=session_id, participant_id=ref[0], kind=kind):
        return json_error(
            429,
            "THROTTLED",
            gettext("At most 2 reactions a second."),
            {"retry_after": 1},
            {"Retry-After": "1"},
        )
    presence_mark(ref[0])
    return HttpResponse(status=202)


class _SessionStepView(RoleView):
    """A step through the activities (the lifecycle right), answered with the state snapshot."""

    roles = {"POST": "organizer"}
    # The activities' service that takes the step (keyword-only session and actor): each subclass.
    step: ClassVar[Callable[..., Any]]

    def post(self, request: Request, session_id: Any) -> Response:
        session = session_selectors.session_get_for(request.user, session_id, right="lifecycle")
        self.step(session=session, actor=request.user)
        state = state_now(session.pk)
        if state is None:
            raise NotFound(gettext("Session not found."))
        return Response(state)


_STEP_RESPONSES = {
    200: StateSerializer,
    401: ErrorEnvelopeSerializer,
    404: ErrorEnvelopeSerializer,
    409: ErrorEnvelopeSerializer,
}


@extend_schema_view(post=extend_schema(operation_id="sessions_next", request=None, responses=_STEP_RESPONSES))
class SessionNextView(_SessionStepView):
    step = staticmethod(activity_services.activity_activate_next)


@extend_schema_view(
    post=extend_schema(operation_id="sessions_previous", request=None, responses=_STEP_RESPONSES)
)
class SessionPreviousView(_SessionStepView):
    """``POST /sessions/{id}/previous``: back one activity, as a presenter's clicker does."""

    step = staticmethod(activity_services.activity_activate_previous)


# --- OpenAPI description of the plain polling views --------------------------------------------
# The poll path is a plain Django view (no DRF per-request machinery). drf-spectacular only
# introspects DRF views, so each plain view carries a schema-only APIView as ``cls``; Django
# never dispatches to these classes.
from drf_spectacular.types import OpenApiTypes  # noqa: E402
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse  # noqa: E402
from rest_framework.views import APIView  # noqa: E402

from .serializers import ActivityStatusSerializer, ReactionSerializer, SessionStatusSerializer  # noqa: E402

_POLL_PARAMS = [
    OpenApiParameter("If-None-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False),
    OpenApiParameter("X-Participant-Token", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False),
]
# The phone's own endpoints (heartbeat, reactions): a participant token, and the envelope for each error.
_TOKEN_REQUIRED = [
    OpenApiParameter("X-Participant-Token", OpenApiTypes.STR, OpenApiParameter.HEADER, required=True)
]


def _errors(*codes: int) -> dict[int, Any]:
    return dict.fromkeys(codes, ErrorEnvelopeSerializer)


_POLL_ERRORS = {
    304: OpenApiResponse(description="Not modified (no body)"),
    404: ErrorEnvelopeSerializer,
    429: ErrorEnvelopeSerializer,
}


class _SchemaOnly(APIView):
    authentication_classes: list = []
    permission_classes: list = []


class StateSchema(_SchemaOnly):
    @extend_schema(
        operation_id="sessions_state",
        parameters=[*_POLL_PARAMS, OpenApiParameter("last_update", OpenApiTypes.DATETIME, required=False)],
        responses={200: StateSerializer, **_POLL_ERRORS},
        auth=[],
    )
    def get(self, request: Request, session_id: UUID) -> Response:
        raise AssertionError("schema only")


class SessionStatusSchema(_SchemaOnly):
    @extend_schema(
        operation_id="sessions_status",
        parameters=_POLL_PARAMS,
        responses={200: SessionStatusSerializer, **_POLL_ERRORS},
        auth=[],
    )
    def get(self, request: Request, session_id: UUID) -> Response:
        raise AssertionError("schema only")


class ActivityStatusSchema(_SchemaOnly):
    @extend_schema(
        operation_id="activities_status",
        parameters=_POLL_PARAMS,
        responses={200: ActivityStatusSerializer, **_POLL_ERRORS},
        auth=[],
    )
    def get(self, request: Request, session_id: UUID, activity_id: UUID) -> Response:
        raise AssertionError("schema only")


class HeartbeatSchema(_SchemaOnly):
    @extend_schema(
        operation_id="sessions_heartbeat",
        parameters=_TOKEN_REQUIRED,
        request=None,
        responses={204: OpenApiResponse(description="Presence noted"), **_errors(401, 403, 404)},
        auth=[],
        description="A phone says it is still here (every ~30 s), so presence counts stay right "
        "when a proxy cache answers its polls.",
    )
    def post(self, request: Request, session_id: UUID) -> Response:
        raise AssertionError("schema only")


class ReactionSchema(_SchemaOnly):
    @extend_schema(
        operation_id="sessions_react",
        parameters=_TOKEN_REQUIRED,
        request=ReactionSerializer,
        responses={202: OpenApiResponse(description="Counted"), **_errors(400, 401, 403, 404, 409, 429)},
        auth=[],
        description=f"A live reaction ({', '.join(reactions.KINDS)}): counted for the big screen, "
        "at most 2 a second per phone.",
    )
    def post(self, request: Request, session_id: UUID) -> Response:
        raise AssertionError("schema only")


for _view, _cls in (
    (reactions_view, ReactionSchema),
    (heartbeat_view, HeartbeatSchema),
    (state_view, StateSchema),
    (session_status_view, SessionStatusSchema),
    (activity_status_view, ActivityStatusSchema),
):
    setattr(_view, "cls", _cls)  # noqa: B010 (a function attribute, for drf-spectacular)
    setattr(_view, "initkwargs", {})  # noqa: B010
