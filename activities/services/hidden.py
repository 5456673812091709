"""What the organizer hides from the public results: single answers and words."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from core import state_version
from core.errors import ValidationFailed
from sessions_app.audit import audit_record

from ..models import Activity, HiddenWord, Response
from ..types import get_type
from .summaries import summaries_store


@transaction.atomic
def response_set_hidden(*, response: Response, hidden: bool, actor: Any = None) -> Response:
    """Take one answer off the public results, or put it back (open text's wall)."""
    activity = response.activity
    activity_type = get_type(activity.type)
    if not activity_type.supports_hidden_answers:
        raise ValidationFailed(
            {"hidden": [f"A {activity_type.label}'s answers cannot be hidden one by one."]}
        )
    if Response.objects.filter(pk=response.pk).exclude(hidden=hidden).update(hidden=hidden):
        state_version.bump_data(activity.session_id)
        audit_record(
            session=activity.session_id,
            actor=actor,
            action="response.hide" if hidden else "response.show",
            target_type="response",
            target_id=response.pk,
            details={"activity_id": str(activity.pk)},
        )
        summaries_store(activity_ids=[activity.pk])  # an ended tracked activity's count changed
    response.hidden = hidden
    return response


@transaction.atomic
def hidden_word_add(*, activity: Activity, text: str, actor: Any = None) -> HiddenWord:
    activity_type = get_type(activity.type)
    if not activity_type.supports_hidden_words:
        raise ValidationFailed({"text": [f"A {activity_type.label} has no words to hide."]})
    key = activity_type.normalize_word(text)
    word, _ = HiddenWord.objects.get_or_create(activity=activity, text=key)
    state_version.bump_data(activity.session_id)
    audit_record(
        session=activity.session_id,
        actor=actor,
        action="hidden_word.add",
        target_type="activity",
        target_id=activity.pk,
        details={"text": key},
    )
    summaries_store(activity_ids=[activity.pk])  # an ended tracked word cloud's top words changed
    return word


@transaction.atomic
def hidden_word_remove(*, activity: Activity, text: str, actor: Any = None) -> bool:
    activity_type = get_type(activity.type)
    if not activity_type.supports_hidden_words:
        return False
    key = activity_type.normalize_word(text)
    if "\x00" in key:  # never stored (refused on add); PostgreSQL would reject the query
        return False
    deleted, _ = HiddenWord.objects.filter(activity=activity, text=key).delete()
    if deleted:
        state_version.bump_data(activity.session_id)
        audit_record(
            session=activity.session_id,
            actor=actor,
            action="hidden_word.remove",
            target_type="activity",
            target_id=activity.pk,
            details={"text": key},
        )
        summaries_store(activity_ids=[activity.pk])
    return bool(deleted)
