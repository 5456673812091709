"""Media (contract v1.2 "Media, slides and decks"): upload, list, delete through the HTTP API, and
every bad input of issue 24 refused with a clear 4xx and nothing stored."""

from __future__ import annotations

import io
import zlib
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from PIL import Image
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from activities.models import Media
from activities.tests.factories import ActivityFactory
from core.testing import assert_error
from sessions_app import members
from sessions_app import services as session_services
from sessions_app.models import AuditEntry
from sessions_app.tests.factories import SessionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media-root"
    return Path(settings.MEDIA_ROOT)


def stored_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (40, 30), **save: Any) -> bytes:
    mode = "RGB" if fmt == "JPEG" else "RGBA"
    im = Image.new(mode, size, (200, 30, 30) if mode == "RGB" else (200, 30, 30, 255))
    buffer = io.BytesIO()
    im.save(buffer, format=fmt, **save)
    return buffer.getvalue()


def upload(client: APIClient, session: Any, data: bytes, name: str = "picture.png") -> Any:
    return client.post(
        f"/api/v1/sessions/{session.pk}/media",
        {"file": io.BytesIO(data) if not name else _named(data, name)},
        format="multipart",
    )


def _named(data: bytes, name: str) -> Any:
    f = io.BytesIO(data)
    f.name = name
    return f


def _api(user: Any) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    return client


def test_upload_png_gives_the_media_and_stores_the_reencoded_file(org_api, organizer, media_root):
    session = SessionFactory(owner=organizer)
    resp = upload(org_api, session, image_bytes("PNG", (40, 30)))
    assert resp.status_code == 201, resp.content
    body = resp.json()
    assert set(body) == {"id", "url", "content_type", "width", "height", "bytes", "created_at"}
    assert (body["content_type"], body["width"], body["height"]) == ("image/png", 40, 30)
    media = Media.objects.get(pk=body["id"])
    assert media.session_id == session.pk
    assert body["url"].startswith("http") and body["url"].endswith(f"/media/{media.name}")
    files = stored_files(media_root)
    assert len(files) == 1 and files[0].stat().st_size == body["bytes"]
    assert AuditEntry.objects.filter(session=session, action="media.upload").count() == 1
    # Content-addressed: the same picture again is the same file and URL.
    again = upload(org_api, session, image_bytes("PNG", (40, 30))).json()
    assert again["url"] == body["url"] and again["id"] != body["id"]
    assert len(stored_files(media_root)) == 1


def test_a_large_image_is_scaled_to_2560_on_its_longest_side(org_api, organizer, media_root):
    session = SessionFactory(owner=organizer)
    resp = upload(org_api, session, image_bytes("JPEG", (4000, 1000)), "big.jpg")
    assert resp.status_code == 201, resp.content
    assert (resp.json()["width"], resp.json()["height"]) == (2560, 640)
    with Image.open(stored_files(media_root)[0]) as im:
        assert im.size == (2560, 640) and im.format == "JPEG"


def test_a_gif_keeps_its_first_frame_as_a_png(org_api, organizer, media_root):
    session = SessionFactory(owner=organizer)
    frames = [Image.new("RGB", (20, 10), c) for c in ((255, 0, 0), (0, 0, 255))]
    buffer = io.BytesIO()
    frames[0].save(buffer, format="GIF", save_all=True, append_images=frames[1:], comment=b"hello")
    resp = upload(org_api, session, buffer.getvalue(), "anim.gif")
    assert resp.status_code == 201, resp.content
    assert resp.json()["content_type"] == "image/png"
    with Image.open(stored_files(media_root)[0]) as im:
        assert im.format == "PNG" and getattr(im, "n_frames", 1) == 1
        assert im.convert("RGB").getpixel((5, 5)) == (255, 0, 0)
        assert "comment" not in im.info


def test_webp_is_taken(org_api, organizer):
    session = SessionFactory(owner=organizer)
    resp = upload(org_api, session, image_bytes("WEBP", (30, 30)), "x.webp")
    assert resp.status_code == 201, resp.content
    assert resp.json()["content_type"] == "image/webp"


def test_a_jpeg_with_exif_and_gps_is_stored_without_any_metadata(org_api, organizer, media_root):
    session = SessionFactory(owner=organizer)
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[0x0132] = "2024:01:01 10:00:00"  # DateTime
    exif[0x0112] = 6  # Orientation: rotated 90° clockwise
    gps = {1: "N", 2: (48.0, 51.0, 24.0), 3: "E", 4: (2.0, 21.0, 3.0)}
    exif[0x8825] = gps  # GPSInfo
    raw = image_bytes("JPEG", (60, 20), exif=exif.tobytes(), comment=b"secret comment")
    with Image.open(io.BytesIO(raw)) as original:
        assert original.getexif().get_ifd(0x8825), "the fixture must carry GPS"
    resp = upload(org_api, session, raw, "gps.jpg")
    assert resp.status_code == 201, resp.content
    # Upright by its orientation before the tag went away.
    assert (resp.json()["width"], resp.json()["height"]) == (20, 60)
    stored = stored_files(media_root)[0].read_bytes()
    assert b"Exif" not in stored and b"SpyCam" not in stored and b"secret comment" not in stored
    with Image.open(io.BytesIO(stored)) as im:
        assert not im.getexif() and "exif" not in im.info and "comment" not in im.info
        assert "icc_profile" not in im.info


def test_list_is_paginated_for_every_member_and_upload_needs_edit(organizer):
    session = session_services.session_create(owner=organizer, name="Town hall")
    presenter = UserFactory(username="pia", is_staff=True)
    co = UserFactory(username="cora", is_staff=True)
    members.member_add(session=session, username="pia", role="presenter", actor=organizer)
    members.member_add(session=session, username="cora", role="co_organizer", actor=organizer)
    assert upload(_api(co), session, image_bytes()).status_code == 201
    assert_error(upload(_api(presenter), session, image_bytes("PNG", (9, 9))), 403, "PERMISSION_DENIED")
    listed = _api(presenter).get(f"/api/v1/sessions/{session.pk}/media")
    assert listed.status_code == 200
    assert listed.json()["total"] == 1 and len(listed.json()["items"]) == 1
    media_id = listed.json()["items"][0]["id"]
    assert_error(
        _api(presenter).delete(f"/api/v1/sessions/{session.pk}/media/{media_id}"), 403, "PERMISSION_DENIED"
    )
    assert Media.objects.count() == 1


def test_another_organizer_sees_nothing(org_api, other_api, organizer):
    session = SessionFactory(owner=organizer)
    assert_error(upload(other_api, session, image_bytes()), 404, "NOT_FOUND")
    assert_error(other_api.get(f"/api/v1/sessions/{session.pk}/media"), 404, "NOT_FOUND")
    assert Media.objects.count() == 0


# --- bad input: a clear 4xx and nothing stored -------------------------------------------------


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")


def huge_declared_png() -> bytes:
    """A tiny file whose header declares 100,000 × 100,000 pixels (a decompression bomb)."""
    ihdr = (100_000).to_bytes(4, "big") * 2 + bytes([8, 2, 0, 0, 0])
    idat = zlib.compress(b"\x00" * 1000)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", idat)
        + _png_chunk(b"IEND", b"")
    )


def just_over_50_megapixels_png() -> bytes:
    """Declares 7,100 × 7,100 = 50.4 megapixels: over the limit but under Pillow's error at twice it."""
    ihdr = (7100).to_bytes(4, "big") * 2 + bytes([8, 0, 0, 0, 0])
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", ihdr)
        + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 100))
        + _png_chunk(b"IEND", b"")
    )


SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><rect width="5" height="5"/></svg>'
PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>\n"
    b"endobj\n%%EOF"
)

BAD_INPUTS: list[tuple[str, Any, str, int, str]] = [
    ("empty", lambda: b"", "empty.png", 400, "VALIDATION_ERROR"),
    ("truncated png", lambda: image_bytes("PNG", (300, 300))[:-300], "cut.png", 400, "VALIDATION_ERROR"),
    ("huge declared png", huge_declared_png, "bomb.png", 400, "VALIDATION_ERROR"),
    ("just over 50 megapixels", just_over_50_megapixels_png, "big.png", 400, "VALIDATION_ERROR"),
    ("svg with a script", lambda: SVG, "logo.png", 415, "UNSUPPORTED_MEDIA_TYPE"),
    ("renamed pdf", lambda: PDF, "slide.jpg", 415, "UNSUPPORTED_MEDIA_TYPE"),
    ("html", lambda: b"<!doctype html><script>alert(1)</script>", "a.gif", 415, "UNSUPPORTED_MEDIA_TYPE"),
    (
        "gif/javascript polyglot",
        lambda: b"GIF89a/*\x01\x00\x01\x00\x00\x00\x00*/=1;alert(1)//<script>x</script>;",
        "poly.gif",
        415,
        "UNSUPPORTED_MEDIA_TYPE",
    ),
    (
        "png with a zip behind it",
        lambda: image_bytes() + b"PK\x03\x04zipzip",
        "p.png",
        415,
        "UNSUPPORTED_MEDIA_TYPE",
    ),
    (
        "jpeg with html inside",
        lambda: image_bytes("JPEG", comment=b"<html><script>alert(1)</script></html>"),
        "c.jpg",
        415,
        "UNSUPPORTED_MEDIA_TYPE",
    ),
    (
        "jpeg/zip polyglot",
        lambda: image_bytes("JPEG") + b"PK\x05\x06" + b"\x00" * 18,
        "z.jpg",
        415,
        "UNSUPPORTED_MEDIA_TYPE",
    ),
    ("text", lambda: b"hello", "hello.png", 415, "UNSUPPORTED_MEDIA_TYPE"),
]


@pytest.mark.parametrize(
    ("label", "make", "name", "status", "code"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS]
)
def test_bad_input_is_refused_and_nothing_is_stored(
    org_api, organizer, media_root, label, make, name, status, code
):
    session = SessionFactory(owner=organizer)
    err = assert_error(upload(org_api, session, make(), name), status, code)
    assert err["message"]
    assert Media.objects.count() == 0
    assert stored_files(media_root) == []


def test_over_10_mb_is_413_and_nothing_is_stored(org_api, organizer, media_root, settings):
    session = SessionFactory(owner=organizer)
    # Incompressible pixels: a PNG a little over the limit.
    data = image_bytes("PNG", (10, 10)) + b"\x00" * (settings.MEDIA_MAX_BYTES + 1)
    err = assert_error(upload(org_api, session, data, "big.png"), 413, "PAYLOAD_TOO_LARGE")
    assert err["details"] == {"limit_bytes": settings.MEDIA_MAX_BYTES}
    assert Media.objects.count() == 0 and stored_files(media_root) == []


def test_a_declared_body_over_the_limit_is_refused_before_it_is_read(org_api, organizer, settings):
    session = SessionFactory(owner=organizer)
    resp = org_api.generic(
        "POST",
        f"/api/v1/sessions/{session.pk}/media",
        b"x" * 10,
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(settings.MEDIA_MAX_BYTES + 200 * 1024),
    )
    assert_error(resp, 413, "PAYLOAD_TOO_LARGE")
    assert Media.objects.count() == 0


def test_no_file_and_json_are_refused(org_api, organizer):
    session = SessionFactory(owner=organizer)
    url = f"/api/v1/sessions/{session.pk}/media"
    assert_error(org_api.post(url, {}, format="multipart"), 400, "VALIDATION_ERROR")
    resp = org_api.post(url, {"file": "x"}, format="json")
    assert resp.status_code == 415
    assert Media.objects.count() == 0


# --- delete, in use, session deletion, cleanup -----------------------------------------------


def test_delete_refuses_a_media_in_use_then_deletes_it_and_its_file(
    org_api, organizer, media_root, django_capture_on_commit_callbacks
):
    session = SessionFactory(owner=organizer)
    media_id = upload(org_api, session, image_bytes()).json()["id"]
    slide = ActivityFactory(
        session=session, type="slide", config={"title": "Hi", "image": {"media_id": media_id, "alt": "A dog"}}
    )
    url = f"/api/v1/sessions/{session.pk}/media/{media_id}"
    with_file = stored_files(media_root)
    assert_error(org_api.delete(url), 409, "MEDIA_IN_USE")
    assert Media.objects.filter(pk=media_id).exists() and stored_files(media_root) == with_file
    slide.delete()
    with django_capture_on_commit_callbacks(execute=True):
        resp = org_api.delete(url)
    assert resp.status_code == 204
    assert not Media.objects.filter(pk=media_id).exists()
    assert stored_files(media_root) == []
    assert_error(org_api.delete(url), 404, "NOT_FOUND")


def test_a_file_shared_by_two_sessions_stays_until_the_last_row_goes(
    org_api, organizer, media_root, django_capture_on_commit_callbacks
):
    one, two = SessionFactory(owner=organizer), SessionFactory(owner=organizer)
    upload(org_api, one, image_bytes())
    upload(org_api, two, image_bytes())
    assert len(stored_files(media_root)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        session_services.session_delete(session=one)
    assert len(stored_files(media_root)) == 1
    with django_capture_on_commit_callbacks(execute=True):
        session_services.session_delete(session=two)
    assert stored_files(media_root) == [] and Media.objects.count() == 0


def test_cleanup_command_removes_only_unreferenced_files(org_api, organizer, media_root, capsys):
    session = SessionFactory(owner=organizer)
    upload(org_api, session, image_bytes())
    orphan = media_root / "images" / ("0" * 64 + ".png")
    orphan.write_bytes(b"left behind")
    call_command("media_cleanup", "--dry-run", "--min-age-minutes", "0")
    assert orphan.exists() and "images/" + orphan.name in capsys.readouterr().out
    call_command("media_cleanup", "--min-age-minutes", "60")
    assert orphan.exists()  # too young: an upload may be writing its row
    call_command("media_cleanup", "--min-age-minutes", "0")
    assert not orphan.exists()
    assert len(stored_files(media_root)) == 1


def test_django_serves_media_with_a_year_of_immutable_caching(client, org_api, organizer, settings):
    session = SessionFactory(owner=organizer)
    url = upload(org_api, session, image_bytes()).json()["url"]
    path = url.removeprefix(settings.PUBLIC_BASE_URL)
    settings.MEDIA_SERVE = False  # behind nginx: nginx serves the folder
    assert client.get(path).status_code == 404
    settings.MEDIA_SERVE = True  # make run
    response = client.get(path)
    assert response.status_code == 200
    assert response["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
