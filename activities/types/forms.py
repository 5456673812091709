"""Config forms: one Django form per activity type, turning friendly fields into a config dict.

A form names each config key once, on the field that edits it: ``config_key(forms.CharField(...))``
(the key is the field's name unless given; ``options_field`` is the "one option per line" textarea).
From those declarations :class:`ConfigForm` derives the mapping both ways:

* ``initial_from_config(config)`` gives the fields' initial values for an existing config;
* ``to_config()`` builds the config dict from ``cleaned_data``;
* ``clean()`` then validates that dict with the type's own ``validate_config`` (the exact rules of
  the API) and puts the normalized result in ``cleaned_data["config"]``. Errors come back as dotted
  paths (``config.options.1.label``); the first segment after ``config`` names the key, so the
  error goes to the field declared for it, anything unmatched becomes a non-field error.

A form with a rule across fields (the quiz's correct option, poker's custom deck) extends
``initial_from_config``/``to_config`` around the derived ones.

This module holds what the forms share; each type's form lives in its package (``poll/forms.py``,
…) and attaches itself to its type (``PollType.config_form = PollConfigForm``), so callers use
``config_form_for(get_type(key))`` and never switch on the type name. A type without a form gets
:class:`RawJsonConfigForm`, a JSON textarea.

The labels, help texts and the forms' own error messages are translated (the admin follows the
organizer's language): lazily where they are made at import time, when they are raised otherwise.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from django import forms
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError, ValidationFailed

from .base import ActivityType
from .fields import OPTION_ID_RE
from .form_keys import CONFIG_KEY_ATTRIBUTE, FIELD_DEFAULT, ConfigKey, config_key
from .form_pictures import PicturesField, is_picture_field, pictures_initial, uploads_of
from .registry import get_type

if TYPE_CHECKING:  # the stubs' type of a lazy translation (django-stubs, a dev requirement)
    from django_stubs_ext import StrOrPromise

OPTION_SEPARATOR = "|"


@dataclass(frozen=True, slots=True)
class KeyedField:
    name: str  # the form field's name
    key: str  # the config key
    field: forms.Field
    spec: ConfigKey

    def load(self, config: dict[str, Any]) -> Any:
        if self.key in config:
            value = config[self.key]
        elif self.spec.missing is not FIELD_DEFAULT:
            value = self.spec.missing
        else:
            value = "" if isinstance(self.field, forms.CharField) else self.field.initial
        if self.spec.load is not None:
            return self.spec.load(value)
        return bool(value) if isinstance(self.field, forms.BooleanField) else value

    def dump(self, value: Any) -> Any:
        if self.spec.dump is not None:
            return self.spec.dump(value)
        return bool(value) if isinstance(self.field, forms.BooleanField) else value


class ConfigForm(forms.Form):
    """Base of the per-type config forms."""

    type_key: ClassVar[str] = ""
    # Field name -> what one element of it is called in error messages, for a field that is no
    # config key (a config key's own is declared with it: ``config_key(..., item_name=...)``).
    item_names: ClassVar[dict[str, str | Promise]] = {}

    # A field that may be empty only when the activity has a title (poker's story), and the
    # admin's error when both are empty; the activity would show as "poker #1" otherwise.
    title_or: ClassVar[str | None] = None
    title_or_message: ClassVar[str | Promise] = ""

    # Checks an uploaded picture (decoded, re-encoded; a refused file raises DomainError) and returns
    # what to store once the form is accepted (the admin sets it: form_pictures.py); without it a form
    # takes pictures already in the session only. Nothing is stored here: each upload gets a stand-in
    # media id (``staged_uploads``: stand-in id -> the checked upload) so the type can validate the
    # config, and the admin stores them with the activity, in its transaction (a refused form stores
    # nothing).
    check_upload: Callable[[Any], Any] | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.staged_uploads: dict[str, Any] = {}

    @classmethod
    def keyed_fields(cls) -> list[KeyedField]:
        """The fields that stand for config keys, in the form's order."""
        keyed = []
        for name, field in cls.base_fields.items():
            spec = getattr(field, CONFIG_KEY_ATTRIBUTE, None)
            if isinstance(spec, ConfigKey):
                keyed.append(KeyedField(name, spec.key or name, field, spec))
        return keyed

    @classmethod
    def initial_from_config(cls, config: dict[str, Any]) -> dict[str, Any]:
        initial = {k.name: k.load(config) for k in cls.keyed_fields()}
        for name, field in cls.base_fields.items():
            if isinstance(field, PicturesField):
                initial[name] = pictures_initial(config, field.pictures_of)
        return initial

    def to_config(self) -> dict[str, Any]:
        data = self.cleaned_data
        config: dict[str, Any] = {}
        for k in self.keyed_fields():
            value = data.get(k.name)
            if k.spec.omit_blank and not value:
                continue
            config[k.key] = k.dump(value)
        self._place_pictures(config)
        return config

    def _place_pictures(self, config: dict[str, Any]) -> None:
        """Each line's picture on the option (item, statement) of that line."""
        for name, field in self.fields.items():
            if not isinstance(field, PicturesField) or not self.cleaned_data.get(name):
                continue
            items = config.get(field.pictures_of)
            for index, ref in sorted(self.cleaned_data[name].items()):
                if isinstance(items, list) and index < len(items) and isinstance(items[index], dict):
                    items[index] = {**items[index], "image": ref}
                else:
                    # Translators: an admin error: a picture was set for a line the list does not have.
                    self.add_error(name, gettext("Line %(n)s has a picture but no text.") % {"n": index + 1})

    def _stage_uploads(self, cleaned: dict[str, Any]) -> None:
        """Every uploaded picture checked and named by a stand-in media id (``staged_uploads``)."""
        for name, field in self.fields.items():
            if not is_picture_field(field):
                continue
            for ref in uploads_of(cleaned.get(name)):
                upload = ref.pop("upload")
                if self.check_upload is None:
                    self.add_error(name, gettext("Pictures can be uploaded from the admin only."))
                    continue
                try:
                    checked = self.check_upload(upload)
                except DomainError as exc:
                    self.add_error(name, str(exc.message))
                    continue
                ref["media_id"] = stand_in = str(uuid.uuid4())
                self.staged_uploads[stand_in] = checked

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        self._stage_uploads(cleaned)
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
        field = next((k.name for k in self.keyed_fields() if k.key == segments[0]), None)
        if field is None or field not in self.fields:
            return None, segments
        return field, segments[1:]

    def describe(self, field: str | None, rest: list[str]) -> str:
        """A human prefix for a nested path (options ``["1", "label"]`` → ``"Line 2 (label): "``)."""
        if not rest:
            return ""
        keyed = next((k.spec.item_name for k in self.keyed_fields() if k.name == field), None)
        # Translators: starts an error message about one element of a list: "Item 2: …".
        noun = self.item_names.get(field or "") or keyed or _("Item")
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


def duplicate_labels(options: list[dict[str, str]]) -> list[str]:
    """Error messages for options whose label repeats an earlier one (trimmed, case-insensitive):
    two options no one can tell apart on a phone or in the results."""
    first: dict[str, int] = {}
    problems = []
    for line, option in enumerate(options, start=1):
        key = " ".join(str(option.get("label", "")).split()).casefold()
        if not key:
            continue
        if key in first:
            problems.append(
                # Translators: an admin error about a textarea of options, one per line.
                gettext("Line %(line)s repeats “%(label)s” (line %(first)s): each line needs its own label.")
                % {"line": line, "label": option.get("label", ""), "first": first[key]}
            )
        else:
            first[key] = line
    return problems


def format_options(options: Any) -> str:
    """The textarea form of stored options: labels only when the ids are the generated a, b, c…"""
    if not isinstance(options, list):
        return ""
    rows = [o for o in options if isinstance(o, dict)]
    generated = all(o.get("id") == auto_option_id(i) for i, o in enumerate(rows))
    if generated:
        return "\n".join(str(o.get("label", "")) for o in rows)
    return "\n".join(f"{o.get('id', '')} {OPTION_SEPARATOR} {o.get('label', '')}" for o in rows)


def lazy_format(message: str | Promise, **params: Any) -> str:
    """``message % params`` done when the text is rendered, in the language of that moment (a lazy
    translation's own ``%`` translates at once: at import time, in English)."""
    return lazy(lambda: str(message) % params, str)()


STATEMENTS_HELP = _(
    # Translators: help text of the rating's textarea of statements. Keep the HTML and the "|".
    "One statement per line. Ids are generated (a, b, c, …); to choose an id yourself write "
    "<code>id | Statement</code>."
)
ITEMS_HELP = _(
    # Translators: help text of the ranking's textarea of items. Keep the HTML and the "|".
    "One item per line. Ids are generated (a, b, c, …); to choose an id yourself write "
    "<code>id | Item</code>."
)

OPTIONS_HELP = _(
    # Translators: help text of a textarea of options (a poll's, a quiz's). Keep the HTML and
    # the "|"; "Label" may be translated.
    "One option per line. Ids are generated (a, b, c, …); to choose an id yourself write "
    "<code>id | Label</code>."
)


def _textarea(rows: int) -> forms.Textarea:
    return forms.Textarea(attrs={"rows": rows, "cols": 60})


def refuse_repeated_labels(text: str) -> None:
    """Validator of an options textarea: every line needs its own label."""
    problems = duplicate_labels(parse_options(text))
    if problems:
        raise forms.ValidationError(problems)


def options_field(rows: int, label: StrOrPromise, help_text: StrOrPromise = OPTIONS_HELP) -> forms.CharField:
    """A config key holding options (or statements, items): a textarea, one per line, each with its
    own label (a repeated one is refused on the field)."""
    field = forms.CharField(
        widget=_textarea(rows), help_text=help_text, label=label, validators=[refuse_repeated_labels]
    )
    # Translators: starts an error message about one line of a textarea: "Line 2: …".
    return config_key(field, load=format_options, dump=parse_options, item_name=_("Line"))


class RawJsonConfigForm(ConfigForm):
    """Fallback for a type without its own form: the config as JSON."""

    config_json = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 12, "cols": 80, "class": "vLargeTextField"}),
        label=_("Config (JSON)"),
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
            self.add_error("config_json", gettext("Not valid JSON: %(error)s") % {"error": exc})
            return {}


def config_form_for(activity_type: ActivityType) -> type[ConfigForm]:
    """The config form of a type: its own, or the raw JSON fallback."""
    form = getattr(activity_type, "config_form", None)
    if form is None:
        return RawJsonConfigForm.for_type(activity_type.key)
    return form


__all__ = [
    "ConfigForm",
    "ConfigKey",
    "config_key",
    "options_field",
    "RawJsonConfigForm",
    "config_form_for",
    "parse_options",
    "format_options",
    "duplicate_labels",
]
