"""The session's free-text rule (name, description, presenter language), one for every text field
of the sessions layer: the sessions' and the series' writes share it."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext

from core import text
from core.errors import ValidationFailed

from .models import DESCRIPTION_MAX, LANGUAGE_CODES, NAME_MAX
from .sentinels import UNSET


def validate_text(
    *, name: str | None = None, description: Any = UNSET, language: str | None = None
) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    if language is not None:
        if language not in LANGUAGE_CODES:
            errors["language"] = [gettext("One of: %s.") % ", ".join(LANGUAGE_CODES)]
        values["language"] = language
    if name is not None:
        name = text.clean_text(name)
        problem = text.text_problem(name)
        if problem == text.BLANK:
            errors["name"] = [gettext("This field may not be blank.")]
        elif problem == text.CONTROL:
            errors["name"] = [gettext("Must not contain control characters.")]
        elif len(name) > NAME_MAX:
            errors["name"] = [f"At most {NAME_MAX} characters."]
        values["name"] = name
    if description is not UNSET:
        if description is not None:
            description = text.clean_text(description)
            if text.is_blank(description):
                description = ""
            if text.has_control(description, multiline=True):
                errors["description"] = [gettext("Must not contain control characters.")]
            elif len(description) > DESCRIPTION_MAX:
                errors["description"] = [f"At most {DESCRIPTION_MAX} characters."]
        values["description"] = description
    if errors:
        raise ValidationFailed(errors)
    return values
