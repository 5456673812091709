"""Media of a session: upload (decoded and re-encoded: activities.imaging) and delete."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from rest_framework import status

from core.errors import DomainError, PayloadTooLarge
from sessions_app.audit import audit_record
from sessions_app.models import Session

from .. import imaging
from ..images import files_delete_unreferenced, media_in_use
from ..models import Media

# The folder of the storage that holds the files (MEDIA_ROOT/images on disk, /media/images/ in URLs).
MEDIA_DIR = "images"


class UploadRefused(DomainError):
    """An uploaded file we do not take, with the ``status_code`` and ``code`` its check decided
    (activities.imaging, activities.deck)."""

    def __init__(self, refused: imaging.FileRefused) -> None:
        super().__init__(refused.message)
        self.status_code = refused.status
        self.code = refused.code


class MediaRefused(UploadRefused):
    """The upload is no image we take."""


class MediaInUse(DomainError):
    status_code = status.HTTP_409_CONFLICT
    code = "MEDIA_IN_USE"


def media_too_large() -> PayloadTooLarge:
    limit = settings.MEDIA_MAX_BYTES
    return PayloadTooLarge(
        gettext("The file is larger than %(n)s MB.") % {"n": limit // (1024 * 1024)}, {"limit_bytes": limit}
    )


def media_encode(data: bytes, *, rendered: bool = False) -> imaging.Encoded:
    """The re-encoded image of ``data`` (the checks of every upload), or MediaRefused.
    ``rendered``: a page image we rendered ourselves (imaging.reencode)."""
    if len(data) > settings.MEDIA_MAX_BYTES and not rendered:
        raise media_too_large()
    try:
        return imaging.reencode(
            data,
            max_pixels=settings.MEDIA_MAX_PIXELS,
            max_side=settings.MEDIA_MAX_SIDE,
            rendered=rendered,
        )
    except imaging.ImageRefused as refused:
        raise MediaRefused(refused) from None


@dataclass(frozen=True)
class StoredFile:
    """What a media row says of its stored file (the bytes themselves stay in the storage)."""

    name: str
    content_type: str
    width: int
    height: int
    bytes: int
    created: bool  # this call wrote it (a failed deck import removes only what it wrote)


def media_encode_imported(data: bytes) -> imaging.Encoded:
    """The re-encoded image of a file from a session's export (imaging.reencode_imported)."""
    if len(data) > settings.MEDIA_MAX_BYTES:
        raise media_too_large()
    try:
        return imaging.reencode_imported(
            data, max_pixels=settings.MEDIA_MAX_PIXELS, max_side=settings.MEDIA_MAX_SIDE
        )
    except imaging.ImageRefused as refused:
        raise MediaRefused(refused) from None


def media_file_store(encoded: imaging.Encoded) -> StoredFile:
    """Write the file of ``encoded`` (content-addressed) unless it is there already."""
    name = f"{MEDIA_DIR}/{encoded.sha256}.{encoded.extension}"
    created = False
    # Content-addressed: an existing file has these very bytes already.
    if not default_storage.exists(name):
        saved = default_storage.save(name, ContentFile(encoded.data))
        created = saved == name
        if not created:  # a concurrent upload of the same bytes won: keep one copy
            default_storage.delete(saved)
    return StoredFile(
        name=name,
        content_type=encoded.content_type,
        width=encoded.width,
        height=encoded.height,
        bytes=len(encoded.data),
        created=created,
    )


def media_row_create(*, session: Session, stored: StoredFile, actor: Any = None) -> Media:
    """The media row of a stored file, audited (inside the caller's transaction)."""
    media = Media.objects.create(
        session=session,
        name=stored.name,
        content_type=stored.content_type,
        width=stored.width,
        height=stored.height,
        bytes=stored.bytes,
    )
    audit_record(
        session=session,
        actor=actor,
        action="media.upload",
        target_type="media",
        target_id=media.pk,
        details={"bytes": media.bytes, "width": media.width, "height": media.height},
    )
    return media


def media_upload(*, session: Session, data: bytes, actor: Any = None) -> Media:
    """Store the re-encoded image of ``data`` for ``session``. Nothing is stored when it is refused.

    The file is written before the row (a file without a row is what ``media_cleanup`` removes;
    a row without its file would be a broken picture on every phone)."""
    return media_store_encoded(session=session, encoded=media_encode(data), actor=actor)


def media_store_encoded(*, session: Session, encoded: imaging.Encoded, actor: Any = None) -> Media:
    """Store an image already checked and re-encoded (``media_encode``): its file, then its row in the
    caller's transaction if any (the admin stores a form's uploads with the activity: a rollback
    leaves only the file, which ``media_files_cleanup`` removes)."""
    stored = media_file_store(encoded)
    with transaction.atomic():
        return media_row_create(session=session, stored=stored, actor=actor)


@transaction.atomic
def media_delete(*, media: Media, actor: Any = None) -> None:
    """Delete a media nothing refers to (409 MEDIA_IN_USE otherwise); its file goes after the
    commit unless another row shares it (the post_delete hook: activities.apps)."""
    # Lock the session row: an activity saved meanwhile cannot start referring to it unseen.
    Session.objects.select_for_update().filter(pk=media.session_id).first()
    if media_in_use(media):
        raise MediaInUse(gettext("An activity shows this image; remove it there first."))
    audit_record(
        session=media.session_id,
        actor=actor,
        action="media.delete",
        target_type="media",
        target_id=media.pk,
    )
    media.delete()


def media_files_cleanup(*, dry_run: bool = False, min_age: timedelta = timedelta(hours=1)) -> list[str]:
    """The stored media files no row names (a failed upload, a deleted session whose files could
    not be removed at the time): deleted unless ``dry_run``. Returns their names. Files younger
    than ``min_age`` are left alone: an upload writes its file just before its row."""
    try:
        _, files = default_storage.listdir(MEDIA_DIR)
    except FileNotFoundError:
        return []
    names = {f"{MEDIA_DIR}/{f}" for f in files}
    known = set(Media.objects.filter(name__in=names).values_list("name", flat=True))
    cutoff = timezone.now() - min_age
    orphans = sorted(n for n in names - known if default_storage.get_modified_time(n) <= cutoff)
    if dry_run:
        return orphans
    return files_delete_unreferenced(orphans)
