from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec

from django.urls import path

from core.hot_routes import WRITES, HotRoute

from . import views
from .types import TYPE_PACKAGES
from .views import media as media_views

# Endpoints a type package brings (its urls.py, e.g. the Q&A's questions): found through the one
# list of types, so adding a type with endpoints still touches nothing here.
TYPE_URLS = [
    pattern
    for key in TYPE_PACKAGES
    if find_spec(f"activities.types.{key}.urls") is not None
    for pattern in import_module(f"activities.types.{key}.urls").urlpatterns
]

A = "sessions/<uuid:session_id>/activities/<uuid:activity_id>"

# The votes (POST; GET is the organizer's list): a hot path (caja.hot_urls), declared here once.
hot_routes = [HotRoute(f"{A}/responses", views.responses_view, "response-list", WRITES)]

urlpatterns = [
    *(route.pattern() for route in hot_routes),
    path(
        "sessions/<uuid:session_id>/activities", views.ActivityListCreateView.as_view(), name="activity-list"
    ),
    path(A, views.ActivityDetailView.as_view(), name="activity-detail"),
    path(f"{A}/reveal", views.ActivityRevealView.as_view(), name="activity-reveal"),
    path(f"{A}/reset", views.ActivityResetView.as_view(), name="activity-reset"),
    path(f"{A}/results", views.ActivityResultsView.as_view(), name="activity-results"),
    path(f"{A}/start", views.ActivityStartView.as_view(), name="activity-start"),
    path("sessions/<uuid:session_id>/me/progress", views.MyProgressView.as_view(), name="me-progress"),
    path(f"{A}/responses/mine", views.MyResponseView.as_view(), name="response-mine"),
    path(f"{A}/responses/<uuid:response_id>", views.ResponseDetailView.as_view(), name="response-detail"),
    path(f"{A}/responses/since/<path:timestamp>", views.ResponsesSinceView.as_view(), name="response-since"),
    path(f"{A}/hidden-words", views.HiddenWordsView.as_view(), name="hidden-words"),
    path(f"{A}/hidden-words/<str:text>", views.HiddenWordDetailView.as_view(), name="hidden-word-detail"),
    path(
        "activities/<uuid:activity_id>/status",
        views.ActivityStatusChangeView.as_view(),
        name="activity-status-change",
    ),
    path("sessions/<uuid:session_id>/results", views.SessionResultsView.as_view(), name="session-results"),
    path("sessions/<uuid:session_id>/rehearse", views.SessionRehearseView.as_view(), name="session-rehearse"),
    path(
        "sessions/<uuid:session_id>/end-rehearsal",
        views.SessionRehearsalEndView.as_view(),
        name="session-end-rehearsal",
    ),
    path(
        "sessions/<uuid:session_id>/leaderboard", views.LeaderboardView.as_view(), name="session-leaderboard"
    ),
    path("sessions/<uuid:session_id>/media", media_views.MediaListCreateView.as_view(), name="media-list"),
    path(
        "sessions/<uuid:session_id>/media/<uuid:media_id>",
        media_views.MediaDetailView.as_view(),
        name="media-detail",
    ),
    path("series/<uuid:series_id>/trends", views.SeriesTrendsView.as_view(), name="series-trends"),
    path("sessions/<uuid:session_id>/deck", media_views.DeckImportView.as_view(), name="deck-import"),
    *TYPE_URLS,
]
