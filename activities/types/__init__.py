"""Activity types: one package per type, named in ``TYPE_PACKAGES`` (the one list to extend).

A package registers its type (``@register``) and may hold ``forms.py`` (its admin config form,
attached to the type), ``selectors.py``, ``services.py``, ``views.py``/``urls.py`` (endpoints of
its own), ``data/`` and ``tests/``. ``get_type(key)`` is the only way other code reaches a type's
rules; nothing outside a type's package switches on its name.
"""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec

from .base import ActivityType, Score
from .registry import all_types, get_type, register, session_state_extras, type_keys

TYPE_PACKAGES = ("poll", "poker", "quiz", "wordcloud", "qna", "open_text", "rating", "ranking", "slide")

for _name in TYPE_PACKAGES:
    import_module(f"{__name__}.{_name}")
# The admin config forms last: they build on the shared form helpers (forms.py), which import
# nothing of the types.
for _name in TYPE_PACKAGES:
    if find_spec(f"{__name__}.{_name}.forms") is not None:
        import_module(f"{__name__}.{_name}.forms")

__all__ = [
    "TYPE_PACKAGES",
    "ActivityType",
    "Score",
    "all_types",
    "get_type",
    "register",
    "session_state_extras",
    "type_keys",
]
