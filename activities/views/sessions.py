"""Session-level endpoints of the activities app: results, rehearsals, the leaderboard."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from core.serializers import NoBodySerializer
from participants.base_views import ParticipantRoleView
from sessions_app import roles as session_roles
from sessions_app import selectors as session_selectors
from sessions_app import services as session_services
from sessions_app.models import SessionPace
from sessions_app.serializers import SessionSerializer

from .. import results, selectors, services
from ..serializers import LeaderboardSerializer, SessionResultsSerializer
from .base import ERRORS, E


class SessionResultsView(ParticipantRoleView):
    roles = {"GET": "organizer"}

    @extend_schema(operation_id="sessions_results", responses={200: SessionResultsSerializer, 401: E, 404: E})
    def get(self, request: Request, session_id: Any) -> Response:
        session = session_selectors.session_get_for(request.user, session_id)
        session = session_services.session_clock_refresh(session)
        body = results.session_results(session)
        if session.pace == SessionPace.SELF:
            body["completion"] = selectors.session_completion(session.pk)
        return Response(body)


class SessionRehearseView(ParticipantRoleView):
    """``POST /sessions/{id}/rehearse``: start a draft session as a rehearsal."""

    roles = {"POST": "organizer"}

    @extend_schema(
        operation_id="sessions_rehearse", request=None, responses={200: SessionSerializer, **ERRORS}
    )
    def post(self, request: Request, session_id: Any) -> Response:
        session = session_selectors.session_get_for(request.user, session_id, right="lifecycle")
        NoBodySerializer(data=request.data).is_valid(raise_exception=True)
        session = session_services.session_rehearse(session=session, actor=request.user)
        return Response(SessionSerializer(session, context={"request": request}).data)


class SessionRehearsalEndView(ParticipantRoleView):
    """``POST /sessions/{id}/end-rehearsal``: wipe the rehearsal, back to draft, same join code."""

    roles = {"POST": "organizer"}

    @extend_schema(
        operation_id="sessions_end_rehearsal", request=None, responses={200: SessionSerializer, **ERRORS}
    )
    def post(self, request: Request, session_id: Any) -> Response:
        session = session_selectors.session_get_for(request.user, session_id, right="lifecycle")
        NoBodySerializer(data=request.data).is_valid(raise_exception=True)
        session = services.session_rehearsal_end(session=session, actor=request.user)
        return Response(SessionSerializer(session, context={"request": request}).data)


class LeaderboardView(ParticipantRoleView):
    roles = {"GET": "viewer"}

    @extend_schema(operation_id="sessions_leaderboard", responses={200: LeaderboardSerializer, 404: E})
    def get(self, request: Request, session_id: Any) -> Response:
        session = session_selectors.session_get_public(session_id)
        user = request.user
        is_owner = session_roles.can(user, session, "read")
        # Top 10 publicly; the organizer sees everyone.
        return Response(
            {
                "items": results.leaderboard(session, None if is_owner else 10),
                "teams": results.team_leaderboard(session),
            }
        )
