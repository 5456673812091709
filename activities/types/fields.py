"""Small schema helpers shared by the activity-type modules.

Validation collects every problem (not only the first) into one :class:`Errors` object keyed by
dotted paths (``config.options.1.label``), then raises a single ``ValidationFailed``. Plain
functions instead of DRF serializers: the rules are few, the paths must match the contract
exactly, and the same code runs for config (organizer) and response_data (participant).

The messages reach participants' phones too, so they are translated: the constants lazily (in the
request's language when the error is rendered), the others when they are made.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext, ngettext_lazy
from django.utils.translation import gettext_lazy as _

from core import text as text_rule
from core.errors import ValidationFailed

# An error message: a string, or a lazy translation (rendered in the language of the response).
Message = str | Promise

REQUIRED = _("This field is required.")
UNKNOWN = _("Unknown field.")
NOT_STRING = _("Must be a string.")
NOT_INT = _("Must be an integer.")
NOT_BOOL = _("Must be true or false.")
NOT_LIST = _("Must be a list.")
NOT_OBJECT = _("Must be a JSON object.")
CONTROL = _("Must not contain control characters.")
INVALID_ANSWER = _("Invalid answer.")
INVALID_CONFIG = _("Invalid activity configuration.")

# Option ids are restricted to a safe ASCII charset. Besides being URL- and HTML-friendly, this
# makes the poll's portable SQL count exact: the JSON text of ``option_ids`` contains the
# substring ``"<id>"`` if and only if ``<id>`` is one of its elements (no quotes, backslashes or
# escapes can occur inside an id), so counting per option is a substring test in the database.
OPTION_ID_RE = re.compile(r"[A-Za-z0-9_-]{1,32}")
OPTION_ID_MESSAGE = _("Must be 1–32 characters: letters, digits, '-' or '_'.")
LABEL_MAX = 200
TEXT_MAX = 500


class Errors:
    """Accumulates ``path -> [messages]`` and raises them together."""

    def __init__(self) -> None:
        self.details: dict[str, list[Message]] = {}

    def add(self, path: str, message: Message) -> None:
        self.details.setdefault(path, []).append(message)

    def __bool__(self) -> bool:
        return bool(self.details)

    def raise_if_any(self, message: Message) -> None:
        if self.details:
            raise ValidationFailed(self.details, str(message))


def at_most_characters(n: int) -> str:
    return ngettext("At most %(n)s character.", "At most %(n)s characters.", n) % {"n": n}


def between(minimum: int, maximum: int) -> str:
    return gettext("Must be between %(min)s and %(max)s.") % {"min": minimum, "max": maximum}


# clean_options' "At least 2 options are required." / "At most 20 options are allowed." per key (a
# whole sentence per noun for the translators); the plural form is chosen by ``% {"n": ...}``.
_COUNT_MESSAGES: dict[str, tuple[Promise, Promise]] = {
    "options": (
        ngettext_lazy("At least %(n)s option is required.", "At least %(n)s options are required.", "n"),
        ngettext_lazy("At most %(n)s option is allowed.", "At most %(n)s options are allowed.", "n"),
    ),
    "statements": (
        ngettext_lazy(
            "At least %(n)s statement is required.", "At least %(n)s statements are required.", "n"
        ),
        ngettext_lazy("At most %(n)s statement is allowed.", "At most %(n)s statements are allowed.", "n"),
    ),
    "items": (
        ngettext_lazy("At least %(n)s item is required.", "At least %(n)s items are required.", "n"),
        ngettext_lazy("At most %(n)s item is allowed.", "At most %(n)s items are allowed.", "n"),
    ),
}


def is_int(value: Any) -> bool:
    # bool is a subclass of int in Python: ``True`` must not pass as ``1``.
    return isinstance(value, int) and not isinstance(value, bool)


# Bidi embeddings, overrides and isolates (not the marks LRM/RLM, which right-to-left writers use):
# an override can show a question's words in another order than they were typed. Refused even
# where other format characters (emoji joiners, the Persian ZWNJ) are welcome.
BIDI_CONTROLS = text_rule.BIDI_CONTROLS


def has_control_chars(text: str, *, allow_whitespace: bool = False, formats: bool = True) -> bool:
    """True if ``text`` holds a control (Cc) character, a bidi control, or, when ``formats``, any
    other format (Cf) character.

    ``allow_whitespace`` lets tab/newline/carriage-return through (multi-line questions)."""
    return text_rule.has_control(text, multiline=allow_whitespace, formats=formats)


def collapse_whitespace(text: str) -> str:
    """Trim and collapse every run of whitespace into one space."""
    return " ".join(text.split())


def check_unknown_keys(data: Mapping[str, Any], allowed: Iterable[str], prefix: str, errors: Errors) -> None:
    allowed_set = set(allowed)
    for key in data:
        if key not in allowed_set:
            errors.add(f"{prefix}.{key}", UNKNOWN)


def clean_text(
    data: Mapping[str, Any],
    key: str,
    prefix: str,
    errors: Errors,
    *,
    required: bool = True,
    min_length: int = 1,
    max_length: int = TEXT_MAX,
    default: str = "",
) -> str:
    """A trimmed string field of ``data`` under the one text rule (core.text): multi-line text
    allowed, other control characters refused, invisible-only text counts as blank."""
    path = f"{prefix}.{key}"
    if key not in data or data[key] is None:
        if required:
            errors.add(path, REQUIRED)
        return default
    value = data[key]
    if not isinstance(value, str):
        errors.add(path, NOT_STRING)
        return default
    value = text_rule.clean_text(value)
    if text_rule.is_blank(value):  # only invisible characters (zero-width spaces ...): blank
        value = ""
    if len(value) < min_length:
        errors.add(
            path,
            gettext("This field may not be blank.")
            if min_length == 1
            else ngettext("At least %(n)s character.", "At least %(n)s characters.", min_length)
            % {"n": min_length},
        )
    elif len(value) > max_length:
        errors.add(path, at_most_characters(max_length))
    elif has_control_chars(value, allow_whitespace=True, formats=False):
        errors.add(path, CONTROL)
    return value


def clean_int(
    data: Mapping[str, Any],
    key: str,
    prefix: str,
    errors: Errors,
    *,
    minimum: int,
    maximum: int,
    default: int | None,
    nullable: bool = False,
) -> int | None:
    """An integer field in ``[minimum, maximum]``; missing → ``default``; null only if ``nullable``."""
    path = f"{prefix}.{key}"
    if key not in data:
        return default
    value = data[key]
    if value is None:
        if nullable:
            return None
        errors.add(path, gettext("This field may not be null."))
        return default
    if not is_int(value):
        errors.add(path, NOT_INT)
        return default
    if not minimum <= value <= maximum:
        errors.add(path, between(minimum, maximum))
    return int(value)


def clean_bool(data: Mapping[str, Any], key: str, prefix: str, errors: Errors, *, default: bool) -> bool:
    path = f"{prefix}.{key}"
    if key not in data:
        return default
    value = data[key]
    if not isinstance(value, bool):
        errors.add(path, NOT_BOOL)
        return default
    return value


def clean_options(
    data: Mapping[str, Any], prefix: str, errors: Errors, *, minimum: int, maximum: int, key: str = "options"
) -> list[dict[str, Any]]:
    """``options`` (or ``key``: statements, items): a list of ``{"id", "label", "image"?}`` with
    unique safe ids, trimmed labels and an optional image reference."""
    path = f"{prefix}.{key}"
    if key not in data or data[key] is None:
        errors.add(path, REQUIRED)
        return []
    raw = data[key]
    if not isinstance(raw, list):
        errors.add(path, NOT_LIST)
        return []
    if len(raw) < minimum:
        errors.add(path, _COUNT_MESSAGES[key][0] % {"n": minimum} if minimum != 1 else REQUIRED)
    elif len(raw) > maximum:
        errors.add(path, _COUNT_MESSAGES[key][1] % {"n": maximum})
    options: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, item in enumerate(raw):
        item_path = f"{path}.{index}"
        if not isinstance(item, dict):
            errors.add(item_path, NOT_OBJECT)
            continue
        check_unknown_keys(item, ("id", "label", "image"), item_path, errors)
        option_id = item.get("id")
        if option_id is None:
            errors.add(f"{item_path}.id", REQUIRED)
        elif not isinstance(option_id, str):
            errors.add(f"{item_path}.id", NOT_STRING)
        elif not OPTION_ID_RE.fullmatch(option_id):
            errors.add(f"{item_path}.id", OPTION_ID_MESSAGE)
        elif option_id in seen:
            errors.add(f"{item_path}.id", gettext("Duplicate option id."))
        else:
            seen.add(option_id)
        label = clean_text(item, "label", item_path, errors, max_length=LABEL_MAX)
        # An option's picture (contract v1.2: poll, quiz and ranking options, rating statements).
        image = clean_image(item, "image", item_path, errors)
        if isinstance(option_id, str):
            options.append({"id": option_id, "label": label, **({"image": image} if image else {})})
    return options


def _checked_object(
    value: Any, allowed: Iterable[str], path: str, message: Message
) -> tuple[dict[str, Any], Errors]:
    """Start validating ``value`` at ``path``: must be an object with only ``allowed`` keys (else
    refused at once with ``message``); returns it with the Errors to collect the rest in."""
    if not isinstance(value, dict):
        raise ValidationFailed({path: [NOT_OBJECT]}, str(message))
    errors = Errors()
    check_unknown_keys(value, allowed, path, errors)
    return value, errors


def response_object(data: Any, allowed: Iterable[str]) -> tuple[dict[str, Any], Errors]:
    """Start validating a response_data: must be an object with only ``allowed`` keys."""
    return _checked_object(data, allowed, "response_data", INVALID_ANSWER)


def response_field(data: dict[str, Any], key: str, kind: type[str] | type[list[Any]], errors: Errors) -> Any:
    """``data[key]`` if it is given and a ``kind`` (str or list); else None, with the error (required,
    or not a string / not a list) added at ``response_data.<key>``."""
    value = data.get(key)
    if value is None:
        errors.add(f"response_data.{key}", REQUIRED)
    elif not isinstance(value, kind):
        errors.add(f"response_data.{key}", NOT_STRING if kind is str else NOT_LIST)
    else:
        return value
    return None


def config_object(config: Any, allowed: Iterable[str]) -> tuple[dict[str, Any], Errors]:
    """Start validating a config: must be an object with only ``allowed`` keys."""
    return _checked_object(config, allowed, "config", INVALID_CONFIG)


def percentage(count: int, total: int) -> float:
    """``count / total`` as a percentage with one decimal, rounded half up (0.0 when total is 0).

    Decimal arithmetic so 1/8 = 12.5 and 2/3 = 66.7 come out the same on every platform."""
    if total <= 0:
        return 0.0
    value = (Decimal(count) * 100 / Decimal(total)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return float(value)


# clean_id_list's messages per noun, whole sentences for the translators.
UNKNOWN_OPTION = _("Unknown option.")
_ID_LIST_MESSAGES: dict[str, tuple[Message, Message]] = {
    "option": (UNKNOWN_OPTION, _("Duplicate option.")),
    "item": (_("Unknown item."), _("Duplicate item.")),
}


def clean_id_list(raw: list[Any], known: Iterable[str], key: str, noun: str, errors: Errors) -> list[str]:
    """The ids of ``response_data.<key>`` (a list) in order: strings, known, each once; each bad
    element reported at its index ("Unknown option.", "Duplicate item."). ``noun``: a key of
    ``_ID_LIST_MESSAGES``."""
    unknown, duplicate = _ID_LIST_MESSAGES[noun]
    allowed = set(known)
    ids: list[str] = []
    for index, value in enumerate(raw):
        path = f"response_data.{key}.{index}"
        if not isinstance(value, str):
            errors.add(path, NOT_STRING)
        elif value not in allowed:
            errors.add(path, unknown)
        elif value in ids:
            errors.add(path, duplicate)
        else:
            ids.append(value)
    return ids


IMAGE_ALT_MAX = 300
# What marks an image reference in a config, wherever it sits (activities.images walks configs
# for it: the media in use, the public form in /state).
IMAGE_KEY = "media_id"


def clean_image(data: Mapping[str, Any], key: str, prefix: str, errors: Errors) -> dict[str, str] | None:
    """An optional image reference ``{"media_id", "alt"}`` (contract v1.2): its shape only. That
    the media belongs to the activity's session is checked where the session is known
    (activities.images.check_session_media, from the activity services)."""
    path = f"{prefix}.{key}"
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, dict):
        errors.add(path, NOT_OBJECT)
        return None
    check_unknown_keys(value, (IMAGE_KEY, "alt"), path, errors)
    media_id = value.get(IMAGE_KEY)
    try:
        media_id = str(uuid.UUID(str(media_id))) if media_id is not None else None
    except ValueError:
        media_id = None
        errors.add(f"{path}.{IMAGE_KEY}", gettext("Must be the id of a media of this session."))
    if media_id is None and IMAGE_KEY not in value:
        errors.add(f"{path}.{IMAGE_KEY}", REQUIRED)
    alt = clean_text(value, "alt", path, errors, max_length=IMAGE_ALT_MAX)
    return {IMAGE_KEY: media_id or "", "alt": alt}
