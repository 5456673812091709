from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class SessionStatus(models.TextChoices):
    # Labels are shown on the presenter screen, in the session's language.
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")


# Unambiguous alphabet: no 0/O/1/I/L, so a code read off a projector is typed right.
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 6
# The API's length limits (docs/api.md), defined once: services, serializers, forms and
# definitions import them.
NAME_MAX = 255
DESCRIPTION_MAX = 1000
# The languages the pages speak (settings.LANGUAGES): the presenter screen's is the session's.
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


class Session(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=NAME_MAX)
    # Optional: the API accepts and returns null for "no description"; ""
    # when created without one. Two empty values on purpose, hence the noqa.
    description = models.TextField(  # noqa: DJ001
        blank=True, null=True, default="", max_length=DESCRIPTION_MAX
    )
    status = models.CharField(max_length=16, choices=SessionStatus.choices, default=SessionStatus.DRAFT)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="caja_sessions"
    )
    join_code = models.CharField(max_length=JOIN_CODE_LENGTH, editable=False)
    # Points up to a higher layer, so by string only (see architecture.md, "Imports flow one way").
    current_activity = models.ForeignKey(
        "activities.Activity",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    # A rehearsal: live like the real thing, then wiped back to a draft with the same join code
    # (activities.services.session_rehearsal_end); never exported.
    rehearsal = models.BooleanField(default=False, db_default=False, editable=False)
    # What the presenter screen is shown in (the phones follow each participant's own choice).
    language = models.CharField(
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
        db_default="en",
        help_text=_("Presenter screen language."),
    )
    started_at = models.DateTimeField(null=True, blank=True, editable=False)
    completed_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(status__in=SessionStatus.values), name="session_status_valid"),
            models.CheckConstraint(condition=Q(language__in=LANGUAGE_CODES), name="session_language_valid"),
            # A code is reusable once its session is over; never two open sessions with one code.
            models.UniqueConstraint(
                fields=["join_code"],
                condition=~Q(status=SessionStatus.COMPLETED),
                name="session_join_code_unique_open",
            ),
        ]
        indexes = [models.Index(fields=["owner", "-created_at"], name="session_owner_created")]

    def __str__(self) -> str:
        return f"{self.name} ({self.join_code})"

    @property
    def join_url(self) -> str:
        return f"{settings.PUBLIC_BASE_URL}/join/{self.join_code}"

    @property
    def qr_code_url(self) -> str:
        return f"{settings.PUBLIC_BASE_URL}/api/v1/sessions/{self.id}/qr.png"
