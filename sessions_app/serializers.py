from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.serializers import StrictCharField, StrictSerializer

from . import roles
from .models import (
    DESCRIPTION_MAX,
    NAME_MAX,
    Series,
    Session,
    SessionPace,
    SessionRole,
    SessionStatus,
    TeamAssignment,
)
from .selectors import RECENTLY_SEEN_SECONDS


class SessionSerializer(serializers.ModelSerializer):
    admin_id = serializers.CharField(source="owner.username", read_only=True)
    join_url = serializers.CharField(read_only=True)
    qr_code_url = serializers.CharField(read_only=True)
    current_activity_id = serializers.UUIDField(read_only=True, allow_null=True)
    series_id = serializers.UUIDField(read_only=True, allow_null=True)
    participant_count = serializers.SerializerMethodField()
    participants_seen_recently = serializers.SerializerMethodField(
        help_text="Participants whose phone polled or answered in the last 30 seconds."
    )
    my_role = serializers.SerializerMethodField(
        help_text="The caller's role on this session (owner, co_organizer, presenter, moderator); "
        "null for a superuser who is not a member."
    )

    class Meta:
        model = Session
        fields = [
            "id",
            "name",
            "description",
            "status",
            "admin_id",
            "join_code",
            "join_url",
            "qr_code_url",
            "current_activity_id",
            "series_id",
            "participant_count",
            "participants_seen_recently",
            "my_role",
            "rehearsal",
            "language",
            "pace",
            "opens_at",
            "closes_at",
            "teams",
            "team_assignment",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    @extend_schema_field(serializers.IntegerField())
    def get_participant_count(self, obj: Any) -> int:
        annotated = getattr(obj, "participant_count", None)
        if annotated is not None:
            return int(annotated)
        return int(obj.participants.filter(kicked_at__isnull=True).count())

    @extend_schema_field(serializers.IntegerField())
    def get_participants_seen_recently(self, obj: Any) -> int:
        annotated = getattr(obj, "participants_seen_recently", None)
        if annotated is not None:
            return int(annotated)
        since = timezone.now() - timedelta(seconds=RECENTLY_SEEN_SECONDS)
        return int(obj.participants.filter(kicked_at__isnull=True, last_activity__gte=since).count())

    @extend_schema_field(serializers.ChoiceField(choices=SessionRole.choices, allow_null=True))
    def get_my_role(self, obj: Any) -> str | None:
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is not None:
            return roles.role_of(user, obj)
        return getattr(obj, "my_role", None)


class TeamSerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    color = serializers.CharField(help_text="#rrggbb")


class _SessionPlanFields(StrictSerializer):
    """The fields a create and an update share: the pace and its times (self-paced sessions) and the
    teams. The rules (changeable while draft, closes after opens, 2–20 unique teams, #rrggbb) are the
    services' (_validate_schedule, teams_clean)."""

    pace = serializers.ChoiceField(
        choices=SessionPace.choices,
        required=False,
        help_text="live (a presenter drives) or self (each participant at their own pace); "
        "changeable only while draft.",
    )
    opens_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="A self-paced session opens by itself at this time."
    )
    closes_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text="A self-paced session completes by itself at this time (after opens_at).",
    )
    teams = serializers.JSONField(
        required=False, help_text="None, or 2–20 {id, name, color}; only while the session is a draft."
    )
    team_assignment = serializers.ChoiceField(choices=TeamAssignment.choices, required=False)


class SessionCreateSerializer(_SessionPlanFields):
    name = StrictCharField(max_length=NAME_MAX)
    description = StrictCharField(
        max_length=DESCRIPTION_MAX, required=False, allow_blank=True, allow_null=True, default=""
    )
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES, required=False, help_text="The presenter screen's language (default en)."
    )


class SessionUpdateSerializer(_SessionPlanFields):
    name = StrictCharField(max_length=NAME_MAX, required=False)
    description = StrictCharField(
        max_length=DESCRIPTION_MAX, required=False, allow_blank=True, allow_null=True
    )
    status = serializers.ChoiceField(choices=SessionStatus.choices, required=False)
    language = serializers.ChoiceField(
        choices=settings.LANGUAGES, required=False, help_text="The presenter screen's language."
    )
    series_id = serializers.UUIDField(
        required=False,
        allow_null=True,
        help_text="A series of the session's owner (GET /api/v1/series), or null to leave its series.",
    )


class JoinLookupSerializer(serializers.Serializer):
    session_id = serializers.UUIDField()
    name = serializers.CharField()
    status = serializers.ChoiceField(choices=SessionStatus.choices)
    teams = TeamSerializer(many=True)
    team_assignment = serializers.ChoiceField(choices=TeamAssignment.choices)


class SeriesSerializer(serializers.ModelSerializer):
    session_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Series
        fields = ["id", "name", "session_count", "created_at"]
        read_only_fields = fields


class SeriesWriteSerializer(StrictSerializer):
    name = StrictCharField(max_length=NAME_MAX)
