from __future__ import annotations

from django.urls import path
from django.views.generic import RedirectView

from . import pages

app_name = "live"

urlpatterns = [
    # The bare address (what people type from the slide) goes to the join page, not a 404.
    path("", RedirectView.as_view(pattern_name="live:join-start", permanent=False)),
    path("join", pages.join_start, name="join-start"),
    path("join/", pages.join_start),
    path("join/<str:code>", pages.join, name="join"),
    path("present/<uuid:session_id>", pages.present, name="present"),
    path("present/<uuid:session_id>/moderate", pages.moderate, name="moderate"),
    path("jsi18n/<str:language>.js", pages.js_catalog, name="js-catalog"),
]
