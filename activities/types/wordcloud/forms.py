"""The Word cloud config form in the admin (attached to the type below)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..forms import ConfigForm, _textarea
from . import DEFAULT_MAX_LENGTH, DEFAULT_MAX_WORDS, WordCloudType


class WordCloudConfigForm(ConfigForm):
    type_key = WordCloudType.key
    path_fields = {"prompt": "prompt", "max_words": "max_words", "max_length": "max_length"}

    # Translators: the question or instruction shown to the participants.
    prompt = forms.CharField(widget=_textarea(2), label=_("Prompt"))
    max_words = forms.IntegerField(
        initial=DEFAULT_MAX_WORDS, label=_("Max words"), help_text=_("Words per participant, 1–5.")
    )
    max_length = forms.IntegerField(
        initial=DEFAULT_MAX_LENGTH, label=_("Max length"), help_text=_("Characters per word, 1–40.")
    )

    @classmethod
    def initial_from_config(cls, config: dict[str, Any]) -> dict[str, Any]:
        return {
            "prompt": config.get("prompt", ""),
            "max_words": config.get("max_words", DEFAULT_MAX_WORDS),
            "max_length": config.get("max_length", DEFAULT_MAX_LENGTH),
        }

    def to_config(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"prompt": data["prompt"], "max_words": data["max_words"], "max_length": data["max_length"]}


WordCloudType.config_form = WordCloudConfigForm  # type: ignore[attr-defined]
