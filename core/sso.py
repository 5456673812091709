"""Single sign-on for organizers over OpenID Connect (contract v1.2, "Sessions are run by a team";
docs/sso.md).

On mozilla-django-oidc: its request view builds the authorization request (state, nonce and a PKCE
S256 challenge kept in the session), its backend exchanges the code (with the PKCE verifier) and
verifies the ID token's RS256 signature against the provider's JWKS and its nonce. What we add:

- discovery: the endpoints come from ``<OIDC_ISSUER>/.well-known/openid-configuration``, fetched
  on first use and kept for the process (a failed fetch is not kept: the next sign-in tries again);
- the ID token's issuer, audience and expiry are checked too (the library checks none of them);
- a callback that turns every failure into a clear page (400 an expired, replayed or unverifiable
  answer, 403 a refused person, 502 a provider that does not answer), with nothing written;
- who becomes an organizer: a verified email, in an allowed domain and/or with the required group,
  checked at every sign-in; one who no longer qualifies is deactivated (``SsoIdentity``);
- break glass: with ``OIDC_HIDE_PASSWORD_LOGIN`` password sign-in is for superusers only.

Sign-in goes through ``django.contrib.auth.login``, so ``user_logged_in`` fires (invitations bind
on it).
"""

from __future__ import annotations

import logging
import re
from typing import Any

import jwt
import requests
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from core.models import SsoIdentity

logger = logging.getLogger("caja.sso")

BACKEND = "core.sso.OIDCBackend"
DISCOVERED = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
}
REQUIRED_ENDPOINTS = ("authorization_endpoint", "token_endpoint", "jwks_uri")
USERNAME_UNSAFE = re.compile(r"[^\w.@+-]")


# --- failures ---------------------------------------------------------------------------------
class SsoError(Exception):
    """A sign-in that cannot go on; shown as a page with ``status``."""

    status = 400

    def __init__(self, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail  # for the log only


class ProviderUnavailable(SsoError):
    status = 502


class InvalidAnswer(SsoError):
    status = 400


class SignInRefused(SsoError):
    status = 403


def enabled() -> bool:
    return bool(settings.OIDC_ISSUER)


def password_login_reserved() -> bool:
    """Password sign-in is for superusers only (break glass)."""
    return enabled() and bool(settings.OIDC_HIDE_PASSWORD_LOGIN)


# --- discovery --------------------------------------------------------------------------------
_discovered: dict[str, dict[str, Any]] = {}


def provider_config() -> dict[str, Any]:
    """The issuer's discovery document, fetched once per process (only a good one is kept)."""
    issuer = settings.OIDC_ISSUER.rstrip("/")
    config = _discovered.get(issuer)
    if config is not None:
        return config
    url = f"{issuer}/.well-known/openid-configuration"
    unavailable = _(
        "The identity provider does not answer. Try again in a moment, or tell your administrator."
    )
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT)
        response.raise_for_status()
        config = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise ProviderUnavailable(unavailable, f"discovery {url}: {exc}") from exc
    misconfigured = _(
        "The identity provider's configuration does not fit Caja's settings. Tell your administrator."
    )
    if not isinstance(config, dict) or str(config.get("issuer", "")).rstrip("/") != issuer:
        raise ProviderUnavailable(misconfigured, f"discovery {url}: issuer is not {issuer}")
    missing = [name for name in REQUIRED_ENDPOINTS if not isinstance(config.get(name), str)]
    if missing:
        raise ProviderUnavailable(misconfigured, f"discovery {url}: no {', '.join(missing)}")
    _discovered[issuer] = config
    return config


def forget_provider_config() -> None:
    """Fetch the discovery document again on next use (tests; a provider that moved)."""
    _discovered.clear()


def _setting(attr: str, *default: Any) -> Any:
    if attr in DISCOVERED:
        return provider_config().get(DISCOVERED[attr], *default)
    if default:
        return getattr(settings, attr, default[0])
    return getattr(settings, attr)


# --- who may be an organizer --------------------------------------------------------------------
def _email_verified(claims: dict[str, Any]) -> bool:
    value = claims.get("email_verified")
    return value is True or (isinstance(value, str) and value.lower() == "true")


def refusal(claims: dict[str, Any]) -> str | None:
    """Why these claims do not make an organizer, or None when they do."""
    email = claims.get("email")
    if not isinstance(email, str) or "@" not in email or not _email_verified(claims):
        return _("Your identity provider did not confirm your email address, so Caja cannot sign you in.")
    domains = settings.OIDC_ALLOWED_EMAIL_DOMAINS
    if domains and email.rsplit("@", 1)[1].lower() not in domains:
        return _("Organizers sign in with an email address of an allowed domain, and yours is not one.")
    group = settings.OIDC_REQUIRED_GROUP
    if group:
        value = claims.get(settings.OIDC_GROUPS_CLAIM)
        groups = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        if group not in groups:
            return _(
                "Organizers are members of the group %(group)s at your identity provider, and you are not."
            ) % {"group": group}
    return None


def _free_username(claims: dict[str, Any]) -> str:
    user_model = get_user_model()
    wanted = claims.get("preferred_username") or claims["email"]
    base = USERNAME_UNSAFE.sub("", str(wanted))[:140] or "organizer"
    candidate, n = base, 2
    while user_model.objects.filter(username__iexact=candidate).exists():
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def _existing_organizer(email: str) -> Any:
    """The one active organizer with this email and no identity yet, whom a first sign-in takes
    over; never a superuser (their password is the break glass)."""
    matches = list(
        get_user_model()
        .objects.filter(
            email__iexact=email, is_active=True, is_staff=True, is_superuser=False, sso_identity__isnull=True
        )
        .order_by("pk")[:2]
    )
    return matches[0] if len(matches) == 1 else None


def organizer_for(issuer: str, claims: dict[str, Any]) -> Any:
    """The organizer these verified claims sign in as: created on the first sign-in, deactivated
    when they no longer qualify. Raises SignInRefused (after committing a deactivation)."""
    subject = str(claims["sub"])
    reason = refusal(claims)
    with transaction.atomic():
        identity = (
            SsoIdentity.objects.select_for_update()
            .select_related("user")
            .filter(issuer=issuer, subject=subject)
            .first()
        )
        if identity is None:
            if reason:
                raise SignInRefused(reason, f"first sign-in of {subject} refused")
            user = _existing_organizer(claims["email"])
            if user is None:
                user = get_user_model().objects.create_user(
                    username=_free_username(claims), email=claims["email"], is_staff=True
                )
                # No password: this organizer signs in through the provider.
                logger.info("sso: organizer %s created for %s", user.username, subject)
            identity = SsoIdentity(user=user, issuer=issuer, subject=subject)
        user = identity.user
        if reason:
            if user.is_active:
                user.is_active = False
                user.save(update_fields=["is_active"])
                identity.deactivated_by_sso = True
                identity.save()
                logger.warning("sso: organizer %s deactivated: no longer qualifies", user.username)
        elif not user.is_active and not identity.deactivated_by_sso:
            reason = _("Your Caja account has been deactivated by an administrator.")
        else:
            user.is_active = True
            if claims.get("email") and user.email != claims["email"]:
                user.email = claims["email"]
            user.save(update_fields=["is_active", "email"])
            identity.deactivated_by_sso = False
            identity.last_sign_in_at = timezone.now()
            identity.save()
    if reason:
        raise SignInRefused(reason, f"sign-in of {subject} refused")
    return user


# --- authentication backends --------------------------------------------------------------------
class PasswordBackend(ModelBackend):
    """Django's username and password sign-in (admin, JWT). With OIDC_HIDE_PASSWORD_LOGIN it takes
    superusers only: the break glass when the provider is down or misconfigured."""

    def user_can_authenticate(self, user: Any) -> bool:
        if not super().user_can_authenticate(user):
            return False
        return bool(user.is_superuser) or not password_login_reserved()


class OIDCBackend(OIDCAuthenticationBackend):
    """The authorization code's sign-in, called by the callback through ``auth.authenticate``."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # The library reads every setting here; we read them when a sign-in happens (the
        # endpoints need discovery, which must not run when Django loads the backend for a session).
        self.UserModel = get_user_model()

    def get_settings(self, attr: str, *args: Any) -> Any:
        return _setting(attr, *args)

    def get_user(self, user_id: Any) -> Any:
        return ModelBackend.get_user(self, user_id)  # only an active user

    def _verify_jws(self, payload: Any, key: Any) -> Any:
        """The signature (RS256 only), and also the issuer, the audience and the expiry."""
        try:
            if jwt.get_unverified_header(payload).get("alg") != self.OIDC_RP_SIGN_ALGO:
                raise SuspiciousOperation("unexpected alg")
            return jwt.decode(
                payload,
                key,
                algorithms=[self.OIDC_RP_SIGN_ALGO],
                audience=self.OIDC_RP_CLIENT_ID,
                issuer=provider_config()["issuer"],
                options={"require": ["exp", "iat", "iss", "aud", "sub"]},
                leeway=60,
            )
        except jwt.InvalidTokenError as exc:
            raise SuspiciousOperation(f"ID token: {exc}") from exc

    def authenticate(
        self,
        request: HttpRequest | None,
        nonce: str | None = None,
        code_verifier: str | None = None,
        **kwargs: Any,
    ) -> Any:
        code = request.GET.get("code") if request is not None else None
        if request is None or not enabled() or not nonce or not code:
            return None  # not ours: a password sign-in
        self.request = request
        super().__init__()  # the library's settings, endpoints from discovery
        unverifiable = _("The identity provider's answer could not be verified. Start the sign-in again.")
        try:
            tokens = self.get_token(
                {
                    "client_id": self.OIDC_RP_CLIENT_ID,
                    "client_secret": self.OIDC_RP_CLIENT_SECRET,
                    "grant_type": "authorization_code",
                    "code": code,
                    "redirect_uri": request.build_absolute_uri(
                        reverse(settings.OIDC_AUTHENTICATION_CALLBACK_URL)
                    ),
                    "code_verifier": code_verifier,
                }
            )
            id_token = tokens.get("id_token")
            if not isinstance(id_token, str):
                raise SuspiciousOperation("no ID token")
            payload = self.verify_token(id_token, nonce=nonce)
            claims = dict(payload)
            access_token = tokens.get("access_token")
            if self.OIDC_OP_USER_ENDPOINT and access_token:
                userinfo = self.get_userinfo(access_token, id_token, payload)
                if not isinstance(userinfo, dict) or userinfo.get("sub") != payload.get("sub"):
                    raise SuspiciousOperation("userinfo is about someone else")
                claims.update(userinfo)
        except requests.HTTPError as exc:
            status = exc.response.status_code if exc.response is not None else 502
            if status >= 500:
                raise ProviderUnavailable(
                    _("The identity provider does not answer. Try again in a moment."), str(exc)
                ) from exc
            # 400 invalid_grant: a code that expired or was already used, or the wrong verifier.
            raise InvalidAnswer(unverifiable, str(exc)) from exc
        except requests.RequestException as exc:
            raise ProviderUnavailable(
                _("The identity provider does not answer. Try again in a moment."), str(exc)
            ) from exc
        except (SuspiciousOperation, jwt.PyJWTError, KeyError, TypeError, ValueError) as exc:
            raise InvalidAnswer(unverifiable, f"{type(exc).__name__}: {exc}") from exc
        return organizer_for(payload["iss"], claims)
