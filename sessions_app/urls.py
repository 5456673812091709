from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path("sessions", views.SessionListCreateView.as_view(), name="session-list"),
    path("sessions/<uuid:session_id>", views.SessionDetailView.as_view(), name="session-detail"),
    path("sessions/<uuid:session_id>/qr.png", views.SessionQrView.as_view(), name="session-qr-png"),
    path("sessions/<uuid:session_id>/qr.svg", views.SessionQrSvgView.as_view(), name="session-qr-svg"),
    path("join/<str:join_code>", views.JoinLookupView.as_view(), name="join-lookup"),
]
