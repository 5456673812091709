"""The Quiz config form in the admin (attached to the type below)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..form_pictures import config_image_field, pictures_field
from ..forms import ConfigForm, _textarea, config_key, options_field
from . import DEFAULT_LEAD_IN, DEFAULT_POINTS, DEFAULT_TIME_LIMIT, QuizType


class QuizConfigForm(ConfigForm):
    type_key = QuizType.key

    question = config_key(forms.CharField(widget=_textarea(2), label=_("Question")))
    options = options_field(5, _("Options"))
    image = config_image_field()
    option_pictures = pictures_field("options", _("Pictures of the options"))
    correct_option = config_key(
        forms.CharField(
            label=_("Correct option"),
            help_text=_("The id of the correct option (a, b, …), its number (1, 2, …) or its exact label."),
        ),
        "correct_option_id",
    )
    time_limit_seconds = config_key(
        forms.IntegerField(
            required=False,
            initial=DEFAULT_TIME_LIMIT,
            label=_("Time limit (seconds)"),
            help_text=_("5–600 seconds; blank: no time limit."),
        ),
        missing=None,  # a stored quiz without the key has no time limit
    )
    points = config_key(
        forms.IntegerField(
            initial=DEFAULT_POINTS,
            # Translators: the score a participant gets for a correct answer.
            label=_("Points"),
            help_text=_("1–10000 for a correct answer."),
        )
    )

    lead_in_seconds = config_key(
        forms.IntegerField(
            required=False,
            initial=DEFAULT_LEAD_IN,
            # Translators: the "get ready" countdown before a quiz question takes answers.
            label=_("Get-ready countdown (seconds)"),
            help_text=_(
                "0–10 seconds: everyone sees the question before answers open, so no phone starts late."
            ),
        ),
        missing=0,  # a quiz stored before the lead-in existed has none
        dump=lambda v: DEFAULT_LEAD_IN if v is None else v,  # blank: the default (not 0: omit_blank)
    )

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
        config = super().to_config()
        config["correct_option_id"] = self.resolve_correct(config["correct_option_id"], config["options"])
        return config


QuizType.config_form = QuizConfigForm  # type: ignore[attr-defined]
