"""A session's export with its pictures: one zip file (contract v1.2: media travels with its session).

Layout::

    session.json          the definition (activities/definitions.py) plus a top-level "media" list:
                          [{"id": "<the media's id in the exporting Caja>", "file": "media/<name>"}]
    media/<sha256>.<ext>  each stored file once (rows sharing a file share the entry)

The configs keep the exporting Caja's media ids; an import re-creates each media (its file through
the checks and re-encoding of an upload: activities.imaging.reencode_imported) and rewrites the ids.
A session without media still exports as plain JSON (definitions.py), which imports as before.

Reading is bounded: at most MAX_ENTRIES entries, the definition at most DEFINITION_MAX_BYTES, each
picture at most MEDIA_MAX_BYTES by the sizes the zip declares and by what is actually read (a zip
bomb stops at the limit). Nothing is extracted to disk; entry names are only looked up.
"""

from __future__ import annotations

import json
import re
import zipfile
from typing import IO, Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils.translation import gettext

from core.errors import ValidationFailed
from sessions_app.models import Session

from .definitions import MAX_ACTIVITIES, session_definition
from .models import Media

DEFINITION_NAME = "session.json"
DEFINITION_MAX_BYTES = 8 * 1024 * 1024
MAX_ENTRIES = 2000
FILE_PATTERN = re.compile(r"^media/[0-9a-f]{64}\.(png|jpg|webp)$")
_ZIP_MAGIC = b"PK\x03\x04"


def is_bundle(head: bytes) -> bool:
    return head.startswith(_ZIP_MAGIC)


def has_media(session: Session) -> bool:
    return Media.objects.filter(session=session).exists()


def bundle_definition(session: Session) -> tuple[dict[str, Any], dict[str, str]]:
    """The definition with its "media" list, and zip entry -> stored name of each file."""
    definition = session_definition(session)
    entries: dict[str, str] = {}
    listed = []
    for media in Media.objects.filter(session=session).order_by("created_at", "id"):
        entry = f"media/{media.name.rsplit('/', 1)[-1]}"
        entries[entry] = media.name
        listed.append({"id": str(media.pk), "file": entry})
    definition["media"] = listed
    return definition, entries


def bundle_write(session: Session, out: IO[bytes]) -> dict[str, Any]:
    """Write the zip of ``session`` to ``out`` (a file, or a response's buffer); returns the
    definition written. Files are copied from the storage one at a time."""
    definition, entries = bundle_definition(session)
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            DEFINITION_NAME,
            json.dumps(definition, ensure_ascii=False, indent=2) + "\n",
            compress_type=zipfile.ZIP_DEFLATED,
        )
        for entry, name in sorted(entries.items()):
            with default_storage.open(name, "rb") as source:
                # Pictures are compressed already: stored as they are.
                archive.writestr(entry, source.read(), compress_type=zipfile.ZIP_STORED)
    return definition


def _invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed({field: [message]}, gettext("Invalid session export."))


def _read_entry(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int, field: str) -> bytes:
    if info.file_size > limit:
        raise _invalid(field, gettext("Too large: at most %(n)s MB.") % {"n": limit // (1024 * 1024)})
    with archive.open(info) as entry:
        data = entry.read(limit + 1)
    if len(data) > limit:  # the declared size lied (a zip bomb)
        raise _invalid(field, gettext("Too large: at most %(n)s MB.") % {"n": limit // (1024 * 1024)})
    return data


def bundle_read(source: IO[bytes]) -> tuple[Any, dict[str, bytes]]:
    """The definition (parsed JSON, not yet validated) and the picture files its "media" list names,
    or ValidationFailed."""
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _invalid("", gettext("The file is not a readable zip archive.")) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > MAX_ENTRIES:
            raise _invalid("", gettext("Too many files in the archive."))
        by_name = {info.filename: info for info in infos}
        info = by_name.get(DEFINITION_NAME)
        if info is None:
            raise _invalid(DEFINITION_NAME, gettext("The archive has no session.json."))
        try:
            raw = _read_entry(archive, info, DEFINITION_MAX_BYTES, DEFINITION_NAME)
            data = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise _invalid(DEFINITION_NAME, gettext("Not valid JSON: %(error)s") % {"error": exc}) from None
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError):
            raise _invalid(DEFINITION_NAME, gettext("The archive is damaged.")) from None
        files: dict[str, bytes] = {}
        listed = data.get("media") if isinstance(data, dict) else None
        if isinstance(listed, list):
            if len(listed) > MAX_ACTIVITIES * 4:
                raise _invalid("media", gettext("Too many pictures."))
            for index, item in enumerate(listed):
                entry = item.get("file") if isinstance(item, dict) else None
                field = f"media.{index}.file"
                if not isinstance(entry, str) or not FILE_PATTERN.match(entry):
                    raise _invalid(field, gettext("Must name a picture of the archive (media/<sha256>.png)."))
                if entry in files:
                    continue
                found = by_name.get(entry)
                if found is None:
                    raise _invalid(field, gettext("The archive has no such file."))
                try:
                    files[entry] = _read_entry(archive, found, settings.MEDIA_MAX_BYTES, field)
                except (zipfile.BadZipFile, OSError, EOFError, RuntimeError):
                    raise _invalid(field, gettext("The archive is damaged.")) from None
    return data, files
