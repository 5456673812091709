from __future__ import annotations

from django.urls import path

from core.hot_routes import READS, WRITES, HotRoute

from . import views

S = "sessions/<uuid:session_id>"

# The polls and the phone's own writes: the hot paths (caja.hot_urls), declared here once.
hot_routes = [
    HotRoute(f"{S}/state", views.state_view, "session-state", READS),
    HotRoute(f"{S}/status", views.session_status_view, "session-status", READS),
    HotRoute(
        f"{S}/activities/<uuid:activity_id>/status", views.activity_status_view, "activity-status", READS
    ),
    HotRoute(f"{S}/heartbeat", views.heartbeat_view, "session-heartbeat", WRITES),
    HotRoute(f"{S}/reactions", views.reactions_view, "session-reactions", WRITES),
]

urlpatterns = [
    *(route.pattern() for route in hot_routes),
    path(f"{S}/next", views.SessionNextView.as_view(), name="session-next"),
    path(f"{S}/previous", views.SessionPreviousView.as_view(), name="session-previous"),
]
