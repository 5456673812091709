"""Static files of the activity types: each type package's ``static/`` folder, served under
``caja-types/<key>/`` (its phone and presenter renderers, ``phone.js`` and ``presenter.js``).

Why a finder rather than ``STATICFILES_DIRS`` in settings: the list of types is
``TYPE_PACKAGES`` (``activities.types``), which imports models and cannot be read while settings
load; a finder is built on first use (``runserver``, ``collectstatic``, whitenoise), when the apps
are ready. The prefix per type keeps one type's files from shadowing another's, and the files in a
package stay plain (``activities/types/poll/static/phone.js``). ``collectstatic`` collects them like
any other static file (the hashed storage of the Docker image too); pages name them with
``static()`` (``type_renderers`` below), so hashed names work.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.contrib.staticfiles.finders import FileSystemFinder
from django.core.files.storage import FileSystemStorage

TYPES_DIR = Path(__file__).resolve().parent / "types"
URL_PREFIX = "caja-types"


def type_static_dir(key: str) -> Path:
    return TYPES_DIR / key / "static"


class TypeStaticFinder(FileSystemFinder):
    """``FileSystemFinder`` over ``types/<key>/static`` (prefix ``caja-types/<key>``) for every
    key of ``TYPE_PACKAGES``, instead of ``STATICFILES_DIRS``."""

    def __init__(self, app_names: Any = None, *args: Any, **kwargs: Any) -> None:
        from activities.types import TYPE_PACKAGES

        self.locations = []
        self.storages = {}
        for key in TYPE_PACKAGES:
            root = type_static_dir(key)
            if not root.is_dir():
                continue
            prefix = f"{URL_PREFIX}/{key}"
            self.locations.append((prefix, str(root)))
            storage = FileSystemStorage(location=str(root))
            storage.prefix = prefix  # type: ignore[attr-defined]
            self.storages[str(root)] = storage
        # BaseFinder's __init__, not FileSystemFinder's (which reads STATICFILES_DIRS).
        super(FileSystemFinder, self).__init__(*args, **kwargs)

    def check(self, **kwargs: Any) -> list[Any]:
        return []
