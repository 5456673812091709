"""The Q&A's config form in the admin (attached to the type below)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..form_pictures import config_image_field
from ..forms import ConfigForm, _textarea, config_key, lazy_format
from . import DEFAULT_MAX_LENGTH, MAX_LENGTH_MAX, MAX_LENGTH_MIN, QnaType


class QnaConfigForm(ConfigForm):
    type_key = QnaType.key

    # A config without a prompt shows it blank, not with the initial prompt of a new Q&A.
    prompt = config_key(
        forms.CharField(
            widget=_textarea(2),
            # Translators: the default prompt of a new Q&A, shown to the participants.
            initial=_("Ask us anything"),
            # Translators: the question or instruction shown to the participants.
            label=_("Prompt"),
        )
    )
    image = config_image_field()
    moderation = config_key(
        forms.BooleanField(
            required=False,
            # Translators: a checkbox (the verb): the organizer approves each question before it appears.
            label=_("Moderate"),
            help_text=_("Questions appear only once you approve them."),
        )
    )
    allow_anonymous = config_key(
        forms.BooleanField(required=False, initial=True, label=_("Allow anonymous questions"))
    )
    max_length = config_key(
        forms.IntegerField(
            initial=DEFAULT_MAX_LENGTH,
            label=_("Max length"),
            help_text=lazy_format(
                _("Characters per question, %(min)s to %(max)s."), min=MAX_LENGTH_MIN, max=MAX_LENGTH_MAX
            ),
        )
    )


QnaType.config_form = QnaConfigForm  # type: ignore[attr-defined]
