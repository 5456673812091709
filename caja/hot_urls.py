"""The URLconf of the lean handler (caja.wsgi): only the hot paths, so resolving them is a short
walk instead of the whole site's. The same views as in caja.urls, under the same names."""

from __future__ import annotations

from django.urls import path

from activities.views import responses_view
from live.views import activity_status_view, heartbeat_view, session_status_view, state_view

S = "api/v1/sessions/<uuid:session_id>"

urlpatterns = [
    path(f"{S}/state", state_view),
    path(f"{S}/activities/<uuid:activity_id>/responses", responses_view),
    path(f"{S}/status", session_status_view),
    path(f"{S}/activities/<uuid:activity_id>/status", activity_status_view),
    path(f"{S}/heartbeat", heartbeat_view),
]
