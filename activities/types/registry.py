"""The registry of activity types, on its own so that type packages and the modules they use
(the leaderboard, results) import it without importing every type (no import circle)."""

from __future__ import annotations

from django.utils.translation import gettext

from core.errors import ValidationFailed

from .base import ActivityType

_REGISTRY: dict[str, ActivityType] = {}


def register(cls: type[ActivityType]) -> type[ActivityType]:
    _REGISTRY[cls.key] = cls()
    return cls


def get_type(key: str) -> ActivityType:
    try:
        return _REGISTRY[key]
    except KeyError:
        raise ValidationFailed(
            {
                "type": [
                    gettext("Unknown activity type %(key)s; expected one of %(keys)s.")
                    % {"key": repr(key), "keys": ", ".join(type_keys())}
                ]
            }
        ) from None


def type_keys() -> list[str]:
    return sorted(_REGISTRY)


def all_types() -> dict[str, ActivityType]:
    return dict(_REGISTRY)


def session_state_extras(session_id: object) -> dict[str, object]:
    """The top-level keys types add to a session's state snapshot (``ActivityType.state_key``)."""
    return {t.state_key: t.session_state(session_id) for t in _REGISTRY.values() if t.state_key}
