"""The ranking config form in the admin (attached to the type below)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from ..form_pictures import config_image_field, pictures_field
from ..forms import ITEMS_HELP, ConfigForm, _textarea, config_key, options_field
from . import RankingType


class RankingConfigForm(ConfigForm):
    type_key = RankingType.key

    question = config_key(forms.CharField(widget=_textarea(2), label=_("Question")))
    items = options_field(6, _("Items"), help_text=ITEMS_HELP)
    image = config_image_field()
    item_pictures = pictures_field("items", _("Pictures of the items"))


RankingType.config_form = RankingConfigForm  # type: ignore[attr-defined]
