"""Ranking: participants put the items in order; the room's order comes out by Borda points.

config        ``{"question": str, "items": [{"id", "label"}, 2–10]}``
response_data ``{"order": [id, ...]}`` — a permutation of all item ids; a second answer replaces.
results       ``{"type": "ranking", "total_responses": N, "items": [{"id", "label", "points",
              "average_rank"}]}`` — Borda count (first of k items gets k−1 points, last 0), sorted by
              points, then average rank, then label. Two queries, whatever the number of answers.
"""

from __future__ import annotations

from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_noop, ngettext

from ..base import ActivityType, Summary
from ..fields import (
    INVALID_ANSWER,
    INVALID_CONFIG,
    TEXT_MAX,
    clean_id_list,
    clean_options,
    clean_text,
    config_object,
    response_field,
    response_object,
)
from ..jsonagg import array_position_counts
from ..registry import register

if TYPE_CHECKING:
    from activities.models import Activity

MIN_ITEMS = 2
MAX_ITEMS = 10


@register
class RankingType(ActivityType):
    key = "ranking"
    label = gettext_noop("Ranking")
    demo = {
        "title": "Next quarter's priorities",
        "config": {
            "question": "What should come first next quarter?",
            "items": [
                {"id": "perf", "label": "Performance"},
                {"id": "mobile", "label": "Mobile app"},
                {"id": "onboarding", "label": "Onboarding"},
                {"id": "reports", "label": "Reports"},
            ],
        },
    }
    replace_on_reanswer = True

    def validate_config(self, config: Any) -> dict[str, Any]:
        data, errors = config_object(config, ("question", "items"))
        question = clean_text(data, "question", "config", errors, max_length=TEXT_MAX)
        items = clean_options(data, "config", errors, minimum=MIN_ITEMS, maximum=MAX_ITEMS, key="items")
        errors.raise_if_any(INVALID_CONFIG)
        return {"question": question, "items": items}

    def validate_response(self, activity: Activity, data: Any) -> dict[str, Any]:
        data, errors = response_object(data, ("order",))
        known = [item["id"] for item in activity.config.get("items", [])]
        raw = response_field(data, "order", list, errors)
        order: list[str] = []
        if raw is not None:
            order = clean_id_list(raw, known, "order", "item", errors)
            if not errors and len(order) != len(known):
                n = len(known)
                errors.add(
                    "response_data.order",
                    ngettext("Put the %(n)s item in order.", "Put all %(n)s items in order.", n) % {"n": n},
                )
        errors.raise_if_any(INVALID_ANSWER)
        return {"order": order}

    def is_revealed(self, activity: Activity, now: datetime) -> bool:
        return True  # live, like a poll

    def public_results(self, activity: Activity, now: datetime) -> dict[str, Any] | None:
        return self.full_results(activity)

    def full_results(self, activity: Activity) -> dict[str, Any]:
        items = activity.config.get("items", [])
        k = len(items)
        points = {item["id"]: 0 for item in items}
        rank_sum = {item["id"]: 0 for item in items}
        placed = {item["id"]: 0 for item in items}
        for item_id, position, n in array_position_counts(activity.pk, "order"):
            if item_id in points and 0 <= position < k:
                points[item_id] += n * (k - 1 - position)
                rank_sum[item_id] += n * (position + 1)
                placed[item_id] += n
        rows = []
        for item in items:
            count = placed[item["id"]]
            average_rank = (
                float(
                    (Decimal(rank_sum[item["id"]]) / count).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
                )
                if count
                else None
            )
            rows.append(
                {
                    "id": item["id"],
                    "label": item["label"],
                    "points": points[item["id"]],
                    "average_rank": average_rank,
                }
            )
        rows.sort(
            key=lambda r: (
                -r["points"],
                r["average_rank"] if r["average_rank"] is not None else k + 1,
                r["label"],
            )
        )
        return {"type": self.key, "total_responses": activity.responses.count(), "items": rows}

    def summary(self, activity: Activity) -> Summary:
        # {item id: points}
        results = self.full_results(activity)
        return Summary(
            {i["id"]: i["points"] for i in results["items"]},
            results["total_responses"],
            {i["id"]: i["label"] for i in results["items"]},
        )
