from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("sessions/<uuid:session_id>/state", views.state_view, name="session-state"),
    path("sessions/<uuid:session_id>/status", views.session_status_view, name="session-status"),
    path(
        "sessions/<uuid:session_id>/activities/<uuid:activity_id>/status",
        views.activity_status_view,
        name="activity-status",
    ),
    path("sessions/<uuid:session_id>/heartbeat", views.heartbeat_view, name="session-heartbeat"),
    path("sessions/<uuid:session_id>/reactions", views.reactions_view, name="session-reactions"),
    path("sessions/<uuid:session_id>/next", views.SessionNextView.as_view(), name="session-next"),
]
