"""The activities app's API views, by concern: the organizer's activities (``activities``),
session-level endpoints (``sessions``), answers through DRF (``answers``) and the vote fast path
(``votes``)."""

from __future__ import annotations

from .activities import (
    ActivityDetailView,
    ActivityListCreateView,
    ActivityResetView,
    ActivityResultsView,
    ActivityRevealView,
    ActivityStatusChangeView,
    HiddenWordDetailView,
    HiddenWordsView,
)
from .answers import MyResponseView, ResponseDetailView, ResponsesSinceView, ResponsesView
from .selfpaced import ActivityStartView, MyProgressView
from .series import SeriesTrendsView
from .sessions import LeaderboardView, SessionRehearsalEndView, SessionRehearseView, SessionResultsView
from .votes import responses_view

__all__ = [
    "ActivityDetailView",
    "ActivityListCreateView",
    "ActivityResetView",
    "ActivityResultsView",
    "ActivityRevealView",
    "ActivityStartView",
    "ActivityStatusChangeView",
    "HiddenWordDetailView",
    "HiddenWordsView",
    "LeaderboardView",
    "MyProgressView",
    "MyResponseView",
    "ResponseDetailView",
    "ResponsesSinceView",
    "ResponsesView",
    "SessionRehearsalEndView",
    "SessionRehearseView",
    "SeriesTrendsView",
    "SessionResultsView",
    "responses_view",
]
