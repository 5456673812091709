"""The open text config form in the admin (attached to the type below)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..form_pictures import config_image_field
from ..forms import ConfigForm, _textarea, config_key, lazy_format
from . import DEFAULT_MAX_LENGTH, MAX_LENGTH_MAX, OpenTextType


class OpenTextConfigForm(ConfigForm):
    type_key = OpenTextType.key

    # Translators: the question or instruction shown to the participants.
    prompt = config_key(forms.CharField(widget=_textarea(2), label=_("Prompt")))
    image = config_image_field()
    max_length = config_key(
        forms.IntegerField(
            initial=DEFAULT_MAX_LENGTH,
            label=_("Max length"),
            help_text=lazy_format(_("Characters per answer, 1 to %(max)s."), max=MAX_LENGTH_MAX),
        )
    )
    show_live = config_key(
        forms.BooleanField(
            required=False,
            initial=True,
            # Translators: a checkbox: show the answers on the presenter's screen while they come in.
            label=_("Show live"),
            help_text=_("Off: the wall stays hidden until the end."),
        )
    )


OpenTextType.config_form = OpenTextConfigForm  # type: ignore[attr-defined]
