"""The rating scale config form in the admin (attached to the type below)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..form_pictures import config_image_field, pictures_field
from ..forms import STATEMENTS_HELP, ConfigForm, _textarea, config_key, options_field
from . import RatingType


class RatingConfigForm(ConfigForm):
    type_key = RatingType.key

    question = config_key(forms.CharField(widget=_textarea(2), label=_("Question")))
    statements = options_field(6, _("Statements"), help_text=STATEMENTS_HELP)
    image = config_image_field()
    statement_pictures = pictures_field("statements", _("Pictures of the statements"))
    scale_min = config_key(
        forms.TypedChoiceField(
            choices=[(0, "0"), (1, "1")],
            coerce=int,
            initial=1,
            # Translators: the lowest value of the rating scale (0 or 1).
            label=_("Scale from"),
        )
    )
    # Translators: the highest value of the rating scale.
    scale_max = config_key(forms.IntegerField(initial=5, label=_("Scale to"), help_text=_("2 to 10.")))
    min_label = config_key(
        forms.CharField(
            required=False,
            label=_("Label of the lowest value"),
            # Translators: an example of a label for the lowest value of a rating scale.
            help_text=_("e.g. Disagree"),
        ),
        omit_blank=True,
    )
    max_label = config_key(
        forms.CharField(
            required=False,
            label=_("Label of the highest value"),
            # Translators: an example of a label for the highest value of a rating scale.
            help_text=_("e.g. Agree"),
        ),
        omit_blank=True,
    )


RatingType.config_form = RatingConfigForm  # type: ignore[attr-defined]
