"""A slide as people see it (issue 24), in Debian's Chromium through Playwright: on the big screen it
fills the stage, its picture letterboxed (whole, undistorted, inside the stage); on a phone it shows
when ``show_on_phones`` (the picture never wider than the screen, with its alt text), else "Look at the
big screen"; the notes are nowhere but the moderation page; ← goes back a slide."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from PIL import Image

from activities import services as activity_services
from activities.services.media import media_upload
from core.testing import assert_axe_clean
from sessions_app import services as session_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIMEOUT = 10_000
BODY = "Where we stand after the third quarter.\n\n- Revenue up 12%\n- Two launches\n- One new office"
NOTES = "Thank the Lyon team before the numbers."

# A box of the element: {left, top, right, bottom, width, height}.
BOX = "(el) => { const r = el.getBoundingClientRect(); return {left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width, height: r.height}; }"  # noqa: E501


def _png(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (30, 90, 160)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def organizer(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user(username="sara", password="pw-sara-123", is_staff=True)


def test_slides_fill_the_stage_show_on_phones_and_keep_their_notes_private(
    _serial_live_server: None, live_server: Any, browser: Any, organizer: Any, settings: Any, tmp_path: Any
) -> None:
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT)
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_SERVE = True
    settings.PUBLIC_BASE_URL = live_server.url
    session = session_services.session_create(owner=organizer, name="Q3 town hall")
    chart = media_upload(session=session, data=_png(1600, 900))
    first = activity_services.activity_create(
        session=session,
        type="slide",
        config={
            "title": "Q3 in numbers",
            "body": BODY,
            "image": {"media_id": str(chart.pk), "alt": "A bar chart of revenue by month"},
            "notes": NOTES,
        },
    )
    activity_services.activity_create(
        session=session, type="slide", config={"title": "Questions next", "show_on_phones": False}
    )
    session_services.session_start(session=session)
    activity_services.activity_activate_next(session=session)

    client = Client()
    client.force_login(organizer)
    screen_context = browser.new_context(viewport={"width": 1280, "height": 720}, color_scheme="dark")
    screen_context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    screen = screen_context.new_page()
    screen.set_default_timeout(TIMEOUT)
    screen.goto(f"{live_server.url}/present/{session.pk}?poll=0.5")

    # The big screen: the slide alone on the stage (no kicker, no response count), the picture whole,
    # undistorted and inside the stage, the title larger than the body, the bullets a list.
    slide = screen.locator("#slide")
    expect(slide).to_be_visible()
    expect(slide.locator(".slide-title")).to_have_text("Q3 in numbers")
    expect(slide.locator(".slide-body li")).to_have_count(3)
    expect(screen.locator("#stage .kicker")).to_have_count(0)
    expect(screen.locator("#response-count")).to_have_count(0)
    img = slide.locator("img")
    expect(img).to_have_attribute("alt", "A bar chart of revenue by month")
    screen.wait_for_function("() => document.querySelector('#slide img').complete")
    assert img.evaluate("(el) => el.naturalWidth") == 1600
    box, stage = img.evaluate(BOX), screen.locator("#main").evaluate(BOX)
    assert box["width"] > 300 and abs(box["width"] / box["height"] - 16 / 9) < 0.02, box
    assert stage["left"] - 1 <= box["left"] and box["right"] <= stage["right"] + 1, (box, stage)
    assert stage["top"] - 1 <= box["top"] and box["bottom"] <= stage["bottom"] + 1, (box, stage)
    title_px = slide.locator(".slide-title").evaluate("(el) => parseFloat(getComputedStyle(el).fontSize)")
    body_px = slide.locator(".slide-body p").first.evaluate(
        "(el) => parseFloat(getComputedStyle(el).fontSize)"
    )
    assert title_px > body_px >= 16, (title_px, body_px)
    expect(screen.locator("body")).not_to_contain_text("Lyon")
    assert_axe_clean(screen, "slide-presenter")

    # A phone: the slide, its picture never wider than the screen and lazy, with its alt text.
    phone = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    phone.set_default_timeout(TIMEOUT)
    phone.goto(f"{live_server.url}/join/{session.join_code}?poll=0.5")
    phone.fill("#nickname", "Ana")
    phone.get_by_role("button", name="Join").click()
    expect(phone.locator("#question")).to_have_text("Q3 in numbers")
    expect(phone.locator(".slide-body li")).to_have_count(3)
    phone_img = phone.locator(".slide img")
    expect(phone_img).to_have_attribute("alt", "A bar chart of revenue by month")
    expect(phone_img).to_have_attribute("loading", "lazy")
    assert phone_img.evaluate(BOX)["right"] <= 360
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 360
    expect(phone.locator(".response-count")).to_be_hidden()
    expect(phone.locator("body")).not_to_contain_text("Lyon")
    assert_axe_clean(phone, "slide-phone")

    # Next (→): the second slide, not shown on phones.
    screen.locator("#main").focus()
    screen.keyboard.press("ArrowRight")
    expect(screen.locator("#slide .slide-title")).to_have_text("Questions next")
    expect(phone.locator(".slide-elsewhere")).to_have_text("Look at the big screen")
    # Back (←): the first slide again, on the screen and the phone.
    screen.keyboard.press("ArrowLeft")
    expect(screen.locator("#slide .slide-title")).to_have_text("Q3 in numbers")
    expect(phone.locator(".slide-body li")).to_have_count(3)
    first.refresh_from_db()
    assert first.status == "active"

    # The notes: on the moderation page only.
    moderation = screen_context.new_page()
    moderation.goto(f"{live_server.url}/present/{session.pk}/moderate?poll=0.5")
    expect(moderation.locator("#slide-notes")).to_have_text(NOTES)
    expect(moderation.locator("#slide-next")).to_have_text("Next: Questions next")
    screen_context.close()
    phone.context.close()


def test_slides_fit_every_screen(
    _serial_live_server: None,
    live_server: Any,
    browser: Any,
    organizer: Any,
    settings: Any,
    tmp_path: Any,
) -> None:
    """The fit test of live/tests/test_presenter_fit.py on slides: a full slide (a long title, a body of
    paragraphs and bullets, a wide picture) and a tall picture alone, at 1280x720 to 3840x2160: nothing
    overflows, no text below 16 px at 720p, the picture inside the stage."""
    from playwright.sync_api import expect

    from live.tests.test_presenter_fit import _each_size

    expect.set_options(timeout=TIMEOUT)
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_SERVE = True
    settings.PUBLIC_BASE_URL = live_server.url
    session = session_services.session_create(owner=organizer, name="Fit")
    wide = media_upload(session=session, data=_png(2400, 1000))
    tall = media_upload(session=session, data=_png(900, 1600))
    body = (
        "Three things changed this quarter, and each of them matters for the plan we present today.\n\n"
        "- Revenue grew twelve percent on the same quarter last year\n"
        "- Two launches moved to the spring, with their teams intact\n"
        "- The Lyon office opened, on time and on budget\n\n"
        "Questions come after the next slide."
    )
    activity_services.activity_create(
        session=session,
        type="slide",
        config={
            "title": "What changed this quarter, and what it means for the plan we present today",
            "body": body,
            "image": {"media_id": str(wide.pk), "alt": "Revenue by month"},
        },
    )
    activity_services.activity_create(
        session=session, type="slide", config={"image": {"media_id": str(tall.pk), "alt": "The new office"}}
    )
    session_services.session_start(session=session)
    activity_services.activity_activate_next(session=session)
    client = Client()
    client.force_login(organizer)
    context = browser.new_context(viewport={"width": 1280, "height": 720}, color_scheme="dark")
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{live_server.url}/present/{session.pk}?poll=0.5")
    picture_inside = """() => {
      const i = document.querySelector('#slide img'), m = document.querySelector('#main');
      if (!i || !i.complete || !i.naturalWidth) return false;
      const a = i.getBoundingClientRect(), b = m.getBoundingClientRect();
      const ratio = Math.abs(a.width / a.height - i.naturalWidth / i.naturalHeight);
      return a.width > 50 && a.left >= b.left - 1 && a.right <= b.right + 1 && a.top >= b.top - 1 &&
        a.bottom <= b.bottom + 1 && ratio < 0.02; }"""
    _each_size(page, "slide", tmp_path, "#slide .slide-body li")
    page.set_viewport_size({"width": 1280, "height": 720})
    page.wait_for_function(picture_inside)
    activity_services.activity_activate_next(session=session)
    expect(page.locator("#slide.image-only")).to_be_visible()
    for width, height in ((1280, 720), (3840, 2160)):
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_function(picture_inside)
    context.close()
