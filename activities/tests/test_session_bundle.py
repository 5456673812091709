"""A session's pictures travel with its export (contract v1.2): `export_session` writes one zip (the
definition and the pictures), `import_session` re-creates the media (checked and re-encoded like
uploads) and points the configs at them; a session without pictures stays plain JSON."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError
from PIL import Image

from activities import services
from activities.images import public_images
from activities.models import Activity, Media
from activities.services.deck import deck_import
from activities.services.media import media_upload
from activities.tests.pdfs import make_pdf
from core.testing import run_command as run
from sessions_app.models import Session
from sessions_app.services import session_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media-root"
    return Path(settings.MEDIA_ROOT)


def png(size: tuple[int, int], colour: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format="PNG")
    return buffer.getvalue()


def picture_session(owner: Any) -> Session:
    """A poll with a picture on the question and on each option, and a slide from a PDF page."""
    session = session_create(owner=owner, name="Town hall")
    question = media_upload(session=session, data=png((64, 48), (200, 30, 30)))
    option = media_upload(session=session, data=png((32, 32), (30, 200, 30)))
    services.activity_create(
        session=session,
        type="poll",
        title="Which one?",
        config={
            "question": "Which one?",
            "image": {"media_id": str(question.pk), "alt": "A red square"},
            "options": [
                {"id": "a", "label": "Green", "image": {"media_id": str(option.pk), "alt": "Green"}},
                {"id": "b", "label": "None"},
            ],
        },
    )
    deck_import(session=session, source=make_pdf(["Thank you (all)"]), size=1000)
    return session


def stored_bytes(root: Path, session: Session) -> dict[tuple[int, int], bytes]:
    return {(m.width, m.height): (root / m.name).read_bytes() for m in Media.objects.filter(session=session)}


def test_a_session_with_pictures_exports_as_a_zip_and_imports_with_the_same_pictures(
    organizer, other_organizer, tmp_path, media_root, settings
):
    session = picture_session(organizer)
    before = stored_bytes(media_root, session)
    assert len(before) == 3
    target = tmp_path / "town-hall.zip"
    out, _ = run("export_session", str(session.pk), "--output", str(target))
    assert "3 pictures" in out and "(zip)" in out
    with zipfile.ZipFile(target) as archive:
        names = sorted(archive.namelist())
        definition = json.loads(archive.read("session.json"))
    assert names[-1] == "session.json" and len(names) == 4
    assert {m["file"] for m in definition["media"]} == set(names[:-1])

    # A fresh installation: other storage, the original session and its media gone.
    Session.objects.all().delete()
    settings.MEDIA_ROOT = tmp_path / "elsewhere"
    out, _ = run("import_session", str(target), "--owner", other_organizer.username)
    assert "3 pictures" in out
    copy = Session.objects.get()
    assert copy.owner == other_organizer
    after = stored_bytes(Path(settings.MEDIA_ROOT), copy)
    assert after == before  # the same pictures, byte for byte
    poll, slide = Activity.objects.filter(session=copy).order_by("order")
    own = {str(pk) for pk in Media.objects.filter(session=copy).values_list("pk", flat=True)}
    refs = [poll.config["image"], poll.config["options"][0]["image"], slide.config["image"]]
    assert {ref["media_id"] for ref in refs} <= own
    assert slide.config["image"]["alt"] == "Thank you (all)"
    shown = public_images(poll.config)
    assert shown["image"]["alt"] == "A red square" and shown["image"]["url"].endswith(".png")
    assert (shown["image"]["width"], shown["options"][0]["image"]["width"]) == (64, 32)
    assert shown["options"][1].get("image") is None


def test_a_session_without_pictures_stays_plain_json_and_json_refuses_pictures(organizer, tmp_path):
    plain = session_create(owner=organizer, name="No pictures")
    services.activity_create(session=plain, type="wordcloud", config={"prompt": "One word?"})
    target = tmp_path / "plain.json"
    run("export_session", str(plain.pk), "--output", str(target))
    assert json.loads(target.read_text())["session"]["name"] == "No pictures"
    pictured = picture_session(organizer)
    with pytest.raises(CommandError, match="pictures"):
        run("export_session", str(pictured.pk), "--format", "json", "--output", str(tmp_path / "x.json"))


def _bundle(definition: dict[str, Any], files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("session.json", json.dumps(definition))
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


SHA = "0" * 64
M1, M2 = "6f1c3c1e-8a43-4a55-9d8e-3f3b2f1a0001", "6f1c3c1e-8a43-4a55-9d8e-3f3b2f1a0002"
SLIDE = {
    "type": "slide",
    "title": "Hi",
    "order": 1,
    "config": {"title": "Hi", "image": {"media_id": M1, "alt": "A picture"}},
}


def _definition(
    media: list[dict[str, str]], activities: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    return {
        "format": "caja.session",
        "version": 1,
        "session": {"name": "Imported", "description": "", "activities": activities or [SLIDE]},
        "media": media,
    }


@pytest.mark.parametrize(
    ("definition", "files", "message"),
    [
        (
            _definition([{"id": M1, "file": f"media/{SHA}.png"}]),
            {f"media/{SHA}.png": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'},
            "media.0.file",
        ),
        (_definition([{"id": M1, "file": f"media/{SHA}.png"}]), {}, "no such file"),
        (_definition([{"id": M1, "file": "../../etc/passwd"}]), {}, "media.0.file"),
        (_definition([]), {}, "session.activities.0.config.image.media_id"),
        (
            _definition([{"id": M1, "file": f"media/{SHA}.png"}]),
            {f"media/{SHA}.png": png((8, 8), (1, 2, 3))[:40]},
            "damaged",
        ),
    ],
    ids=["svg-as-png", "missing-file", "path", "unlisted-id", "truncated"],
)
def test_a_bad_bundle_creates_nothing(organizer, tmp_path, media_root, definition, files, message):
    target = tmp_path / "bad.zip"
    target.write_bytes(_bundle(definition, files))
    with pytest.raises(CommandError) as excinfo:
        run("import_session", str(target), "--owner", organizer.username)
    assert message in str(excinfo.value) and "nothing was created" in str(excinfo.value)
    assert Session.objects.count() == 0 and Media.objects.count() == 0
    assert not media_root.exists() or not any(p.is_file() for p in media_root.rglob("*"))


def test_a_picture_over_the_size_limit_is_refused_before_it_is_read(organizer, tmp_path, settings):
    settings.MEDIA_MAX_BYTES = 1000
    big = png((8, 8), (1, 2, 3)) + b"\x00" * 5000
    target = tmp_path / "big.zip"
    media = [{"id": M1, "file": f"media/{SHA}.png"}]
    target.write_bytes(_bundle(_definition(media), {f"media/{SHA}.png": big}))
    with pytest.raises(CommandError, match="Too large"):
        run("import_session", str(target), "--owner", organizer.username)
    assert Session.objects.count() == 0


def test_a_failure_after_some_pictures_removes_their_files(organizer, tmp_path, media_root):
    other = "1" * 64
    media = [{"id": M1, "file": f"media/{SHA}.png"}, {"id": M2, "file": f"media/{other}.png"}]
    files = {f"media/{SHA}.png": png((8, 8), (9, 9, 9)), f"media/{other}.png": b"GIF89a not really"}
    target = tmp_path / "half.zip"
    target.write_bytes(_bundle(_definition(media), files))
    with pytest.raises(CommandError, match="media.1.file"):
        run("import_session", str(target), "--owner", organizer.username)
    assert Media.objects.count() == 0
    assert not media_root.exists() or not any(p.is_file() for p in media_root.rglob("*"))


# --- the admin: "Export definition" and "Import a session" ------------------------------------------


def test_admin_export_and_import_carry_the_pictures(organizer, other_organizer, tmp_path, settings):
    from django.test import Client
    from django.urls import reverse

    session = picture_session(organizer)
    before = stored_bytes(Path(settings.MEDIA_ROOT), session)
    client = Client()
    client.force_login(organizer)
    changelist = reverse("admin:sessions_app_session_changelist")
    listing = client.get(changelist).content.decode()
    assert reverse("admin:sessions_app_session_import") in listing
    resp = client.post(changelist, {"action": "export_definitions", "_selected_action": [str(session.pk)]})
    assert resp.status_code == 200 and resp["Content-Type"] == "application/zip"
    assert resp["Content-Disposition"] == 'attachment; filename="town-hall.zip"'
    exported = io.BytesIO(b"".join(resp.streaming_content))  # type: ignore[attr-defined]
    exported.name = "town-hall.zip"

    settings.MEDIA_ROOT = tmp_path / "elsewhere"
    other = Client()
    other.force_login(other_organizer)
    done = other.post(reverse("admin:sessions_app_session_import"), {"file": exported})
    copy = Session.objects.get(owner=other_organizer)
    assert done.status_code == 302 and done["Location"].endswith(f"/{copy.pk}/change/")
    assert stored_bytes(Path(settings.MEDIA_ROOT), copy) == before
    assert Activity.objects.filter(session=copy).count() == 2

    bad = io.BytesIO(b"\x89PNG not an export")
    bad.name = "x.zip"
    refused = other.post(reverse("admin:sessions_app_session_import"), {"file": bad})
    assert refused.status_code == 200 and "neither a session export" in refused.content.decode()
    assert Session.objects.filter(owner=other_organizer).count() == 1


def test_admin_export_of_a_session_without_pictures_is_json(organizer):
    from django.test import Client
    from django.urls import reverse

    session = session_create(owner=organizer, name="Plain")
    client = Client()
    client.force_login(organizer)
    resp = client.post(
        reverse("admin:sessions_app_session_changelist"),
        {"action": "export_definitions", "_selected_action": [str(session.pk)]},
    )
    assert resp["Content-Type"].startswith("application/json")
    assert json.loads(resp.content)["session"]["name"] == "Plain"
