from __future__ import annotations

from django.urls import path

from . import series_views, team_views, views

urlpatterns = [
    path("sessions", views.SessionListCreateView.as_view(), name="session-list"),
    path("sessions/<uuid:session_id>", views.SessionDetailView.as_view(), name="session-detail"),
    path("sessions/<uuid:session_id>/qr.png", views.SessionQrView.as_view(), name="session-qr-png"),
    path("sessions/<uuid:session_id>/qr.svg", views.SessionQrSvgView.as_view(), name="session-qr-svg"),
    path("join/<str:join_code>", views.JoinLookupView.as_view(), name="join-lookup"),
    # the team (contract v1.2)
    path("sessions/<uuid:session_id>/members", team_views.MembersView.as_view(), name="session-members"),
    path(
        "sessions/<uuid:session_id>/members/<int:user_id>",
        team_views.MemberDetailView.as_view(),
        name="session-member-detail",
    ),
    path(
        "sessions/<uuid:session_id>/invitations/<str:email>",
        team_views.InvitationDetailView.as_view(),
        name="session-invitation-detail",
    ),
    path("sessions/<uuid:session_id>/transfer", team_views.TransferView.as_view(), name="session-transfer"),
    path("sessions/<uuid:session_id>/audit", team_views.AuditView.as_view(), name="session-audit"),
    # series (contract v1.2; the trends are activities.urls')
    path("series", series_views.SeriesListCreateView.as_view(), name="series-list"),
    path("series/<uuid:series_id>", series_views.SeriesDetailView.as_view(), name="series-detail"),
]
