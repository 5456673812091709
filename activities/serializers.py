from __future__ import annotations

from typing import Any

from rest_framework import serializers

from core.serializers import StrictBooleanField, StrictCharField, StrictSerializer

from .images import media_url
from .models import HIDDEN_WORD_MAX, TITLE_MAX, TRACK_KEY_MAX, Activity, ActivityStatus, Media, Response
from .types import type_keys


class ActivitySerializer(serializers.ModelSerializer):
    session_id = serializers.UUIDField(read_only=True)

    class Meta:
        model = Activity
        fields = [
            "id",
            "session_id",
            "type",
            "title",
            "config",
            "order",
            "status",
            "track_key",
            "activated_at",
            "revealed_at",
            "round",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class ActivityCreateSerializer(StrictSerializer):
    type = serializers.ChoiceField(choices=[])
    title = StrictCharField(max_length=TITLE_MAX, required=False, allow_blank=True, default="")
    config = serializers.JSONField(required=False)
    order = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False)
    track_key = serializers.CharField(
        max_length=TRACK_KEY_MAX,
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text="Ties the activity to the same question in its series' other sessions: 1-40 of "
        "[a-z0-9_-], or null.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Choices come from the registry, so a new type module needs no change here.
        self.fields["type"].choices = type_keys()


class ActivityUpdateSerializer(StrictSerializer):
    type = serializers.ChoiceField(choices=[], required=False)
    title = StrictCharField(max_length=TITLE_MAX, required=False, allow_blank=True)
    config = serializers.JSONField(required=False)
    order = serializers.IntegerField(min_value=0, max_value=1_000_000, required=False)
    track_key = serializers.CharField(
        max_length=TRACK_KEY_MAX,
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text="Ties the activity to the same question in its series' other sessions: 1-40 of "
        "[a-z0-9_-], or null.",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["type"].choices = type_keys()


# Input of PATCH /activities/{id}/status. (What a poll of an activity's status answers is
# live.serializers.ActivityStatusSerializer.) A comment, not a docstring: that would become the
# schema's description.
class ActivityStatusChangeSerializer(StrictSerializer):
    status = serializers.ChoiceField(choices=ActivityStatus.choices)


class ResponseSerializer(serializers.ModelSerializer):
    activity_id = serializers.UUIDField(read_only=True)
    participant_id = serializers.UUIDField(read_only=True)

    class Meta:
        model = Response
        fields = ["id", "activity_id", "participant_id", "response_data", "created_at", "updated_at"]
        read_only_fields = fields


class StandingSerializer(serializers.Serializer):
    points = serializers.IntegerField(help_text="What this answer earned.")
    rank = serializers.IntegerField(allow_null=True, help_text="Place on the session's board (1, 1, 3).")
    streak = serializers.IntegerField(help_text="Consecutive correct answers up to this question.")


class MyResponseSerializer(ResponseSerializer):
    standing = StandingSerializer(
        read_only=True,
        required=False,
        allow_null=True,
        help_text="A scored question once its answer is public (quiz: revealed or timed out); else null.",
    )

    class Meta(ResponseSerializer.Meta):
        fields = [*ResponseSerializer.Meta.fields, "standing"]
        read_only_fields = fields


class OrganizerResponseSerializer(ResponseSerializer):
    """An answer as its organizer sees it: with ``hidden`` (an open-text answer taken off the wall),
    so a hidden answer can be found and shown again."""

    class Meta(ResponseSerializer.Meta):
        fields = [*ResponseSerializer.Meta.fields, "hidden"]
        read_only_fields = fields


class ResponseHiddenSerializer(StrictSerializer):
    hidden = StrictBooleanField()


class ResponseHiddenResultSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    hidden = serializers.BooleanField()


class ResponseSubmitSerializer(StrictSerializer):
    response_data = serializers.JSONField()


class ResponsesSinceSerializer(serializers.Serializer):
    items = OrganizerResponseSerializer(many=True)
    since = serializers.DateTimeField()
    count = serializers.IntegerField()


class HiddenWordSerializer(StrictSerializer):
    text = StrictCharField(max_length=HIDDEN_WORD_MAX)


class LeaderboardEntrySerializer(serializers.Serializer):
    participant_id = serializers.UUIDField()
    nickname = serializers.CharField()
    score = serializers.IntegerField()
    correct_count = serializers.IntegerField()
    # Contract v1.2: equal scores share a place (1, 1, 3).
    rank = serializers.IntegerField(min_value=1)


class TeamLeaderboardEntrySerializer(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()
    color = serializers.CharField()
    members = serializers.IntegerField()
    score = serializers.IntegerField(help_text="The points of the team's current members.")
    average = serializers.FloatField(help_text="score / members, one decimal; the ranking's key.")
    rank = serializers.IntegerField(min_value=1)


class LeaderboardSerializer(serializers.Serializer):
    items = LeaderboardEntrySerializer(many=True)
    teams = TeamLeaderboardEntrySerializer(many=True, help_text="[] when the session has no teams.")


class CompletionSerializer(serializers.Serializer):
    started = serializers.IntegerField(
        help_text="Participants who answered or started at least one activity."
    )
    finished = serializers.IntegerField(
        help_text="Participants who answered every activity that takes answers."
    )


class ActivityResultsSerializer(serializers.Serializer):
    activity_id = serializers.UUIDField()
    type = serializers.CharField()
    status = serializers.CharField()
    results = serializers.DictField()
    completion = CompletionSerializer(required=False, help_text="Self-paced sessions only.")


class SessionResultsActivitySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    type = serializers.CharField()
    type_label = serializers.CharField()
    title = serializers.CharField()
    order = serializers.IntegerField()
    status = serializers.CharField()
    results = serializers.DictField()


class SessionResultsSerializer(serializers.Serializer):
    session_id = serializers.UUIDField()
    activities = SessionResultsActivitySerializer(many=True)
    leaderboard = LeaderboardEntrySerializer(many=True)
    completion = CompletionSerializer(required=False, help_text="Self-paced sessions only.")
    teams = TeamLeaderboardEntrySerializer(many=True)


class MediaSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()

    class Meta:
        model = Media
        fields = ["id", "url", "content_type", "width", "height", "bytes", "created_at"]
        read_only_fields = fields

    def get_url(self, obj: Media) -> str:
        return media_url(obj.name)


class MediaUploadSerializer(serializers.Serializer):
    """The schema of the upload (multipart/form-data); the view reads the file itself."""

    file = serializers.FileField()


class TrendPointSerializer(serializers.Serializer):
    session_id = serializers.UUIDField()
    session_name = serializers.CharField()
    date = serializers.DateTimeField()
    summary = serializers.DictField(allow_null=True)
    too_few = serializers.BooleanField()
    responses = serializers.IntegerField()
    unmatched = serializers.ListField(child=serializers.CharField(), required=False)


class TrendItemSerializer(serializers.Serializer):
    track_key = serializers.CharField()
    type = serializers.CharField()
    title = serializers.CharField()
    points = TrendPointSerializer(many=True)
    labels = serializers.DictField(child=serializers.CharField(), required=False)
    matched = serializers.ListField(child=serializers.CharField(), required=False)


class SeriesTrendsSerializer(serializers.Serializer):
    items = TrendItemSerializer(many=True)


class DeckUploadSerializer(serializers.Serializer):
    """The schema of a deck import (multipart/form-data): a PDF and where its slides go."""

    file = serializers.FileField()
    after = serializers.UUIDField(required=False)


class DeckImportedSerializer(serializers.Serializer):
    activities = ActivitySerializer(many=True)
