"""The rating scale config form in the admin (attached to the type below)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..forms import STATEMENTS_HELP, ConfigForm, _textarea, format_options
from . import RatingType


class RatingConfigForm(ConfigForm):
    type_key = RatingType.key
    path_fields = {
        "question": "question",
        "statements": "statements",
        "scale_min": "scale_min",
        "scale_max": "scale_max",
        "min_label": "min_label",
        "max_label": "max_label",
    }
    item_names = {**ConfigForm.item_names, "statements": _("Line")}

    question = forms.CharField(widget=_textarea(2), label=_("Question"))
    statements = forms.CharField(widget=_textarea(6), help_text=STATEMENTS_HELP, label=_("Statements"))
    scale_min = forms.TypedChoiceField(
        choices=[(0, "0"), (1, "1")],
        coerce=int,
        initial=1,
        # Translators: the lowest value of the rating scale (0 or 1).
        label=_("Scale from"),
    )
    # Translators: the highest value of the rating scale.
    scale_max = forms.IntegerField(initial=5, label=_("Scale to"), help_text=_("2 to 10."))
    min_label = forms.CharField(
        required=False,
        label=_("Label of the lowest value"),
        # Translators: an example of a label for the lowest value of a rating scale.
        help_text=_("e.g. Disagree"),
    )
    max_label = forms.CharField(
        required=False,
        label=_("Label of the highest value"),
        # Translators: an example of a label for the highest value of a rating scale.
        help_text=_("e.g. Agree"),
    )

    @classmethod
    def initial_from_config(cls, config: dict[str, Any]) -> dict[str, Any]:
        return {
            "question": config.get("question", ""),
            "statements": format_options(config.get("statements")),
            "scale_min": config.get("scale_min", 1),
            "scale_max": config.get("scale_max", 5),
            "min_label": config.get("min_label", ""),
            "max_label": config.get("max_label", ""),
        }

    def to_config(self) -> dict[str, Any]:
        data = self.cleaned_data
        config: dict[str, Any] = {
            "question": data["question"],
            "statements": self.options_from("statements"),
            "scale_min": data["scale_min"],
            "scale_max": data["scale_max"],
        }
        for key in ("min_label", "max_label"):
            if data.get(key):
                config[key] = data[key]
        return config


RatingType.config_form = RatingConfigForm  # type: ignore[attr-defined]
