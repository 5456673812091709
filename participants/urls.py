from __future__ import annotations

from django.urls import path

from . import views

urlpatterns = [
    path(
        "sessions/<uuid:session_id>/participants",
        views.SessionParticipantsView.as_view(),
        name="participant-list",
    ),
    path(
        "sessions/<uuid:session_id>/participants/<uuid:participant_id>",
        views.ParticipantDetailView.as_view(),
        name="participant-detail",
    ),
    path("join", views.JoinByCodeView.as_view(), name="join"),
    path("me", views.MeView.as_view(), name="me"),
]
