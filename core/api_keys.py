"""Organizer API keys: create, list, revoke, and the authentication a request with one uses.

Revocation takes effect at once on every worker because nothing about a key is cached: each
request that presents one reads it (by its indexed prefix) from the database, which every worker
shares. Organizer endpoints are not the hot paths, so that read is cheap enough."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.request import Request

from core.errors import NotFound
from core.models import OrganizerApiKey

KEYWORD = "Api-Key"
# last_used_at is kept to the minute: one UPDATE per key and minute, not one per request.
TOUCH_EVERY = timedelta(minutes=1)


def api_keys_for(user: Any) -> QuerySet[OrganizerApiKey]:
    """The caller's keys that still work, newest first."""
    return OrganizerApiKey.objects.filter(user=user, revoked=False).order_by("-created", "-pk")


@transaction.atomic
def api_key_create(*, user: Any, name: str) -> tuple[OrganizerApiKey, str]:
    """A new key for ``user``; the plain key is returned here and never again."""
    key_obj, key = OrganizerApiKey.objects.create_key(user=user, name=name)
    return cast(OrganizerApiKey, key_obj), key


@transaction.atomic
def api_key_revoke(*, user: Any, key_id: str) -> None:
    """Revoke one of ``user``'s keys by its id (the key's public prefix): a conditional UPDATE, so
    a second revoke is a 404 like an unknown id (someone else's key is unknown too)."""
    revoked = OrganizerApiKey.objects.filter(prefix=key_id, user=user, revoked=False).update(revoked=True)
    if not revoked:
        raise NotFound(gettext("No such API key."))


def api_key_touch(*, key: OrganizerApiKey, now: Any = None) -> None:
    """Record the key's use, at most once a minute (the condition is in the UPDATE, so workers
    racing on one key write once)."""
    now = now or timezone.now()
    if key.last_used_at is not None and now - key.last_used_at < TOUCH_EVERY:
        return
    OrganizerApiKey.objects.filter(pk=key.pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - TOUCH_EVERY)
    ).update(last_used_at=now)
    key.last_used_at = now


class ApiKeyAuthentication(BaseAuthentication):
    """``Authorization: Api-Key <key>``: the key's user, when the key is not revoked and the user
    is still active. Any other Authorization scheme is left to the other authenticators."""

    def authenticate(self, request: Request) -> tuple[Any, OrganizerApiKey] | None:
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(
                gettext("Send the API key as 'Authorization: Api-Key <key>'.")
            )
        try:
            raw = parts[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(gettext("This API key is not valid.")) from None
        try:
            key = cast(OrganizerApiKey, OrganizerApiKey.objects.get_from_key(raw))
        except OrganizerApiKey.DoesNotExist:
            raise exceptions.AuthenticationFailed(gettext("This API key is not valid.")) from None
        if not key.user.is_active:
            raise exceptions.AuthenticationFailed(gettext("This API key's user is deactivated."))
        api_key_touch(key=key)
        return key.user, key

    def authenticate_header(self, request: Request) -> str:
        return KEYWORD


class ApiKeyScheme(OpenApiAuthenticationExtension):
    """How the OpenAPI document names the scheme: an ``Authorization: Api-Key <key>`` header."""

    target_class = ApiKeyAuthentication
    name = "apiKey"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "An organizer's API key: `Authorization: Api-Key <key>` (POST /api/v1/auth/keys).",
        }
