from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from caja import health

urlpatterns = [
    path("health", health.health, name="health"),
    path("health/", health.health),
    path("health/ready", health.ready, name="health-ready"),
    path("health/ready/", health.ready),
    path("api/schema", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs", SpectacularSwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
    path("api/v1/", include("caja.auth_urls")),
    path("api/v1/", include("sessions_app.urls")),
    path("api/v1/", include("participants.urls")),
    path("api/v1/", include("activities.urls")),
    path("api/v1/", include("live.api_urls")),
    path("admin/", admin.site.urls),
    path("", include("live.urls")),
]
