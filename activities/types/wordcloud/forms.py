"""The Word cloud config form in the admin (attached to the type below)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..form_pictures import config_image_field
from ..forms import ConfigForm, _textarea, config_key
from . import DEFAULT_MAX_LENGTH, DEFAULT_MAX_WORDS, WordCloudType


class WordCloudConfigForm(ConfigForm):
    type_key = WordCloudType.key

    # Translators: the question or instruction shown to the participants.
    prompt = config_key(forms.CharField(widget=_textarea(2), label=_("Prompt")))
    image = config_image_field()
    max_words = config_key(
        forms.IntegerField(
            initial=DEFAULT_MAX_WORDS, label=_("Max words"), help_text=_("Words per participant, 1–5.")
        )
    )
    max_length = config_key(
        forms.IntegerField(
            initial=DEFAULT_MAX_LENGTH, label=_("Max length"), help_text=_("Characters per word, 1–40.")
        )
    )


WordCloudType.config_form = WordCloudConfigForm  # type: ignore[attr-defined]
