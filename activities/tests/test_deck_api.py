"""Deck import (contract v1.2 "Media, slides and decks"): ``POST /sessions/{id}/deck`` turns a PDF
into one slide per page, all pages or none, through the HTTP API."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.db.models import F
from PIL import Image
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from activities import deck as deck_render
from activities.models import Activity, Media
from activities.tests.factories import ActivityFactory
from activities.tests.pdfs import image_only_pdf, make_pdf
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


def import_deck(client: APIClient, session: Any, data: bytes, name: str = "deck.pdf", **extra: Any) -> Any:
    f = io.BytesIO(data)
    f.name = name
    return client.post(f"/api/v1/sessions/{session.pk}/deck", {"file": f, **extra}, format="multipart")


def _api(user: Any) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    return client


def test_each_page_becomes_a_slide_in_order_with_its_image_and_text(org_api, organizer, media_root):
    session = SessionFactory(owner=organizer)
    first = ActivityFactory(session=session, order=1)
    long_text = "word " * 100
    resp = import_deck(org_api, session, make_pdf(["Welcome (all)", "Agenda", long_text]))
    assert resp.status_code == 201, resp.content
    items = resp.json()["activities"]
    assert [a["type"] for a in items] == ["slide"] * 3
    assert [a["order"] for a in items] == [2, 3, 4]
    assert items[0]["title"] == "Slide 1: Welcome (all)"
    slides = list(Activity.objects.filter(session=session, type="slide").order_by("order"))
    assert [str(s.pk) for s in slides] == [a["id"] for a in items]
    alts = [s.config["image"]["alt"] for s in slides]
    assert alts[:2] == ["Welcome (all)", "Agenda"]
    assert len(alts[2]) <= 300 and alts[2].startswith("word word")
    # Each image is a stored media of the session that fits 1920 × 1080 (a 16:9 page fills it).
    media = {str(m.pk): m for m in Media.objects.filter(session=session)}
    assert len(media) == 3
    for slide in slides:
        m = media[slide.config["image"]["media_id"]]
        assert (m.width, m.height, m.content_type) == (1920, 1080, "image/png")
        with Image.open(media_root / m.name) as im:
            assert im.size == (1920, 1080)
    assert len(stored_files(media_root)) == 3
    assert Activity.objects.get(pk=first.pk).order == 1
    assert AuditEntry.objects.filter(session=session, action="deck.import", details={"pages": 3}).exists()


def test_after_inserts_between_activities_and_moves_the_rest(org_api, organizer):
    session = SessionFactory(owner=organizer)
    a = ActivityFactory(session=session, order=1)
    b = ActivityFactory(session=session, order=2)
    resp = import_deck(org_api, session, make_pdf(["One", "Two"]), after=str(a.pk))
    assert resp.status_code == 201, resp.content
    assert [x["order"] for x in resp.json()["activities"]] == [2, 3]
    assert Activity.objects.get(pk=b.pk).order == 4
    ordered = list(Activity.objects.filter(session=session).order_by("order").values_list("title", flat=True))
    assert ordered[1:3] == ["Slide 1: One", "Slide 2: Two"]


def test_pages_without_text_get_slide_n_and_a_portrait_page_fits_the_box(org_api, organizer):
    session = SessionFactory(owner=organizer)
    resp = import_deck(org_api, session, image_only_pdf(2))
    assert resp.status_code == 201, resp.content
    configs = [a["config"] for a in resp.json()["activities"]]
    assert [c["image"]["alt"] for c in configs] == ["Slide 1", "Slide 2"]
    portrait = import_deck(org_api, session, make_pdf(["Tall"], size=(612, 792)))
    media_id = portrait.json()["activities"][0]["config"]["image"]["media_id"]
    m = Media.objects.get(pk=media_id)
    assert m.height == 1080 and m.width == round(1080 * 612 / 792)


@pytest.mark.parametrize(
    ("data", "status", "code"),
    [
        (b"", 415, "UNSUPPORTED_MEDIA_TYPE"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, 415, "UNSUPPORTED_MEDIA_TYPE"),
        (b"<html><script>alert(1)</script></html>", 415, "UNSUPPORTED_MEDIA_TYPE"),
        (make_pdf(["Secret"], encrypt=True), 400, "VALIDATION_ERROR"),
        (make_pdf(["Cut"])[:300], 400, "VALIDATION_ERROR"),
        (b"%PDF-1.4\nnot a pdf at all\n%%EOF", 400, "VALIDATION_ERROR"),
        (make_pdf(["One"], declared_pages=0), 400, "VALIDATION_ERROR"),
        (make_pdf(["Many"], declared_pages=10_000), 400, "VALIDATION_ERROR"),
    ],
    ids=["empty-file", "png", "html", "encrypted", "truncated", "broken", "no-pages", "10000-pages"],
)
def test_bad_files_are_refused_and_leave_the_session_unchanged(
    org_api, organizer, media_root, data, status, code
):
    session = SessionFactory(owner=organizer)
    ActivityFactory(session=session, order=1)
    assert_error(import_deck(org_api, session, data), status, code)
    assert Activity.objects.filter(session=session).count() == 1
    assert Media.objects.count() == 0
    assert stored_files(media_root) == []


def test_messages_say_what_is_wrong(org_api, organizer):
    session = SessionFactory(owner=organizer)
    encrypted = import_deck(org_api, session, make_pdf(["x"], encrypt=True)).json()["error"]["message"]
    assert "password" in encrypted
    many = import_deck(org_api, session, make_pdf(["x"], declared_pages=10_000)).json()["error"]["message"]
    assert "10000" in many and "100" in many


def test_a_pdf_with_javascript_is_only_rendered(org_api, organizer):
    session = SessionFactory(owner=organizer)
    resp = import_deck(org_api, session, make_pdf(["Scripted"], javascript=True))
    assert resp.status_code == 201, resp.content
    config = resp.json()["activities"][0]["config"]
    assert config["image"]["alt"] == "Scripted"
    assert Media.objects.get(pk=config["image"]["media_id"]).content_type == "image/png"


def test_a_failing_page_leaves_nothing_behind(org_api, organizer, media_root, monkeypatch):
    session = SessionFactory(owner=organizer)
    real = deck_render.render_pages

    def fail_on_third(pdf: Any) -> Any:
        for page in real(pdf):
            if page.number == 3:
                raise deck_render.DeckRefused(400, "VALIDATION_ERROR", "Page 3 could not be rendered.")
            yield page

    monkeypatch.setattr(deck_render, "render_pages", fail_on_third)
    assert_error(import_deck(org_api, session, make_pdf(["One", "Two", "Three"])), 400, "VALIDATION_ERROR")
    assert Activity.objects.filter(session=session).count() == 0
    assert Media.objects.count() == 0
    assert stored_files(media_root) == []


def test_a_failed_import_keeps_files_other_media_share(org_api, organizer, media_root, monkeypatch):
    session = SessionFactory(owner=organizer)
    assert import_deck(org_api, session, make_pdf(["Shared"])).status_code == 201
    before = stored_files(media_root)
    real = deck_render.render_pages

    def fail_on_second(pdf: Any) -> Any:
        for page in real(pdf):
            if page.number == 2:
                raise deck_render.DeckRefused(400, "VALIDATION_ERROR", "Page 2 could not be rendered.")
            yield page

    monkeypatch.setattr(deck_render, "render_pages", fail_on_second)
    assert_error(import_deck(org_api, session, make_pdf(["Shared", "Other"])), 400, "VALIDATION_ERROR")
    assert stored_files(media_root) == before
    assert Media.objects.count() == 1 and Activity.objects.count() == 1


def test_after_of_another_session_and_a_missing_file_are_400(org_api, organizer):
    session = SessionFactory(owner=organizer)
    foreign = ActivityFactory(session=SessionFactory(owner=organizer))
    resp = import_deck(org_api, session, make_pdf(["x"]), after=str(foreign.pk))
    assert_error(resp, 400, "VALIDATION_ERROR")
    assert "after" in resp.json()["error"]["details"]
    assert_error(import_deck(org_api, session, make_pdf(["x"]), after="nope"), 400, "VALIDATION_ERROR")
    missing = org_api.post(f"/api/v1/sessions/{session.pk}/deck", {}, format="multipart")
    assert_error(missing, 400, "VALIDATION_ERROR")
    assert Activity.objects.filter(session=session).count() == 0


def test_over_the_size_limit_is_413(org_api, organizer, settings):
    settings.DECK_MAX_BYTES = 2000
    session = SessionFactory(owner=organizer)
    assert_error(import_deck(org_api, session, make_pdf(["x" * 50] * 10)), 413, "PAYLOAD_TOO_LARGE")
    assert Activity.objects.count() == 0


def test_importing_needs_the_edit_right(organizer, other_api):
    session = session_services.session_create(owner=organizer, name="Town hall")
    presenter = UserFactory(username="pia", is_staff=True)
    co = UserFactory(username="cora", is_staff=True)
    members.member_add(session=session, username="pia", role="presenter", actor=organizer)
    members.member_add(session=session, username="cora", role="co_organizer", actor=organizer)
    assert_error(import_deck(_api(presenter), session, make_pdf(["x"])), 403, "PERMISSION_DENIED")
    assert_error(import_deck(other_api, session, make_pdf(["x"])), 404, "NOT_FOUND")
    assert Activity.objects.filter(session=session).count() == 0
    assert import_deck(_api(co), session, make_pdf(["x"])).status_code == 201


def test_the_insertion_point_is_read_again_after_rendering(org_api, organizer, media_root, monkeypatch):
    session = SessionFactory(owner=organizer)
    a = ActivityFactory(session=session, order=1)
    b = ActivityFactory(session=session, order=2)
    real = deck_render.render_pages

    def someone_reorders_meanwhile(pdf: Any) -> Any:
        # While the pages render, another organizer puts a new activity first.
        Activity.objects.filter(session=session).update(order=F("order") + 1)
        ActivityFactory(session=session, order=1)
        yield from real(pdf)

    monkeypatch.setattr(deck_render, "render_pages", someone_reorders_meanwhile)
    resp = import_deck(org_api, session, make_pdf(["One"]), after=str(a.pk))
    assert resp.status_code == 201, resp.content
    assert resp.json()["activities"][0]["order"] == 3  # right after a, now at 2
    assert Activity.objects.get(pk=b.pk).order == 4


def test_an_insertion_point_deleted_while_rendering_leaves_nothing(
    org_api, organizer, media_root, monkeypatch
):
    session = SessionFactory(owner=organizer)
    a = ActivityFactory(session=session, order=1)
    real = deck_render.render_pages

    def deleted_meanwhile(pdf: Any) -> Any:
        Activity.objects.filter(pk=a.pk).delete()
        yield from real(pdf)

    monkeypatch.setattr(deck_render, "render_pages", deleted_meanwhile)
    resp = import_deck(org_api, session, make_pdf(["One", "Two"]), after=str(a.pk))
    assert_error(resp, 400, "VALIDATION_ERROR")
    assert "after" in resp.json()["error"]["details"]
    assert not Activity.objects.filter(session=session, type="slide").exists()
    assert Media.objects.count() == 0 and stored_files(media_root) == []
