"""Results dicts rendered as HTML tables for the admin pages, with no knowledge of the type."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from activities.models import Activity
from activities.results import activity_results
from activities.types import get_type


def _label(key: Any) -> str:
    return str(key).replace("_", " ").capitalize()


def _scalar(value: Any, key: str = "") -> SafeString:
    if value is None:
        return mark_safe("—")
    if isinstance(value, bool):
        return mark_safe("yes" if value else "no")
    if key == "percentage" and isinstance(value, int | float):
        width = max(0.0, min(float(value), 100.0))
        return format_html(
            '<span class="caja-bar"><span style="width:{}%"></span></span> {} %', f"{width:.1f}", value
        )
    return format_html("{}", value)


def render_results(value: Any, key: str = "") -> SafeString:
    """Dicts become key/value tables, lists of dicts become tables with a column per key, lists of
    scalars become comma lists; nested values render recursively."""
    if isinstance(value, dict):
        items = [(k, v) for k, v in value.items() if k != "type"]
        if not items:
            return mark_safe("—")
        rows = format_html_join(
            "", "<tr><th>{}</th><td>{}</td></tr>", ((_label(k), render_results(v, str(k))) for k, v in items)
        )
        return format_html('<table class="caja-results">{}</table>', rows)
    if isinstance(value, list):
        if not value:
            return mark_safe("<em>none</em>")
        if all(isinstance(item, dict) for item in value):
            columns: list[str] = []
            for item in value:
                columns.extend(k for k in item if k not in columns)
            head = format_html_join("", "<th>{}</th>", ((_label(c),) for c in columns))
            body = format_html_join(
                "",
                "<tr>{}</tr>",
                (
                    (
                        format_html_join(
                            "", "<td>{}</td>", ((render_results(item.get(c), c),) for c in columns)
                        ),
                    )
                    for item in value
                ),
            )
            return format_html(
                '<table class="caja-results caja-list"><thead><tr>{}</tr></thead><tbody>{}</tbody></table>',
                head,
                body,
            )
        return format_html_join(", ", "{}", ((render_results(item, key),) for item in value))
    return _scalar(value, key)


def hidden_word_controls(activity: Activity, results: dict[str, Any]) -> dict[str, Any] | None:
    """For types with hidden words: the shown words (to hide) and the hidden ones (to unhide)."""
    if not get_type(activity.type).supports_hidden_words:
        return None
    return {
        "shown": [w.get("text") for w in results.get("words", []) if isinstance(w, dict)],
        "hidden": list(results.get("hidden", [])),
    }


def activity_panel(activity: Activity, *, can_moderate: bool, can_edit: bool) -> dict[str, Any]:
    """One activity's results panel; the hide/unhide buttons need the caller's moderation right,
    and the activity's page is "Edit" or "View" by their edit right (sessions_app.roles)."""
    results = activity_results(activity)
    return {
        "activity": activity,
        "type_label": get_type(activity.type).label,
        "results_html": render_results(results),
        "words": hidden_word_controls(activity, results) if can_moderate else None,
        "can_edit": can_edit,
        "results_url": reverse("admin:activities_activity_results", args=[activity.pk]),
        "change_url": reverse("admin:activities_activity_change", args=[activity.pk]),
    }
