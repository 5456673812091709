"""GET /api/v1/series/{sid}/trends (contract v1.2), from stored summaries: the whole series for its
owner; for a member of some of its sessions, only the trends those sessions' results carry."""

from __future__ import annotations

import json
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
        series, sessions = session_selectors.series_trends_scope_for(request.user, series_id)
        # Summaries whose responses changed after a kick's purge (rare) are recomputed first.
        services.summaries_refresh_stale(series_id=series.pk)
        if sessions is not None:  # a member of some of its sessions, not the series' owner
            body = json.dumps(trends.series_trends_of_sessions(series.pk, sessions), ensure_ascii=False)
            return HttpResponse(body, content_type="application/json")
        # Bytes already JSON (cached under the series' version: activities.trends).
        return HttpResponse(trends.series_trends_body(series.pk), content_type="application/json")
