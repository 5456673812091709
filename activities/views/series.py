"""GET /api/v1/series/{sid}/trends (contract v1.2): the series' owner only, from stored summaries."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from drf_spectacular.utils import extend_schema
from rest_framework.request import Request

from participants.base_views import ParticipantRoleView
from sessions_app import selectors as session_selectors

from .. import services, trends
from ..serializers import SeriesTrendsSerializer
from .base import E


class SeriesTrendsView(ParticipantRoleView):
    roles = {"GET": "organizer"}

    @extend_schema(operation_id="series_trends", responses={200: SeriesTrendsSerializer, 401: E, 404: E})
    def get(self, request: Request, series_id: Any) -> HttpResponse:
        series = session_selectors.series_get_for(request.user, series_id, with_count=False)
        # Summaries whose responses changed after a kick's purge (rare) are recomputed first.
        services.summaries_refresh_stale(series_id=series.pk)
        # Bytes already JSON (cached under the series' version: activities.trends).
        return HttpResponse(trends.series_trends_body(series.pk), content_type="application/json")
