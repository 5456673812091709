"""Render the pages of a PDF deck to images, one at a time (contract v1.2 "Media, slides and decks").

PDFium (through pypdfium2) does the work: the PDF engine of Chromium, fuzzed and patched by that
project for years; parsing PDFs ourselves would be a security hole of our own making. Only pages
are rendered: no form environment is set up (``init_forms`` is never called) and pypdfium2's PDFium
is built without a JavaScript engine, so a PDF's JavaScript (an ``/OpenAction``, a form field's
script) never runs; annotations are drawn as their static appearance, links go nowhere (the output
is pixels).

Memory stays bounded whatever the page count: :func:`render_pages` yields one page's image and
text at a time and closes the page (and its bitmap) before the next; the caller stores each image
before asking for the next.
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING

from django.utils.translation import gettext

from .imaging import FileRefused

if TYPE_CHECKING:
    import pypdfium2 as pdfium  # type: ignore[import-untyped]  # no py.typed marker

# PDFium is not thread-safe (pypdfium2's documentation): every use of it in this process holds this
# lock, from opening a document to closing it (activities.services.deck).
PDFIUM_LOCK = threading.Lock()

# The box a page is rendered into: a full-HD big screen. A page keeps its proportions.
BOX_WIDTH = 1920
BOX_HEIGHT = 1080
ALT_MAX = 300
# PDF says the header must be in the first 1024 bytes; some writers put junk before it.
_HEADER_WINDOW = 1024
_SPACES = re.compile(r"\s+")
# PDFium's errors (FPDF_GetLastError): none (a document without pages), a password is needed.
_ERR_SUCCESS = 0
_ERR_PASSWORD = 4


class DeckRefused(FileRefused):
    """The file is no deck we take."""


@dataclass(frozen=True)
class Page:
    number: int  # 1-based
    png: bytes  # the rendered page, uncompressed (it is re-encoded as any upload is)
    text: str  # the page's text, whitespace collapsed, at most ALT_MAX characters ("" when none)


def is_pdf(head: bytes) -> bool:
    return b"%PDF-" in head[:_HEADER_WINDOW]


def _refused(message: str) -> DeckRefused:
    return DeckRefused(400, "VALIDATION_ERROR", message)


def open_deck(source: bytes | IO[bytes], *, max_pages: int) -> pdfium.PdfDocument:
    """The opened document, or :class:`DeckRefused`: 415 unless the bytes say PDF; 400 when it is
    protected by a password, damaged, has no page or more than ``max_pages``. A file object is
    read by PDFium as it needs (a 50 MB upload is not copied into memory)."""
    if isinstance(source, bytes):
        head = source[:_HEADER_WINDOW]
    else:
        head = source.read(_HEADER_WINDOW)
        source.seek(0)
    if not is_pdf(head):
        raise DeckRefused(415, "UNSUPPORTED_MEDIA_TYPE", gettext("Upload a PDF file."))
    # Imported here, on a deck import, not at startup: every gunicorn worker imports this module
    # (through the admin and the services), and pypdfium2 with its PDFium library costs each
    # worker ~4 MB of resident memory the hot paths never use (docs/performance.md).
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(source)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code == _ERR_PASSWORD:
            raise _refused(gettext("This PDF is protected by a password; save it without one.")) from None
        if code == _ERR_SUCCESS:  # pypdfium2 refuses a document of no pages this way
            raise _refused(gettext("This PDF has no pages.")) from None
        raise _refused(gettext("This PDF is damaged or incomplete.")) from None
    pages = len(pdf)
    if pages == 0:
        pdf.close()
        raise _refused(gettext("This PDF has no pages."))
    if pages > max_pages:
        pdf.close()
        raise _refused(
            gettext("This PDF has %(pages)s pages; a deck has at most %(max)s.")
            % {"pages": pages, "max": max_pages}
        )
    return pdf


def page_text(raw: str) -> str:
    """The alt text of a page: its text with whitespace collapsed, cut at ALT_MAX characters (on a
    word boundary when there is one in the last fifth)."""
    text = _SPACES.sub(" ", raw.replace("\x00", "")).strip()
    text = "".join(ch for ch in text if ch.isprintable())
    if len(text) <= ALT_MAX:
        return text
    cut = text[: ALT_MAX - 1]
    space = cut.rfind(" ")
    if space > ALT_MAX * 4 // 5:
        cut = cut[:space]
    return cut.rstrip() + "…"


def render_pages(pdf: pdfium.PdfDocument) -> Iterator[Page]:
    """Each page rendered to fit BOX_WIDTH × BOX_HEIGHT, in order, one at a time."""
    import pypdfium2 as pdfium  # lazily, as in open_deck

    for index in range(len(pdf)):
        page = pdf[index]
        try:
            width, height = page.get_size()
            if width <= 0 or height <= 0:
                raise _refused(gettext("Page %(n)s of this PDF has no size.") % {"n": index + 1})
            scale = min(BOX_WIDTH / width, BOX_HEIGHT / height)
            # A white page behind the content, as a viewer shows it (no transparent slides).
            bitmap = page.render(scale=scale, fill_color=(255, 255, 255, 255), may_draw_forms=False)
            try:
                image = bitmap.to_pil()
                buffer = io.BytesIO()
                # Not compressed: the image is decoded and re-encoded right after (activities.imaging).
                image.convert("RGB").save(buffer, format="PNG", compress_level=0)
            finally:
                bitmap.close()
            textpage = page.get_textpage()
            try:
                text = page_text(textpage.get_text_bounded())
            finally:
                textpage.close()
        except pdfium.PdfiumError:
            raise _refused(
                gettext("Page %(n)s of this PDF could not be rendered.") % {"n": index + 1}
            ) from None
        finally:
            page.close()
        yield Page(number=index + 1, png=buffer.getvalue(), text=text)
