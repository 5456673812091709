from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from core.errors import ValidationFailed
from core.serializers import ErrorEnvelopeSerializer
from core.views import RoleView

from . import roles, selectors, services
from .models import Session, SessionStatus
from .qr import qr_png, qr_svg
from .serializers import (
    JoinLookupSerializer,
    SessionCreateSerializer,
    SessionSerializer,
    SessionUpdateSerializer,
)

ERRORS = {
    400: ErrorEnvelopeSerializer,
    401: ErrorEnvelopeSerializer,
    404: ErrorEnvelopeSerializer,
    409: ErrorEnvelopeSerializer,
}


class SessionListCreateView(RoleView):
    roles = {"GET": "organizer", "POST": "organizer"}
    serializer_class = SessionSerializer

    def get_queryset(self) -> QuerySet[Session]:
        qs = selectors.session_queryset_for(self.request.user).order_by("-created_at", "id")
        wanted = self.request.query_params.get("status")
        if wanted:
            if wanted not in SessionStatus.values:
                raise ValidationFailed({"status": [f"Must be one of {', '.join(SessionStatus.values)}."]})
            qs = qs.filter(status=wanted)
        return qs

    @extend_schema(
        operation_id="sessions_list",
        parameters=[OpenApiParameter("status", enum=SessionStatus.values, required=False)],
        responses={
            200: SessionSerializer(many=True),
            400: ErrorEnvelopeSerializer,
            401: ErrorEnvelopeSerializer,
        },
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(SessionSerializer(page, many=True).data)

    @extend_schema(
        operation_id="sessions_create",
        request=SessionCreateSerializer,
        responses={201: SessionSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = SessionCreateSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        session = services.session_create(owner=request.user, **data.validated_data)
        session = selectors.session_get_for(request.user, session.pk)
        return Response(SessionSerializer(session).data, status=status.HTTP_201_CREATED)


class SessionDetailView(RoleView):
    roles = {"GET": "organizer", "PATCH": "organizer", "PUT": "organizer", "DELETE": "organizer"}
    serializer_class = SessionSerializer

    def _session(self, session_id: Any, right: str = "read") -> Session:
        return selectors.session_get_for(self.request.user, session_id, right=right)

    @extend_schema(operation_id="sessions_retrieve", responses={200: SessionSerializer, **ERRORS})
    def get(self, request: Request, session_id: Any) -> Response:
        session = self._session(session_id)
        if services.session_clock_due(session):  # a self-paced session past its opening or closing
            services.session_clock_advance(session_id=session.pk)
            session = self._session(session_id)
        return Response(SessionSerializer(session, context={"request": request}).data)

    def _update(self, request: Request, session_id: Any, *, partial: bool) -> Response:
        session = self._session(session_id)
        data = SessionUpdateSerializer(data=request.data, partial=partial)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if not partial and "name" not in values:
            raise ValidationFailed({"name": ["This field is required."]})
        # The fields need the "edit" right, the status the "lifecycle" one (sessions_app.roles).
        if set(values) - {"status"}:
            roles.require(request.user, session, "edit")
        if "status" in values:
            roles.require(request.user, session, "lifecycle")
        if "series_id" in values:
            series = (
                selectors.series_for_session(request.user, session, values["series_id"])
                if values["series_id"] is not None
                else None
            )
            services.session_set_series(session=session, series=series, actor=request.user)
        services.session_update(
            session=session,
            name=values.get("name"),
            description=values["description"] if "description" in values else services.UNSET,
            language=values.get("language"),
            **{k: values[k] for k in ("pace", "opens_at", "closes_at") if k in values},
            actor=request.user,
        )
        if "teams" in values or "team_assignment" in values:
            services.session_set_teams(
                session=session,
                teams=values["teams"] if "teams" in values else services.UNSET,
                team_assignment=values.get("team_assignment"),
                actor=request.user,
            )
        if "status" in values:
            # Asking for the current status is refused too (409 from active to active): of two
            # racing "start" requests exactly one wins, whichever reads the row first.
            services.session_set_status(session=session, status=values["status"], actor=request.user)
        return Response(SessionSerializer(self._session(session_id), context={"request": request}).data)

    @extend_schema(
        operation_id="sessions_partial_update",
        request=SessionUpdateSerializer,
        responses={200: SessionSerializer, **ERRORS},
    )
    def patch(self, request: Request, session_id: Any) -> Response:
        return self._update(request, session_id, partial=True)

    @extend_schema(
        operation_id="sessions_update",
        request=SessionUpdateSerializer,
        responses={200: SessionSerializer, **ERRORS},
    )
    def put(self, request: Request, session_id: Any) -> Response:
        return self._update(request, session_id, partial=False)

    @extend_schema(
        operation_id="sessions_destroy",
        responses={204: None, 401: ErrorEnvelopeSerializer, 404: ErrorEnvelopeSerializer},
    )
    def delete(self, request: Request, session_id: Any) -> Response:
        services.session_delete(session=self._session(session_id, right="ownership"))
        return Response(status=status.HTTP_204_NO_CONTENT)


class SessionQrView(RoleView):
    roles = {"GET": "public"}
    fmt = "png"

    @extend_schema(
        operation_id="sessions_qr",
        responses={(200, "image/png"): OpenApiTypes.BINARY, 404: ErrorEnvelopeSerializer},
    )
    def get(self, request: Request, session_id: Any) -> HttpResponse:
        session = selectors.session_get_public(session_id)
        if self.fmt == "svg":
            body, content_type = qr_svg(session.join_url), "image/svg+xml"
        else:
            body, content_type = qr_png(session.join_url), "image/png"
        response = HttpResponse(body, content_type=content_type)
        response["Cache-Control"] = "public, max-age=300"
        return response


class SessionQrSvgView(SessionQrView):
    fmt = "svg"

    @extend_schema(
        operation_id="sessions_qr_svg",
        responses={(200, "image/svg+xml"): OpenApiTypes.BINARY, 404: ErrorEnvelopeSerializer},
    )
    def get(self, request: Request, session_id: Any) -> HttpResponse:
        return super().get(request, session_id)


class JoinLookupView(RoleView):
    roles = {"GET": "public"}

    @extend_schema(
        operation_id="join_lookup",
        responses={200: JoinLookupSerializer, 404: OpenApiResponse(ErrorEnvelopeSerializer)},
    )
    def get(self, request: Request, join_code: str) -> Response:
        session = selectors.session_get_by_code(join_code)
        # The teams too: the phone offers them at join (or says the server picks one).
        return Response(
            {
                "session_id": str(session.pk),
                "name": session.name,
                "status": session.status,
                "teams": session.teams,
                "team_assignment": session.team_assignment,
            }
        )
