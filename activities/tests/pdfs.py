"""PDFs made in the tests (and the deck bench): written by hand, with exact cross-reference
offsets, so each test says what its file holds (text per page, a page count, encryption, a script)."""

from __future__ import annotations

import io

from PIL import Image


def make_pdf(
    texts: list[str],
    *,
    size: tuple[int, int] = (960, 540),
    declared_pages: int | None = None,
    encrypt: bool = False,
    javascript: bool = False,
    picture: bool = False,
) -> bytes:
    """A PDF with one page per entry of ``texts`` (Helvetica text and a coloured band).

    ``declared_pages``: the page tree lists the first page that many times (a 10,000-page PDF in a
    few tens of kilobytes). ``encrypt``: a standard security handler whose user password is unknown
    (PDFium asks for a password). ``javascript``: an ``/OpenAction`` script. ``picture``: each page
    also draws a 640 × 360 photo-like image (the bench's realistic page)."""
    w, h = size
    objs: dict[int, bytes] = {}
    catalog = b"<< /Type /Catalog /Pages 2 0 R"
    if javascript:
        catalog += b" /OpenAction << /S /JavaScript /JS (app.alert\\('hi'\\); this.submitForm\\('x'\\);) >>"
    objs[1] = catalog + b" >>"
    objs[3] = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    page_ids = [4 + 3 * i for i in range(len(texts))]
    for i, text in enumerate(texts):
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        lines = [
            f"BT /F1 {32 + i % 5} Tf 60 {h - 100} Td ({escaped}) Tj ET",
            f"0.{(i * 3) % 10} 0.4 0.8 rg 60 60 {w - 120} 80 re f",
        ]
        resources = "/Font << /F1 3 0 R >>"
        if picture:
            lines.append(f"q {w // 2} 0 0 {h // 2} {w // 4} {h // 4} cm /Im1 Do Q")
            resources += f" /XObject << /Im1 {6 + 3 * i} 0 R >>"
        stream = "\n".join(lines).encode("latin-1")
        objs[4 + 3 * i] = (
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {w} {h}] "
            f"/Resources << {resources} >> /Contents {5 + 3 * i} 0 R >>"
        ).encode()
        objs[5 + 3 * i] = b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream"
        if picture:
            jpeg = _photo(i)
            objs[6 + 3 * i] = (
                b"<< /Type /XObject /Subtype /Image /Width 640 /Height 360 /ColorSpace /DeviceRGB "
                b"/BitsPerComponent 8 /Filter /DCTDecode /Length %d >>\nstream\n"
                % len(jpeg)
                + jpeg
                + b"\nendstream"
            )
    kids = page_ids if declared_pages is None else [page_ids[0]] * declared_pages
    objs[2] = f"<< /Type /Pages /Kids [{' '.join(f'{k} 0 R' for k in kids)}] /Count {len(kids)} >>".encode()
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for key in sorted(objs):
        offsets[key] = len(out)
        out += b"%d 0 obj\n" % key + objs[key] + b"\nendobj\n"
    xref = len(out)
    count = max(objs) + 1
    out += b"xref\n0 %d\n0000000000 65535 f \n" % count
    for key in range(1, count):
        out += b"%010d 00000 n \n" % offsets[key] if key in offsets else b"0000000000 65535 f \n"
    trailer = b"/Size %d /Root 1 0 R" % count
    if encrypt:
        trailer += (
            b" /ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>]"
            b" /Encrypt << /Filter /Standard /V 1 /R 2"
            b" /O <" + b"11" * 32 + b"> /U <" + b"22" * 32 + b"> /P -4 >>"
        )
    out += b"trailer\n<< " + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def _photo(seed: int) -> bytes:
    # Gradients with grain: compresses like a photo, neither like a flat colour nor like pure noise.
    size = (640, 360)
    red = Image.linear_gradient("L").resize(size)
    green = Image.radial_gradient("L").resize(size)
    grain = Image.effect_noise(size, 30 + seed % 20)
    blue = Image.blend(red.rotate(90 + seed % 90).resize(size), grain, 0.3)
    image = Image.merge("RGB", (Image.blend(red, grain, 0.15), green, blue))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


def image_only_pdf(count: int) -> bytes:
    """Pages that are pictures without text (Pillow's PDF writer)."""
    pages = [Image.new("RGB", (800, 600), (30 * i % 255, 120, 200)) for i in range(count)]
    buffer = io.BytesIO()
    pages[0].save(buffer, format="PDF", save_all=True, append_images=pages[1:], resolution=96)
    return buffer.getvalue()
