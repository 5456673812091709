"""The URLconf of the lean handler (caja.wsgi): only the hot paths, so resolving them is a short
walk instead of the whole site's. The same views as in caja.urls, under the same names."""

from __future__ import annotations

from django.urls import path

from activities.views import responses_view
from live.views import activity_status_view, heartbeat_view, reactions_view, session_status_view, state_view

S = "api/v1/sessions/<uuid:session_id>"

# The names matter: core.metrics recognizes polls and answers by URL name (a nameless route here
# once left every vote served by the lean handler out of caja_answers_total).
urlpatterns = [
    path(f"{S}/state", state_view, name="session-state"),
    path(f"{S}/activities/<uuid:activity_id>/responses", responses_view, name="response-list"),
    path(f"{S}/status", session_status_view, name="session-status"),
    path(f"{S}/activities/<uuid:activity_id>/status", activity_status_view, name="activity-status"),
    path(f"{S}/heartbeat", heartbeat_view, name="session-heartbeat"),
    path(f"{S}/reactions", reactions_view, name="session-reactions"),
]
