"""What the organizer hides from the public results: single answers and words."""

from __future__ import annotations

from django.db import transaction

from core import state_version
from core.errors import ValidationFailed

from ..models import Activity, HiddenWord, Response
from ..types import get_type


@transaction.atomic
def response_set_hidden(*, response: Response, hidden: bool) -> Response:
    """Take one answer off the public results, or put it back (open text's wall)."""
    activity = response.activity
    activity_type = get_type(activity.type)
    if not activity_type.supports_hidden_answers:
        raise ValidationFailed(
            {"hidden": [f"A {activity_type.label}'s answers cannot be hidden one by one."]}
        )
    if Response.objects.filter(pk=response.pk).exclude(hidden=hidden).update(hidden=hidden):
        state_version.bump_data(activity.session_id)
    response.hidden = hidden
    return response


@transaction.atomic
def hidden_word_add(*, activity: Activity, text: str) -> HiddenWord:
    activity_type = get_type(activity.type)
    if not activity_type.supports_hidden_words:
        raise ValidationFailed({"text": [f"A {activity_type.label} has no words to hide."]})
    key = activity_type.normalize_word(text)
    word, _ = HiddenWord.objects.get_or_create(activity=activity, text=key)
    state_version.bump_data(activity.session_id)
    return word


@transaction.atomic
def hidden_word_remove(*, activity: Activity, text: str) -> bool:
    activity_type = get_type(activity.type)
    if not activity_type.supports_hidden_words:
        return False
    key = activity_type.normalize_word(text)
    if "\x00" in key:  # never stored (refused on add); PostgreSQL would reject the query
        return False
    deleted, _ = HiddenWord.objects.filter(activity=activity, text=key).delete()
    if deleted:
        state_version.bump_data(activity.session_id)
    return bool(deleted)
