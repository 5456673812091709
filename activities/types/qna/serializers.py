"""Shapes of the Q&A endpoints (validation of the rules lives in services.py)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext
from rest_framework import serializers

from activities.models import QuestionStatus
from core.serializers import StrictBooleanField, StrictCharField, StrictSerializer


class QuestionCreateSerializer(StrictSerializer):
    # Not trimmed here: the service trims and measures (one rule, shared with the admin).
    text = StrictCharField(trim_whitespace=False, allow_blank=True)
    anonymous = StrictBooleanField(required=False, default=False)


class QuestionModerateSerializer(StrictSerializer):
    status = serializers.ChoiceField(choices=QuestionStatus.choices, required=False)
    pinned = StrictBooleanField(required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        if not attrs:
            raise serializers.ValidationError(gettext("Send status, pinned or both."))
        return attrs


class QuestionSerializer(serializers.Serializer):
    """The contract's Question; ``upvoted`` and ``mine`` for a participant."""

    id = serializers.UUIDField()
    text = serializers.CharField()
    nickname = serializers.CharField(allow_null=True)
    upvotes = serializers.IntegerField()
    status = serializers.ChoiceField(choices=QuestionStatus.choices)
    pinned = serializers.BooleanField()
    created_at = serializers.DateTimeField()
    upvoted = serializers.BooleanField(required=False)
    mine = serializers.BooleanField(required=False)


class UpvoteSerializer(serializers.Serializer):
    upvotes = serializers.IntegerField()
    upvoted = serializers.BooleanField()
