"""Shapes of the live endpoints, for the OpenAPI schema (the views write bytes directly)."""

from __future__ import annotations

from rest_framework import serializers

from live.reactions import KINDS
from sessions_app.serializers import TeamSerializer


class StateTeamSerializer(TeamSerializer):
    members = serializers.IntegerField(help_text="How many joined the team (not kicked).")


class StateSessionSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    status = serializers.CharField()
    join_code = serializers.CharField()
    rehearsal = serializers.BooleanField(help_text="A rehearsal: every screen says so; wiped when it ends.")
    pace = serializers.CharField(required=False, help_text="A self-paced session only.")
    opens_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="A self-paced session only."
    )
    closes_at = serializers.DateTimeField(
        required=False, allow_null=True, help_text="A self-paced session only."
    )
    teams = StateTeamSerializer(many=True, help_text="The session's teams ([] without).")
    team_assignment = serializers.CharField(help_text="choose | auto")


class StateActivitySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    type = serializers.CharField()
    type_label = serializers.CharField(help_text="The type's label, for people.")
    title = serializers.CharField(allow_blank=True)
    status = serializers.CharField()
    order = serializers.IntegerField()
    activated_at = serializers.DateTimeField(allow_null=True)
    config = serializers.DictField()
    response_count = serializers.IntegerField()
    results = serializers.DictField(allow_null=True)
    # A quiz's: when answers open (activated_at + its lead-in, issue 26).
    opens_at = serializers.DateTimeField(required=False)


class StateSelfPacedActivitySerializer(serializers.Serializer):
    """An open activity of a self-paced session (contract v1.2): participant-safe, no results."""

    id = serializers.UUIDField()
    type = serializers.CharField()
    type_label = serializers.CharField()
    title = serializers.CharField(allow_blank=True)
    order = serializers.IntegerField()
    status = serializers.CharField()
    config = serializers.DictField()


class StateQnaSerializer(serializers.Serializer):
    """The open Q&A beside the live activity (contract v1.1); null when none is open."""

    activity_id = serializers.UUIDField()
    prompt = serializers.CharField(allow_blank=True)
    question_count = serializers.IntegerField()
    top = serializers.ListField(child=serializers.DictField())


class ReactionSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=list(KINDS))


class StateReactionsSerializer(serializers.Serializer):
    window_seconds = serializers.IntegerField()
    counts = serializers.DictField(child=serializers.IntegerField())


class StateSerializer(serializers.Serializer):
    session = StateSessionSerializer()
    current_activity = StateActivitySerializer(allow_null=True)
    qna = StateQnaSerializer(allow_null=True)
    reactions = StateReactionsSerializer()
    participant_count = serializers.IntegerField()
    pace = serializers.CharField(required=False, help_text='"self" in a self-paced session only.')
    activities = StateSelfPacedActivitySerializer(
        many=True, required=False, help_text="A self-paced session only: its open activities, in order."
    )
    version = serializers.IntegerField()
    last_updated = serializers.DateTimeField()
    server_time = serializers.DateTimeField()


class SessionStatusSerializer(serializers.Serializer):
    session_id = serializers.UUIDField()
    status = serializers.CharField()
    current_activity_id = serializers.UUIDField(allow_null=True)
    participant_count = serializers.IntegerField()
    last_updated = serializers.DateTimeField()


class ActivityStatusSerializer(serializers.Serializer):
    activity_id = serializers.UUIDField()
    status = serializers.CharField()
    response_count = serializers.IntegerField()
    last_response_at = serializers.DateTimeField(allow_null=True)
    last_updated = serializers.DateTimeField()
