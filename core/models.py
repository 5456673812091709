"""The one model of the ground floor: an organizer's API key (contract v1.2, "API keys").

Built on djangorestframework-api-key's abstract key: a random ``prefix.secret`` shown once, stored
as a SHA-512 hash (keys are high-entropy, so a slow password hasher would only cost CPU), looked up
by its prefix. A request with ``Authorization: Api-Key <key>`` acts as the key's user."""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from rest_framework_api_key.models import AbstractAPIKey, APIKeyManager


class OrganizerApiKeyManager(APIKeyManager):
    def get_usable_keys(self) -> models.QuerySet[OrganizerApiKey]:
        # The key's user comes along: authentication checks that it is still active.
        return super().get_usable_keys().select_related("user")


class OrganizerApiKey(AbstractAPIKey):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys")
    # Written at most once a minute per key (core.api_keys.api_key_touch), never per request.
    last_used_at = models.DateTimeField(null=True, blank=True)

    objects: ClassVar[OrganizerApiKeyManager] = OrganizerApiKeyManager()

    class Meta(AbstractAPIKey.Meta):
        verbose_name = "API key"
        verbose_name_plural = "API keys"
        indexes = [models.Index(fields=["user", "revoked"], name="core_apikey_user_revoked")]
