"""Pictures in questions and options as people see them (issue 24), in Debian's Chromium through
Playwright: the question's picture and the options' pictures (poll, quiz) on a phone (never wider than
the screen, lazy, with their alt texts; tapping a picture chooses its option) and on the big screen
(the question's picture, each poll option's in its bar), fitting 1280x720 to 4K."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client
from PIL import Image

from activities import services as activity_services
from activities.models import Response
from activities.services.media import media_upload
from core.testing import assert_axe_clean
from sessions_app import services as session_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIMEOUT = 10_000
BOX = (
    "(el) => { const r = el.getBoundingClientRect(); return {left: r.left, right: r.right, width: r.width}; }"
)


def _png(width: int, height: int, color: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def organizer(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user(username="paz", password="pw-paz-123", is_staff=True)


def test_poll_pictures_on_the_phone_and_the_big_screen(
    _serial_live_server: None, live_server: Any, browser: Any, organizer: Any, settings: Any, tmp_path: Any
) -> None:
    from playwright.sync_api import expect

    from live.tests.test_presenter_fit import _each_size

    expect.set_options(timeout=TIMEOUT)
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_SERVE = True
    settings.PUBLIC_BASE_URL = live_server.url
    session = session_services.session_create(owner=organizer, name="Logo vote")
    pics = [media_upload(session=session, data=_png(1200, 800, (40 * i, 90, 160))) for i in range(4)]
    poll = activity_services.activity_create(
        session=session,
        type="poll",
        config={
            "question": "Which logo should we print on the new badges?",
            "image": {"media_id": str(pics[0].pk), "alt": "The four logos on a badge"},
            "options": [
                {
                    "id": k,
                    "label": f"Logo {k.upper()}",
                    "image": {"media_id": str(pics[i].pk), "alt": f"Logo {k.upper()}: a {shape} mark"},
                }
                for i, (k, shape) in enumerate(zip("abcd", ("round", "square", "star", "wave"), strict=True))
            ],
        },
    )
    quiz = activity_services.activity_create(
        session=session,
        type="quiz",
        config={
            "question": "Which one is our current logo?",
            "options": [
                {
                    "id": "a",
                    "label": "This one",
                    "image": {"media_id": str(pics[1].pk), "alt": "A square mark"},
                },
                {
                    "id": "b",
                    "label": "That one",
                    "image": {"media_id": str(pics[2].pk), "alt": "A star mark"},
                },
            ],
            "correct_option_id": "a",
            "time_limit_seconds": None,
        },
    )
    session_services.session_start(session=session)
    activity_services.activity_activate_next(session=session)

    # The phone: the question's picture and every option's, inside the screen, lazy, with alt texts.
    phone = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    phone.set_default_timeout(TIMEOUT)
    phone.goto(f"{live_server.url}/join/{session.join_code}?poll=0.5")
    phone.fill("#nickname", "Ana")
    phone.get_by_role("button", name="Join").click()
    expect(phone.locator("#question")).to_have_text("Which logo should we print on the new badges?")
    expect(phone.get_by_role("img", name="The four logos on a badge")).to_be_visible()
    expect(phone.locator(".option-picture img")).to_have_count(4)
    for img in phone.locator("figure img").all():
        expect(img).to_have_attribute("loading", "lazy")
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 360
    star = phone.get_by_role("img", name="Logo C: a star mark")
    star.scroll_into_view_if_needed()
    phone.wait_for_function(
        "() => [...document.querySelectorAll('.option-picture img')].every((i) => i.complete)"
    )
    box = star.evaluate(BOX)
    assert box["width"] > 100 and box["right"] <= 360, box
    # Tapping the picture chooses its option.
    star.click()
    expect(phone.get_by_role("radio", name="Logo C")).to_be_checked()
    assert_axe_clean(phone, "poll-pictures-phone")
    phone.get_by_role("button", name="Send answer").click()
    expect(phone.locator("#my-answer")).to_contain_text("Logo C")
    assert Response.objects.get(activity=poll).response_data == {"option_ids": ["c"]}

    # The big screen: the question's picture, and each option's in its bar, at every size.
    client = Client()
    client.force_login(organizer)
    context = browser.new_context(viewport={"width": 1280, "height": 720}, color_scheme="dark")
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    screen = context.new_page()
    screen.set_default_timeout(TIMEOUT)
    screen.goto(f"{live_server.url}/present/{session.pk}?poll=0.5")
    expect(screen.locator(".question-picture img")).to_have_attribute("alt", "The four logos on a badge")
    expect(screen.locator(".bar-row .bar-picture img")).to_have_count(4)
    expect(screen.get_by_role("img", name="Logo D: a wave mark")).to_be_visible()
    _each_size(screen, "poll-pictures", tmp_path, '.bar-row[data-option-id="d"]')
    screen.set_viewport_size({"width": 1280, "height": 720})
    screen.wait_for_function("() => [...document.querySelectorAll('#stage img')].every((i) => i.complete)")
    assert_axe_clean(screen, "poll-pictures-screen")

    # A quiz: each option's picture in its button, with its alt text; tapping answers.
    activity_services.activity_activate_next(session=session)
    button = phone.get_by_role("button", name="That one")
    expect(button.get_by_role("img", name="A star mark")).to_be_visible()
    expect(phone.locator(".quiz-option .option-picture img")).to_have_count(2)
    assert phone.evaluate("() => document.documentElement.scrollWidth") <= 360
    button.click()
    expect(button).to_have_attribute("aria-pressed", "true")
    assert Response.objects.get(activity=quiz).response_data == {"option_id": "b"}
    context.close()
    phone.context.close()
