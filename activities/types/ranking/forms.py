"""The ranking config form in the admin (attached to the type below)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from ..forms import ITEMS_HELP, ConfigForm, _textarea, format_options
from . import RankingType


class RankingConfigForm(ConfigForm):
    type_key = RankingType.key
    path_fields = {"question": "question", "items": "items"}
    item_names = {**ConfigForm.item_names, "items": _("Line")}

    question = forms.CharField(widget=_textarea(2), label=_("Question"))
    items = forms.CharField(widget=_textarea(6), help_text=ITEMS_HELP, label=_("Items"))

    @classmethod
    def initial_from_config(cls, config: dict[str, Any]) -> dict[str, Any]:
        return {"question": config.get("question", ""), "items": format_options(config.get("items"))}

    def to_config(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"question": data["question"], "items": self.options_from("items")}


RankingType.config_form = RankingConfigForm  # type: ignore[attr-defined]
