"""The Quiz config form in the admin (attached to the type below)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..forms import OPTIONS_HELP, ConfigForm, _textarea, format_options
from . import DEFAULT_POINTS, DEFAULT_TIME_LIMIT, QuizType


class QuizConfigForm(ConfigForm):
    type_key = QuizType.key
    path_fields = {
        "question": "question",
        "options": "options",
        "correct_option_id": "correct_option",
        "time_limit_seconds": "time_limit_seconds",
        "points": "points",
    }

    question = forms.CharField(widget=_textarea(2), label=_("Question"))
    options = forms.CharField(widget=_textarea(5), help_text=OPTIONS_HELP, label=_("Options"))
    correct_option = forms.CharField(
        label=_("Correct option"),
        help_text=_("The id of the correct option (a, b, …), its number (1, 2, …) or its exact label."),
    )
    time_limit_seconds = forms.IntegerField(
        required=False,
        initial=DEFAULT_TIME_LIMIT,
        label=_("Time limit (seconds)"),
        help_text=_("5–600 seconds; blank: no time limit."),
    )
    points = forms.IntegerField(
        initial=DEFAULT_POINTS,
        # Translators: the score a participant gets for a correct answer.
        label=_("Points"),
        help_text=_("1–10000 for a correct answer."),
    )

    @classmethod
    def initial_from_config(cls, config: dict[str, Any]) -> dict[str, Any]:
        return {
            "question": config.get("question", ""),
            "options": format_options(config.get("options")),
            "correct_option": config.get("correct_option_id", ""),
            "time_limit_seconds": config.get("time_limit_seconds"),
            "points": config.get("points", DEFAULT_POINTS),
        }

    @staticmethod
    def resolve_correct(value: str, options: list[dict[str, str]]) -> str:
        """An id as typed, else a 1-based number, else an exact label (case-insensitive)."""
        value = value.strip()
        ids = [o["id"] for o in options]
        if value in ids:
            return value
        if value.isdigit() and 1 <= int(value) <= len(options):
            return ids[int(value) - 1]
        matches = [o["id"] for o in options if o["label"].strip().casefold() == value.casefold()]
        return matches[0] if len(matches) == 1 else value

    def to_config(self) -> dict[str, Any]:
        data = self.cleaned_data
        options = self.options_from("options")
        return {
            "question": data["question"],
            "options": options,
            "correct_option_id": self.resolve_correct(data["correct_option"], options),
            "time_limit_seconds": data.get("time_limit_seconds"),
            "points": data["points"],
        }


QuizType.config_form = QuizConfigForm  # type: ignore[attr-defined]
