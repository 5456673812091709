"""A whole event in real browsers: an organizer on the big screen, three phones (one of them in
German, then French, with an Arabic nickname).

Drives Debian's Chromium (never a downloaded browser) through Playwright against pytest-django's
``live_server``. Screenshots of both pages at each step land in ``test-artifacts/screenshots/``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from activities import services as activity_services
from activities.models import Response
from core.testing import assert_axe_clean, axe_violations, translated, translated_plural
from sessions_app import services as session_services
from sessions_app.models import Session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
TIMEOUT = 10_000
XSS_NICK = "<script>alert(1)</script>"
XSS_WORD = "<img src=x onerror=alert(1)>"
PASSWORD = "pw-organizer-123"
# Ben reads German (his browser asks for it), then switches his phone to French; his nickname is Arabic.
BEN_NICK = "بنيامين"
RTL = "(el) => getComputedStyle(el).direction"
# How far the text starts from its box's left edge: names line up with their neighbours whatever their
# direction (caja.css [dir="auto"]), instead of an Arabic one jumping to the right.
TEXT_OFFSET = """(el) => { const r = document.createRange(); r.selectNodeContents(el);
  return Math.round(r.getBoundingClientRect().left - el.getBoundingClientRect().left); }"""


def words(language: str, text: str) -> str:
    """What a page's script shows for ``text`` in ``language`` (the JavaScript catalog)."""
    return text if language == "en" else translated(language, text, js=True)


@pytest.fixture
def event(django_user_model: Any) -> dict[str, Any]:
    organizer = django_user_model.objects.create_user(username="olga", password=PASSWORD, is_staff=True)
    session = session_services.session_create(owner=organizer, name="All-hands Q3")
    poll = activity_services.activity_create(
        session=session,
        type="poll",
        title="Lunch",
        config={
            "question": "Where should we go for lunch?",
            "options": [
                {"id": "tacos", "label": "Tacos"},
                {"id": "sushi", "label": "Sushi"},
                {"id": "pizza", "label": "Pizza"},
            ],
        },
        actor=organizer,
    )
    poker = activity_services.activity_create(
        session=session,
        type="poker",
        config={"story": "Login page redesign", "deck": "fibonacci"},
        actor=organizer,
    )
    quiz = activity_services.activity_create(
        session=session,
        type="quiz",
        config={
            "question": "What is the capital of France?",
            "options": [
                {"id": "paris", "label": "Paris"},
                {"id": "rome", "label": "Rome"},
                {"id": "madrid", "label": "Madrid"},
            ],
            "correct_option_id": "paris",
            "time_limit_seconds": 5,
            "points": 1000,
        },
        actor=organizer,
    )
    cloud = activity_services.activity_create(
        session=session,
        type="wordcloud",
        config={"prompt": "One word for this quarter", "max_words": 3, "max_length": 40},
        actor=organizer,
    )
    return {
        "organizer": organizer,
        "session": session,
        "poll": poll,
        "poker": poker,
        "quiz": quiz,
        "cloud": cloud,
    }


# Controls smaller than 44 x 44 CSS px (WCAG 2.5.5's size; Apple's and Google's minimum touch target).
SMALL_TARGETS = """() => [...document.querySelectorAll(
    "button, input[type=text], .choice, .poker-card, .quiz-option, .btn")]
  .filter((el) => el.getClientRects().length && !el.closest("[hidden]"))
  .map((el) => ({ el: el.id || el.className || el.tagName, w: el.getBoundingClientRect().width,
                  h: el.getBoundingClientRect().height }))
  .filter((t) => t.w < 44 || t.h < 44)"""

# Poker cards whose text does not fit on one line of the card ("coffe / e"): wider than the card, or its
# text's line boxes on more than one line.
BROKEN_CARDS = """() => [...document.querySelectorAll(".poker-card")].filter((card) => {
  const range = document.createRange();
  range.selectNodeContents(card);
  const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
  return card.scrollWidth > card.clientWidth || tops.size !== 1;
}).map((card) => card.textContent)"""

# The focused element shows a ring: an outline at least 2 px wide.
FOCUS_RING = """() => { const s = getComputedStyle(document.activeElement);
  return s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2; }"""

# Every bar's length is the number written beside it (relative to the largest): the chart and its text
# say the same thing.
BARS_MATCH_TEXT = """() => { const rows = [...document.querySelectorAll(".bar-row")];
  const counts = rows.map((r) => parseInt(r.querySelector(".bar-value").textContent, 10));
  const max = Math.max(1, ...counts);
  return rows.length > 0 && rows.every((r, i) =>
    Math.abs(parseFloat(r.querySelector(".bar-fill").style.width) - (counts[i] / max) * 100) < 0.5); }"""


# A poll's bars: each fills its share of the track, the percentage written beside it (2 of 3 votes fill
# two thirds, not the whole track because it leads), measured on screen.
POLL_BARS_ARE_SHARES = """() => { const rows = [...document.querySelectorAll(".bar-row")];
  return rows.length > 0 && rows.every((r) => {
    const pct = parseFloat(r.querySelector(".bar-value").textContent.split("·")[1].replace(",", "."));
    const fill = r.querySelector(".bar-fill").getBoundingClientRect().width;
    const track = r.querySelector(".bar-track").getBoundingClientRect().width;
    return Math.abs((fill / track) * 100 - pct) < 1; }); }"""


# Counts every change of the live region from now on (window.__announced).
COUNT_ANNOUNCEMENTS = """() => { window.__announced = 0;
  new MutationObserver(() => { window.__announced += 1; }).observe(document.getElementById("announcer"),
    { childList: true, characterData: true, subtree: true }); }"""


def tab_to(page: Any, selector: str, limit: int = 40) -> None:
    """Press Tab until the focus is on `selector` (it is reachable by keyboard) and shows a ring."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"() => !!document.activeElement && document.activeElement.matches({selector!r})"):
            assert page.evaluate(FOCUS_RING), f"{selector} has no visible focus ring"
            return
    raise AssertionError(f"{selector} not reached with {limit} presses of Tab")


class Shots:
    def __init__(self) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        for old in SHOTS.glob("[0-9][0-9]-*.png"):  # this test's steps, not other tests' shots
            old.unlink(missing_ok=True)
        self.step = 0

    def take(self, name: str, **pages: Any) -> None:
        self.step += 1
        for who, page in pages.items():
            page.screenshot(path=str(SHOTS / f"{self.step:02d}-{name}-{who}.png"), full_page=True)


def test_whole_event(
    _serial_live_server: None, live_server: Any, browser: Any, event: dict[str, Any]
) -> None:
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT)
    session: Session = event["session"]
    shots = Shots()
    dialogs: list[str] = []

    def new_page(viewport: dict[str, int], locale: str = "en-US") -> Any:
        context = browser.new_context(viewport=viewport, locale=locale)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT)

        def on_dialog(dialog: Any) -> None:
            dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        return page

    # Accessibility: axe-core's WCAG 2.1 AA rules at every stage, on every page shown, in the light and
    # the dark colour scheme (both pages follow prefers-color-scheme). Collected, asserted at the end.
    a11y: list[str] = []

    def axe(stage: str, **pages: Any) -> None:
        for who, page in pages.items():
            # The pointer rests where the last click was; hover colours are not the page's state (Django's
            # stock admin sidebar link under it fails contrast on hover in dark mode: not ours to fix).
            page.mouse.move(0, 0)
            for scheme in ("light", "dark"):
                page.emulate_media(color_scheme=scheme)
                # Colours switch with CSS transitions (the admin's links): judge them once they settle.
                page.wait_for_function(
                    "() => document.getAnimations().every((a) => a.playState !== 'running')"
                )
                a11y.extend(axe_violations(page, f"{stage}/{who}/{scheme}"))
            page.emulate_media(color_scheme="light")

    # --- the organizer logs in and opens the big screen ---------------------------------------
    screen = new_page({"width": 1600, "height": 900})
    screen.goto(f"{live_server.url}/admin/login/")
    screen.fill("#id_username", "olga")
    screen.fill("#id_password", PASSWORD)
    screen.click("input[type=submit]")
    expect(screen).not_to_have_url(re.compile(r"/admin/login/"))
    screen.goto(f"{live_server.url}/present/{session.pk}?poll=0.5")
    expect(screen.locator("#session-name")).to_have_text("All-hands Q3")
    expect(screen.locator("#join-code")).to_have_text(session.join_code)
    expect(screen.locator("#qr")).to_have_attribute("src", f"/api/v1/sessions/{session.pk}/qr.svg")
    expect(screen.locator("#btn-next")).to_be_visible()

    # --- three phones join through the QR code's target ---------------------------------------
    assert session.join_url.endswith(f"/join/{session.join_code}")
    join_url = f"{live_server.url}/join/{session.join_code}?poll=0.5"
    nicknames = {"ana": "Ana", "ben": BEN_NICK, "xss": XSS_NICK}
    lang = {"ana": "en", "ben": "de", "xss": "en"}  # what each phone's page speaks
    phones: dict[str, Any] = {}
    for key, nickname in nicknames.items():
        phone = new_page(
            {"width": 320 if key == "xss" else 390, "height": 760}, "de-DE" if key == "ben" else "en-US"
        )
        phone.goto(join_url)
        expect(phone.locator("#session-name")).to_have_text("All-hands Q3")
        if key == "ana":
            expect(phone.locator("#nickname")).to_be_visible()
            axe("join-form", phone=phone)
            assert phone.evaluate(SMALL_TARGETS) == []
        phone.fill("#nickname", nickname)
        if key == "ana":  # by keyboard: the Join button is reachable and Enter presses it
            tab_to(phone, "button[type=submit]")
            phone.keyboard.press("Enter")
        else:
            phone.get_by_role("button", name=words(lang[key], "Join")).click()
        expect(phone.locator("#who-name")).to_have_text(nickname)
        expect(phone.locator("#lobby")).to_contain_text(words(lang[key], "You're in!"))
        phones[key] = phone
    ana, ben, xss = phones["ana"], phones["ben"], phones["xss"]
    # Ben's page is German from the start (Accept-Language), server-rendered words and script words alike,
    # and his Arabic nickname reads right to left inside it.
    expect(ben.locator("html")).to_have_attribute("lang", "de")
    expect(ben.locator("label[for=language-select]")).to_have_text(translated("de", "Language"))
    assert ben.locator("#who-name").evaluate(RTL) == "rtl"
    assert ana.locator("#who-name").evaluate(RTL) == "ltr"

    # A taken nickname is refused in words.
    late = new_page({"width": 390, "height": 760})
    late.goto(join_url)
    late.fill("#nickname", "ana")
    late.get_by_role("button", name="Join").click()
    expect(late.locator("#join-error")).to_have_text("That nickname is taken. Please choose another.")
    axe("join-error", phone=late)
    late.goto(f"{live_server.url}/join")
    expect(late.locator("#code")).to_be_visible()
    axe("join-start", phone=late)
    late.goto(f"{live_server.url}/join/ZZZZZZ")
    expect(late.locator("h1")).to_have_text("Session not found")
    axe("join-not-found", phone=late)
    late.context.close()

    expect(screen.locator("#participant-count")).to_have_text("3")
    shots.take("lobby", screen=screen, phone=xss)
    axe("lobby", screen=screen, phone=xss)

    # --- poll ---------------------------------------------------------------------------------
    screen.keyboard.press("ArrowRight")  # starts the draft session and activates the first activity
    expect(screen.locator("#question")).to_have_text("Where should we go for lunch?")
    expect(screen.locator("body")).to_have_class(re.compile(r"\brunning\b"))
    for phone, choice in ((ana, "Tacos"), (ben, "Sushi"), (xss, "Tacos")):
        expect(phone.locator("#question")).to_have_text("Where should we go for lunch?")
        if phone is ana:  # by keyboard: Tab to the first option, Space chooses it, Tab + Enter sends
            expect(phone.locator("#answer-form")).to_be_visible()
            assert phone.evaluate(SMALL_TARGETS) == []
            tab_to(phone, "input[type=radio]")
            phone.keyboard.press("Space")
            expect(phone.get_by_label("Tacos")).to_be_checked()
            tab_to(phone, "#answer-form button[type=submit]")
            phone.keyboard.press("Enter")
        else:
            phone.get_by_label(choice).check()
            phone.get_by_role("button", name=words("de" if phone is ben else "en", "Send answer")).click()
        mine = words("de" if phone is ben else "en", "Your answer: ")
        expect(phone.locator("#my-answer")).to_have_text(f"{mine}{choice}")
    # Changing one's poll answer is allowed while the poll runs.
    ben.get_by_label("Pizza").check()
    ben.get_by_role("button", name=words("de", "Change answer")).click()
    expect(ben.locator("#feedback")).to_have_text(words("de", "Answer updated."))
    expect(ben.locator("#my-answer")).to_have_text(words("de", "Your answer: ") + "Pizza")
    expect(screen.locator("#response-count")).to_have_text("3 responses")
    expect(screen.locator('.bar-row[data-option-id="tacos"] .bar-value')).to_have_text("2 · 66.7%")
    expect(screen.locator('.bar-row[data-option-id="pizza"] .bar-value')).to_have_text("1 · 33.3%")
    expect(screen.locator('.bar-row[data-option-id="sushi"] .bar-value')).to_have_text("0 · 0%")
    expect(ana.locator('.bar-row[data-option-id="tacos"] .bar-value')).to_have_text("2 · 66.7%")
    shots.take("poll", screen=screen, phone=ana)
    axe("poll", screen=screen, phone=ana)
    # The bars say what their numbers say, on both pages (once their .4 s transition is over).
    screen.wait_for_function(POLL_BARS_ARE_SHARES)
    ana.wait_for_function(POLL_BARS_ARE_SHARES)
    # Results are announced politely (aria-live="polite"), when they change and at most every 15 s, not on
    # every poll: over six polls the live region changes at most once (an announcement is two mutations:
    # cleared, then set).
    expect(screen.locator("#announcer")).to_have_attribute("aria-live", "polite")
    # (The first sentence, said when Ana's own answer showed the results; later totals wait 15 s.)
    expect(ana.locator("#announcer")).to_have_text(
        re.compile(r"^Results: Tacos leads with \d+ votes? of \d+ responses?\.$")
    )
    ana.evaluate(COUNT_ANNOUNCEMENTS)
    polls: list[int] = []
    ana.on("response", lambda res: polls.append(res.status) if "/state" in res.url else None)
    for _ in range(60):
        if len(polls) >= 6:
            break
        ana.wait_for_timeout(250)  # only pacing the loop: the assertion below does not depend on it
    assert len(polls) >= 6, polls
    assert ana.evaluate("() => window.__announced") <= 2
    # Bars grow with a transition, unless the person asked for reduced motion.
    fill = ".bar-fill"
    assert screen.eval_on_selector(fill, "el => getComputedStyle(el).transitionDuration") == "0.4s"
    screen.emulate_media(reduced_motion="reduce")
    assert screen.eval_on_selector(fill, "el => getComputedStyle(el).transitionDuration") == "0s"
    screen.emulate_media(reduced_motion="no-preference")
    # Both pages follow the colour scheme the device asks for.
    background = "() => getComputedStyle(document.body).backgroundColor"
    for page in (screen, ana):
        page.emulate_media(color_scheme="dark")
        assert page.evaluate(background) == "rgb(13, 17, 23)"
        page.emulate_media(color_scheme="light")
        assert page.evaluate(background) == "rgb(255, 255, 255)"
    # The presenter's controls are reachable by keyboard, with a ring, and big enough to hit.
    tab_to(screen, "#btn-next")
    assert screen.evaluate(SMALL_TARGETS) == []
    screen.keyboard.press("Escape")

    # --- planning poker -----------------------------------------------------------------------
    screen.keyboard.press("ArrowRight")
    expect(screen.locator("#question")).to_have_text("Login page redesign")
    for phone, card in ((ana, "5"), (ben, "8"), (xss, "5")):
        expect(phone.locator("#question")).to_have_text("Login page redesign")
        expect(phone.locator('.poker-card[data-card="coffee"]')).to_be_visible()
        # Every card's text on one line, "coffee" included, on a 390 px and a 320 px phone.
        assert phone.evaluate(BROKEN_CARDS) == []
        assert phone.evaluate(SMALL_TARGETS) == []
        if phone is ben:  # by keyboard
            tab_to(phone, f'.poker-card[data-card="{card}"]')
            phone.keyboard.press("Enter")
        else:
            phone.locator(f'.poker-card[data-card="{card}"]').click()
        expect(phone.locator("#my-answer")).to_have_text(
            words("de" if phone is ben else "en", "Your vote: ") + card
        )
    expect(screen.locator("#vote-count")).to_contain_text("3 votes")
    expect(screen.locator(".card-back")).to_have_count(3)
    shots.take("poker-hidden", screen=screen, phone=ben)
    axe("poker-hidden", screen=screen, phone=ben)
    screen.keyboard.press("r")
    expect(screen.locator(".stat-average")).to_have_text("6")
    expect(screen.locator(".stat-median")).to_have_text("5")
    expect(screen.locator(".stat-consensus")).to_have_text("No")
    expect(screen.locator('.bar-row[data-card="5"] .bar-value')).to_have_text("2 votes")
    expect(screen.locator('.bar-row[data-card="8"] .bar-value')).to_have_text("1 vote")
    expect(ana.locator(".stat-average")).to_have_text("6")
    # The reveal is announced at once, on the big screen and on the phones.
    revealed = "Cards revealed: 3 votes, average 6, median 5, no consensus."
    expect(screen.locator("#announcer")).to_have_text(revealed)
    expect(ana.locator("#announcer")).to_have_text(revealed)
    shots.take("poker-revealed", screen=screen, phone=ana)
    axe("poker-revealed", screen=screen, phone=ana)

    # --- quiz: one right, one wrong, one too late -----------------------------------------------
    screen.keyboard.press("ArrowRight")
    expect(screen.locator("#question")).to_have_text("What is the capital of France?")
    expect(screen.locator("#countdown")).to_have_text(re.compile(r"^\d+$"))
    for phone, choice in ((xss, "Paris"), (ben, "Rome")):
        expect(phone.locator("#question")).to_have_text("What is the capital of France?")
        assert phone.evaluate(SMALL_TARGETS) == []
        phone.locator(".quiz-option", has_text=choice).click()
        expect(phone.locator("#my-answer")).to_have_text(
            words("de" if phone is ben else "en", "Your answer: ") + choice
        )
    # (On a slow machine the 5 s may already be over here, so either text is fine.)
    expect(ana.locator("#countdown")).to_have_text(re.compile(r"\d+ s left|Time is up"))
    shots.take("quiz-running", screen=screen, phone=ana)
    axe("quiz-running", screen=screen, phone=ana)
    # Ana waits past the 5 s limit: the options close and she is told so.
    expect(ana.locator("#countdown")).to_have_text("Time is up: answers are closed.", timeout=12_000)
    expect(ana.locator("#feedback")).to_have_text("Time is up: answers are closed.")
    for option in ana.locator(".quiz-option").all():
        expect(option).to_be_disabled()
    axe("quiz-closed", phone=ana)
    # The late answer was refused: the quiz holds two responses (read through the organizer API, which
    # reads the same database, so the test thread does not share the server's connection mid-request).
    quiz_results = screen.request.get(
        f"{live_server.url}/api/v1/sessions/{session.pk}/activities/{event['quiz'].pk}/results"
    )
    assert quiz_results.status == 200
    assert quiz_results.json()["results"]["total_responses"] == 2
    screen.keyboard.press("r")
    expect(screen.locator(".correct-answer")).to_contain_text("Paris")
    expect(screen.locator('.bar-row[data-option-id="paris"] .bar-value')).to_have_text("1 answer")
    expect(screen.locator('.bar-row[data-option-id="rome"] .bar-value')).to_have_text("1 answer")
    podium = screen.locator(".podium")
    expect(podium.locator(".podium-row").first.locator(".nick")).to_have_text(XSS_NICK)
    expect(podium).to_contain_text(BEN_NICK)
    # An Arabic name on the big screen's podium reads right to left; the English ones left to right.
    assert podium.locator(".nick", has_text=BEN_NICK).evaluate(RTL) == "rtl"
    assert podium.locator(".nick", has_text=XSS_NICK).evaluate(RTL) == "ltr"
    assert podium.locator(".nick", has_text=BEN_NICK).evaluate(TEXT_OFFSET) <= 1
    expect(xss.locator("#verdict")).to_have_text("Correct!")
    expect(ben.locator("#verdict")).to_have_text(words("de", "Not quite."))
    expect(ana.locator("#verdict")).to_have_text("You did not answer.")
    expect(ben.locator("#announcer")).to_have_text(re.compile("^" + re.escape(words("de", "Not quite."))))
    shots.take("quiz-revealed", screen=screen, phone=xss)
    axe("quiz-revealed", screen=screen, phone=xss)

    # --- word cloud ---------------------------------------------------------------------------
    screen.keyboard.press("ArrowRight")
    expect(screen.locator("#question")).to_have_text("One word for this quarter")
    for phone, sent in ((ana, ["Growth", "Focus"]), (ben, ["growth", XSS_WORD]), (xss, ["Focus"])):
        expect(phone.locator("#question")).to_have_text("One word for this quarter")
        for i, word in enumerate(sent):
            phone.fill(f"#word-{i}", word)
        language = "de" if phone is ben else "en"
        phone.get_by_role("button", name=words(language, "Send words")).click()
        expect(phone.locator("#my-answer")).to_have_text(words(language, "Your words: ") + ", ".join(sent))
    cloud = screen.locator(".cloud")
    expect(cloud.locator(".cloud-word", has_text="Growth")).to_have_attribute("data-count", "2")
    expect(cloud.locator(".cloud-word", has_text="Focus")).to_have_attribute("data-count", "2")
    expect(cloud.locator(".cloud-text", has_text=XSS_WORD)).to_have_text(XSS_WORD)
    expect(screen.locator("#response-count")).to_have_text("3 responses")
    expect(ben.locator(".cloud")).to_contain_text(XSS_WORD)
    shots.take("wordcloud", screen=screen, phone=ben)
    axe("wordcloud", screen=screen, phone=ben)

    # A profane word is refused with the API's message.
    xss.fill("#word-0", "shit")
    xss.get_by_role("button", name="Update words").click()
    expect(xss.locator("#feedback")).to_have_text("Word 1: This word is not allowed.")
    axe("wordcloud-refused", phone=xss)

    # --- a phone changes its language mid-event: same participant, no join form ----------------------
    # Ben picks French in the switcher (by keyboard): the page reloads in French, and stays French on
    # the next reload although his browser still asks for German.
    tab_to(ben, "#language-select")
    ben.select_option("#language-select", "fr")
    tab_to(ben, ".language-switcher button[type=submit]")
    ben.keyboard.press("Enter")
    for _ in range(2):
        expect(ben.locator("html")).to_have_attribute("lang", "fr")
        expect(ben.locator("#who-name")).to_have_text(BEN_NICK)
        expect(ben.locator("#question")).to_have_text("One word for this quarter")
        expect(ben.locator("#join-form")).to_have_count(0)
        expect(ben.locator("#word-1")).to_have_value(XSS_WORD)
        expect(ben.locator("#my-answer")).to_have_text(words("fr", "Your words: ") + f"growth, {XSS_WORD}")
        expect(ben.locator("#language-select")).to_have_value("fr")
        ben.reload()
    lang["ben"] = "fr"
    shots.take("reloaded", screen=screen, phone=ben)
    axe("reloaded-in-french", phone=ben)

    # --- the end ------------------------------------------------------------------------------
    complete = screen.locator("#btn-complete")
    complete.click()
    expect(complete).to_have_text("Press again to end")
    complete.click()
    summary = screen.locator("#summary")
    expect(summary).to_contain_text("3 participants took part")
    expect(summary.locator(".podium .podium-row").first.locator(".nick")).to_have_text(XSS_NICK)
    expect(summary.locator(".summary-item")).to_have_count(4)
    expect(summary.locator('.summary-item[data-type="poll"] .summary-answers')).to_have_text("3 answers")
    expect(summary.locator('.summary-item[data-type="quiz"] .summary-answers')).to_have_text("2 answers")
    expect(summary).to_contain_text(XSS_WORD)
    expect(screen.locator("#controls")).to_be_hidden()
    for key, phone in phones.items():
        expect(phone.locator("#summary")).to_contain_text(words(lang[key], "This session has ended"))
        expect(phone.locator("#summary")).to_contain_text(nicknames[key])
    expect(xss.locator("#summary .my-score")).to_have_text(re.compile(r"You placed #1 with \d+ points\."))
    shots.take("summary", screen=screen, phone=xss)
    axe("summary", screen=screen, phone=xss)

    # An anonymous viewer of the big screen sees the summary too, without controls, in the session's
    # language (the organizer chose French) whatever the viewer's browser asks for.
    session_services.session_update(session=session, language="fr", actor=event["organizer"])
    viewer = new_page({"width": 1280, "height": 800}, "de-DE")
    viewer.goto(f"{live_server.url}/present/{session.pk}?poll=0.5")
    expect(viewer.locator("html")).to_have_attribute("lang", "fr")
    expect(viewer.locator("#summary h2")).to_have_text(words("fr", "Thank you!"))
    took_part = translated_plural(
        "fr", "%(n)s participant took part", "%(n)s participants took part", 3, js=True
    )
    expect(viewer.locator("#summary .summary-count")).to_have_text(took_part)
    expect(viewer.locator("#summary .podium")).to_contain_text(XSS_NICK)
    expect(viewer.locator("#controls")).to_have_count(0)
    shots.take("summary-anonymous", screen=viewer)
    axe("summary-anonymous", screen=viewer)

    # The admin's own pages for this event (the organizer is a staff user, logged in above): the session's
    # change page with Caja's toolbar, its results & participants overview, each activity's results page
    # (the word cloud's with hide/unhide buttons), an activity's per-type config form and the type chooser.
    admin = f"{live_server.url}/admin"
    admin_pages = {
        "session-change": f"{admin}/sessions_app/session/{session.pk}/change/",
        "session-overview": f"{admin}/sessions_app/session/{session.pk}/overview/",
        "activity-change": f"{admin}/activities/activity/{event['quiz'].pk}/change/",
        "activity-add-choose-type": f"{admin}/activities/activity/add/",
        **{
            f"results-{key}": f"{admin}/activities/activity/{event[key].pk}/results/"
            for key in ("poll", "poker", "quiz", "cloud")
        },
    }
    for name, url in admin_pages.items():
        screen.goto(url)
        expect(screen.locator("#content-main")).to_be_visible()
        axe(f"admin-{name}", screen=screen)

    # The audit log (the API, as the organizer) lists every action this test took, oldest first, each
    # with its actor: the fixture's setup, the big screen's keys and buttons, the language change.
    # The phones' joins, answers and language switch are the audience's, not an organizer's actions.
    audit = screen.request.get(f"{live_server.url}/api/v1/sessions/{session.pk}/audit?limit=100")
    assert audit.status == 200
    logged = [(e["action"], e["actor"], e["target_id"]) for e in reversed(audit.json()["items"])]
    sid = str(session.pk)
    ids = {key: str(event[key].pk) for key in ("poll", "poker", "quiz", "cloud")}

    def next_to(key: str) -> list[tuple[str, str, str]]:
        return [("session.next", "olga", ids[key]), ("activity.status", "olga", ids[key])]

    assert logged == [
        ("session.create", "olga", sid),
        *[("activity.create", "olga", ids[key]) for key in ("poll", "poker", "quiz", "cloud")],
        ("session.status", "olga", sid),  # the first ArrowRight starts the draft session...
        *next_to("poll"),  # ... and activates the first activity
        *next_to("poker"),
        ("activity.reveal", "olga", ids["poker"]),  # "r"
        *next_to("quiz"),
        ("activity.reveal", "olga", ids["quiz"]),
        *next_to("cloud"),
        ("session.status", "olga", sid),  # "End session", pressed twice
        ("session.update", "olga", sid),  # the screen's language: French
    ], logged
    details = [e["details"] for e in reversed(audit.json()["items"]) if e["action"] == "session.status"]
    assert details == [{"from": "draft", "to": "active"}, {"from": "active", "to": "completed"}]

    # Nothing user-provided ever ran as markup.
    assert dialogs == []
    assert not a11y, "axe-core WCAG 2.1 AA violations:\n" + "\n".join(a11y)
    for page in (screen, viewer, *phones.values()):
        page.context.close()
    assert Session.objects.get(pk=session.pk).status == "completed"
    assert Response.objects.filter(activity=event["quiz"]).count() == 2


def test_admin_qna_moderation_page(
    _serial_live_server: None, live_server: Any, browser: Any, event: dict[str, Any]
) -> None:
    """The admin's Q&A moderation page in a real browser: axe-clean (light and dark) with pending,
    visible, pinned and anonymous questions, and an approval through its button."""
    from playwright.sync_api import expect

    from activities.models import Question
    from activities.types.qna.services import question_moderate, question_post
    from participants.services import participant_join

    expect.set_options(timeout=TIMEOUT)
    session: Session = event["session"]
    qna = activity_services.activity_create(
        session=session, type="qna", title="Ask us", config={"prompt": "Questions?", "moderation": True}
    )
    activity_services.activity_set_status(activity=qna, status="published")
    session_services.session_start(session=session)
    ana = participant_join(session=session, nickname="Ana")[0]
    xss = participant_join(session=session, nickname=XSS_NICK)[0]
    pending = question_post(participant=ana, activity=qna, text="Is the canteen open on Friday?")
    shown = question_post(participant=xss, activity=qna, text=XSS_WORD, anonymous=True)
    question_moderate(question=shown, status="visible", pinned=True)

    page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    page.set_default_timeout(TIMEOUT)
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "olga")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page).not_to_have_url(re.compile(r"/admin/login/"))
    # Reached from the session's activity list.
    page.goto(f"{live_server.url}/admin/sessions_app/session/{session.pk}/change/")
    page.get_by_role("link", name="Questions").click()
    expect(page.locator("#questions caption")).to_have_text("All questions (2)")
    expect(page.locator("#questions")).to_contain_text(XSS_WORD)  # shown as text, never markup
    expect(page.locator("#questions")).to_contain_text(f"{XSS_NICK} (anonymous to the audience)")

    a11y: list[str] = []
    for stage in ("list", "approved"):
        page.mouse.move(0, 0)
        for scheme in ("light", "dark"):
            page.emulate_media(color_scheme=scheme)
            page.wait_for_function("() => document.getAnimations().every((a) => a.playState !== 'running')")
            a11y.extend(axe_violations(page, f"admin-qna-{stage}/{scheme}"))
        page.emulate_media(color_scheme="light")
        if stage == "list":
            page.get_by_role("button", name="Approve: Is the canteen open on Friday?").click()
            expect(page.locator(".messagelist")).to_contain_text("The question is visible to the audience.")

    assert dialogs == []
    assert not a11y, "axe-core WCAG 2.1 AA violations:\n" + "\n".join(a11y)
    assert Question.objects.get(pk=pending.pk).status == "visible"
    page.context.close()


# --- the v1.1 types, reactions and rehearsals ------------------------------------------------------

LONG_TEXT = "We should " + "really " * 30 + "ship the accessibility fixes before the launch."

# The rating's distribution segments are as wide as their share of the ratings written beside them.
SEGMENTS_MATCH_TEXT = """() => [...document.querySelectorAll(".rating-row")].every((row) => {
  const count = parseInt(row.querySelector(".rating-average").textContent.split("·")[1], 10);
  const segs = [...row.querySelectorAll(".rating-seg")];
  const share = (s) => (Number(s.dataset.count) / count) * 100;
  return segs.every((s) => Math.abs(parseFloat(s.style.width) - share(s)) < 0.5)
    && segs.every((s) => row.querySelector(`.rating-dist-item[data-value="${s.dataset.value}"]`).textContent
      === `${s.dataset.value}: ${s.dataset.count}`); })"""


def _login(page: Any, live_server: Any) -> None:
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "olga")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    expect(page).not_to_have_url(re.compile(r"/admin/login/"))


def test_new_types_and_reactions(
    _serial_live_server: None, live_server: Any, browser: Any, event: dict[str, Any]
) -> None:
    """Open text, rating and ranking answered from phones (the ranking once by keyboard with the up/down
    buttons, once by dragging), the presenter's results and the organizer's Hide; a burst of reactions
    floats on the big screen, or shows as counters with reduced motion; axe-clean at each stage."""
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT)
    session: Session = event["session"]
    for key in ("poll", "poker", "quiz", "cloud"):  # this event holds only the new types
        event[key].delete()
    text = activity_services.activity_create(
        session=session, type="open_text", config={"prompt": "What should we fix first?", "max_length": 400}
    )
    rating = activity_services.activity_create(
        session=session,
        type="rating",
        config={
            "question": "How was the quarter?",
            "statements": [{"id": "pace", "label": "Pace"}, {"id": "focus", "label": "Focus"}],
            "scale_min": 1,
            "scale_max": 5,
            "min_label": "Poor",
            "max_label": "Great",
        },
    )
    ranking = activity_services.activity_create(
        session=session,
        type="ranking",
        config={
            "question": "Order the projects",
            "items": [
                {"id": "a", "label": "Alpha"},
                {"id": "b", "label": "Beta"},
                {"id": "c", "label": "Gamma"},
            ],
        },
    )
    dialogs: list[str] = []
    a11y: list[str] = []
    pages: list[Any] = []

    def new_page(viewport: dict[str, int]) -> Any:
        page = browser.new_context(viewport=viewport).new_page()
        page.set_default_timeout(TIMEOUT)

        def on_dialog(dialog: Any) -> None:
            dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        pages.append(page)
        return page

    def axe(stage: str, **shown: Any) -> None:
        for who, page in shown.items():
            page.mouse.move(0, 0)
            for scheme in ("light", "dark"):
                page.emulate_media(color_scheme=scheme)
                page.wait_for_function(
                    "() => document.getAnimations().every((a) => a.playState !== 'running')"
                )
                a11y.extend(axe_violations(page, f"{stage}/{who}/{scheme}"))
            page.emulate_media(color_scheme="light")

    screen = new_page({"width": 1600, "height": 900})
    _login(screen, live_server)
    screen.goto(f"{live_server.url}/present/{session.pk}?poll=0.5")
    expect(screen.locator("#btn-next")).to_be_visible()
    join_url = f"{live_server.url}/join/{session.join_code}?poll=0.5"
    phones: dict[str, Any] = {}
    for nickname in ("Ana", "Ben", XSS_NICK):
        phone = new_page({"width": 320 if nickname == XSS_NICK else 390, "height": 760})
        phone.goto(join_url)
        phone.fill("#nickname", nickname)
        phone.get_by_role("button", name="Join").click()
        expect(phone.locator("#lobby")).to_contain_text("You're in!")
        # No reactions before the session is live.
        expect(phone.locator("#reaction-bar")).to_be_hidden()
        phones[nickname] = phone
    ana, ben, xss = phones["Ana"], phones["Ben"], phones[XSS_NICK]

    # --- open text ----------------------------------------------------------------------------
    screen.keyboard.press("ArrowRight")
    expect(screen.locator("#question")).to_have_text("What should we fix first?")
    for phone, answer in ((ana, "Faster builds"), (ben, LONG_TEXT), (xss, XSS_WORD)):
        expect(phone.locator("#open-text")).to_be_visible()
        # The reaction bar is there on every view while the session is live.
        expect(phone.get_by_role("button", name="Applause")).to_be_visible()
        phone.fill("#open-text", answer)
        expect(phone.locator("#text-count")).to_have_text(f"{len(answer)} / 400 characters")
        phone.get_by_role("button", name="Send answer").click()
        expect(phone.locator("#my-answer")).to_have_text(f"Your answer: {answer}")
        expect(phone.get_by_role("button", name="Update answer")).to_be_visible()
        assert phone.evaluate(SMALL_TARGETS) == []
    ana.fill("#open-text", "Faster builds, please")
    ana.get_by_role("button", name="Update answer").click()
    expect(ana.locator("#feedback")).to_have_text("Answer updated.")
    wall = screen.locator(".text-wall .text-card")
    expect(wall).to_have_count(3)
    expect(wall.first).to_contain_text("Faster builds, please")  # newest first
    expect(screen.locator(".text-wall")).to_contain_text(XSS_WORD)
    # A long answer is wrapped, not cut: its whole text is on screen.
    long_card = screen.locator(".text-card", has_text="ship the accessibility fixes")
    expect(long_card.locator(".text-card-text")).to_have_text(LONG_TEXT)
    assert long_card.evaluate("el => el.scrollHeight <= el.clientHeight + 1")
    axe("open-text", screen=screen, phone=ben)
    # The organizer hides one answer: gone from the big screen and the phones.
    screen.locator(".text-card", has_text=XSS_WORD).get_by_role("button", name="Hide").click()
    expect(wall).to_have_count(2)
    expect(screen.locator("#control-message")).to_have_text("Answer hidden.")
    expect(ana.locator(".text-wall")).not_to_contain_text(XSS_WORD)

    # --- rating -------------------------------------------------------------------------------
    screen.keyboard.press("ArrowRight")
    expect(screen.locator("#question")).to_have_text("How was the quarter?")
    for phone, (pace, focus) in ((ana, (5, 4)), (ben, (4, 4)), (xss, (2, None))):
        stmt = phone.locator('.rating-statement[data-statement-id="pace"]')
        expect(stmt.locator(".rating-ends")).to_contain_text("1: Poor")
        if phone is ana:  # by keyboard
            tab_to(phone, '.rating-statement[data-statement-id="pace"] .rating-value[data-value="5"]')
            phone.keyboard.press("Enter")
        else:
            stmt.get_by_role("button", name=re.compile(rf"^{pace} of 5")).click()
        expect(stmt.locator(f'.rating-value[data-value="{pace}"]')).to_have_attribute("aria-pressed", "true")
        if focus:
            phone.locator(
                f'.rating-statement[data-statement-id="focus"] .rating-value[data-value="{focus}"]'
            ).click()
        assert phone.evaluate(SMALL_TARGETS) == []
        phone.get_by_role("button", name="Send ratings").click()
        expect(phone.locator("#my-answer")).to_contain_text(f"Pace {pace}")
    pace_row = screen.locator('.rating-row[data-statement-id="pace"]')
    expect(pace_row.locator(".rating-average")).to_have_text("3.67 avg · 3 ratings")
    expect(screen.locator('.rating-row[data-statement-id="focus"] .rating-average')).to_have_text(
        "4 avg · 2 ratings"
    )
    expect(pace_row.locator('.rating-dist-item[data-value="5"]')).to_have_text("5: 1")
    assert screen.evaluate(SEGMENTS_MATCH_TEXT)
    axe("rating", screen=screen, phone=ana)

    # --- ranking: by keyboard (up/down buttons) and by drag -------------------------------------
    screen.keyboard.press("ArrowRight")
    expect(screen.locator("#question")).to_have_text("Order the projects")
    expect(ana.locator(".rank-item")).to_have_count(3)
    assert ana.evaluate(SMALL_TARGETS) == []
    # Ana: Gamma up twice by keyboard (the focus follows the moved item) → Gamma, Alpha, Beta.
    tab_to(ana, '[aria-label="Move Gamma up"]')
    ana.keyboard.press("Enter")
    expect(ana.get_by_role("button", name="Move Gamma up")).to_be_focused()
    ana.keyboard.press("Enter")
    expect(ana.locator(".rank-item .rank-label")).to_have_text(["Gamma", "Alpha", "Beta"])
    expect(ana.locator("#rank-status")).to_have_text("Gamma: now 1 of 3.")
    tab_to(ana, "#answer-form button[type=submit]")
    ana.keyboard.press("Enter")
    expect(ana.locator("#my-answer")).to_have_text("Your ranking: 1. Gamma, 2. Alpha, 3. Beta")
    # Ben drags Beta to the top → Beta, Alpha, Gamma.
    beta = ben.locator('.rank-item[data-item-id="b"] .rank-label').bounding_box()
    alpha = ben.locator('.rank-item[data-item-id="a"]').bounding_box()
    assert beta and alpha
    ben.mouse.move(beta["x"] + 5, beta["y"] + beta["height"] / 2)
    ben.mouse.down()
    for step in range(1, 11):
        ben.mouse.move(beta["x"] + 5, beta["y"] - (beta["y"] - alpha["y"] + 10) * step / 10)
    ben.mouse.up()
    expect(ben.locator(".rank-item .rank-label")).to_have_text(["Beta", "Alpha", "Gamma"])
    ben.get_by_role("button", name="Send ranking").click()
    expect(ben.locator("#my-answer")).to_have_text("Your ranking: 1. Beta, 2. Alpha, 3. Gamma")
    rows = screen.locator(".ranking-row")
    expect(screen.locator("#response-count")).to_have_text("2 responses")
    # Borda: Alpha 1+1, Gamma 2+0, Beta 0+2 → ties by average rank, then label.
    expect(rows.locator(".bar-text")).to_have_text(
        [re.compile("Alpha"), re.compile("Beta"), re.compile("Gamma")]
    )
    expect(screen.locator('.ranking-row[data-item-id="a"] .bar-value')).to_have_text("2 pts · avg rank 2")
    assert screen.evaluate(BARS_MATCH_TEXT)
    axe("ranking", screen=screen, phone=ben)

    # --- a burst of reactions ---------------------------------------------------------------------
    for phone, name in ((ana, "Applause"), (ben, "Applause"), (xss, "Love")):
        phone.get_by_role("button", name=name).click()
    floats = screen.locator(".reaction-float")
    expect(floats.first).to_be_visible()
    # Past 2 a second a phone is told to wait: the bar pauses, then comes back.
    statuses: list[int] = []
    ana.on("response", lambda r: statuses.append(r.status) if r.url.endswith("/reactions") else None)
    for _ in range(4):
        ana.get_by_role("button", name="Like").click(force=True)
    expect(ana.get_by_role("button", name="Like")).to_be_enabled()
    # With reduced motion nothing floats: a counter per kind instead.
    screen.emulate_media(reduced_motion="reduce")
    expect(floats.first).to_be_hidden()
    expect(screen.locator('.reaction-count[data-kind="clap"] .reaction-number')).to_have_text(
        re.compile(r"^[1-9]")
    )
    expect(screen.locator('.reaction-count[data-kind="love"] .reaction-number')).to_have_text("1")
    axe("reactions", screen=screen)
    screen.emulate_media(reduced_motion="no-preference")
    assert 202 in statuses

    # --- the end summary shows the three types -----------------------------------------------------
    complete = screen.locator("#btn-complete")
    complete.click()
    complete.click()
    summary = screen.locator("#summary")
    expect(summary.locator(".summary-item")).to_have_count(3)
    expect(summary.locator('.summary-item[data-type="open_text"] .text-card')).to_have_count(2)
    expect(summary.locator('.summary-item[data-type="rating"] .rating-row')).to_have_count(2)
    expect(summary.locator('.summary-item[data-type="ranking"] .ranking-row')).to_have_count(3)
    for phone in phones.values():
        expect(phone.locator("#reaction-bar")).to_be_hidden()
    axe("new-types-summary", screen=screen)

    assert dialogs == []
    assert not a11y, "axe-core WCAG 2.1 AA violations:\n" + "\n".join(a11y)
    for page in pages:
        page.context.close()
    assert Response.objects.filter(activity=ranking).count() == 2
    assert Response.objects.filter(activity=rating).count() == 3
    assert Response.objects.filter(activity=text, hidden=True).count() == 1


def test_rehearsal(_serial_live_server: None, live_server: Any, browser: Any, event: dict[str, Any]) -> None:
    """Rehearse from the big screen: a banner on the presenter and the phone; ending the rehearsal
    (confirmed) wipes its answers and brings both back to the start of a draft, same join code."""
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT)
    session: Session = event["session"]
    screen = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    screen.set_default_timeout(TIMEOUT)
    _login(screen, live_server)
    screen.goto(f"{live_server.url}/present/{session.pk}?poll=0.5")
    banner = screen.locator("#rehearsal-banner")
    expect(screen.locator("#btn-rehearse")).to_be_visible()
    expect(banner).to_be_hidden()
    phone = browser.new_context(viewport={"width": 390, "height": 760}).new_page()
    phone.set_default_timeout(TIMEOUT)
    phone.goto(f"{live_server.url}/join/{session.join_code}?poll=0.5")
    phone.fill("#nickname", "Ana")
    phone.get_by_role("button", name="Join").click()
    expect(phone.locator("#lobby")).to_be_visible()

    screen.get_by_role("button", name="Rehearse").click()
    expect(banner).to_have_text("Rehearsal — answers will be deleted")
    expect(banner).to_have_attribute("role", "status")
    expect(screen.locator("#btn-end-rehearsal")).to_be_visible()
    expect(screen.locator("#btn-rehearse")).to_be_hidden()
    phone_banner = phone.locator("#rehearsal-banner")
    expect(phone_banner).to_have_text("Rehearsal — answers will be deleted")
    screen.keyboard.press("ArrowRight")
    phone.get_by_label("Tacos").check()
    phone.get_by_role("button", name="Send answer").click()
    expect(phone.locator("#my-answer")).to_have_text("Your answer: Tacos")
    # The banner covers nothing: it sits above the session's content, in the flow.
    box = phone_banner.bounding_box()
    question = phone.locator("#question").bounding_box()
    assert box and question and box["y"] + box["height"] <= question["y"]
    assert_axe_clean(screen, "rehearsal-screen")
    assert_axe_clean(phone, "rehearsal-phone")

    end = screen.locator("#btn-end-rehearsal")
    end.click()
    expect(end).to_have_text("Press again to end the rehearsal")
    end.click()
    expect(screen.locator(".big-message")).to_have_text("Join now: we start soon")
    expect(banner).to_be_hidden()
    expect(screen.locator("#btn-rehearse")).to_be_visible()
    expect(screen.locator("#participant-count")).to_have_text("0")
    expect(screen.locator("#join-code")).to_have_text(session.join_code)
    expect(phone_banner).to_be_hidden()
    expect(phone.locator("#join-note")).to_contain_text("The rehearsal is over")
    expect(phone.locator("#nickname")).to_be_visible()
    session.refresh_from_db()
    assert session.status == "draft" and not session.rehearsal
    assert not Response.objects.filter(activity__session=session).exists()
    screen.context.close()
    phone.context.close()


def test_next_on_a_screen_a_poll_behind_a_start_elsewhere(
    _serial_live_server: None, live_server: Any, browser: Any, event: dict[str, Any]
) -> None:
    """The session was started from another tab (or the admin) and this big screen has not polled
    since: Next still moves to the first activity instead of failing on "already active", and the
    poll that Next's start sent meanwhile (it answers the lobby) does not cover the activity again."""
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT)
    session: Session = event["session"]
    screen = browser.new_context(viewport={"width": 1280, "height": 720}).new_page()
    screen.set_default_timeout(TIMEOUT)
    _login(screen, live_server)
    screen.goto(f"{live_server.url}/present/{session.pk}?poll=600")  # no poll during the test
    expect(screen.locator("#btn-next")).to_be_visible()
    # The page has its scripts and its first state (a draft) before the session starts elsewhere.
    screen.wait_for_load_state("networkidle")
    session_services.session_start(session=session)

    screen.keyboard.press("ArrowRight")

    expect(screen.locator("#question")).to_have_text("Where should we go for lunch?")
    expect(screen.locator("#control-message")).to_have_text("")
    session.refresh_from_db()
    assert session.status == "active"
    assert session.activities.get(status="active").pk == event["poll"].pk
