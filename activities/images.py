"""Image references in activity configs, and the files of media (contract v1.2 "Media").

A reference is ``{"media_id", "alt"}`` wherever a type allows one (its schema says where:
``fields.clean_image``); this module finds them in any config without knowing the type, so the
rules that need the session (the media must be the session's own, a media in use cannot be
deleted) and the public form in ``/state`` (``{"url", "width", "height", "alt"}``) hold for every
type at once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.utils.translation import gettext

from core.errors import ValidationFailed

from .models import Activity, Media
from .types.fields import IMAGE_KEY

logger = logging.getLogger("caja.media")


def image_refs(value: Any, path: str = "config") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every image reference in ``value`` with its dotted path (``config.options.1.image``)."""
    if isinstance(value, dict):
        if IMAGE_KEY in value and "alt" in value:
            yield path, value
            return
        for key, item in value.items():
            yield from image_refs(item, f"{path}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from image_refs(item, f"{path}.{index}")


def check_session_media(session_id: Any, config: Any) -> None:
    """400 unless every reference in ``config`` names a media of this session (one query, none
    when the config has no image)."""
    refs = list(image_refs(config))
    if not refs:
        return
    wanted = {str(ref[IMAGE_KEY]) for _, ref in refs}
    known = {
        str(pk)
        for pk in Media.objects.filter(session_id=session_id, pk__in=wanted).values_list("pk", flat=True)
    }
    errors = {
        f"{path}.{IMAGE_KEY}": [gettext("Must be the id of a media of this session.")]
        for path, ref in refs
        if str(ref[IMAGE_KEY]) not in known
    }
    if errors:
        raise ValidationFailed(errors, gettext("Invalid activity configuration."))


def media_in_use(media: Media) -> bool:
    """Whether a config of the media's session refers to it (one query; a session has tens of
    activities, read as their configs only)."""
    wanted = str(media.pk)
    configs = Activity.objects.filter(session_id=media.session_id).values_list("config", flat=True)
    return any(str(ref[IMAGE_KEY]) == wanted for config in configs for _, ref in image_refs(config))


def media_url(name: str) -> str:
    """The absolute URL of a stored file: the storage's own when it is absolute (S3), else the
    public base URL in front of it (phones load it from there)."""
    url = default_storage.url(name)
    if url.startswith(("http://", "https://")):
        return url
    return f"{settings.PUBLIC_BASE_URL}{url}"


def public_images(config: dict[str, Any]) -> dict[str, Any]:
    """``config`` with each reference in its public form ``{"url", "width", "height", "alt"}``
    (a reference whose media is gone is dropped). One query, none without images; the snapshot
    is built once per change and shared by every phone."""
    refs = list(image_refs(config))
    if not refs:
        return config
    ids = {str(ref[IMAGE_KEY]) for _, ref in refs}
    media = {str(m.pk): m for m in Media.objects.filter(pk__in=ids).only("name", "width", "height")}
    return _replace(config, media)


def _replace(value: Any, media: dict[str, Media]) -> Any:
    if isinstance(value, dict):
        if IMAGE_KEY in value and "alt" in value:
            m = media.get(str(value[IMAGE_KEY]))
            if m is None:
                return None
            return {"url": media_url(m.name), "width": m.width, "height": m.height, "alt": value["alt"]}
        return {key: _replace(item, media) for key, item in value.items()}
    if isinstance(value, list):
        return [_replace(item, media) for item in value]
    return value


def files_delete_unreferenced(names: Iterable[str]) -> list[str]:
    """Delete the stored files among ``names`` that no media row names any more (files are shared
    by content); returns the names deleted. Called after the deleting transaction commits."""
    names = set(names)
    if not names:
        return []
    still = set(Media.objects.filter(name__in=names).values_list("name", flat=True))
    gone = []
    for name in sorted(names - still):
        try:
            default_storage.delete(name)
            gone.append(name)
        except OSError:  # already gone, or the storage is away: the cleanup command retries
            logger.warning("media file %s could not be deleted", name, exc_info=True)
    return gone


def remap_media(value: Any, mapping: dict[str, str]) -> Any:
    """``value`` with each reference's ``media_id`` replaced through ``mapping`` (a duplicate's
    copies of the media)."""
    if isinstance(value, dict):
        if IMAGE_KEY in value and "alt" in value:
            return {**value, IMAGE_KEY: mapping.get(str(value[IMAGE_KEY]), value[IMAGE_KEY])}
        return {key: remap_media(item, mapping) for key, item in value.items()}
    if isinstance(value, list):
        return [remap_media(item, mapping) for item in value]
    return value


def media_copy(*, source_session_id: Any, target_session_id: Any) -> dict[str, str]:
    """Copy the media rows of one session to another (the files are shared: content-addressed).
    Returns old id -> new id."""
    mapping: dict[str, str] = {}
    for m in Media.objects.filter(session_id=source_session_id).order_by("created_at", "id"):
        new = Media.objects.create(
            session_id=target_session_id,
            name=m.name,
            content_type=m.content_type,
            width=m.width,
            height=m.height,
            bytes=m.bytes,
        )
        mapping[str(m.pk)] = str(new.pk)
    return mapping


def images_carried_over(
    old: dict[str, Any], new: dict[str, Any], *, config_image: bool, lists: bool = True
) -> dict[str, Any]:
    """``new`` (a config from a form that edits no pictures) with the pictures of ``old`` kept: the
    config's ``image`` when ``config_image`` (the post left its field out), and, when ``lists``,
    each option's (or statement's, item's) by its id. A post without the picture fields (a script,
    a form of before pictures) must not drop pictures set through the API."""
    out = dict(new)
    if config_image and "image" in old and "image" not in out:
        out["image"] = old["image"]
    for key, items in new.items() if lists else ():
        previous = old.get(key)
        if not (isinstance(items, list) and isinstance(previous, list)):
            continue
        by_id = {p.get("id"): p["image"] for p in previous if isinstance(p, dict) and p.get("image")}
        if by_id:
            out[key] = [
                {**item, "image": by_id[item.get("id")]}
                if isinstance(item, dict) and "image" not in item and item.get("id") in by_id
                else item
                for item in items
            ]
    return out
