"""How a config form's field stands for one key of its type's config: ``config_key(field)``.

Apart from forms.py so that the picture fields (form_pictures.py), which forms.py uses, can declare
their key without an import circle; forms.py re-exports these names for the types' forms.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django import forms
from django.utils.functional import Promise

FIELD_DEFAULT: Any = object()
CONFIG_KEY_ATTRIBUTE = "caja_config_key"
FieldT = TypeVar("FieldT", bound=forms.Field)


@dataclass(frozen=True, slots=True)
class ConfigKey:
    """How one form field stands for one key of the type's config."""

    key: str | None  # None: the field's own name
    # Shown when the config lacks the key: by default blank for a text field, else the field's
    # initial value (``FIELD_DEFAULT``).
    missing: Any
    load: Callable[[Any], Any] | None  # config value -> form value (default: as is; bool for a checkbox)
    dump: Callable[[Any], Any] | None  # cleaned value -> config value (default: the same)
    omit_blank: bool  # leave the key out of the config when the field is blank
    item_name: str | Promise | None  # what one element is called in error messages ("Line 2: …")


def config_key(
    field: FieldT,
    key: str | None = None,
    *,
    missing: Any = FIELD_DEFAULT,
    load: Callable[[Any], Any] | None = None,
    dump: Callable[[Any], Any] | None = None,
    omit_blank: bool = False,
    item_name: str | Promise | None = None,
) -> FieldT:
    """Declare ``field`` the editor of the config key ``key`` (default: the field's name)."""
    setattr(field, CONFIG_KEY_ATTRIBUTE, ConfigKey(key, missing, load, dump, omit_blank, item_name))
    return field
