""" "Import a PDF deck" in the admin: the link on the session (edit right), the page with its
progress line, the slides in the activity list, and a refused file shown on the form."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from activities.models import Activity, Media
from activities.tests.factories import ActivityFactory
from activities.tests.pdfs import make_pdf
from sessions_app import members
from sessions_app.services import session_create
from sessions_app.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media-root"
    return Path(settings.MEDIA_ROOT)


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def pdf_file(data: bytes) -> io.BytesIO:
    f = io.BytesIO(data)
    f.name = "deck.pdf"
    return f


def test_import_from_the_session_page_puts_the_slides_in_the_activity_list(organizer):
    session = session_create(owner=organizer, name="Town hall")
    poll = ActivityFactory(session=session, order=1, title="Warm-up")
    ActivityFactory(session=session, order=2, title="Closing")
    client = login(organizer)
    change = client.get(reverse("admin:sessions_app_session_change", args=[session.pk]))
    url = reverse("admin:sessions_app_session_deck", args=[session.pk])
    assert url in change.content.decode()
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="caja-deck-progress"' in html and "hidden" in html and "deck_import.js" in html
    assert "After 1. Warm-up" in html
    resp = client.post(url, {"file": pdf_file(make_pdf(["Intro", "Plan"])), "after": str(poll.pk)})
    assert resp.status_code == 302 and resp["Location"].endswith(f"/{session.pk}/change/")
    assert [str(m) for m in get_messages(resp.wsgi_request)] == ["Imported 2 pages as slides."]
    titles = list(Activity.objects.filter(session=session).order_by("order").values_list("title", flat=True))
    assert titles == ["Warm-up", "Slide 1: Intro", "Slide 2: Plan", "Closing"]
    listed = client.get(reverse("admin:sessions_app_session_change", args=[session.pk])).content.decode()
    assert "Slide 1: Intro" in listed and "Slide 2: Plan" in listed


def test_a_refused_file_is_shown_on_the_form_and_nothing_changes(organizer):
    session = session_create(owner=organizer, name="Town hall")
    url = reverse("admin:sessions_app_session_deck", args=[session.pk])
    resp = login(organizer).post(url, {"file": pdf_file(make_pdf(["x"], encrypt=True))})
    assert resp.status_code == 200
    assert "protected by a password" in resp.content.decode()
    assert Activity.objects.count() == 0 and Media.objects.count() == 0


def test_without_the_edit_right_there_is_no_link_and_no_page(organizer):
    session = session_create(owner=organizer, name="Town hall")
    presenter = UserFactory(username="pia", is_staff=True)
    members.member_add(session=session, username="pia", role="presenter", actor=organizer)
    client = login(presenter)
    url = reverse("admin:sessions_app_session_deck", args=[session.pk])
    change = client.get(reverse("admin:sessions_app_session_change", args=[session.pk]))
    assert change.status_code == 200 and url not in change.content.decode()
    assert client.get(url).status_code == 403
    assert client.post(url, {"file": pdf_file(make_pdf(["x"]))}).status_code == 403
    assert Activity.objects.count() == 0
