"""Poll: one question, 2–20 options, single or multiple choice; results are live.

config        ``{"question": str, "options": [{"id", "label"}, 2–20], "multiple": bool = false,
              "max_choices": int 1..len(options) | null}`` (``max_choices`` only with ``multiple``)
response_data ``{"option_ids": [id, ...]}``
results       ``{"type": "poll", "total_responses": N, "options": [{"id", "label", "count",
              "percentage"}]}`` — percentage of responses (a multiple-choice poll can sum past 100)
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, Value
from django.db.models.fields.json import KT
from django.db.models.functions import StrIndex
from django.db.models.lookups import GreaterThan
from django.utils.translation import gettext, gettext_noop, ngettext

from ..base import ActivityType, Summary
from ..fields import (
    INVALID_ANSWER,
    INVALID_CONFIG,
    NOT_INT,
    TEXT_MAX,
    between,
    clean_bool,
    clean_id_list,
    clean_options,
    clean_text,
    config_object,
    is_int,
    percentage,
    response_field,
    response_object,
)
from ..registry import register

if TYPE_CHECKING:
    from activities.models import Activity

MIN_OPTIONS = 2
MAX_OPTIONS = 20


@register
class PollType(ActivityType):
    key = "poll"
    label = gettext_noop("Poll")
    demo = {
        "title": "Where do you work best?",
        "config": {
            "question": "Where do you work best?",
            "options": [
                {"id": "remote", "label": "Remote"},
                {"id": "office", "label": "Office"},
                {"id": "hybrid", "label": "Hybrid"},
            ],
        },
    }
    replace_on_reanswer = True

    def label_for(self, config: dict[str, Any]) -> str:
        if isinstance(config, dict) and config.get("multiple"):
            # Translators: the admin's type column for a poll that allows several choices.
            return gettext("Poll (several choices)")
        return self.label

    def default_config(self) -> dict[str, Any]:
        # No sensible default question: an empty config reports every required field at once.
        return {}

    def validate_config(self, config: Any) -> dict[str, Any]:
        data, errors = config_object(config, ("question", "options", "multiple", "max_choices"))
        question = clean_text(data, "question", "config", errors, max_length=TEXT_MAX)
        options = clean_options(data, "config", errors, minimum=MIN_OPTIONS, maximum=MAX_OPTIONS)
        multiple = clean_bool(data, "multiple", "config", errors, default=False)
        max_choices = data.get("max_choices")
        if max_choices is not None:
            if not is_int(max_choices):
                errors.add("config.max_choices", NOT_INT)
            elif not multiple:
                errors.add("config.max_choices", gettext("Only allowed when multiple is true."))
            elif not 1 <= max_choices <= max(len(options), 1):
                errors.add("config.max_choices", between(1, len(options)))
        errors.raise_if_any(INVALID_CONFIG)
        return {"question": question, "options": options, "multiple": multiple, "max_choices": max_choices}

    def validate_response(self, activity: Activity, data: Any) -> dict[str, Any]:
        data, errors = response_object(data, ("option_ids",))
        config = activity.config
        valid_ids = {o["id"] for o in config.get("options", [])}
        raw = response_field(data, "option_ids", list, errors)
        ids: list[str] = []
        if raw is not None:
            multiple = bool(config.get("multiple"))
            max_choices = config.get("max_choices")
            if not raw:
                errors.add("response_data.option_ids", gettext("Choose at least one option."))
            elif not multiple and len(raw) > 1:
                errors.add("response_data.option_ids", gettext("Choose exactly one option."))
            elif multiple and max_choices is not None and len(raw) > max_choices:
                errors.add(
                    "response_data.option_ids",
                    ngettext("Choose at most %(n)s option.", "Choose at most %(n)s options.", max_choices)
                    % {"n": max_choices},
                )
            ids = clean_id_list(raw, valid_ids, "option_ids", "option", errors)
        errors.raise_if_any(INVALID_ANSWER)
        return {"option_ids": ids}

    def is_revealed(self, activity: Activity, now: datetime) -> bool:
        return True  # poll results are live

    def public_results(self, activity: Activity, now: datetime) -> dict[str, Any] | None:
        return self.full_results(activity)

    def full_results(self, activity: Activity) -> dict[str, Any]:
        options = activity.config.get("options", [])
        # One aggregate query, whatever the number of responses: a conditional count per option.
        # ``option_ids`` is a JSON list, and JSON containment (``__contains``) does not exist on
        # SQLite, so each count tests the list's JSON text for the quoted id with STRPOS/INSTR
        # (case-sensitive on both databases, unlike LIKE on SQLite). Option ids are restricted to
        # [A-Za-z0-9_-] by the config schema, which makes that substring test exact.
        ids_text = KT("response_data__option_ids")
        aggregates: dict[str, Any] = {"total": Count("id")}
        for index, option in enumerate(options):
            needle = Value(f'"{option["id"]}"')
            aggregates[f"o{index}"] = Count("id", filter=Q(GreaterThan(StrIndex(ids_text, needle), 0)))
        row = activity.responses.order_by().aggregate(**aggregates)
        total = row["total"] or 0
        return {
            "type": self.key,
            "total_responses": total,
            "options": [
                {
                    "id": option["id"],
                    "label": option["label"],
                    "count": row[f"o{index}"] or 0,
                    "percentage": percentage(row[f"o{index}"] or 0, total),
                }
                for index, option in enumerate(options)
            ],
        }

    def summary(self, activity: Activity) -> Summary:
        # {option id: percentage}, keyed by id so that a renamed option still matches.
        results = self.full_results(activity)
        return Summary(
            {o["id"]: o["percentage"] for o in results["options"]},
            results["total_responses"],
            {o["id"]: o["label"] for o in results["options"]},
        )
