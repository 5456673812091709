from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.urls import include, path, reverse_lazy
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from core import health, metrics


class SwaggerView(SpectacularSwaggerView):
    """The Swagger UI page. Its renderer is an HTML template that DRF's OPTIONS answer (data,
    no template) cannot use: OPTIONS says what is allowed and nothing more."""

    def options(self, request: Any, *args: Any, **kwargs: Any) -> HttpResponse:  # type: ignore[override]
        # A plain HttpResponse: a DRF Response would go through the page's HTML template renderer.
        return HttpResponse(status=200, headers={"Allow": "GET, HEAD, OPTIONS"})


# The admin's "View site" link: Caja's page for people (the site's root "/" is no page).
admin.site.site_url = reverse_lazy("live:join-start")  # type: ignore[assignment]


def _sso_view(name: str) -> Callable[..., HttpResponse]:
    """The single sign-on view ``name`` of core.sso_views, imported at its first request: the
    OpenID Connect stack (mozilla-django-oidc, requests, cryptography) is ~9 MB a worker does not
    need to serve polls, votes and the organizer API (make bench: <= 80 MB per worker)."""

    def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        from core import sso_views

        target: Any = getattr(sso_views, name)
        if hasattr(target, "as_view"):
            target = target.as_view()  # a class-based view
        response: HttpResponse = target(request, *args, **kwargs)
        return response

    return view


urlpatterns = [
    path("health", health.health, name="health"),
    path("health/", health.health),
    path("health/ready", health.ready, name="health-ready"),
    path("health/ready/", health.ready),
    path("api/schema", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs", SwaggerView.as_view(url_name="schema"), name="swagger-ui"),
    path("api/redoc", SpectacularRedocView.as_view(url_name="schema"), name="redoc"),
    # The polling endpoints first: they are most of the traffic, and URL resolution is linear.
    # (Polls and votes reach the lean handler and its own URLconf, caja.hot_urls, in production.)
    path("api/v1/", include("live.api_urls")),
    path("api/v1/", include("caja.auth_urls")),
    path("api/v1/", include("sessions_app.urls")),
    path("api/v1/", include("participants.urls")),
    path("api/v1/", include("activities.urls")),
    # The admin's login page gains "Sign in with <provider>" when single sign-on is on (core/sso_views.py).
    path("admin/login/", _sso_view("admin_login")),
    path("admin/", admin.site.urls),
    # Single sign-on over OpenID Connect: 404 unless OIDC_ISSUER is set. No request transaction:
    # they wait on the identity provider and write only at the end (docs/sso.md).
    path("oidc/login", transaction.non_atomic_requests(_sso_view("SsoLoginView")), name="oidc-login"),
    path(
        "oidc/callback", transaction.non_atomic_requests(_sso_view("SsoCallbackView")), name="oidc-callback"
    ),
    # Prometheus scrape endpoint: 404 unless METRICS_ENABLED, bearer METRICS_TOKEN (caja/metrics.py).
    path("metrics", metrics.metrics_view, name="metrics"),
    # The phone page's language switcher (set_language: a POST that stores the choice in a cookie).
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("live.urls")),
]


def media_serve(request: HttpRequest, path: str) -> HttpResponseBase:
    """Uploaded images when Django serves them (MEDIA_SERVE: make run): names are content-addressed
    (activities.images), so a year of immutable caching, as nginx says in the shipped stack."""
    from django.http import Http404
    from django.views.static import serve

    if not settings.MEDIA_SERVE:  # read per request: a test (or a deployment) may switch it
        raise Http404("Media are served by the web server.")
    response: HttpResponseBase = serve(request, path, document_root=str(settings.MEDIA_ROOT))
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    return response


if not settings.MEDIA_URL.startswith(("http://", "https://")):
    urlpatterns.insert(
        0, path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", media_serve, name="media-file")
    )

if getattr(settings, "CAJA_BENCH_CEILING", False):
    from core import benchviews

    urlpatterns.insert(0, path("bench/constant/<int:size>", benchviews.constant))
