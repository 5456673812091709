"""GET /api/v1/series/{sid}/trends (contract v1.2): the series' owner only, from stored summaries."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response

from participants.base_views import ParticipantRoleView
from sessions_app import selectors as session_selectors

from .. import services, trends
from ..serializers import SeriesTrendsSerializer
from .base import E


class SeriesTrendsView(ParticipantRoleView):
    roles = {"GET": "organizer"}

    @extend_schema(operation_id="series_trends", responses={200: SeriesTrendsSerializer, 401: E, 404: E})
    def get(self, request: Request, series_id: Any) -> Response:
        series = session_selectors.series_get_for(request.user, series_id, with_count=False)
        # Summaries whose responses changed after a kick's purge (rare) are recomputed first.
        services.summaries_refresh_stale(series_id=series.pk)
        return Response(trends.series_trends(series.pk))
