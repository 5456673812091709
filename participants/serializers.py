from __future__ import annotations

from rest_framework import serializers

from core.serializers import StrictSerializer

from .models import Participant


class ParticipantSerializer(serializers.ModelSerializer):
    session_id = serializers.UUIDField(read_only=True)

    class Meta:
        model = Participant
        fields = ["id", "session_id", "nickname", "joined_at", "last_activity"]
        read_only_fields = fields


class ParticipantWithTokenSerializer(ParticipantSerializer):
    token = serializers.CharField(read_only=True, help_text="Shown once; send as X-Participant-Token.")

    class Meta(ParticipantSerializer.Meta):
        fields = [*ParticipantSerializer.Meta.fields, "token"]
        read_only_fields = fields


class JoinSerializer(StrictSerializer):
    # Length and character rules live in the join service (one path for API, admin, commands).
    nickname = serializers.CharField(max_length=200, trim_whitespace=False)


class JoinByCodeSerializer(JoinSerializer):
    join_code = serializers.CharField(max_length=32)
