"""The single sign-on views: the "Sign in with <provider>" redirect, the provider's callback, the
admin login page with the button, and the error page (the rules are in core.sso)."""

from __future__ import annotations

import logging
import time
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin, auth
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views import View
from mozilla_django_oidc.views import OIDCAuthenticationRequestView

from core.sso import (
    BACKEND,
    InvalidAnswer,
    SignInRefused,
    SsoError,
    _setting,
    enabled,
    provider_config,
)

logger = logging.getLogger("caja.sso")


def error_page(request: HttpRequest, error: SsoError) -> HttpResponse:
    logger.warning("sso: %s (%s): %s", type(error).__name__, error.status, error.detail or error.message)
    context = {
        **admin.site.each_context(request),
        "title": _("Sign-in failed"),
        "message": error.message,
        "login_url": reverse("admin:login"),
    }
    return render(request, "admin/sso_error.html", context, status=error.status)


class SsoLoginView(OIDCAuthenticationRequestView):
    """GET /oidc/login?next=...: off to the provider, with state, nonce and a PKCE challenge."""

    def __init__(self, **kwargs: Any) -> None:
        View.__init__(self, **kwargs)  # the library reads its settings here; we read them in get()

    def get_settings(self, attr: str, *args: Any) -> Any:
        return _setting(attr, *args)

    def get(self, request: HttpRequest) -> HttpResponse:
        if not enabled():
            raise Http404
        try:
            self.OIDC_OP_AUTH_ENDPOINT = provider_config()["authorization_endpoint"]
        except SsoError as exc:
            return error_page(request, exc)
        self.OIDC_RP_CLIENT_ID = settings.OIDC_RP_CLIENT_ID
        return super().get(request)


class SsoCallbackView(View):
    """GET /oidc/callback?code&state: the provider's answer. The state is used up whatever
    happens next (a replay finds nothing); every failure is a page, never a 500."""

    http_method_names = ["get"]

    def get(self, request: HttpRequest) -> HttpResponse:
        if not enabled():
            raise Http404
        states = request.session.get("oidc_states")
        state = request.GET.get("state", "")
        entry = states.pop(state, None) if isinstance(states, dict) and state else None
        if entry is not None:
            request.session.modified = True
            request.session.save()
        expired = InvalidAnswer(
            _("This sign-in has expired or was already used. Start the sign-in again."), f"state {state[:8]}…"
        )
        if entry is None or time.time() - float(entry.get("added_on", 0)) > settings.OIDC_STATE_MAX_AGE:
            return error_page(request, expired)
        if request.GET.get("error"):
            error = SignInRefused(
                _("The identity provider did not sign you in (%(error)s).")
                % {"error": request.GET["error"][:100]}
            )
            return error_page(request, error)
        try:
            issuer = provider_config()["issuer"]
            # RFC 9207: a provider that names itself in the answer must be ours (mix-up attacks).
            if "iss" in request.GET and request.GET["iss"] != issuer:
                raise InvalidAnswer(
                    _("The identity provider's answer could not be verified. Start the sign-in again."),
                    f"iss {request.GET['iss'][:100]}",
                )
            user = auth.authenticate(
                request, nonce=entry.get("nonce"), code_verifier=entry.get("code_verifier")
            )
        except SsoError as exc:
            return error_page(request, exc)
        if user is None:
            return error_page(request, expired)
        auth.login(request, user, backend=BACKEND)  # sends user_logged_in
        next_url = request.session.pop("oidc_login_next", None)
        if not next_url or not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = reverse("admin:index")
        return HttpResponseRedirect(next_url)


def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin's login page, with "Sign in with <provider>" when SSO is on. With
    OIDC_HIDE_PASSWORD_LOGIN the password form shows only at ?password=1 (break glass, superusers:
    PasswordBackend refuses everyone else wherever the form is posted from)."""
    extra: dict[str, Any] = {}
    if enabled():
        next_url = (
            request.GET.get(auth.REDIRECT_FIELD_NAME) or request.POST.get(auth.REDIRECT_FIELD_NAME) or ""
        )
        login_url = reverse("oidc-login")
        if next_url:
            login_url += "?" + urlencode({"next": next_url})
        hidden = bool(settings.OIDC_HIDE_PASSWORD_LOGIN)
        extra["sso"] = {
            "button": _("Sign in with %(provider)s") % {"provider": settings.OIDC_BUTTON_NAME},
            "url": login_url,
            "show_password": not hidden or "password" in request.GET or request.method == "POST",
            "break_glass": hidden,
        }
    return admin.site.login(request, extra_context=extra)
