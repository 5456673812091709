"""Decode and re-encode an uploaded image with Pillow (contract v1.2 "Media").

Nothing of the upload is served: its pixels are decoded, copied into a fresh image (no EXIF, GPS,
ICC, XMP or comment survives, since none of the upload's ``info`` is carried over), turned upright
by its EXIF orientation first, scaled to at most ``max_side`` px on its longest side and encoded
again. Only real PNG, JPEG, WebP and GIF (its first frame, stored as PNG) are taken, recognised by
their leading bytes, never by name or declared type: SVG, HTML, PDF or a renamed file is refused
(415) before Pillow sees it. A file that is also something else (a polyglot: HTML, script, PDF or
an archive hidden inside or after the image) is refused too, although re-encoding would drop it:
such an upload is an attack, and saying so is clearer than quietly cleaning it.
"""

from __future__ import annotations

import hashlib
import io
import re
import warnings
from dataclasses import dataclass

from django.utils.translation import gettext

# Leading bytes -> Pillow format.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"\xff\xd8\xff", "JPEG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
)
# Markers of another kind of file inside an image (a polyglot). Short and specific enough never to
# occur by chance in compressed image data of ≤ 10 MB in practice.
_FOREIGN = re.compile(rb"<script|<html|<svg|<\?php|<!doctype|%PDF-|<iframe|javascript:", re.IGNORECASE)

# The stored format of each accepted one: (format, extension, content type, save options).
_OUTPUT: dict[str, tuple[str, str, str, dict[str, object]]] = {
    "PNG": ("PNG", "png", "image/png", {"optimize": True}),
    "GIF": ("PNG", "png", "image/png", {"optimize": True}),
    "JPEG": ("JPEG", "jpg", "image/jpeg", {"quality": 85, "optimize": True, "progressive": True}),
    "WEBP": ("WEBP", "webp", "image/webp", {"quality": 85, "method": 4}),
}
# A rendered page (a deck): PNG (sharp text) at zlib level 3, without ``optimize``. Measured on a
# 1920 × 1080 page with a photo: level 3 0.07 s and 426 KB, level 6 0.15 s and 359 KB, optimize 1.0 s
# and 342 KB; a 100-page deck renders while its organizer waits (docs/operations.md).
_RENDERED: tuple[str, str, str, dict[str, object]] = ("PNG", "png", "image/png", {"compress_level": 3})

# EXIF orientation -> the transposition that turns the picture upright (as ImageOps.exif_transpose).
_ORIENTATION = 0x0112
# Names of PIL.Image.Transpose members (looked up when used: Pillow is imported lazily, in reencode).
_TRANSPOSE = {
    2: "FLIP_LEFT_RIGHT",
    3: "ROTATE_180",
    4: "FLIP_TOP_BOTTOM",
    5: "TRANSPOSE",
    6: "ROTATE_270",
    7: "TRANSVERSE",
    8: "ROTATE_90",
}


class FileRefused(Exception):
    """An uploaded file we do not take: ``status`` (400/415) and ``code`` for the envelope (the
    services turn it into a DomainError: services/media.py UploadRefused)."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


class ImageRefused(FileRefused):
    """The upload is not an image we take."""


@dataclass(frozen=True)
class Encoded:
    data: bytes
    sha256: str
    extension: str
    content_type: str
    width: int
    height: int


def sniff(head: bytes) -> str | None:
    """The format the leading bytes say, or None."""
    for signature, fmt in _SIGNATURES:
        if head.startswith(signature):
            return fmt
    if len(head) >= 12 and head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    return None


def _unsupported() -> ImageRefused:
    return ImageRefused(415, "UNSUPPORTED_MEDIA_TYPE", gettext("Upload a PNG, JPEG, WebP or GIF image."))


def _end_check(fmt: str, data: bytes) -> str:
    """Where the file ends against where its format ends: "ok", "short" (cut off: damaged) or
    "extra" (bytes after the end: another file glued on, a zip or HTML behind a PNG, the
    commonest polyglot)."""
    if fmt == "PNG":
        end = b"IEND\xaeB`\x82"
        if data.rstrip(b"\x00").endswith(end):
            return "ok"
        return "extra" if end in data else "short"
    if fmt == "GIF":
        return "ok" if data.rstrip(b"\x00\r\n").endswith(b";") else "short"
    if fmt == "JPEG":
        # Phones append their own trailers to JPEGs (a motion photo's video, maker data), so a
        # trailer alone is no proof; a zip's end record near the end is (a JPEG/zip polyglot).
        return "extra" if b"PK\x05\x06" in data[-65_557:] else "ok"
    # WebP: the RIFF header gives the size of the rest (padded to an even length).
    declared = int.from_bytes(data[4:8], "little") + 8
    if len(data) < declared:
        return "short"
    return "ok" if len(data) <= declared + 1 else "extra"


def reencode(data: bytes, *, max_pixels: int, max_side: int, rendered: bool = False) -> Encoded:
    """The re-encoded image, or :class:`ImageRefused`. ``rendered``: the bytes are a PNG we wrote
    ourselves from rendered pixels (a page of a deck: activities.deck), so the polyglot markers are
    not looked for: in the compressed data of a large, photo-like page one of them turns up by
    chance (seen in the deck bench), and nothing of the uploaded file is in those bytes anyway."""
    if not data:
        raise ImageRefused(400, "VALIDATION_ERROR", gettext("The file is empty."))
    fmt = sniff(data[:16])
    if fmt is None:
        raise _unsupported()
    end = _end_check(fmt, data)
    if (not rendered and _FOREIGN.search(data)) or end == "extra":
        raise ImageRefused(
            415,
            "UNSUPPORTED_MEDIA_TYPE",
            gettext("This file is an image and something else at once; upload a plain image."),
        )
    damaged = ImageRefused(400, "VALIDATION_ERROR", gettext("The image is damaged or incomplete."))
    if end == "short":
        raise damaged
    too_big = ImageRefused(
        400,
        "VALIDATION_ERROR",
        gettext("The image is too large: at most %(n)s megapixels.") % {"n": max_pixels // 1_000_000},
    )
    # Pillow is imported here, on an upload, not at startup: every gunicorn worker imports this
    # module (through the admin and the services), and Pillow's modules and shared libraries cost
    # each worker ~2.5 MB of resident memory the hot paths never use (docs/performance.md).
    from PIL import Image

    # Pillow's own guard against decompression bombs: an image declaring more pixels than this
    # raises a DecompressionBombWarning (made an error below), twice as many a DecompressionBombError.
    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[fmt]) as im:
                if im.width * im.height > max_pixels:
                    raise too_big
                im.seek(0)  # a GIF's (or animated WebP's) first frame
                if fmt == "JPEG":
                    # Decode at the smallest DCT scale still at least max_side: a 50-megapixel
                    # photo then costs a quarter (or less) of the memory and time.
                    im.draft("RGB", (max_side, max_side))
                im.load()
                orientation = im.getexif().get(_ORIENTATION)
                alpha = im.mode in ("RGBA", "LA", "PA") or "transparency" in im.info
                mode = "RGB" if fmt == "JPEG" or not alpha else "RGBA"
                # Scaled down first, then turned upright: every later copy is of the small image
                # (a 50-megapixel PNG decodes to 150-200 MB; a copy of it per step would be several).
                pixels = im if im.mode == mode else im.convert(mode)
                pixels.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
                if orientation in _TRANSPOSE:
                    pixels = pixels.transpose(Image.Transpose[_TRANSPOSE[orientation]])
    except ImageRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_big from None
    except (OSError, SyntaxError, ValueError, EOFError, IndexError, TypeError) as exc:
        # Pillow says "truncated", "cannot identify", "broken data stream"... in as many ways.
        raise damaged from exc
    # A fresh image from the pixels alone: none of the upload's metadata can come along.
    clean = Image.frombytes(mode, pixels.size, pixels.tobytes())
    out_format, extension, content_type, options = _RENDERED if rendered else _OUTPUT[fmt]
    buffer = io.BytesIO()
    clean.save(buffer, format=out_format, **options)
    encoded = buffer.getvalue()
    return Encoded(
        data=encoded,
        sha256=hashlib.sha256(encoded).hexdigest(),
        extension=extension,
        content_type=content_type,
        width=clean.width,
        height=clean.height,
    )


def reencode_imported(data: bytes, *, max_pixels: int, max_side: int) -> Encoded:
    """The re-encoding of an image from a session's export (an import): the checks of an upload,
    and the same bytes back when the file is already what our encoder makes of its pixels (a PNG
    upload or a deck's page, exported and imported again: same pixels, same file, same URL). A JPEG
    or WebP is lossy: it comes back re-encoded once more (visually the same, other bytes).

    A deck page's PNG is tried first with the rendered settings and without the polyglot scan: bytes
    that are exactly our encoder's output of their own pixels are ours whatever they contain (the
    scan can hit by chance in a large page's compressed data); anything else goes through every
    check of an upload."""
    if sniff(data[:16]) == "PNG":
        try:
            ours = reencode(data, max_pixels=max_pixels, max_side=max_side, rendered=True)
        except ImageRefused:
            ours = None
        if ours is not None and ours.data == data:
            return ours
    return reencode(data, max_pixels=max_pixels, max_side=max_side)
