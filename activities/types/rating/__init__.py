"""Rating scale: statements rated on a scale; the results show each one's average and spread.

config        ``{"question": str, "statements": [{"id", "label"}, 1–10], "scale_min": 0 | 1 = 1,
              "scale_max": int 2–10 = 5, "min_label"?: str, "max_label"?: str}``
response_data ``{"ratings": {"<statement id>": int, ...}}`` — at least one statement, known ids,
              values within the scale; a second answer replaces the first.
results       ``{"type": "rating", "total_responses": N, "statements": [{"id", "label", "count",
              "average" (2 decimals or null), "distribution": {"<value>": n, ...}}]}`` — live.
              Two queries, whatever the number of answers or statements.
"""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext, gettext_noop

from ..base import ActivityType, Summary
from ..fields import (
    INVALID_ANSWER,
    INVALID_CONFIG,
    LABEL_MAX,
    NOT_INT,
    NOT_OBJECT,
    REQUIRED,
    TEXT_MAX,
    between,
    clean_int,
    clean_options,
    clean_text,
    config_object,
    is_int,
    response_object,
)
from ..jsonagg import object_value_counts
from ..registry import register

if TYPE_CHECKING:
    from activities.models import Activity

MAX_STATEMENTS = 10


def average(distribution: dict[int, int]) -> float | None:
    count = sum(distribution.values())
    if not count:
        return None
    total = Decimal(sum(value * n for value, n in distribution.items()))
    return float((total / count).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


@register
class RatingType(ActivityType):
    key = "rating"
    label = gettext_noop("Rating scale")
    demo = {
        "title": "Rate the quarter",
        "config": {
            "question": "How did this quarter go?",
            "statements": [
                {"id": "goals", "label": "We reached our goals"},
                {"id": "focus", "label": "I knew what to focus on"},
                {"id": "tools", "label": "Our tools helped me"},
            ],
            "scale_min": 1,
            "scale_max": 5,
            "min_label": "Disagree",
            "max_label": "Agree",
        },
    }
    replace_on_reanswer = True

    def validate_config(self, config: Any) -> dict[str, Any]:
        allowed = ("question", "statements", "scale_min", "scale_max", "min_label", "max_label")
        data, errors = config_object(config, allowed)
        question = clean_text(data, "question", "config", errors, max_length=TEXT_MAX)
        statements = clean_options(
            data, "config", errors, minimum=1, maximum=MAX_STATEMENTS, key="statements"
        )
        scale_min = clean_int(data, "scale_min", "config", errors, minimum=0, maximum=1, default=1)
        scale_max = clean_int(data, "scale_max", "config", errors, minimum=2, maximum=10, default=5)
        clean: dict[str, Any] = {
            "question": question,
            "statements": statements,
            "scale_min": scale_min,
            "scale_max": scale_max,
        }
        for key in ("min_label", "max_label"):
            if data.get(key) is not None:
                clean[key] = clean_text(data, key, "config", errors, required=False, max_length=LABEL_MAX)
        errors.raise_if_any(INVALID_CONFIG)
        return clean

    def validate_response(self, activity: Activity, data: Any) -> dict[str, Any]:
        data, errors = response_object(data, ("ratings",))
        config = activity.config
        low, high = int(config.get("scale_min", 1)), int(config.get("scale_max", 5))
        known = {s["id"] for s in config.get("statements", [])}
        raw = data.get("ratings")
        ratings: dict[str, int] = {}
        if raw is None:
            errors.add("response_data.ratings", REQUIRED)
        elif not isinstance(raw, dict):
            errors.add("response_data.ratings", NOT_OBJECT)
        elif not raw:
            errors.add("response_data.ratings", gettext("Rate at least one statement."))
        else:
            for statement_id, value in raw.items():
                path = f"response_data.ratings.{statement_id}"
                if statement_id not in known:
                    errors.add(path, gettext("Unknown statement."))
                elif not is_int(value):
                    errors.add(path, NOT_INT)
                elif not low <= value <= high:
                    errors.add(path, between(low, high))
                else:
                    ratings[statement_id] = value
        errors.raise_if_any(INVALID_ANSWER)
        return {"ratings": ratings}

    def is_revealed(self, activity: Activity, now: datetime) -> bool:
        return True  # live, like a poll

    def public_config(self, activity: Activity, now: datetime) -> dict[str, Any]:
        config = dict(activity.config)
        config.setdefault("scale_min", 1)
        config.setdefault("scale_max", 5)
        return config

    def public_results(self, activity: Activity, now: datetime) -> dict[str, Any] | None:
        return self.full_results(activity)

    def full_results(self, activity: Activity) -> dict[str, Any]:
        config = activity.config
        low, high = int(config.get("scale_min", 1)), int(config.get("scale_max", 5))
        # One GROUP BY over every (statement, value) pair, plus the count of answers.
        grouped: dict[str, dict[int, int]] = {}
        for statement_id, value, n in object_value_counts(activity.pk, "ratings"):
            try:
                grouped.setdefault(statement_id, {})[int(value)] = n
            except ValueError:
                continue
        statements = []
        for statement in config.get("statements", []):
            seen = grouped.get(statement["id"], {})
            # Values outside today's scale (the config was edited) are left out.
            distribution = {value: seen.get(value, 0) for value in range(low, high + 1)}
            statements.append(
                {
                    "id": statement["id"],
                    "label": statement["label"],
                    "count": sum(distribution.values()),
                    "average": average(distribution),
                    "distribution": {str(value): n for value, n in distribution.items()},
                }
            )
        return {"type": self.key, "total_responses": activity.responses.count(), "statements": statements}

    def summary(self, activity: Activity) -> Summary:
        # {statement id: average}
        results = self.full_results(activity)
        return Summary(
            {s["id"]: s["average"] for s in results["statements"]},
            results["total_responses"],
            {s["id"]: s["label"] for s in results["statements"]},
        )
