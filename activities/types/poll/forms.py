"""The Poll config form in the admin (attached to the type below)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..form_pictures import config_image_field, pictures_field
from ..forms import ConfigForm, _textarea, config_key, options_field
from . import PollType


class PollConfigForm(ConfigForm):
    type_key = PollType.key

    question = config_key(forms.CharField(widget=_textarea(2), label=_("Question")))
    options = options_field(6, _("Options"))
    image = config_image_field()
    option_pictures = pictures_field("options", _("Pictures of the options"))
    multiple = config_key(forms.BooleanField(required=False, label=_("Allow several choices")))
    max_choices = config_key(
        forms.IntegerField(
            required=False,
            label=_("Max choices"),
            help_text=_("Only with several choices; blank: no limit."),
        )
    )

    def to_config(self) -> dict[str, Any]:
        config = super().to_config()
        if config["max_choices"] is not None and not config["multiple"]:
            # The type's own message names the API's field ("multiple"); the form's is a checkbox.
            self.add_error(
                "max_choices",
                # Translators: %(field)s is the checkbox label "Allow several choices".
                gettext("Only with “%(field)s” ticked; leave it blank otherwise.")
                % {"field": self.fields["multiple"].label},
            )
        return config


PollType.config_form = PollConfigForm  # type: ignore[attr-defined]
