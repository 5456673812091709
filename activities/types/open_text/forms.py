"""The open text config form in the admin (attached to the type below)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..forms import ConfigForm, _textarea, lazy_format
from . import DEFAULT_MAX_LENGTH, MAX_LENGTH_MAX, OpenTextType


class OpenTextConfigForm(ConfigForm):
    type_key = OpenTextType.key
    path_fields = {"prompt": "prompt", "max_length": "max_length", "show_live": "show_live"}

    # Translators: the question or instruction shown to the participants.
    prompt = forms.CharField(widget=_textarea(2), label=_("Prompt"))
    max_length = forms.IntegerField(
        initial=DEFAULT_MAX_LENGTH,
        label=_("Max length"),
        help_text=lazy_format(_("Characters per answer, 1 to %(max)s."), max=MAX_LENGTH_MAX),
    )
    show_live = forms.BooleanField(
        required=False,
        initial=True,
        # Translators: a checkbox: show the answers on the presenter's screen while they come in.
        label=_("Show live"),
        help_text=_("Off: the wall stays hidden until the end."),
    )

    @classmethod
    def initial_from_config(cls, config: dict[str, Any]) -> dict[str, Any]:
        return {
            "prompt": config.get("prompt", ""),
            "max_length": config.get("max_length", DEFAULT_MAX_LENGTH),
            "show_live": bool(config.get("show_live", True)),
        }

    def to_config(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "prompt": data["prompt"],
            "max_length": data["max_length"],
            "show_live": bool(data.get("show_live")),
        }


OpenTextType.config_form = OpenTextConfigForm  # type: ignore[attr-defined]
