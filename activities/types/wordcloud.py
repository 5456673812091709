"""Word cloud (placeholder: permissive JSON-object schemas until the activity-types issue lands)."""

from __future__ import annotations

from . import register
from .base import ActivityType


@register
class WordcloudType(ActivityType):
    key = "wordcloud"
    label = "Word cloud"
