"""The series API (contract v1.2, "Series and trends"): an organizer's own series. The trends of a
series are the activities app's (activities.views.series): they read activity summaries."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response

from core.serializers import ErrorEnvelopeSerializer
from core.views import RoleView

from . import selectors, services
from .models import Series
from .serializers import SeriesSerializer, SeriesWriteSerializer

ERRORS = {
    400: ErrorEnvelopeSerializer,
    401: ErrorEnvelopeSerializer,
    404: ErrorEnvelopeSerializer,
    409: ErrorEnvelopeSerializer,
}


class SeriesListCreateView(RoleView):
    roles = {"GET": "organizer", "POST": "organizer"}
    serializer_class = SeriesSerializer

    def get_queryset(self) -> QuerySet[Series]:
        return selectors.series_queryset_for(self.request.user).order_by("-created_at", "id")

    @extend_schema(operation_id="series_list", responses={200: SeriesSerializer(many=True), **ERRORS})
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(SeriesSerializer(page, many=True).data)

    @extend_schema(
        operation_id="series_create",
        request=SeriesWriteSerializer,
        responses={201: SeriesSerializer, **ERRORS},
    )
    def post(self, request: Request) -> Response:
        data = SeriesWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        series = services.series_create(owner=request.user, name=data.validated_data["name"])
        series = selectors.series_get_for(request.user, series.pk)
        return Response(SeriesSerializer(series).data, status=status.HTTP_201_CREATED)


class SeriesDetailView(RoleView):
    roles = {"GET": "organizer", "PATCH": "organizer", "DELETE": "organizer"}
    serializer_class = SeriesSerializer

    @extend_schema(operation_id="series_retrieve", responses={200: SeriesSerializer, **ERRORS})
    def get(self, request: Request, series_id: Any) -> Response:
        return Response(SeriesSerializer(selectors.series_get_for(request.user, series_id)).data)

    @extend_schema(
        operation_id="series_partial_update",
        request=SeriesWriteSerializer,
        responses={200: SeriesSerializer, **ERRORS},
    )
    def patch(self, request: Request, series_id: Any) -> Response:
        series = selectors.series_get_for(request.user, series_id)
        data = SeriesWriteSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        services.series_update(series=series, name=data.validated_data.get("name"))
        return Response(SeriesSerializer(selectors.series_get_for(request.user, series_id)).data)

    @extend_schema(operation_id="series_destroy", responses={204: None, **ERRORS})
    def delete(self, request: Request, series_id: Any) -> Response:
        services.series_delete(series=selectors.series_get_for(request.user, series_id), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
