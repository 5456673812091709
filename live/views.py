"""The polling endpoints (plain Django views: the hot path skips DRF) and ``next``."""

from __future__ import annotations

import json
import logging
import math
from datetime import UTC
from typing import Any
from uuid import UUID

from django.db import DatabaseError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from activities import services as activity_services
from caja.errors import NotFound, json_error
from caja.serializers import ErrorEnvelopeSerializer
from caja.views import RoleView
from participants.authentication import participant_from_token
from participants.services import participant_touch
from sessions_app import selectors as session_selectors

from . import polling
from .serializers import StateSerializer
from .snapshot import Snapshot, get_snapshot

PRESENCE_HEADER = "X-Participant-Token"
logger = logging.getLogger("caja.state")
_presence_memo: dict[str, float] = {}


def _not_found() -> JsonResponse:
    return json_error(404, "NOT_FOUND", "Session not found.")


def _touch_presence(token: str | None) -> None:
    """At most one presence write per participant per interval (a poll is not a write)."""
    import time

    from django.conf import settings

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
        participant = participant_from_token(token)
        if participant is not None:
            participant_touch(participant=participant)
    except DatabaseError:
        # Presence is best-effort: a poll served from the cache must not fail (503) because
        # the database is briefly unreachable.
        logger.warning("presence update skipped: database unavailable")


def _etag_matches(request: HttpRequest, etag: str) -> bool:
    header = request.headers.get("If-None-Match")
    if not header:
        return False
    if header.strip() == "*":
        return True
    candidates = [c.strip().removeprefix("W/") for c in header.split(",")]
    return etag in candidates


def _not_modified_since(request: HttpRequest, snap: Snapshot) -> bool:
    raw = request.GET.get("last_update")
    if not raw:
        return False
    try:
        since = parse_datetime(raw.strip().replace(" ", "+"))
    except (ValueError, OverflowError):  # well formed but impossible, e.g. month 13
        since = None
    if since is None:  # an unusable hint is ignored: the full state is sent
        return False
    if timezone.is_naive(since):
        since = since.replace(tzinfo=UTC)
    return snap.last_updated <= since


def _poll_headers(response: HttpResponse, snap: Snapshot) -> HttpResponse:
    response["ETag"] = snap.etag
    response["Cache-Control"] = "no-cache"
    response["X-Poll-Interval"] = str(polling.suggested_interval())
    patch_vary_headers(response, ["X-Participant-Token"])
    return response


def _poll(request: HttpRequest, session_id: UUID) -> Snapshot | HttpResponse:
    """The session's snapshot, or the answer to send instead (429, 404)."""
    polling.note_poll()
    token = request.headers.get(PRESENCE_HEADER)
    wait = polling.check_fast_poller(token)
    if wait is not None:
        resp = json_error(
            429, "THROTTLED", "Polling too fast; respect X-Poll-Interval.", {"retry_after": math.ceil(wait)}
        )
        resp["Retry-After"] = str(math.ceil(wait))
        resp["X-Poll-Interval"] = str(polling.suggested_interval())
        return resp
    snap = get_snapshot(session_id)
    if snap is None:
        return _not_found()
    _touch_presence(token)
    return snap


@transaction.non_atomic_requests  # no BEGIN/COMMIT around a poll
@require_GET
def state_view(request: HttpRequest, session_id: UUID) -> HttpResponse:
    snap = _poll(request, session_id)
    if isinstance(snap, HttpResponse):
        return snap
    if _etag_matches(request, snap.etag) or _not_modified_since(request, snap):
        return _poll_headers(HttpResponse(status=304), snap)
    return _poll_headers(HttpResponse(snap.body(), content_type="application/json"), snap)


@transaction.non_atomic_requests
@require_GET
def session_status_view(request: HttpRequest, session_id: UUID) -> HttpResponse:
    snap = _poll(request, session_id)
    if isinstance(snap, HttpResponse):
        return snap
    if _etag_matches(request, snap.etag):
        return _poll_headers(HttpResponse(status=304), snap)
    return _poll_headers(JsonResponse(snap.status), snap)


@transaction.non_atomic_requests
@require_GET
def activity_status_view(request: HttpRequest, session_id: UUID, activity_id: UUID) -> HttpResponse:
    snap = _poll(request, session_id)
    if isinstance(snap, HttpResponse):
        return snap
    item = snap.activities.get(str(activity_id))
    if item is None:
        return json_error(404, "NOT_FOUND", "Activity not found.")
    if _etag_matches(request, snap.etag):
        return _poll_headers(HttpResponse(status=304), snap)
    return _poll_headers(JsonResponse(item), snap)


class SessionNextView(RoleView):
    roles = {"POST": "organizer"}

    @extend_schema(
        operation_id="sessions_next",
        request=None,
        responses={
            200: StateSerializer,
            401: ErrorEnvelopeSerializer,
            404: ErrorEnvelopeSerializer,
            409: ErrorEnvelopeSerializer,
        },
    )
    def post(self, request: Request, session_id: Any) -> Response:
        session = session_selectors.session_get_for(request.user, session_id)
        activity_services.activity_activate_next(session=session)
        return Response(build_state_now(session.pk))


def build_state_now(session_id: Any) -> dict[str, Any]:
    """The state as it is right after a write of this request (not the cached copy)."""
    from .snapshot import _build

    snap = _build(str(session_id), None, None)
    if snap is None:
        raise NotFound("Session not found.")
    body: dict[str, Any] = json.loads(snap.body())
    return body


# --- OpenAPI description of the plain polling views --------------------------------------------
# The poll path is a plain Django view (no DRF per-request machinery). drf-spectacular only
# introspects DRF views, so each plain view carries a schema-only APIView as ``cls``; Django
# never dispatches to these classes.
from drf_spectacular.types import OpenApiTypes  # noqa: E402
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse  # noqa: E402
from rest_framework.views import APIView  # noqa: E402

from .serializers import ActivityStatusSerializer, SessionStatusSerializer  # noqa: E402

_POLL_PARAMS = [
    OpenApiParameter("If-None-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False),
    OpenApiParameter("X-Participant-Token", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False),
]
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


for _view, _cls in (
    (state_view, StateSchema),
    (session_status_view, SessionStatusSchema),
    (activity_status_view, ActivityStatusSchema),
):
    setattr(_view, "cls", _cls)  # noqa: B010 (a function attribute, for drf-spectacular)
    setattr(_view, "initkwargs", {})  # noqa: B010
