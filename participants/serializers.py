from __future__ import annotations

from rest_framework import serializers

from core.serializers import StrictCharField, StrictSerializer

from .models import Participant


class ParticipantSerializer(serializers.ModelSerializer):
    session_id = serializers.UUIDField(read_only=True)

    class Meta:
        model = Participant
        fields = ["id", "session_id", "nickname", "team_id", "joined_at", "last_activity"]
        read_only_fields = fields


class ParticipantWithTokenSerializer(ParticipantSerializer):
    token = serializers.CharField(read_only=True, help_text="Shown once; send as X-Participant-Token.")

    class Meta(ParticipantSerializer.Meta):
        fields = [*ParticipantSerializer.Meta.fields, "token"]
        read_only_fields = fields


class JoinSerializer(StrictSerializer):
    # Length and character rules live in the join service (one path for API, admin, commands).
    # A JSON string only: 5 or true is refused, not joined as "5" (issue 22: text is a string).
    nickname = StrictCharField(max_length=200, trim_whitespace=False)
    team_id = StrictCharField(
        max_length=64,
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text="Required when the session has teams and participants choose (team_assignment).",
    )


class ParticipantMoveSerializer(StrictSerializer):
    team_id = StrictCharField(max_length=64, help_text="One of the session's team ids.")


class JoinByCodeSerializer(JoinSerializer):
    join_code = StrictCharField(max_length=32)
