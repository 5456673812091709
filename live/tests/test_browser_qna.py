"""Audience Q&A in real browsers: three phones ask and upvote while a poll is live, the organizer moderates
on a moderation page of their own (never on the big screen), then the Q&A takes the stage.

Debian's Chromium through Playwright against pytest-django's ``live_server``, like test_browser_event.py.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from activities import services as activity_services
from core.testing import axe_violations
from sessions_app import services as session_services
from sessions_app.models import Session

from .test_browser_event import FOCUS_RING, SMALL_TARGETS, tab_to

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIMEOUT = 10_000
SETTLED = "() => document.getAnimations().every((a) => a.playState !== 'running')"
OFFSITE = "When is the next offsite?"
PIZZA = "Will there be pizza at the offsite?"
XSS_QUESTION = "<img src=x onerror=alert(1)> is this rendered?"
PARKING = "Can we get more bike parking?"


@pytest.fixture
def event(django_user_model: Any) -> dict[str, Any]:
    organizer = django_user_model.objects.create_user(username="olga", password="pw-olga-123", is_staff=True)
    session = session_services.session_create(owner=organizer, name="Town hall")
    poll = activity_services.activity_create(
        session=session,
        type="poll",
        config={
            "question": "Where should we go for lunch?",
            "options": [{"id": "tacos", "label": "Tacos"}, {"id": "sushi", "label": "Sushi"}],
        },
    )
    qna = activity_services.activity_create(
        session=session,
        type="qna",
        config={"prompt": "Ask the leadership team", "moderation": True, "max_length": 200},
    )
    # Published: open for questions all event long, beside whatever activity is live.
    activity_services.activity_set_status(activity=qna, status="published")
    return {"organizer": organizer, "session": session, "poll": poll, "qna": qna}


def test_questions_beside_a_poll_moderated_upvoted_then_on_stage(
    _serial_live_server: None, live_server: Any, browser: Any, event: dict[str, Any]
) -> None:
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT)
    session: Session = event["session"]
    dialogs: list[str] = []
    a11y: list[str] = []

    def axe(stage: str, **pages: Any) -> None:
        for who, page in pages.items():
            page.mouse.move(0, 0)
            for scheme in ("light", "dark"):
                page.emulate_media(color_scheme=scheme)
                page.wait_for_function(SETTLED)
                a11y.extend(axe_violations(page, f"{stage}/{who}/{scheme}"))
            page.emulate_media(color_scheme="light")

    def new_page(context: Any) -> Any:
        page = context.new_page()
        page.set_default_timeout(TIMEOUT)

        def on_dialog(dialog: Any) -> None:
            dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        return page

    # --- the organizer (logged in) on the big screen starts the poll --------------------------
    client = Client()
    client.force_login(event["organizer"])
    screen_context = browser.new_context(viewport={"width": 1600, "height": 900})
    screen_context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    screen = new_page(screen_context)
    screen.goto(f"{live_server.url}/present/{session.pk}?poll=0.5")
    expect(screen.locator("#btn-next")).to_be_visible()
    session_services.session_start(session=session)
    # The open Q&A shows in the lobby already.
    expect(screen.locator("#qna-side")).to_contain_text("Ask the leadership team")
    screen.keyboard.press("ArrowRight")
    expect(screen.locator("#question")).to_have_text("Where should we go for lunch?")
    side = screen.locator("#qna-side")
    expect(side).to_contain_text("Questions (0)")
    expect(screen.locator("#btn-moderate")).to_have_text("Moderate questions")

    # --- three phones join; each sees "Activity | Questions (0)" beside the poll -----------------
    phones: dict[str, Any] = {}
    for nick in ("Ana", "Ben", "Cy"):
        phone = new_page(browser.new_context(viewport={"width": 390, "height": 760}))
        phone.goto(f"{live_server.url}/join/{session.join_code}?poll=0.5")
        phone.fill("#nickname", nick)
        phone.get_by_role("button", name="Join").click()
        expect(phone.locator("#question")).to_have_text("Where should we go for lunch?")
        expect(phone.get_by_role("tab", name="Questions (0)")).to_be_visible()
        expect(phone.get_by_role("tab", name="Activity")).to_have_attribute("aria-selected", "true")
        phones[nick] = phone
    ana, ben, cy = phones["Ana"], phones["Ben"], phones["Cy"]

    # Answering the poll is untouched by the tabs.
    ana.get_by_label("Tacos").check()
    ana.get_by_role("button", name="Send answer").click()
    expect(ana.locator("#my-answer")).to_have_text("Your answer: Tacos")

    # Keyboard: Tab reaches the tab bar, the arrow key selects Questions; the poll is hidden, not gone.
    tab_to(ana, "#tab-activity")
    ana.keyboard.press("ArrowRight")
    expect(ana.locator("#tab-questions")).to_be_focused()
    assert ana.evaluate(FOCUS_RING)
    expect(ana.locator("#tab-questions")).to_have_attribute("aria-selected", "true")
    expect(ana.locator("#qna-heading")).to_have_text("Ask the leadership team")
    expect(ana.locator("#answer-form")).to_be_hidden()
    expect(ana.locator("#qna-text")).to_have_attribute("maxlength", "280")  # not current: the default
    assert ana.evaluate(SMALL_TARGETS) == []
    axe("phone-questions-empty", phone=ana)

    # An empty question is refused here; a real one waits for approval (moderation is on).
    ana.get_by_role("button", name="Send question").click()
    expect(ana.locator("#qna-feedback")).to_have_text("Type a question first.")
    ana.get_by_label("Your question").fill(OFFSITE)
    ana.get_by_role("button", name="Send question").click()
    expect(ana.locator("#qna-feedback")).to_have_text("Sent — waiting for approval.")
    mine = ana.locator(".qna-item", has_text=OFFSITE)
    expect(mine.locator(".badge-pending")).to_have_text("Waiting for approval")
    expect(mine.locator(".badge-mine")).to_have_text("Your question")
    expect(mine.locator(".upvote")).to_have_count(0)  # a pending question takes no upvotes
    # Too long for this Q&A (200): the server's message, in words.
    for phone in (ben, cy):
        phone.get_by_role("tab", name=re.compile(r"^Questions")).click()
    ben.locator("#qna-text").evaluate("(el) => el.removeAttribute('maxlength')")
    ben.get_by_label("Your question").fill("x" * 201)
    ben.get_by_role("button", name="Send question").click()
    expect(ben.locator("#qna-feedback")).to_have_text(re.compile(r"^Question: .*200"))
    ben.get_by_label("Your question").fill(PIZZA)
    ben.get_by_label("Ask anonymously").check()
    ben.get_by_role("button", name="Send question").click()
    expect(ben.locator("#qna-feedback")).to_have_text("Sent — waiting for approval.")
    cy.get_by_label("Your question").fill(XSS_QUESTION)
    cy.get_by_role("button", name="Send question").click()
    expect(cy.locator("#qna-feedback")).to_have_text("Sent — waiting for approval.")
    # Nobody else sees pending questions, and neither does the big screen.
    expect(ana.locator(".qna-item")).to_have_count(1)
    expect(side).to_contain_text("Questions (0)")
    axe("phone-questions-pending", phone=ana)

    # --- the organizer approves on the moderation page (its own tab): the big screen shows the number
    # waiting, never the questions ------------------------------------------------------------------
    link = screen.locator("#btn-moderate")
    expect(link).to_have_text("Questions · 3 waiting")
    for text in (OFFSITE, PIZZA, XSS_QUESTION):
        expect(screen.get_by_text(text)).to_have_count(0)
    with screen_context.expect_page() as opened:
        link.click()
    mod = opened.value
    mod.set_default_timeout(TIMEOUT)

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    mod.on("dialog", on_dialog)
    assert mod.url == f"{live_server.url}/present/{session.pk}/moderate"
    mod.goto(f"{mod.url}?poll=0.5")
    expect(mod.get_by_role("heading", name="Moderate questions")).to_be_visible()
    pending = mod.locator("#qna-pending .mod-row")
    expect(pending).to_have_count(3)
    expect(mod.locator("#qna-pending")).to_contain_text(XSS_QUESTION)
    expect(mod.locator("#qna-pending .mod-row", has_text=PIZZA)).to_contain_text("Anonymous")
    axe("moderation-page", mod=mod)
    for text in (OFFSITE, PIZZA, XSS_QUESTION):
        mod.locator("#qna-pending .mod-row", has_text=text).get_by_role("button", name="Approve").click()
        expect(mod.locator("#qna-shown .mod-row", has_text=text)).to_be_visible()
    expect(pending).to_have_count(0)
    expect(mod.locator("#qna-mod-message")).to_contain_text("Approved")
    expect(link).to_have_text("Moderate questions")
    expect(screen.locator("#question")).to_have_text("Where should we go for lunch?")

    # The side column beside the poll: three questions, oldest first while nobody has upvoted.
    expect(side).to_contain_text("Questions (3)")
    rows = side.locator(".qna-row")
    expect(rows).to_have_count(3)
    expect(rows.first.locator(".qna-row-text")).to_have_text(OFFSITE)
    expect(side.locator(".qna-row", has_text=PIZZA).locator(".qna-who")).to_have_text("Anonymous")
    expect(side.locator(".qna-row-text", has_text="<img")).to_have_text(XSS_QUESTION)
    # Ana is told her question is in, and she can upvote now.
    expect(ana.locator("#announcer")).to_have_text("Your question was approved.")
    expect(mine.locator(".badge-pending")).to_have_count(0)
    expect(ana.get_by_role("tab", name="Questions (3)")).to_be_visible()

    # --- upvotes: the most upvoted question moves to the top --------------------------------------
    for phone in (ana, cy):
        button = phone.locator(".qna-item", has_text=PIZZA).get_by_role("button", name=re.compile("Upvote"))
        expect(button).to_have_attribute("aria-pressed", "false")
        button.click()
        expect(button).to_have_attribute("aria-pressed", "true")
    expect(rows.first.locator(".qna-row-text")).to_have_text(PIZZA)
    expect(rows.first.locator(".qna-votes")).to_have_text("2 upvotes")
    ana_pizza = ana.locator(".qna-item", has_text=PIZZA)
    expect(ana_pizza.locator(".upvote-count")).to_have_text("2")
    expect(ana.locator(".qna-item").first).to_contain_text(PIZZA)  # the phone's order follows
    # A second press withdraws the upvote (keyboard: Enter on the focused toggle).
    ana_pizza.locator(".upvote").focus()
    ana.keyboard.press("Enter")
    expect(ana_pizza.locator(".upvote")).to_have_attribute("aria-pressed", "false")
    expect(ana_pizza.locator(".upvote-count")).to_have_text("1")
    expect(rows.first.locator(".qna-votes")).to_have_text("1 upvote")
    # Ben upvotes Ana's question: 1 each, a tie, and the older question leads.
    ben_offsite = ben.locator(".qna-item", has_text=OFFSITE).locator(".upvote")
    ben_offsite.click()
    expect(ben_offsite).to_have_attribute("aria-pressed", "true")
    expect(rows.first.locator(".qna-row-text")).to_have_text(OFFSITE)
    axe("qna-beside-poll", screen=screen, phone=ben)

    # --- the Q&A becomes the current activity: the whole stage, and the phones' only view -------
    screen.keyboard.press("ArrowRight")
    board = screen.locator(".qna-stage")
    expect(board.locator("#question")).to_have_text("Ask the leadership team")
    expect(board.locator("#response-count")).to_have_text("3 questions")
    expect(board.locator(".qna-row").first.locator(".qna-row-text")).to_have_text(OFFSITE)
    expect(screen.locator("#qna-side")).to_have_count(0)
    for phone in (ana, ben, cy):
        expect(phone.locator("#qna-tabs")).to_be_hidden()
        expect(phone.locator("#qna-panel")).to_be_visible()
        expect(phone.locator("#qna-text")).to_have_attribute("maxlength", "200")  # the config is known now
    expect(cy.locator("#qna-hint")).to_contain_text("The organizer approves questions")

    # Pinning moves a question to the big slot; marking it answered shows on the phones.
    mod.locator("#qna-shown .mod-row", has_text=PIZZA).get_by_role("button", name="Pin").click()
    expect(mod.locator("#qna-shown .mod-row", has_text=PIZZA)).to_contain_text("Pinned")
    offsite_row = mod.locator("#qna-shown .mod-row", has_text=OFFSITE)
    offsite_row.get_by_role("button", name="Mark answered").click()
    expect(mod.locator("#qna-shown .mod-row", has_text=OFFSITE)).to_contain_text("Answered")
    expect(screen.locator("#qna-pinned .qna-pinned-text")).to_have_text(PIZZA)
    expect(board.locator(".qna-row")).to_have_count(2)
    expect(board.locator(".qna-row.answered .qna-row-text")).to_have_text(OFFSITE)
    expect(mine.locator(".badge-answered")).to_have_text("Answered")
    expect(ana.locator(".qna-item").first.locator(".badge-pinned")).to_have_text("Pinned")
    expect(ana.locator("#announcer")).to_have_text("Your question was marked answered.")
    axe("qna-on-stage", screen=screen, phone=ana)

    # Marking the pinned question answered takes it out of the spotlight ("Now answering"), and the big
    # screen shows it as answered.
    mod.locator("#qna-shown .mod-row", has_text=PIZZA).get_by_role("button", name="Mark answered").click()
    expect(screen.locator("#qna-pinned")).to_have_count(0)
    expect(screen.locator("#stage").get_by_text("Now answering")).to_have_count(0)
    pizza_row = board.locator(".qna-row", has_text=PIZZA)
    expect(pizza_row).to_have_class(re.compile(r"\banswered\b"))
    expect(pizza_row.locator(".qna-answered")).to_be_visible()
    expect(pizza_row.locator(".qna-answered")).to_have_text("✓ Answered")
    expect(mod.locator("#qna-shown .mod-row", has_text=PIZZA)).not_to_contain_text("Pinned")

    # Hiding one takes it off every screen.
    mod.locator("#qna-shown .mod-row", has_text=XSS_QUESTION).get_by_role("button", name="Hide").click()
    expect(mod.locator("#qna-hidden .mod-row", has_text=XSS_QUESTION)).to_be_visible()
    expect(board.locator("#response-count")).to_have_text("2 questions")
    expect(cy.locator(".qna-item", has_text=XSS_QUESTION)).to_have_count(0)

    # A question hidden while it waits for approval: the state does not change (it was never public),
    # yet the asker's phone drops it and says so within a few polls.
    cy.get_by_label("Your question").fill(PARKING)
    cy.get_by_role("button", name="Send question").click()
    parking = cy.locator(".qna-item", has_text=PARKING)
    expect(parking.locator(".badge-pending")).to_have_text("Waiting for approval")
    mod.locator("#qna-pending .mod-row", has_text=PARKING).get_by_role("button", name="Hide").click()
    expect(mod.locator("#qna-hidden .mod-row", has_text=PARKING)).to_be_visible()
    expect(parking).to_have_count(0)
    expect(cy.locator("#qna-feedback")).to_have_text("The organizer did not publish your question.")
    expect(board.locator("#response-count")).to_have_text("2 questions")

    assert dialogs == [], f"a dialog opened (script injection?): {dialogs}"
    assert not a11y, "axe-core WCAG 2.1 AA violations:\n" + "\n".join(a11y)
