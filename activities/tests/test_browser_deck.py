"""A deck in the room (issue 24), in Debian's Chromium through Playwright: the organizer imports a
3-page PDF in the admin (the progress line shows while it renders, the slides land in the activity
list), a poll with picture options goes between pages 1 and 2 through the admin's form (its pictures
uploaded there, with their alt texts), and the big screen presents slide, poll, slide with the
clicker's key (→); a phone sees the same and answers the poll by tapping a picture."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from activities import services as activity_services
from activities.models import Activity, Media, Response
from activities.tests.pdfs import make_pdf
from core.testing import assert_axe_clean
from sessions_app import services as session_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIMEOUT = 10_000
# After the form is sent, before the page goes: what the organizer saw (kept across the navigation).
# A task later, so the page's own submit listener has run whichever was added first.
RECORD_PROGRESS = """() => document.getElementById("caja-deck-form").addEventListener("submit", () => setTimeout(() => {
  const p = document.getElementById("caja-deck-progress");
  sessionStorage.setItem("progress", JSON.stringify({
    display: getComputedStyle(p).display, text: p.textContent.trim(),
    disabled: document.getElementById("caja-deck-submit").disabled,
  }));
}))"""  # noqa: E501


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

    # A poll with picture options between pages 1 and 2, through the admin's form: position 2 made
    # free first (the services move the later slides), then the poll's pictures uploaded with it.
    slides = list(Activity.objects.filter(session=session).order_by("order"))
    assert [s.order for s in slides] == [1, 2, 3]
    for slide in slides[1:]:
        activity_services.activity_update(activity=slide, order=slide.order + 1)
    pictures = []
    for name, color in (("sun.png", (240, 190, 20)), ("rain.png", (40, 80, 200))):
        path = tmp_path / name
        Image.new("RGB", (800, 600), color).save(path, format="PNG")
        pictures.append(str(path))
    admin.goto(f"{live_server.url}{reverse('admin:activities_activity_add')}?session={session.pk}&type=poll")
    admin.fill("#id_title", "Pulse")
    admin.fill("#id_order", "2")
    admin.fill("#id_question", "How was the quarter?")
    admin.fill("#id_options", "Good\nHard")
    admin.set_input_files("#id_option_pictures_0_upload", pictures[0])
    admin.fill("#id_option_pictures_0_alt", "A sunny day")
    admin.set_input_files("#id_option_pictures_1_upload", pictures[1])
    admin.fill("#id_option_pictures_1_alt", "A rainy day")
    assert_axe_clean(admin, "admin-poll-pictures")  # every picker, file input and alt text is named
    admin.locator("input[name='_save']").click()
    expect(admin.locator(".messagelist")).to_be_visible()
    poll = Activity.objects.get(session=session, type="poll")
    assert poll.order == 2
    assert [o["image"]["alt"] for o in poll.config["options"]] == ["A sunny day", "A rainy day"]
    assert Media.objects.filter(session=session, width=800).count() == 2
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
    expect(screen.get_by_role("img", name="A rainy day")).to_be_visible()
    # The phone answers by tapping a picture (it lies inside the 360 px screen).
    sun = phone.get_by_role("img", name="A sunny day")
    sun.scroll_into_view_if_needed()
    box = sun.evaluate("(el) => { const r = el.getBoundingClientRect(); return [r.left, r.right]; }")
    assert box[0] >= 0 and box[1] <= 360, box
    sun.click()
    expect(phone.get_by_role("radio", name="Good")).to_be_checked()
    phone.get_by_role("button", name="Send answer").click()
    expect(phone.locator("#my-answer")).to_contain_text("Good")
    assert Response.objects.get(activity=poll).response_data == {"option_ids": ["a"]}
    screen.keyboard.press("ArrowRight")
    expect(screen.locator("#slide img")).to_have_attribute("alt", "Our numbers")
    expect(phone.get_by_role("img", name="Our numbers")).to_be_visible()
    context.close()
    phone.context.close()
