"""The Poll config form in the admin (attached to the type below)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..forms import OPTIONS_HELP, ConfigForm, _textarea, format_options
from . import PollType


class PollConfigForm(ConfigForm):
    type_key = PollType.key
    path_fields = {
        "question": "question",
        "options": "options",
        "multiple": "multiple",
        "max_choices": "max_choices",
    }

    question = forms.CharField(widget=_textarea(2), label=_("Question"))
    options = forms.CharField(widget=_textarea(6), help_text=OPTIONS_HELP, label=_("Options"))
    multiple = forms.BooleanField(required=False, label=_("Allow several choices"))
    max_choices = forms.IntegerField(
        required=False,
        label=_("Max choices"),
        help_text=_("Only with several choices; blank: no limit."),
    )

    @classmethod
    def initial_from_config(cls, config: dict[str, Any]) -> dict[str, Any]:
        return {
            "question": config.get("question", ""),
            "options": format_options(config.get("options")),
            "multiple": bool(config.get("multiple")),
            "max_choices": config.get("max_choices"),
        }

    def to_config(self) -> dict[str, Any]:
        data = self.cleaned_data
        options = self.options_from("options")
        if data.get("max_choices") is not None and not data.get("multiple"):
            # The type's own message names the API's field ("multiple"); the form's is a checkbox.
            self.add_error(
                "max_choices",
                # Translators: %(field)s is the checkbox label "Allow several choices".
                gettext("Only with “%(field)s” ticked; leave it blank otherwise.")
                % {"field": self.fields["multiple"].label},
            )
        return {
            "question": data["question"],
            "options": options,
            "multiple": bool(data.get("multiple")),
            "max_choices": data.get("max_choices"),
        }


PollType.config_form = PollConfigForm  # type: ignore[attr-defined]
