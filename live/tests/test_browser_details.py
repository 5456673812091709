"""The details a host notices, measured in a real browser (issue 28): poll bars as long as their share,
numbers in the phone's language, ?theme= on the phone, quiz ties sharing a place and its medal, and
poker cards locked on the phones once revealed.

Debian's Chromium through Playwright against pytest-django's ``live_server``, like
test_browser_event.py; phones join by the token kept in their browser's storage (as after a join).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from activities import services as activity_services
from activities.models import Response
from core.testing import assert_axe_clean
from participants.services import participant_join
from sessions_app import services as session_services
from sessions_app.models import Session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIMEOUT = 10_000

# How much of its track a bar fills, measured on screen (its box against the track's box).
FILLED = """(row) => { const fill = row.querySelector(".bar-fill").getBoundingClientRect();
  const track = row.querySelector(".bar-track").getBoundingClientRect();
  return fill.width / track.width; }"""
BACKGROUND = "() => getComputedStyle(document.body).backgroundColor"


@pytest.fixture
def organizer(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user(username="olga", password="pw-olga-123", is_staff=True)


def phone(browser: Any, live_server: Any, session: Session, nickname: str, **context: Any) -> tuple[Any, Any]:
    """A phone that joined as ``nickname`` (its token in localStorage, as the join page leaves it)."""
    participant, token = participant_join(session=session, nickname=nickname)
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, **context)
    stored = json.dumps({"token": token, "participant_id": str(participant.pk), "nickname": nickname})
    ctx.add_init_script(f"localStorage.setItem({f'caja.participant.{session.pk}'!r}, {stored!r});")
    page = ctx.new_page()
    page.set_default_timeout(TIMEOUT)
    return participant, page


def join_url(live_server: Any, session: Session, query: str = "") -> str:
    return f"{live_server.url}/join/{session.join_code}{query}"


def test_poll_bars_are_shares_numbers_by_language_and_the_phone_theme(
    _serial_live_server: None, live_server: Any, browser: Any, organizer: Any
) -> None:
    """Items 7, 14 and 16: 2 of 3 votes fill two thirds of the track (not all of it), a German phone reads
    "66,7 %", and ?theme=dark / ?theme=light force the phone's colours whatever the device prefers."""
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT)
    session = session_services.session_create(owner=organizer, name="All-hands")
    poll = activity_services.activity_create(
        session=session,
        type="poll",
        config={
            "question": "Lunch?",
            "options": [
                {"id": "tacos", "label": "Tacos"},
                {"id": "sushi", "label": "Sushi"},
                {"id": "pizza", "label": "Pizza"},
            ],
        },
    )
    session_services.session_start(session=session)
    activity_services.activity_activate_next(session=session)
    for nickname, choice in (("Ana", "tacos"), ("Ben", "tacos"), ("Cy", "pizza")):
        person, _ = participant_join(session=session, nickname=nickname)
        activity_services.response_submit(
            participant=person, activity=poll, response_data={"option_ids": [choice]}
        )

    screen_ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    screen = screen_ctx.new_page()
    screen.goto(f"{live_server.url}/present/{session.pk}?poll=0.5")
    tacos = screen.locator('.bar-row[data-option-id="tacos"]')
    expect(tacos.locator(".bar-value")).to_have_text("2 · 66.7%")
    screen.wait_for_timeout(600)  # the bars' width transition (.4 s)
    assert tacos.evaluate(FILLED) == pytest.approx(2 / 3, abs=0.01)
    assert screen.locator('.bar-row[data-option-id="pizza"]').evaluate(FILLED) == pytest.approx(
        1 / 3, abs=0.01
    )
    assert screen.locator('.bar-row[data-option-id="sushi"]').evaluate(FILLED) == pytest.approx(0, abs=0.01)
    assert_axe_clean(screen, "presenter poll")
    screen_ctx.close()

    # A German phone: the numbers in German ("66,7 %", a no-break space before the sign).
    _, de = phone(browser, live_server, session, "Dora", locale="de-DE")
    de.goto(join_url(live_server, session))
    expect(de.locator("html")).to_have_attribute("lang", "de")
    de.get_by_label("Tacos").check()
    de.locator("#app button[type=submit]").click()
    expect(de.locator('.bar-row[data-option-id="tacos"] .bar-value')).to_have_text("3 · 75\u00a0%")
    expect(de.locator('.bar-row[data-option-id="pizza"] .bar-value')).to_have_text("1 · 25\u00a0%")
    person, _ = participant_join(session=session, nickname="Eve")
    activity_services.response_submit(
        participant=person, activity=poll, response_data={"option_ids": ["sushi"]}
    )
    expect(de.locator('.bar-row[data-option-id="tacos"] .bar-value')).to_have_text("3 · 60\u00a0%")
    person, _ = participant_join(session=session, nickname="Fay")
    activity_services.response_submit(
        participant=person, activity=poll, response_data={"option_ids": ["sushi"]}
    )
    expect(de.locator('.bar-row[data-option-id="tacos"] .bar-value')).to_have_text("3 · 50\u00a0%")
    person, _ = participant_join(session=session, nickname="Gus")
    activity_services.response_submit(
        participant=person, activity=poll, response_data={"option_ids": ["pizza"]}
    )
    expect(de.locator('.bar-row[data-option-id="pizza"] .bar-value')).to_have_text("2 · 28,6\u00a0%")
    de.context.close()

    # ?theme= on the phone, against the device's preference.
    _, light_device = phone(browser, live_server, session, "Hal", color_scheme="light")
    light_device.goto(join_url(live_server, session))
    expect(light_device.get_by_label("Tacos")).to_be_visible()
    light_bg = light_device.evaluate(BACKGROUND)
    light_device.goto(join_url(live_server, session, "?theme=dark"))
    expect(light_device.get_by_label("Tacos")).to_be_visible()
    assert light_device.evaluate(BACKGROUND) == "rgb(13, 17, 23)" != light_bg
    assert_axe_clean(light_device, "phone, ?theme=dark on a light device")
    light_device.context.close()

    _, dark_device = phone(browser, live_server, session, "Ivy", color_scheme="dark")
    dark_device.goto(join_url(live_server, session))
    expect(dark_device.get_by_label("Tacos")).to_be_visible()
    assert dark_device.evaluate(BACKGROUND) == "rgb(13, 17, 23)"
    dark_device.goto(join_url(live_server, session, "?theme=light"))
    expect(dark_device.get_by_label("Tacos")).to_be_visible()
    assert dark_device.evaluate(BACKGROUND) == "rgb(255, 255, 255)"
    assert_axe_clean(dark_device, "phone, ?theme=light on a dark device")
    dark_device.context.close()


def test_quiz_ties_share_a_place_and_its_medal_on_the_big_screen(
    _serial_live_server: None, live_server: Any, browser: Any, organizer: Any
) -> None:
    """Item 6: three players on 1,000 points are all first, all with the gold border; the next ones are
    tenth, with no medal."""
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT)
    session = session_services.session_create(owner=organizer, name="Quiz night")
    quiz = activity_services.activity_create(
        session=session,
        type="quiz",
        config={
            "question": "Capital of France?",
            "options": [{"id": "a", "label": "Paris"}, {"id": "b", "label": "Rome"}],
            "correct_option_id": "a",
            "time_limit_seconds": None,
        },
    )
    session_services.session_start(session=session)
    quiz = activity_services.activity_activate_next(session=session)
    for i in range(10):
        person, _ = participant_join(session=session, nickname=f"Player {i + 1}")
        Response.objects.create(
            activity=quiz,
            participant=person,
            response_data={"option_id": "a"},
            score=1000 if i < 3 else 500 if i < 6 else 100,
            is_correct=True,
            elapsed_ms=1000 + i,
        )
    activity_services.activity_reveal(activity=quiz)

    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    screen = ctx.new_page()
    screen.goto(f"{live_server.url}/present/{session.pk}?poll=0.5")
    # After the question the big screen shows the top five (issue 26): three share the first place and
    # its gold, the next three share the fourth (two of them shown), with no medal.
    rows = screen.locator(".podium-row")
    expect(rows).to_have_count(5)
    expect(rows.locator(".place")).to_have_text(["1."] * 3 + ["4."] * 2)
    borders = rows.evaluate_all(
        "(rows) => rows.map((r) => { const s = getComputedStyle(r);"
        " return [s.borderTopColor, parseFloat(s.borderTopWidth)]; })"
    )
    gold = borders[0]
    assert gold[1] >= 3, borders
    assert all(b == gold for b in borders[:3]), borders  # one medal for one place
    assert all(b[1] < 3 and b[0] != gold[0] for b in borders[3:]), borders
    assert_axe_clean(screen, "presenter quiz ties")
    ctx.close()


def test_poker_cards_lock_on_phones_after_the_reveal_until_a_new_round(
    _serial_live_server: None, live_server: Any, browser: Any, organizer: Any
) -> None:
    """Item 11: after the reveal the phone's cards cannot be pressed and a line says the cards are
    revealed; a new round brings them back."""
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT)
    session = session_services.session_create(owner=organizer, name="Sprint planning")
    poker = activity_services.activity_create(
        session=session, type="poker", config={"story": "Login page", "deck": "fibonacci"}
    )
    session_services.session_start(session=session)
    poker = activity_services.activity_activate_next(session=session)
    person, page = phone(browser, live_server, session, "Ana")
    page.goto(join_url(live_server, session, "?poll=0.5"))
    cards = page.locator(".poker-card")
    expect(cards.first).to_be_enabled()
    page.locator('.poker-card[data-card="5"]').click()
    expect(page.locator(".hint")).to_have_text("You can change your vote until the cards are revealed.")

    activity_services.activity_reveal(activity=poker)
    hint = page.locator(".hint")
    expect(hint).to_have_text("The cards are revealed: voting is closed until a new round.")
    assert hint.bounding_box()["height"] > 0
    for i in range(cards.count()):
        expect(cards.nth(i)).to_be_disabled()
    # A press on a locked card sends nothing and shows no error.
    page.locator('.poker-card[data-card="8"]').click(force=True)
    page.wait_for_timeout(300)
    expect(page.locator("#feedback.error")).to_have_count(0)
    assert Response.objects.get(participant=person).response_data == {"value": "5"}
    assert_axe_clean(page, "poker revealed on a phone")

    activity_services.activity_reset(activity=poker)
    expect(page.locator(".hint")).to_have_text("Pick a card.")
    expect(cards.first).to_be_enabled()
    page.context.close()


def test_rating_without_ratings_says_so(
    _serial_live_server: None, live_server: Any, browser: Any, organizer: Any
) -> None:
    """Item 8 (its text): a statement nobody rated reads "No ratings yet", not "– avg · 0 ratings"; a
    rated one keeps its average and count (in the page's language)."""
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT)
    session = session_services.session_create(owner=organizer, name="Retro")
    rating = activity_services.activity_create(
        session=session,
        type="rating",
        config={
            "question": "How was the quarter?",
            "statements": [{"id": "pace", "label": "Pace"}, {"id": "focus", "label": "Focus"}],
        },
    )
    session_services.session_start(session=session)
    rating = activity_services.activity_activate_next(session=session)
    for nickname, value in (("Ana", 4), ("Ben", 3)):
        person, _ = participant_join(session=session, nickname=nickname)
        activity_services.response_submit(
            participant=person, activity=rating, response_data={"ratings": {"pace": value}}
        )
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    screen = ctx.new_page()
    screen.goto(f"{live_server.url}/present/{session.pk}?poll=0.5")
    focus = screen.locator('.rating-row[data-statement-id="focus"] .rating-average')
    expect(focus).to_have_text("No ratings yet")
    assert focus.bounding_box()["width"] > 0
    expect(screen.locator('.rating-row[data-statement-id="pace"] .rating-average')).to_have_text(
        "3.5 avg · 2 ratings"
    )
    assert_axe_clean(screen, "presenter rating without ratings")
    ctx.close()
