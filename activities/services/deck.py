"""Deck import: a PDF becomes one slide per page (contract v1.2 "Media, slides and decks").

All pages or none. The pages are rendered and their images stored first, outside any transaction
(rendering a 100-page deck takes seconds; no row lock is held meanwhile); then one transaction
makes the media rows, moves the activities after the insertion point and creates the slides. When
anything fails, the transaction rolls back and the files this import wrote (not those another
media already shared) are deleted.
"""

from __future__ import annotations

import logging
from typing import IO, Any

from django.conf import settings
from django.db import transaction
from django.db.models import F, Max
from django.utils.translation import gettext

from core import state_version
from core.errors import PayloadTooLarge, ValidationFailed
from sessions_app.audit import audit_record
from sessions_app.models import Session

from .. import deck as deck_render
from ..images import files_delete_unreferenced
from ..models import Activity
from .activities import activity_create
from .media import StoredFile, UploadRefused, media_encode, media_file_store, media_row_create

logger = logging.getLogger("caja.media")


class DeckRefused(UploadRefused):
    """The file is no deck we take."""


def deck_too_large() -> PayloadTooLarge:
    limit = settings.DECK_MAX_BYTES
    return PayloadTooLarge(
        gettext("The file is larger than %(n)s MB.") % {"n": limit // (1024 * 1024)}, {"limit_bytes": limit}
    )


def _slide_title(number: int, text: str) -> str:
    # The activity list shows titles: the page number and the start of its text.
    label = gettext("Slide %(n)s") % {"n": number}
    return f"{label}: {text[:80]}".rstrip() if text else label


def deck_import(
    *, session: Session, source: bytes | IO[bytes], size: int, after: Any = None, actor: Any = None
) -> list[Activity]:
    """The slides made of the PDF ``source`` (``size`` bytes), placed after the activity ``after``
    (an id of this session's activity; None: at the end), in page order."""
    if size > settings.DECK_MAX_BYTES:
        raise deck_too_large()
    if after is not None:
        _anchor_order(session, after)  # refused before any page is rendered
    written: list[str] = []
    try:
        # PDFium is not thread-safe: one deck renders at a time per process (a gthread worker
        # runs two requests at once); another import waits for it.
        with deck_render.PDFIUM_LOCK:
            pages = _render_and_store(source, written)
        return _slides_create(session=session, pages=pages, after=after, actor=actor)
    except BaseException:
        # Nothing of a failed import stays: the rows rolled back, so its files go too (unless a
        # row shares one; files_delete_unreferenced checks).
        files_delete_unreferenced(written)
        raise


def _render_and_store(source: bytes | IO[bytes], written: list[str]) -> list[tuple[int, str, StoredFile]]:
    """Each page rendered, re-encoded and its file stored (the names this call wrote go into
    ``written``); only the stored file's facts stay in memory, never a page's pixels."""
    try:
        pdf = deck_render.open_deck(source, max_pages=settings.DECK_MAX_PAGES)
    except deck_render.DeckRefused as refused:
        raise DeckRefused(refused) from None
    pages: list[tuple[int, str, StoredFile]] = []
    try:
        for page in deck_render.render_pages(pdf):
            stored = media_file_store(media_encode(page.png, rendered=True))
            if stored.created:
                written.append(stored.name)
            pages.append((page.number, page.text, stored))
    except deck_render.DeckRefused as refused:
        raise DeckRefused(refused) from None
    finally:
        pdf.close()
    return pages


def _anchor_order(session: Session, after: Any) -> int:
    order = Activity.objects.filter(session=session, pk=after).values_list("order", flat=True).first()
    if order is None:
        raise ValidationFailed({"after": [gettext("Must be the id of an activity of this session.")]})
    return order


@transaction.atomic
def _slides_create(
    *, session: Session, pages: list[tuple[int, str, StoredFile]], after: Any, actor: Any
) -> list[Activity]:
    # Lock the session row: orders are computed from the current activities, read again here
    # (the pages took seconds to render; the activity list may have changed meanwhile).
    Session.objects.select_for_update().filter(pk=session.pk).first()
    count = len(pages)
    anchor = None if after is None else _anchor_order(session, after)
    if anchor is None:
        last = Activity.objects.filter(session=session).aggregate(m=Max("order"))["m"]
        first = 1 if last is None else last + 1
    else:
        # Make room: everything after the anchor moves down by the number of pages.
        Activity.objects.filter(session=session, order__gt=anchor).update(order=F("order") + count)
        first = anchor + 1
    slides = []
    for offset, (number, text, stored) in enumerate(pages):
        media = media_row_create(session=session, stored=stored, actor=actor)
        alt = text or gettext("Slide %(n)s") % {"n": number}
        slides.append(
            activity_create(
                session=session,
                type="slide",
                title=_slide_title(number, text),
                config={"image": {"media_id": str(media.pk), "alt": alt}, "show_on_phones": True},
                order=first + offset,
                actor=actor,
            )
        )
    audit_record(
        session=session,
        actor=actor,
        action="deck.import",
        target_type="session",
        target_id=session.pk,
        details={"pages": count},
    )
    state_version.bump(session.pk)
    return slides
