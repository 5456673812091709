"""Slide: a page of the talk between the questions; it takes no answers.

config        ``{"title": str 0–200, "body": str 0–3000, "image"?: image reference,
              "show_on_phones": bool = true, "notes": str 0–5000}``, at least one of title, body and
              image. ``body`` is plain text, never HTML: a blank line separates paragraphs, a line
              starting with "- " is a bullet (the renderers build text nodes, nothing is parsed as
              markup). ``notes`` are the speaker's: organizer views only, never in ``/state``.
response_data none: every answer is refused with 409 ``ANSWERS_NOT_ACCEPTED``.
results       ``null`` in ``/state``; the organizer's results say ``{"type": "slide",
              "total_responses": 0}``.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext, gettext_noop
from rest_framework import status

from core.errors import DomainError

from ..base import ActivityType
from ..fields import INVALID_CONFIG, clean_bool, clean_image, clean_text, config_object
from ..registry import register

if TYPE_CHECKING:
    from activities.models import Activity

TITLE_MAX = 200
BODY_MAX = 3000
NOTES_MAX = 5000
# Never shown to participants (public_config drops them).
PRIVATE_KEYS = ("notes",)


class AnswersNotAccepted(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "ANSWERS_NOT_ACCEPTED"


@register
class SlideType(ActivityType):
    key = "slide"
    label = gettext_noop("Slide")
    replace_on_reanswer = True
    # Its image is part of its own rule (a title, a body or an image): validated below.
    config_image = False

    def default_config(self) -> dict[str, Any]:
        # No sensible default content: an empty config says what is missing.
        return {}

    def validate_config(self, config: Any) -> dict[str, Any]:
        data, errors = config_object(config, ("title", "body", "image", "show_on_phones", "notes"))
        title = clean_text(
            data, "title", "config", errors, required=False, min_length=0, max_length=TITLE_MAX
        )
        body = clean_text(data, "body", "config", errors, required=False, min_length=0, max_length=BODY_MAX)
        image = clean_image(data, "image", "config", errors)
        show = clean_bool(data, "show_on_phones", "config", errors, default=True)
        notes = clean_text(
            data, "notes", "config", errors, required=False, min_length=0, max_length=NOTES_MAX
        )
        if not errors and not (title or body or image):
            errors.add("config", gettext("A slide needs a title, a body or an image."))
        errors.raise_if_any(INVALID_CONFIG)
        clean: dict[str, Any] = {"title": title, "body": body, "show_on_phones": show, "notes": notes}
        if image is not None:
            clean["image"] = image
        return clean

    def check_answer_allowed(self, activity: Activity, now: datetime) -> None:
        raise AnswersNotAccepted(gettext("A slide takes no answers."))

    def public_config(self, activity: Activity, now: datetime) -> dict[str, Any]:
        return {k: v for k, v in activity.config.items() if k not in PRIVATE_KEYS}

    def public_results(self, activity: Activity, now: datetime) -> dict[str, Any] | None:
        return None

    def full_results(self, activity: Activity) -> dict[str, Any]:
        return {"type": self.key, "total_responses": 0}
