"""QR codes of a session's join URL (PNG and SVG, via the qrcode library)."""

from __future__ import annotations

import io

# qrcode is imported inside each function, not here: every gunicorn worker that serves one request
# of the full URLconf (a health check, an organizer page) imports sessions_app.views and so this
# module, and qrcode (with the Pillow it draws PNGs with) costs each worker ~2.5 MB of resident memory
# for a QR code asked for once per session (docs/performance.md).


def qr_png(data: str, *, box_size: int = 10) -> bytes:
    import qrcode

    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=box_size, border=4)
    qr.add_data(data)
    qr.make(fit=True)
    buf = io.BytesIO()
    qr.make_image(fill_color="black", back_color="white").save(buf, format="PNG")
    return buf.getvalue()


def qr_svg(data: str) -> bytes:
    import qrcode
    import qrcode.image.svg

    qr = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M,
        border=4,
        image_factory=qrcode.image.svg.SvgPathImage,
    )
    qr.add_data(data)
    qr.make(fit=True)
    buf = io.BytesIO()
    qr.make_image().save(buf)
    return buf.getvalue()
