"""The phone as a person uses it, measured in a real browser (issues 22 and 28): a rehearsal's end seen or
not, keyboard focus across an answer, lines that go stale, right-to-left words in a list, poker cards.

Debian's Chromium through Playwright against pytest-django's ``live_server``, like
test_browser_details.py; phones join through the form, or by the token kept in their browser's storage.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from activities import services as activity_services
from activities.models import Question, Response
from activities.types.qna.services import question_moderate
from core.testing import assert_axe_clean
from participants.models import Participant
from participants.services import participant_join, participant_kick
from sessions_app import services as session_services
from sessions_app.models import Session

from .test_browser_event import FOCUS_RING

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIMEOUT = 10_000
PHONE = {"width": 390, "height": 760}
LUNCH = {
    "question": "Lunch?",
    "options": [
        {"id": "tacos", "label": "Tacos"},
        {"id": "sushi", "label": "Sushi"},
        {"id": "pizza", "label": "Pizza"},
    ],
}
RED = "() => getComputedStyle(document.documentElement).getPropertyValue('--bad').trim()"
# A colour as the browser computes it (to compare a custom property with a computed colour).
COMPUTED = """(c) => { const d = document.createElement('div'); d.style.color = c; document.body.append(d);
  const v = getComputedStyle(d).color; d.remove(); return v; }"""
# The element a Tab press should reach after the focused one: the next tabbable in document order.
NEXT_TABBABLE = """() => { const here = document.activeElement; const next = [...document.querySelectorAll(
    "a[href], button, input, select, textarea, [tabindex]")].find((el) => !el.disabled && el.tabIndex >= 0
    && el.getClientRects().length && !el.closest("[hidden]")
    && here.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING && !here.contains(el));
  return next ? next.outerHTML : null; }"""
ACTIVE = "() => document.activeElement.outerHTML"


@pytest.fixture
def organizer(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user(username="olga", password="pw-olga-123", is_staff=True)


def new_phone(browser: Any, **context: Any) -> Any:
    page = browser.new_context(viewport=PHONE, **context).new_page()
    page.set_default_timeout(TIMEOUT)
    return page


def token_phone(browser: Any, session: Session, nickname: str, **context: Any) -> Any:
    """A phone that joined as ``nickname`` (its token in localStorage, as the join page leaves it)."""
    participant, token = participant_join(session=session, nickname=nickname)
    ctx = browser.new_context(viewport=PHONE, **context)
    stored = json.dumps({"token": token, "participant_id": str(participant.pk), "nickname": nickname})
    ctx.add_init_script(f"localStorage.setItem({f'caja.participant.{session.pk}'!r}, {stored!r});")
    page = ctx.new_page()
    page.set_default_timeout(TIMEOUT)
    return page


def poke(page: Any) -> None:
    """The phone polls now (as when its tab comes back to the front), not at its next interval."""
    page.evaluate("() => document.dispatchEvent(new Event('visibilitychange'))")


def join(page: Any, url: str, nickname: str) -> None:
    from playwright.sync_api import expect

    page.goto(url)
    page.fill("#nickname", nickname)
    page.get_by_role("button", name="Join").click()
    expect(page.locator("#who")).to_be_visible()
    expect(page.locator("#who-name")).to_have_text(nickname)


def test_after_a_rehearsal_the_phone_offers_the_real_session_with_its_nickname(
    _serial_live_server: None, live_server: Any, browser: Any, organizer: Any
) -> None:
    """Issue 22 item 2 and issue 28 item 17. Three phones join the rehearsal and Ana votes. The organizer
    ends it and starts the event before Ana's next poll: Ana never sees the draft, yet gets the join form
    with her nickname filled in (not "removed", not a vote error), joins and votes. Ben saw the draft: his
    line says so, then says the session started (never the red error). Cy's page reloads: the same form."""
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT)
    session = session_services.session_create(owner=organizer, name="All-hands")
    activity_services.activity_create(session=session, type="poll", config=LUNCH)
    session_services.session_rehearse(session=session)
    activity_services.activity_activate_next(session=session)
    url = f"{live_server.url}/join/{session.join_code}"

    ana = new_phone(browser)
    join(ana, f"{url}?poll=600", "Ana")  # polls only when poked: her next poll is ours to trigger
    ana.get_by_label("Tacos").check()
    ana.get_by_role("button", name="Send answer").click()
    expect(ana.locator("#my-answer")).to_have_text("Your answer: Tacos")
    ben = new_phone(browser)
    join(ben, f"{url}?poll=0.5", "Ben")
    cy = new_phone(browser)
    join(cy, f"{url}?poll=600", "Cy")
    expect(ben.locator("#rehearsal-banner")).to_be_visible()
    requests: list[str] = []
    ana.on("request", lambda r: requests.append(r.url))

    activity_services.session_rehearsal_end(session=session)
    draft_note = "The rehearsal is over and its answers were deleted. Join again for the session."
    expect(ben.locator("#join-note")).to_have_text(draft_note)
    session.refresh_from_db()
    session_services.session_start(session=session)
    activity_services.activity_activate_next(session=session)
    # Ana saw neither the draft nor the start: no poll of hers went out (her presence heartbeat may
    # have, on its own timer, and a 401 there is one more way for the phone to learn of the wipe).
    assert [u for u in requests if u.endswith(("/state", "/status")) or "/state?" in u] == []
    started = "The rehearsal is over and the session has started. Join it with your nickname."

    # Ben, who saw the draft: his line follows the session (no red, no error).
    expect(ben.locator("#join-note")).to_have_text(started)
    # Ana, a poll behind: her next poll shows the real session.
    poke(ana)
    # Cy's page is opened again: its token is refused, and the page knows why.
    cy.reload()
    red = ana.evaluate(COMPUTED, ana.evaluate(RED))
    for page, nickname in ((ana, "Ana"), (ben, "Ben"), (cy, "Cy")):
        note = page.locator("#join-note")
        expect(note).to_have_text(started)
        expect(page.locator("#nickname")).to_have_value(nickname)
        expect(page.locator("#rehearsal-banner")).to_be_hidden()
        assert note.evaluate("(el) => getComputedStyle(el).color") != red
        assert page.locator("#join-error").bounding_box() is None  # no error line on screen
        expect(page.get_by_text("You were removed")).to_have_count(0)
    assert_axe_clean(ana, "phone: join again after a rehearsal")
    ana.emulate_media(color_scheme="dark")
    assert_axe_clean(ana, "phone: join again after a rehearsal, dark")
    ana.emulate_media(color_scheme="light")

    # Ana joins the real session with the nickname offered and votes.
    ana.get_by_role("button", name="Join").click()
    expect(ana.locator("#who")).to_be_visible()
    ana.get_by_label("Pizza").check()
    ana.get_by_role("button", name="Send answer").click()
    expect(ana.locator("#feedback")).to_have_text("Answer sent. Thank you!")
    expect(ana.locator("#my-answer")).to_have_text("Your answer: Pizza")
    expect(ana.locator("#feedback.error")).to_have_count(0)
    ana_now = Participant.objects.get(session=session, nickname="Ana")
    assert [r.response_data for r in Response.objects.filter(participant=ana_now)] == [
        {"option_ids": ["pizza"]}
    ]
    for page in (ana, ben, cy):
        page.context.close()


def test_a_completed_rehearsal_wiped_brings_the_join_form_back(
    _serial_live_server: None, live_server: Any, browser: Any, organizer: Any
) -> None:
    """Issue 22 item 2: a rehearsal completed (the phone shows its summary), then ended and the event
    started: the phone leaves the rehearsal's summary for the join form, nickname filled in; a kick
    outside a rehearsal is still a removal."""
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT)
    session = session_services.session_create(owner=organizer, name="All-hands")
    activity_services.activity_create(session=session, type="poll", config=LUNCH)
    session_services.session_rehearse(session=session)
    activity_services.activity_activate_next(session=session)
    page = token_phone(browser, session, "Ana")  # joined before: the phone learns it is a rehearsal
    page.goto(f"{live_server.url}/join/{session.join_code}?poll=0.5")
    expect(page.locator("#question")).to_have_text("Lunch?")
    session_services.session_complete(session=session)
    expect(page.locator("#summary")).to_be_visible()
    activity_services.session_rehearsal_end(session=session)
    session.refresh_from_db()
    session_services.session_start(session=session)
    expect(page.locator("#join-note")).to_have_text(
        "The rehearsal is over and the session has started. Join it with your nickname."
    )
    expect(page.locator("#nickname")).to_have_value("Ana")

    # The real event: a participant removed by the organizer is told so (no join form).
    page.get_by_role("button", name="Join").click()
    expect(page.locator("#lobby")).to_be_visible()
    participant_kick(participant=Participant.objects.get(session=session, nickname="Ana"))
    page.reload()
    expect(page.get_by_role("heading", name="You were removed from this session")).to_be_visible()
    expect(page.locator("#nickname")).to_have_count(0)
    page.context.close()


def test_keyboard_focus_stays_and_the_count_includes_the_answer_at_once(
    _serial_live_server: None, live_server: Any, browser: Any, organizer: Any
) -> None:
    """Issue 28 items 12 and 13 (the count). Enter on "Send answer" keeps the focus on that button (now
    "Change answer"), the next Tab goes on from there; "Choose an option first." goes once an option is
    chosen; the moment "Answer sent" shows, the count includes the answer. Enter on a poker card keeps
    the focus on that card; a quiz answered (its options locked) leaves the focus on the answer."""
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT)
    session = session_services.session_create(owner=organizer, name="All-hands")
    activity_services.activity_create(session=session, type="poll", config=LUNCH)
    activity_services.activity_create(
        session=session, type="poker", config={"story": "Login", "deck": "fibonacci"}
    )
    activity_services.activity_create(
        session=session,
        type="quiz",
        config={
            "question": "Capital of France?",
            "options": [{"id": "a", "label": "Paris"}, {"id": "b", "label": "Rome"}],
            "correct_option_id": "a",
            "time_limit_seconds": None,
            "lead_in_seconds": 0,  # this test is about focus, not the get-ready countdown
        },
    )
    session_services.session_start(session=session)
    activity_services.activity_activate_next(session=session)
    page = token_phone(browser, session, "Ana")
    page.goto(f"{live_server.url}/join/{session.join_code}?poll=0.5")
    submit = page.locator("#answer-form button[type=submit]")
    expect(submit).to_have_text("Send answer")

    # Nothing chosen: the warning; choosing an option (by keyboard) takes it away.
    submit.focus()
    page.keyboard.press("Enter")
    feedback = page.locator("#feedback")
    expect(feedback).to_have_text("Choose an option first.")
    page.locator("#opt-0").focus()
    page.keyboard.press("Space")
    expect(page.get_by_label("Tacos")).to_be_checked()
    expect(feedback).to_have_text("")
    assert feedback.bounding_box() is None

    # What the count says at the very moment "Answer sent" appears (not at the next poll).
    page.evaluate(
        """() => { const fb = document.getElementById("feedback");
        new MutationObserver(() => { if (fb.textContent.startsWith("Answer sent") && !window.countAtSent)
          window.countAtSent = document.querySelector(".activity .response-count").textContent; })
        .observe(fb, { childList: true, characterData: true, subtree: true }); }"""
    )
    submit.focus()
    page.keyboard.press("Enter")
    expect(feedback).to_have_text("Answer sent. Thank you!")
    assert page.evaluate("() => window.countAtSent") == "1 answer so far"
    expect(page.locator(".activity .response-count")).to_have_text("1 answer so far")
    expect(submit).to_have_text("Change answer")
    expect(submit).to_be_focused()
    assert page.evaluate(FOCUS_RING)
    following = page.evaluate(NEXT_TABBABLE)
    assert following
    page.keyboard.press("Tab")
    assert page.evaluate(ACTIVE) == following
    assert_axe_clean(page, "phone poll answered")

    # Poker: Enter on a card keeps the focus on it (now pressed); Tab goes to the next card.
    activity_services.activity_activate_next(session=session)
    card = page.locator('.poker-card[data-card="5"]')
    card.focus()
    page.keyboard.press("Enter")
    expect(page.locator("#my-answer")).to_have_text("Your vote: 5")
    expect(card).to_have_attribute("aria-pressed", "true")
    expect(card).to_be_focused()
    page.keyboard.press("Tab")
    expect(page.locator('.poker-card[data-card="8"]')).to_be_focused()

    # Quiz: the options lock once answered; the focus goes to the answer, and Tab on from there.
    activity_services.activity_activate_next(session=session)
    paris = page.locator(".quiz-option", has_text="Paris")
    paris.focus()
    page.keyboard.press("Enter")
    mine = page.locator("#my-answer")
    expect(mine).to_have_text("Your answer: Paris")
    expect(mine).to_be_focused()
    following = page.evaluate(NEXT_TABBABLE)
    page.keyboard.press("Tab")
    assert page.evaluate(ACTIVE) == following
    assert "skip-link" not in following
    page.context.close()


def test_waiting_for_approval_goes_once_the_question_is_approved(
    _serial_live_server: None, live_server: Any, browser: Any, organizer: Any
) -> None:
    """Issue 28 item 13 (the Q&A): "Sent — waiting for approval." goes once the organizer
    approves the question."""
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT)
    session = session_services.session_create(owner=organizer, name="Town hall")
    activity_services.activity_create(
        session=session, type="qna", config={"prompt": "Ask us", "moderation": True, "max_length": 200}
    )
    session_services.session_start(session=session)
    activity_services.activity_activate_next(session=session)
    page = token_phone(browser, session, "Ana")
    page.goto(f"{live_server.url}/join/{session.join_code}?poll=0.5")
    page.get_by_label("Your question").fill("When is the offsite?")
    page.get_by_role("button", name="Send question").click()
    feedback = page.locator("#qna-feedback")
    expect(feedback).to_have_text("Sent — waiting for approval.")
    expect(page.locator(".qna-item .badge-pending")).to_be_visible()

    question_moderate(question=Question.objects.get(), status="visible")
    expect(page.locator(".qna-item .badge-pending")).to_have_count(0)
    expect(feedback).to_have_text("")
    assert feedback.bounding_box() is None
    expect(page.locator("#announcer")).to_have_text("Your question was approved.")
    assert_axe_clean(page, "phone Q&A approved")
    page.context.close()


# Where each word of the line is on screen (the box of its characters), left to right.
WORD_LEFTS = """(words) => { const root = document.querySelector("#my-answer .my-answer-value");
  const text = []; const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) text.push(walker.currentNode);
  return words.map((w) => { for (const node of text) { const i = node.data.indexOf(w); if (i < 0) continue;
    const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + w.length);
    return r.getBoundingClientRect().left; } return null; }); }"""
ARABIC = "مرحبا"
PEACE = "سلام"


def test_right_to_left_words_keep_their_place_in_a_list(
    _serial_live_server: None, live_server: Any, browser: Any, organizer: Any
) -> None:
    """Issue 28 item 15 (the phone): "Your words" with Arabic and English words reads in the order
    typed, each word isolated; a field typed in Arabic runs right to left; an Arabic nickname is
    isolated in the header."""
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT)
    session = session_services.session_create(owner=organizer, name="All-hands")
    activity_services.activity_create(session=session, type="wordcloud", config={"prompt": "Our culture?"})
    session_services.session_start(session=session)
    activity_services.activity_activate_next(session=session)
    page = token_phone(browser, session, "ليلى")
    page.goto(f"{live_server.url}/join/{session.join_code}?poll=0.5")
    words = [ARABIC, "open", PEACE]
    for i, word in enumerate(words):
        page.fill(f"#word-{i}", word)
    assert page.locator("#word-0").evaluate("(el) => getComputedStyle(el).direction") == "rtl"
    assert page.locator("#word-1").evaluate("(el) => getComputedStyle(el).direction") == "ltr"
    page.get_by_role("button", name="Send words").click()
    expect(page.locator("#my-answer")).to_have_text(f"Your words: {ARABIC}, open, {PEACE}")
    lefts = page.evaluate(WORD_LEFTS, words)
    assert None not in lefts and lefts == sorted(lefts), lefts  # in the order typed, left to right
    assert page.locator("#my-answer bdi").count() == 3
    who = page.locator("#who-name")
    expect(who).to_have_text("ليلى")
    assert who.evaluate("(el) => getComputedStyle(el).unicodeBidi") == "isolate"
    assert_axe_clean(page, "phone words in two scripts")
    page.context.close()


# Every card's box, and how far its label's centre is from the card's centre.
CARDS = """() => [...document.querySelectorAll(".poker-card")].map((card) => {
  const box = card.getBoundingClientRect(); const r = document.createRange(); r.selectNodeContents(card);
  const label = r.getBoundingClientRect();
  return { card: card.dataset.card, width: box.width, top: box.top, right: box.right,
    off: Math.abs((label.left + label.right) / 2 - (box.left + box.right) / 2),
    lines: new Set([...r.getClientRects()].map((x) => Math.round(x.top))).size }; })"""


@pytest.mark.parametrize("width", [390, 320])
def test_poker_cards_are_equal_and_centred_and_join_has_its_header(
    _serial_live_server: None, live_server: Any, browser: Any, organizer: Any, width: int
) -> None:
    """Issue 28 item 18: the number cards share one width, each label centred on its card; "coffee"
    takes a row of its own, on one line, inside the screen. /join has the blue header of /join/CODE and
    its example code as written."""
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT)
    session = session_services.session_create(owner=organizer, name="Sprint planning")
    activity_services.activity_create(
        session=session, type="poker", config={"story": "Login", "deck": "fibonacci"}
    )
    session_services.session_start(session=session)
    activity_services.activity_activate_next(session=session)
    page = token_phone(browser, session, "Ana")
    page.set_viewport_size({"width": width, "height": 760})
    page.goto(f"{live_server.url}/join/{session.join_code}?poll=0.5")
    expect(page.locator(".poker-card")).to_have_count(10)
    cards = page.evaluate(CARDS)
    numbers = [c for c in cards if c["card"] != "coffee"]
    widths = [c["width"] for c in numbers]
    assert max(widths) - min(widths) < 1, widths
    assert all(c["off"] < 1.5 for c in cards), cards
    assert all(c["lines"] == 1 and c["right"] <= width for c in cards), cards
    coffee = next(c for c in cards if c["card"] == "coffee")
    assert all(coffee["top"] > c["top"] for c in numbers)
    assert coffee["width"] >= max(widths)
    assert_axe_clean(page, f"phone poker cards at {width} px")

    page.goto(f"{live_server.url}/join")
    header = page.locator(".phone-header")
    accent = page.evaluate("() => getComputedStyle(document.documentElement).getPropertyValue('--accent')")
    assert header.evaluate("(el) => getComputedStyle(el).backgroundColor") == page.evaluate(
        COMPUTED, accent.strip()
    )
    code = page.get_by_label("Session code")
    assert code.evaluate("(el) => getComputedStyle(el, '::placeholder').textTransform") == "none"
    code.fill("ab12")
    assert code.evaluate("(el) => getComputedStyle(el).textTransform") == "uppercase"
    page.context.close()
