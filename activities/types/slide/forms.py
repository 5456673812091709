"""The Slide config form in the admin (attached to the type below)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..form_pictures import config_image_field
from ..forms import ConfigForm, _textarea, config_key
from . import SlideType


class SlideConfigForm(ConfigForm):
    type_key = SlideType.key

    title = config_key(forms.CharField(required=False, label=_("Slide title")))
    body = config_key(
        forms.CharField(
            required=False,
            widget=_textarea(8),
            label=_("Body"),
            help_text=_(
                'Plain text: a blank line starts a paragraph, a line starting with "- " is a bullet.'
            ),
        )
    )
    image = config_image_field()
    show_on_phones = config_key(
        forms.BooleanField(required=False, initial=True, label=_("Show on phones")),
        missing=True,
    )
    notes = config_key(
        forms.CharField(
            required=False,
            widget=_textarea(5),
            label=_("Speaker notes"),
            help_text=_("Only on the moderation page, never on the big screen or the phones."),
        )
    )


SlideType.config_form = SlideConfigForm  # type: ignore[attr-defined]
