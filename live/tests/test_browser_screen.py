"""What a host notices on the big screen (issue 28), measured the way a person sees it: font sizes, boxes,
focus and visible text, in Debian's Chromium through Playwright (like test_browser_event.py).

- The open-text wall of 15 answers of 250 characters: a page at a readable size, then the next page.
- Hiding an answer: the caption does not read like one is off-screen, the focus does not jump to the
  next Hide button, and "Show again" puts it back.
- The quiz's letters inside their circles; the join URL breaks after a slash only; a 30-character
  nickname keeps its distance from its points at 4K; a rehearsal has one red button.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from activities import services as activity_services
from activities.services import response_submit
from core.testing import assert_axe_clean
from participants.services import participant_join
from sessions_app import services as session_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIMEOUT = 10_000
ANSWER = (
    "We should spend the first weeks of the quarter on the build and test infrastructure, because every "
    "team loses hours each week to flaky pipelines and slow reviews; only then start the two launches, "
    "with a clear owner for each and a date we can keep"
)
NICK_30 = "Maximiliane Alexandra Osterbur"  # 30 characters

# The smallest computed font size of visible text on the stage (px).
SMALLEST_TEXT = """() => Math.min(...[...document.querySelectorAll("#stage *")].filter((el) =>
  el.getClientRects().length && [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())
).map((el) => parseFloat(getComputedStyle(el).fontSize)))"""
# The characters after which a line of the element breaks (its text's line boxes, character by character).
BREAKS_AFTER = """(el) => { const out = []; let prev = null, top = null;
  const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    for (let i = 0; i < n.length; i++) {
      const r = document.createRange(); r.setStart(n, i); r.setEnd(n, i + 1);
      const rect = r.getClientRects()[0]; if (!rect) continue;
      if (top !== null && rect.top > top + 2) out.push(prev);
      top = rect.top; prev = n.data[i];
    }
  }
  return out; }"""
# The letter's glyphs (its text's box) inside its circle, and centred in it (within 2 px).
LETTER_IN_CIRCLE = """(el) => { const c = el.getBoundingClientRect(); const r = document.createRange();
  r.selectNodeContents(el); const t = r.getBoundingClientRect();
  const inside = t.left >= c.left - .5 && t.right <= c.right + .5 && t.top >= c.top - .5 && t.bottom <= c.bottom + .5;
  const centred = Math.abs((t.left + t.right) / 2 - (c.left + c.right) / 2) <= 2 &&
    Math.abs((t.top + t.bottom) / 2 - (c.top + c.bottom) / 2) <= 2;
  return inside && centred; }"""  # noqa: E501


@pytest.fixture
def organizer(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user(username="hana", password="pw-hana-123", is_staff=True)


def _screen(browser: Any, live_server: Any, user: Any, width: int = 1280, height: int = 720) -> Any:
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme="dark")
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    return page


def test_open_text_wall_pages_readably_and_hidden_answers_come_back(
    _serial_live_server: None, live_server: Any, browser: Any, organizer: Any
) -> None:
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT)
    session = session_services.session_create(owner=organizer, name="Retro")
    wall = activity_services.activity_create(
        session=session, type="open_text", config={"prompt": "What should we change?", "max_length": 280}
    )
    session_services.session_start(session=session)
    activity_services.activity_activate_next(session=session)
    for i in range(15):
        person = participant_join(session=session, nickname=f"Person {i}")[0]
        response_submit(participant=person, activity=wall, response_data={"text": f"{i:02d} {ANSWER}"[:250]})

    page = _screen(browser, live_server, organizer)
    page.goto(f"{live_server.url}/present/{session.pk}?poll=0.5&page_s=3")
    expect(page.locator(".text-card")).to_have_count(15)
    # A page of answers at a readable size (never shrunk below 16 px), and which ones it shows.
    pager = page.locator("#stage .pager")
    expect(pager).to_have_text(re.compile(r"^1–(\d+) of 15$"))
    first_page = pager.text_content() or ""
    shown = page.locator(".text-card:visible")
    assert 1 <= shown.count() < 15
    assert page.evaluate(SMALLEST_TEXT) >= 16
    first = shown.first.locator(".text-card-text").text_content()
    # ... and moves on after a few seconds.
    expect(pager).not_to_have_text(first_page, timeout=8_000)
    expect(shown.first.locator(".text-card-text")).not_to_have_text(first or "")
    assert page.evaluate(SMALLEST_TEXT) >= 16
    assert_axe_clean(page, "open-text-paged")

    # Hide one with the keyboard: the caption counts what is on the wall (no "Newest 14 of 15"), the focus
    # goes to "Show again" (a second Enter cannot hide another answer).
    card = page.locator(".text-card:visible").first
    hidden_text = card.locator(".text-card-text").text_content() or ""
    card.get_by_role("button", name="Hide").focus()
    page.keyboard.press("Enter")
    show_again = page.get_by_role("button", name="Show again")
    expect(show_again).to_be_focused()
    expect(page.locator("#control-message")).to_have_text("Answer hidden.")
    expect(page.locator(".text-card")).to_have_count(14)
    expect(pager).to_have_text(re.compile(r"^\d+–\d+ of 14$"))
    expect(page.locator("#stage")).not_to_contain_text("Newest")
    page.keyboard.press("Enter")  # on "Show again"
    expect(page.locator(".text-card")).to_have_count(15)
    expect(page.locator(".text-card", has_text=hidden_text[:40])).to_have_count(1)
    expect(page.locator("#control-message")).to_have_text("Answer shown again.")
    expect(page.get_by_role("button", name="Hide").first).not_to_be_focused()
    page.context.close()


def test_quiz_letters_join_url_long_nickname_and_one_red_button(
    _serial_live_server: None, live_server: Any, browser: Any, organizer: Any
) -> None:
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT)
    session = session_services.session_create(owner=organizer, name="Kick-off")
    quiz = activity_services.activity_create(
        session=session,
        type="quiz",
        config={
            "question": "Which year did we start?",
            "options": [{"id": k, "label": f"Year 20{i}{i}"} for i, k in enumerate("abcd")],
            "correct_option_id": "b",
            "time_limit_seconds": None,
            "lead_in_seconds": 0,  # answered at once below (the lead-in: test_browser_screen_quiz_start.py)
        },
    )

    # A rehearsal: one red button ("End rehearsal"), never "End session" beside it.
    page = _screen(browser, live_server, organizer)
    page.goto(f"{live_server.url}/present/{session.pk}?poll=0.5")
    page.get_by_role("button", name="Rehearse").click()
    expect(page.locator("#btn-end-rehearsal")).to_be_visible()
    expect(page.locator("#controls .btn-danger:visible")).to_have_count(1)
    expect(page.get_by_role("button", name="End session")).to_be_hidden()
    end = page.locator("#btn-end-rehearsal")
    end.click()
    end.click()
    expect(page.get_by_role("button", name="Rehearse")).to_be_visible()
    expect(page.get_by_role("button", name="End session")).to_be_visible()

    session_services.session_start(session=session)
    quiz = activity_services.activity_activate_next(session=session)
    expect(page.locator(".quiz-list-item .letter")).to_have_count(4)
    # The letters sit inside their circles, centred.
    for letter in page.locator(".quiz-list-item .letter").all():
        assert letter.evaluate(LETTER_IN_CIRCLE), letter.text_content()
    # The join URL breaks after a slash, never inside a word.
    url = page.locator("#join-url")
    breaks = url.evaluate(BREAKS_AFTER)
    assert breaks and set(breaks) == {"/"}, breaks

    # At 4K, a 30-character nickname keeps its distance from its points.
    for i, nick in enumerate([NICK_30, "Bo"]):
        person = participant_join(session=session, nickname=nick)[0]
        response_submit(
            participant=person, activity=quiz, response_data={"option_id": "b" if i == 0 else "a"}
        )
    activity_services.activity_reveal(activity=quiz)
    page.set_viewport_size({"width": 3840, "height": 2160})
    row = page.locator(".podium-row", has_text=NICK_30)
    expect(row).to_be_visible()
    gap = row.evaluate(
        """(row) => { const nick = row.querySelector(".nick"), score = row.querySelector(".score");
        const r = document.createRange(); r.selectNodeContents(nick);
        const text = [...r.getClientRects()].reduce((m, x) => Math.max(m, x.right), 0);
        const left = score.getBoundingClientRect().left;
        return (left - text) / parseFloat(getComputedStyle(score).fontSize); }"""
    )
    assert gap >= 0.5, f"the nickname runs into its points: a gap of {gap:.2f} em"
    page.context.close()


def test_join_without_a_code_has_the_header_and_a_placeholder_as_written(
    _serial_live_server: None, live_server: Any, browser: Any
) -> None:
    """/join looks like /join/CODE (the blue header); its example code is not forced to capitals."""
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT)
    page = browser.new_context(viewport={"width": 390, "height": 760}).new_page()
    page.goto(f"{live_server.url}/join")
    header = page.locator(".phone-header")
    expect(header).to_be_visible()
    accent = page.evaluate("() => getComputedStyle(document.documentElement).getPropertyValue('--accent')")
    background = header.evaluate("(el) => getComputedStyle(el).backgroundColor")
    probe = page.evaluate(
        "(c) => { const d = document.createElement('div'); d.style.color = c; document.body.append(d);"
        " const v = getComputedStyle(d).color; d.remove(); return v; }",
        accent.strip(),
    )
    assert background == probe, (background, probe)
    expect(page.get_by_role("heading", level=1)).to_have_text("Join a session")
    code = page.get_by_label("Session code")
    assert code.evaluate("(el) => getComputedStyle(el, '::placeholder').textTransform") == "none"
    assert code.get_attribute("placeholder") == "e.g. K7MX2Q"
    assert_axe_clean(page, "join-start")
    page.context.close()
