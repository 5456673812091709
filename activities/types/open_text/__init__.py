"""Open text: short free answers, shown as a wall of the newest ones.

config        ``{"prompt": str, "max_length": int 1–1000 = 280, "show_live": bool = true}``
response_data ``{"text": str}`` — trimmed, 1..max_length, no control characters (line breaks
              allowed), profanity refused; a second answer replaces the first.
results       ``{"type": "open_text", "total_responses": N, "answers": [{"id", "text",
              "created_at"}]}`` — the newest 100, without hidden ones. Public while ``show_live``
              (or once the activity has ended), else ``null``.
hiding        ``PATCH .../responses/{rid}`` ``{"hidden": bool}`` (the moderation right).
moderation    ``static/moderation.js``: the moderation page's panel (``type_renderers("moderation")``
              finds it): the answers, hidden ones marked, with Hide / Show again.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from activities.models import ActivityStatus

from ..base import ActivityType, Summary
from ..fields import (
    INVALID_ANSWER,
    INVALID_CONFIG,
    TEXT_MAX,
    clean_bool,
    clean_int,
    clean_text,
    config_object,
    response_object,
)
from ..profanity import is_blocked, normalize
from ..registry import register

if TYPE_CHECKING:
    from activities.models import Activity

MAX_LENGTH_MAX = 1000
DEFAULT_MAX_LENGTH = 280
WALL_SIZE = 100
BLOCKED = _("This answer contains a word that is not allowed.")


@register
class OpenTextType(ActivityType):
    key = "open_text"
    label = gettext_noop("Open text")
    demo = {
        "title": "One wish",
        "config": {"prompt": "One thing we should start doing next quarter?", "max_length": 280},
    }
    replace_on_reanswer = True
    supports_hidden_answers = True

    def default_config(self) -> dict[str, Any]:
        return {"prompt": "", "max_length": DEFAULT_MAX_LENGTH, "show_live": True}

    def validate_config(self, config: Any) -> dict[str, Any]:
        data, errors = config_object(config, ("prompt", "max_length", "show_live"))
        prompt = clean_text(data, "prompt", "config", errors, max_length=TEXT_MAX)
        max_length = clean_int(
            data,
            "max_length",
            "config",
            errors,
            minimum=1,
            maximum=MAX_LENGTH_MAX,
            default=DEFAULT_MAX_LENGTH,
        )
        show_live = clean_bool(data, "show_live", "config", errors, default=True)
        errors.raise_if_any(INVALID_CONFIG)
        return {"prompt": prompt, "max_length": max_length, "show_live": show_live}

    def validate_response(self, activity: Activity, data: Any) -> dict[str, Any]:
        data, errors = response_object(data, ("text",))
        limit = int(activity.config.get("max_length", DEFAULT_MAX_LENGTH))
        text = clean_text(data, "text", "response_data", errors, max_length=limit)
        if not errors and is_blocked(normalize(text)):
            errors.add("response_data.text", BLOCKED)
        errors.raise_if_any(INVALID_ANSWER)
        return {"text": text}

    def is_revealed(self, activity: Activity, now: datetime) -> bool:
        return bool(activity.config.get("show_live", True)) or activity.status == ActivityStatus.EXPIRED

    def public_results(self, activity: Activity, now: datetime) -> dict[str, Any] | None:
        return self.full_results(activity) if self.is_revealed(activity, now) else None

    def full_results(self, activity: Activity) -> dict[str, Any]:
        wall = (
            activity.responses.filter(hidden=False)
            .order_by("-updated_at", "-id")
            .values("id", "response_data", "updated_at")[:WALL_SIZE]
        )
        return {
            "type": self.key,
            "total_responses": activity.responses.count(),
            "answers": [
                {
                    "id": str(row["id"]),
                    "text": (row["response_data"] or {}).get("text", ""),
                    "created_at": row["updated_at"].isoformat().replace("+00:00", "Z"),
                }
                for row in wall
            ],
        }

    def summary(self, activity: Activity) -> Summary:
        # {"count"} of the answers on the wall (a hidden answer no longer counts).
        count = activity.responses.filter(hidden=False).count()
        return Summary({"count": count}, count)
