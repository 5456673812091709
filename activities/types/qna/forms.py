"""The Q&A's config form in the admin (attached to the type below)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..forms import ConfigForm, _textarea, lazy_format
from . import DEFAULT_MAX_LENGTH, MAX_LENGTH_MAX, MAX_LENGTH_MIN, QnaType


class QnaConfigForm(ConfigForm):
    type_key = QnaType.key
    path_fields = {
        "prompt": "prompt",
        "moderation": "moderation",
        "allow_anonymous": "allow_anonymous",
        "max_length": "max_length",
    }

    prompt = forms.CharField(
        widget=_textarea(2),
        # Translators: the default prompt of a new Q&A, shown to the participants.
        initial=_("Ask us anything"),
        # Translators: the question or instruction shown to the participants.
        label=_("Prompt"),
    )
    moderation = forms.BooleanField(
        required=False,
        # Translators: a checkbox (the verb): the organizer approves each question before it appears.
        label=_("Moderate"),
        help_text=_("Questions appear only once you approve them."),
    )
    allow_anonymous = forms.BooleanField(required=False, initial=True, label=_("Allow anonymous questions"))
    max_length = forms.IntegerField(
        initial=DEFAULT_MAX_LENGTH,
        label=_("Max length"),
        help_text=lazy_format(
            _("Characters per question, %(min)s to %(max)s."), min=MAX_LENGTH_MIN, max=MAX_LENGTH_MAX
        ),
    )

    @classmethod
    def initial_from_config(cls, config: dict[str, Any]) -> dict[str, Any]:
        return {
            "prompt": config.get("prompt", ""),
            "moderation": bool(config.get("moderation")),
            "allow_anonymous": bool(config.get("allow_anonymous", True)),
            "max_length": config.get("max_length", DEFAULT_MAX_LENGTH),
        }

    def to_config(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "prompt": data["prompt"],
            "moderation": bool(data.get("moderation")),
            "allow_anonymous": bool(data.get("allow_anonymous")),
            "max_length": data["max_length"],
        }


QnaType.config_form = QnaConfigForm  # type: ignore[attr-defined]
