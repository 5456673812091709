"""Config forms: one Django form per activity type, turning friendly fields into a config dict.

Each form maps its fields to the type's ``config`` and back:

* ``initial_from_config(config)`` gives the fields' initial values for an existing config;
* ``to_config()`` builds the config dict from ``cleaned_data``;
* ``clean()`` then validates that dict with the type's own ``validate_config`` (the exact rules of
  the API) and puts the normalized result in ``cleaned_data["config"]``. Errors come back as dotted
  paths (``config.options.1.label``); ``path_fields`` maps the first segment after ``config`` to the
  form field they concern, anything unmatched becomes a non-field error.

The forms attach themselves to the type classes (``PollType.config_form = PollConfigForm``), so
callers use ``config_form_for(get_type(key))`` and never switch on the type name. A type without a
form (a future plug-in) gets :class:`RawJsonConfigForm`, a JSON textarea.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from django import forms

from caja.errors import ValidationFailed

from . import get_type
from .base import ActivityType
from .fields import OPTION_ID_RE
from .poker import DECKS, DEFAULT_DECK, PokerType
from .poll import PollType
from .quiz import DEFAULT_POINTS, DEFAULT_TIME_LIMIT, QuizType
from .wordcloud import DEFAULT_MAX_LENGTH, DEFAULT_MAX_WORDS, WordCloudType

OPTION_SEPARATOR = "|"
CUSTOM_DECK = "custom"


class ConfigForm(forms.Form):
    """Base of the per-type config forms."""

    type_key: ClassVar[str] = ""
    # First path segment after "config." -> form field name.
    path_fields: ClassVar[dict[str, str]] = {}
    # Field name -> what one element of it is called in error messages (lines of a textarea…).
    item_names: ClassVar[dict[str, str]] = {"options": "Line", "custom_cards": "Card"}

    @classmethod
    def initial_from_config(cls, config: dict[str, Any]) -> dict[str, Any]:
        return {}

    def to_config(self) -> dict[str, Any]:
        raise NotImplementedError

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        try:
            config = self.to_config()
        except forms.ValidationError as exc:
            self.add_error(None, exc)
            return cleaned
        if self.errors:  # to_config may add field errors itself
            return cleaned
        try:
            cleaned["config"] = get_type(self.type_key).validate_config(config)
        except ValidationFailed as exc:
            self.add_details(exc.details)
        return cleaned

    # --- mapping the type module's error paths onto fields ------------------------------------
    def field_for_path(self, path: str) -> tuple[str | None, list[str]]:
        """(field name or None, the remaining path segments) for an error path."""
        segments = path.split(".")
        if segments and segments[0] == "config":
            segments = segments[1:]
        if not segments:
            return None, []
        field = self.path_fields.get(segments[0])
        if field is None or field not in self.fields:
            return None, segments
        return field, segments[1:]

    def describe(self, field: str | None, rest: list[str]) -> str:
        """A human prefix for a nested path (options ``["1", "label"]`` → ``"Line 2 (label): "``)."""
        if not rest:
            return ""
        noun = self.item_names.get(field or "", "Item")
        if rest[0].isdigit():
            head = f"{noun} {int(rest[0]) + 1}"
            return f"{head} ({'.'.join(rest[1:])}): " if rest[1:] else f"{head}: "
        return f"{'.'.join(rest)}: "

    def add_details(self, details: dict[str, Any]) -> None:
        for path, messages in details.items():
            messages = messages if isinstance(messages, list) else [messages]
            field, rest = self.field_for_path(path)
            prefix = self.describe(field, rest) if field else (f"{'.'.join(rest)}: " if rest else "")
            for message in messages:
                self.add_error(field, f"{prefix}{message}")


# --- options as "one per line" ------------------------------------------------------------------


def auto_option_id(index: int) -> str:
    """a, b, … z, then o27, o28, …"""
    return chr(ord("a") + index) if index < 26 else f"o{index + 1}"


def parse_options(text: str) -> list[dict[str, str]]:
    """One option per line: ``Label`` (id generated a, b, c…) or ``id | Label``.

    Blank lines are skipped. Explicit ids win; generated ids skip the ones already taken."""
    rows: list[tuple[str | None, str]] = []
    for raw_line in (text or "").splitlines():
        line = raw_line.strip()
        if not line:
            continue
        head, sep, tail = line.partition(OPTION_SEPARATOR)
        if sep and OPTION_ID_RE.fullmatch(head.strip()):
            rows.append((head.strip(), tail.strip()))
        else:
            rows.append((None, line))
    taken = {option_id for option_id, _ in rows if option_id}
    options: list[dict[str, str]] = []
    counter = 0
    for option_id, label in rows:
        if option_id is None:
            while auto_option_id(counter) in taken:
                counter += 1
            option_id = auto_option_id(counter)
            taken.add(option_id)
        options.append({"id": option_id, "label": label})
    return options


def format_options(options: Any) -> str:
    """The textarea form of stored options: labels only when the ids are the generated a, b, c…"""
    if not isinstance(options, list):
        return ""
    rows = [o for o in options if isinstance(o, dict)]
    generated = all(o.get("id") == auto_option_id(i) for i, o in enumerate(rows))
    if generated:
        return "\n".join(str(o.get("label", "")) for o in rows)
    return "\n".join(f"{o.get('id', '')} {OPTION_SEPARATOR} {o.get('label', '')}" for o in rows)


OPTIONS_HELP = (
    "One option per line. Ids are generated (a, b, c, …); to choose an id yourself write "
    "<code>id | Label</code>."
)


def _textarea(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "cols": 60})


class PollConfigForm(ConfigForm):
    type_key = PollType.key
    path_fields = {
        "question": "question",
        "options": "options",
        "multiple": "multiple",
        "max_choices": "max_choices",
    }

    question = forms.CharField(widget=_textarea(2))
    options = forms.CharField(widget=_textarea(6), help_text=OPTIONS_HELP, label="Options")
    multiple = forms.BooleanField(required=False, label="Allow several choices")
    max_choices = forms.IntegerField(
        required=False, label="Max choices", help_text="Only with several choices; blank: no limit."
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
        return {
            "question": data["question"],
            "options": parse_options(data["options"]),
            "multiple": bool(data.get("multiple")),
            "max_choices": data.get("max_choices"),
        }


class PokerConfigForm(ConfigForm):
    type_key = PokerType.key
    path_fields = {"story": "story", "deck": "deck", "auto_reveal": "auto_reveal"}

    story = forms.CharField(widget=_textarea(2), required=False, help_text="The story being estimated.")
    auto_reveal = forms.BooleanField(
        required=False,
        label="Reveal by itself",
        help_text="Reveal the cards once everyone seen in the last minute has voted.",
    )
    deck = forms.ChoiceField(
        choices=[(name, f"{name} ({', '.join(cards)})") for name, cards in DECKS.items()]
        + [(CUSTOM_DECK, "custom (the cards below)")],
        initial=DEFAULT_DECK,
    )
    custom_cards = forms.CharField(
        required=False,
        label="Custom cards",
        help_text="Comma separated, e.g. <code>1, 2, 3, ?</code> (only with the custom deck).",
        widget=forms.TextInput(attrs={"size": 60}),
    )

    @classmethod
    def initial_from_config(cls, config: dict[str, Any]) -> dict[str, Any]:
        deck = config.get("deck", DEFAULT_DECK)
        common = {"story": config.get("story", ""), "auto_reveal": bool(config.get("auto_reveal"))}
        if isinstance(deck, list):
            return {**common, "deck": CUSTOM_DECK, "custom_cards": ", ".join(deck)}
        return {**common, "deck": deck, "custom_cards": ""}

    def field_for_path(self, path: str) -> tuple[str | None, list[str]]:
        field, rest = super().field_for_path(path)
        if field == "deck" and self.cleaned_data.get("deck") == CUSTOM_DECK:
            field = "custom_cards"
        return field, rest

    def to_config(self) -> dict[str, Any]:
        data = self.cleaned_data
        deck: str | list[str] = data["deck"]
        if deck == CUSTOM_DECK:
            raw = (data.get("custom_cards") or "").strip()
            if not raw:
                self.add_error("custom_cards", "Enter the cards of the custom deck.")
            deck = [card.strip() for card in raw.split(",")] if raw else []
        return {"story": data.get("story") or "", "deck": deck, "auto_reveal": bool(data.get("auto_reveal"))}


class QuizConfigForm(ConfigForm):
    type_key = QuizType.key
    path_fields = {
        "question": "question",
        "options": "options",
        "correct_option_id": "correct_option",
        "time_limit_seconds": "time_limit_seconds",
        "points": "points",
    }

    question = forms.CharField(widget=_textarea(2))
    options = forms.CharField(widget=_textarea(5), help_text=OPTIONS_HELP, label="Options")
    correct_option = forms.CharField(
        label="Correct option",
        help_text="The id of the correct option (a, b, …), its number (1, 2, …) or its exact label.",
    )
    time_limit_seconds = forms.IntegerField(
        required=False, initial=DEFAULT_TIME_LIMIT, help_text="5–600 seconds; blank: no time limit."
    )
    points = forms.IntegerField(initial=DEFAULT_POINTS, help_text="1–10000 for a correct answer.")

    @classmethod
    def initial_from_config(cls, config: dict[str, Any]) -> dict[str, Any]:
        return {
            "question": config.get("question", ""),
            "options": format_options(config.get("options")),
            "correct_option": config.get("correct_option_id", ""),
            "time_limit_seconds": config.get("time_limit_seconds"),
            "points": config.get("points", DEFAULT_POINTS),
        }

    @staticmethod
    def resolve_correct(value: str, options: list[dict[str, str]]) -> str:
        """An id as typed, else a 1-based number, else an exact label (case-insensitive)."""
        value = value.strip()
        ids = [o["id"] for o in options]
        if value in ids:
            return value
        if value.isdigit() and 1 <= int(value) <= len(options):
            return ids[int(value) - 1]
        matches = [o["id"] for o in options if o["label"].strip().casefold() == value.casefold()]
        return matches[0] if len(matches) == 1 else value

    def to_config(self) -> dict[str, Any]:
        data = self.cleaned_data
        options = parse_options(data["options"])
        return {
            "question": data["question"],
            "options": options,
            "correct_option_id": self.resolve_correct(data["correct_option"], options),
            "time_limit_seconds": data.get("time_limit_seconds"),
            "points": data["points"],
        }


class WordCloudConfigForm(ConfigForm):
    type_key = WordCloudType.key
    path_fields = {"prompt": "prompt", "max_words": "max_words", "max_length": "max_length"}

    prompt = forms.CharField(widget=_textarea(2))
    max_words = forms.IntegerField(
        initial=DEFAULT_MAX_WORDS, label="Max words", help_text="Words per participant, 1–5."
    )
    max_length = forms.IntegerField(
        initial=DEFAULT_MAX_LENGTH, label="Max length", help_text="Characters per word, 1–40."
    )

    @classmethod
    def initial_from_config(cls, config: dict[str, Any]) -> dict[str, Any]:
        return {
            "prompt": config.get("prompt", ""),
            "max_words": config.get("max_words", DEFAULT_MAX_WORDS),
            "max_length": config.get("max_length", DEFAULT_MAX_LENGTH),
        }

    def to_config(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {"prompt": data["prompt"], "max_words": data["max_words"], "max_length": data["max_length"]}


class RawJsonConfigForm(ConfigForm):
    """Fallback for a type without its own form: the config as JSON."""

    config_json = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 12, "cols": 80, "class": "vLargeTextField"}),
        label="Config (JSON)",
        initial="{}",
    )

    @classmethod
    def for_type(cls, key: str) -> type[RawJsonConfigForm]:
        return type(f"RawJsonConfigForm_{key}", (cls,), {"type_key": key})

    @classmethod
    def initial_from_config(cls, config: dict[str, Any]) -> dict[str, Any]:
        return {"config_json": json.dumps(config, indent=2, ensure_ascii=False)}

    def field_for_path(self, path: str) -> tuple[str | None, list[str]]:
        segments = path.split(".")
        return "config_json", segments[1:] if segments[:1] == ["config"] else segments

    def to_config(self) -> dict[str, Any]:
        try:
            return json.loads(self.cleaned_data["config_json"])
        except ValueError as exc:
            self.add_error("config_json", f"Not valid JSON: {exc}")
            return {}


def config_form_for(activity_type: ActivityType) -> type[ConfigForm]:
    """The config form of a type: its own, or the raw JSON fallback."""
    form = getattr(activity_type, "config_form", None)
    if form is None:
        return RawJsonConfigForm.for_type(activity_type.key)
    return form


# Attach the forms to the type classes (the registry holds instances of these classes).
PollType.config_form = PollConfigForm  # type: ignore[attr-defined]
PokerType.config_form = PokerConfigForm  # type: ignore[attr-defined]
QuizType.config_form = QuizConfigForm  # type: ignore[attr-defined]
WordCloudType.config_form = WordCloudConfigForm  # type: ignore[attr-defined]

__all__ = [
    "ConfigForm",
    "PollConfigForm",
    "PokerConfigForm",
    "QuizConfigForm",
    "WordCloudConfigForm",
    "RawJsonConfigForm",
    "config_form_for",
    "parse_options",
    "format_options",
]
