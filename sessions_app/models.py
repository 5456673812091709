from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SessionStatus(models.TextChoices):
    # Labels are shown on the presenter screen, in the session's language.
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")


class SessionPace(models.TextChoices):
    # live: a presenter moves everyone through the activities; self: each participant walks them
    # at their own pace between the optional opens_at and closes_at (contract v1.2).
    LIVE = "live", _("Live")
    SELF = "self", _("Self-paced")


# Unambiguous alphabet: no 0/O/1/I/L, so a code read off a projector is typed right.
JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
JOIN_CODE_LENGTH = 6
# The API's length limits (docs/api.md), defined once: services, serializers, forms and
# definitions import them.
NAME_MAX = 255
DESCRIPTION_MAX = 1000
# The languages the pages speak (settings.LANGUAGES): the presenter screen's is the session's.
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


class Series(models.Model):
    """Sessions that come back (a monthly town hall, every sprint's retrospective) grouped by their
    organizer, so that the same tracked question can be compared across them (contract v1.2,
    "Series and trends"). Deleting a series keeps its sessions, unlinked."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=NAME_MAX)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="caja_series")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name_plural = "series"
        indexes = [models.Index(fields=["owner", "-created_at"], name="series_owner_created")]

    def __str__(self) -> str:
        return self.name


# Teams (contract v1.2, "Quiz: a fair start, and teams"): none, or 2–20 of
# {"id": 1–32 of [A-Za-z0-9_-], "name": 1–40, "color": "#rrggbb"}; validated in services.
TEAMS_MIN = 2
TEAMS_MAX = 20
TEAM_ID_MAX = 32
TEAM_NAME_MAX = 40


class TeamAssignment(models.TextChoices):
    CHOOSE = "choose", _("Participants choose")
    AUTO = "auto", _("Automatic (smallest team)")


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
    # The series this session belongs to (always one of its owner's); null: none.
    series = models.ForeignKey(
        Series, null=True, blank=True, on_delete=models.SET_NULL, related_name="sessions", editable=False
    )
    pace = models.CharField(
        max_length=8, choices=SessionPace.choices, default=SessionPace.LIVE, db_default=SessionPace.LIVE
    )
    # A self-paced session opens (draft → active) and completes (active → completed) by itself at
    # these times: the first request after them sees the change (services.session_clock_advance).
    opens_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    # [{"id", "name", "color"}] in display order (ties of the auto assignment go to the first).
    # Edited through services.session_set_teams (the admin's form calls it too).
    teams = models.JSONField(default=list, db_default=[], blank=True)
    team_assignment = models.CharField(
        max_length=8,
        choices=TeamAssignment.choices,
        default=TeamAssignment.CHOOSE,
        db_default=TeamAssignment.CHOOSE.value,
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
            models.CheckConstraint(condition=Q(pace__in=SessionPace.values), name="session_pace_valid"),
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(closes_at__gt=F("opens_at")),
                name="session_closes_after_opens",
            ),
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


# --- the team: roles, members, invitations (contract v1.2, "Sessions are run by a team") -------


class SessionRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    CO_ORGANIZER = "co_organizer", _("Co-organizer")
    PRESENTER = "presenter", _("Presenter")
    MODERATOR = "moderator", _("Moderator")


# The roles a membership row may hold: the owner of record is ``Session.owner`` (exactly one, by
# construction), never a SessionMember row.
MEMBER_ROLES = [SessionRole.CO_ORGANIZER, SessionRole.PRESENTER, SessionRole.MODERATOR]
MEMBER_ROLE_VALUES = [str(role.value) for role in MEMBER_ROLES]


class SessionMember(models.Model):
    """A non-owner member of a session's team (co_organizer, presenter or moderator)."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="caja_memberships"
    )
    role = models.CharField(max_length=16, choices=SessionRole.choices)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="session_member_unique"),
            models.CheckConstraint(
                condition=Q(role__in=MEMBER_ROLE_VALUES), name="session_member_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role})"


class SessionInvitation(models.Model):
    """A membership waiting for an organizer with this email to sign in for the first time."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="invitations")
    # Stored lower-cased (services.members): compared case-insensitively.
    email = models.EmailField(max_length=254)
    role = models.CharField(max_length=16, choices=SessionRole.choices)
    invited_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["invited_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "email"], name="session_invitation_unique"),
            models.CheckConstraint(
                condition=Q(role__in=MEMBER_ROLE_VALUES), name="session_invitation_role_valid"
            ),
        ]
        indexes = [models.Index(fields=["email"], name="session_invitation_email")]

    def __str__(self) -> str:
        return f"{self.email} ({self.role})"


class AuditEntry(models.Model):
    """Who did what to a session, and when (sessions_app.audit.audit_record writes every entry).
    Never a participant token or an IP address; goes with its session."""

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="audit_entries")
    at = models.DateTimeField(default=timezone.now, db_index=True)
    # The actor's username is kept as written: the log still says who, after the user is deleted.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_username = models.CharField(max_length=150, blank=True, default="")
    action = models.CharField(max_length=64)
    target_type = models.CharField(max_length=32, blank=True, default="")
    target_id = models.CharField(max_length=64, blank=True, default="")
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name_plural = "audit entries"
        indexes = [models.Index(fields=["session", "-at"], name="audit_session_at")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_username or 'system'} {self.action}"
