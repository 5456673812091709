"""A deck in the room (issue 24), in Debian's Chromium through Playwright: the organizer imports a
3-page PDF in the admin (the progress line shows while it renders, the slides land in the activity
list), a poll goes between pages 1 and 2, and the big screen presents slide, poll, slide with the
clicker's key (→); a phone sees the same."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from activities import services as activity_services
from activities.models import Activity
from activities.tests.pdfs import make_pdf
from sessions_app import services as session_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIMEOUT = 10_000
# After the form is sent, before the page goes: what the organizer saw (kept across the navigation).
RECORD_PROGRESS = """() => document.getElementById("caja-deck-form").addEventListener("submit", () => {
  const p = document.getElementById("caja-deck-progress");
  sessionStorage.setItem("progress", JSON.stringify({
    display: getComputedStyle(p).display, text: p.textContent.trim(),
    disabled: document.getElementById("caja-deck-submit").disabled,
  }));
})"""


@pytest.fixture
def organizer(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user(username="lea", password="pw-lea-123", is_staff=True)


def test_import_a_deck_in_the_admin_put_a_poll_between_pages_and_present(
    _serial_live_server: None, live_server: Any, browser: Any, organizer: Any, settings: Any, tmp_path: Any
) -> None:
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT)
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_SERVE = True
    settings.PUBLIC_BASE_URL = live_server.url
    session = session_services.session_create(owner=organizer, name="All hands")
    pdf = tmp_path / "all-hands.pdf"
    pdf.write_bytes(make_pdf(["Welcome to all hands", "Our numbers", "Thank you"]))

    client = Client()
    client.force_login(organizer)
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    admin = context.new_page()
    admin.set_default_timeout(TIMEOUT)
    admin.goto(f"{live_server.url}{reverse('admin:sessions_app_session_change', args=[session.pk])}")
    admin.get_by_role("link", name="Import a PDF deck").click()
    progress = admin.locator("#caja-deck-progress")
    expect(progress).to_be_hidden()
    admin.get_by_label("PDF file").set_input_files(str(pdf))
    admin.evaluate(RECORD_PROGRESS)
    admin.get_by_role("button", name="Import").click()
    expect(admin.locator(".messagelist")).to_contain_text("Imported 3 pages as slides.")
    seen = admin.evaluate("() => JSON.parse(sessionStorage.getItem('progress'))")
    assert seen["display"] == "flex" and seen["disabled"] is True, seen
    assert "Rendering the pages" in seen["text"]
    # The activity list of the session: the three slides, in page order.
    titles = admin.locator("input[name$='-title']")
    expect(titles).to_have_count(3)
    expect(titles.first).to_be_visible()
    assert [t.input_value() for t in titles.all()] == [
        "Slide 1: Welcome to all hands",
        "Slide 2: Our numbers",
        "Slide 3: Thank you",
    ]

    # A poll between pages 1 and 2 (created through the services: the admin's forms are tested elsewhere).
    slides = list(Activity.objects.filter(session=session).order_by("order"))
    assert [s.order for s in slides] == [1, 2, 3]
    for slide in slides[1:]:
        activity_services.activity_update(activity=slide, order=slide.order + 1)
    activity_services.activity_create(
        session=session,
        type="poll",
        title="Pulse",
        order=2,
        config={
            "question": "How was the quarter?",
            "options": [{"id": "a", "label": "Good"}, {"id": "b", "label": "Hard"}],
        },
    )
    session_services.session_start(session=session)
    activity_services.activity_activate_next(session=session)

    screen = context.new_page()
    screen.set_default_timeout(TIMEOUT)
    screen.goto(f"{live_server.url}/present/{session.pk}?poll=0.5")
    phone = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    phone.set_default_timeout(TIMEOUT)
    phone.goto(f"{live_server.url}/join/{session.join_code}?poll=0.5")
    phone.fill("#nickname", "Ana")
    phone.get_by_role("button", name="Join").click()

    # Page 1: the rendered page fills the stage, its text as the picture's alt text.
    page_img = screen.locator("#slide img")
    expect(page_img).to_have_attribute("alt", "Welcome to all hands")
    screen.wait_for_function("() => document.querySelector('#slide img').complete")
    assert page_img.evaluate("(el) => [el.naturalWidth, el.naturalHeight]") == [1920, 1080]
    expect(phone.get_by_role("img", name="Welcome to all hands")).to_be_visible()
    # → the poll, → page 2.
    screen.locator("#main").focus()
    screen.keyboard.press("ArrowRight")
    expect(screen.locator("#stage")).to_contain_text("How was the quarter?")
    expect(phone.locator("#question")).to_have_text("How was the quarter?")
    phone.get_by_role("radio", name="Good").check()
    phone.get_by_role("button", name="Send answer").click()
    expect(phone.locator("#my-answer")).to_contain_text("Good")
    screen.keyboard.press("ArrowRight")
    expect(screen.locator("#slide img")).to_have_attribute("alt", "Our numbers")
    expect(phone.get_by_role("img", name="Our numbers")).to_be_visible()
    context.close()
    phone.context.close()
