"""The Poker config form in the admin (attached to the type below)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..form_pictures import config_image_field
from ..forms import ConfigForm, _textarea, config_key
from . import DECKS, DEFAULT_DECK, PokerType

CUSTOM_DECK = "custom"
# Translators: a choice of deck (set of cards): the deck typed in the "Custom cards" field below.
CUSTOM_LABEL = _("custom (the cards below)")


class PokerConfigForm(ConfigForm):
    """``deck`` holds a named deck; a custom one is the choice "custom" plus the cards typed in
    ``custom_cards`` (no config key of its own), and goes to the config as a list."""

    type_key = PokerType.key
    item_names = {
        # Translators: a planning poker card; starts an error message about one card: "Card 2: …".
        "custom_cards": _("Card"),
    }
    title_or = "story"
    # Translators: the admin refuses a planning poker round with neither a story nor a title.
    title_or_message = _("Enter a story or a title: the phones and the big screen show it.")

    story = config_key(
        forms.CharField(
            widget=_textarea(2),
            required=False,
            # Translators: planning poker: the user story (task) the team estimates.
            label=_("Story"),
            help_text=_("The story being estimated."),
        )
    )
    image = config_image_field()
    auto_reveal = config_key(
        forms.BooleanField(
            required=False,
            # Translators: a checkbox: the cards are revealed automatically, without the organizer.
            label=_("Reveal by itself"),
            help_text=_("Reveal the cards once everyone seen in the last minute has voted."),
        )
    )
    deck = config_key(
        forms.ChoiceField(
            choices=[(name, f"{name} ({', '.join(cards)})") for name, cards in DECKS.items()]
            + [(CUSTOM_DECK, CUSTOM_LABEL)],
            initial=DEFAULT_DECK,
            # Translators: planning poker: the set of cards the participants vote with.
            label=_("Deck"),
        )
    )
    custom_cards = forms.CharField(
        required=False,
        label=_("Custom cards"),
        help_text=_("Comma separated, e.g. <code>1, 2, 3, ?</code> (only with the custom deck)."),
        widget=forms.TextInput(attrs={"size": 60}),
    )

    @classmethod
    def initial_from_config(cls, config: dict[str, Any]) -> dict[str, Any]:
        initial = super().initial_from_config(config)
        deck = initial["deck"]
        if isinstance(deck, list):
            return {**initial, "deck": CUSTOM_DECK, "custom_cards": ", ".join(deck)}
        return {**initial, "custom_cards": ""}

    def field_for_path(self, path: str) -> tuple[str | None, list[str]]:
        field, rest = super().field_for_path(path)
        if field == "deck" and self.cleaned_data.get("deck") == CUSTOM_DECK:
            field = "custom_cards"
        return field, rest

    def to_config(self) -> dict[str, Any]:
        config = super().to_config()
        if config["deck"] == CUSTOM_DECK:
            raw = (self.cleaned_data.get("custom_cards") or "").strip()
            if not raw:
                self.add_error("custom_cards", gettext("Enter the cards of the custom deck."))
            config["deck"] = [card.strip() for card in raw.split(",")] if raw else []
        elif (self.cleaned_data.get("custom_cards") or "").strip():
            # Typed cards are never dropped without a word: use them (choose "custom") or clear them.
            self.add_error(
                "custom_cards",
                gettext(
                    "These cards are used only with the custom deck: choose “%(custom)s” as the deck, "
                    "or clear this field."
                )
                % {"custom": CUSTOM_LABEL},
            )
        return config


PokerType.config_form = PokerConfigForm  # type: ignore[attr-defined]
