"""The models of the ground floor: an organizer's API key (contract v1.2, "API keys") and single
sign-on identities (core.sso).

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


class SsoIdentity(models.Model):
    """The organizer an OpenID Connect identity (issuer + subject) signs in as (core.sso).

    The subject, not the email, is the provider's stable name for a person. ``deactivated_by_sso``
    marks an organizer that sign-in deactivated because they no longer qualified (allowed domain,
    required group): a later sign-in that qualifies again reactivates them, while an organizer an
    administrator deactivated stays deactivated."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="sso_identity"
    )
    issuer = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    created_at = models.DateTimeField(auto_now_add=True)
    last_sign_in_at = models.DateTimeField(null=True, blank=True)
    deactivated_by_sso = models.BooleanField(default=False)

    class Meta:
        verbose_name = "single sign-on identity"
        verbose_name_plural = "single sign-on identities"
        constraints = [
            models.UniqueConstraint(fields=["issuer", "subject"], name="core_ssoidentity_issuer_subject")
        ]

    def __str__(self) -> str:
        return f"{self.subject} at {self.issuer}"
