"""A fair quiz start (issue 26 item 1), as the room sees it in Debian's Chromium through Playwright: the
big screen and the phones count "Get ready… 3, 2, 1" while the question and its options are already
shown, and every phone opens its buttons at opens_at on the server's clock, whatever its own clock
says (one phone runs 45 s fast, one 20 s slow).
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from activities import services as activity_services
from activities.models import Activity
from core.testing import assert_axe_clean
from participants.services import participant_join
from sessions_app import services as session_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIMEOUT = 10_000

# Runs before the page's scripts: the phone's clock off by SKEW ms (Date.now only: what the page reads),
# and the true moment (performance's clock, untouched) at which the first answer button is enabled, and
# whether it was ever seen disabled with the question on screen.
WATCH = """(() => {
  const skew = %d; const real = Date.now.bind(Date); Date.now = () => real() + skew;
  window.__opened = null; window.__waited = false;
  new MutationObserver(() => {
    const b = document.querySelector(".quiz-option");
    if (!b || window.__opened !== null) return;
    if (b.disabled) window.__waited = true;
    else window.__opened = performance.timeOrigin + performance.now();
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ["disabled"] });
})();"""

FONT_SIZE = "(el) => parseFloat(getComputedStyle(el).fontSize)"


@pytest.fixture
def organizer(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user(username="quinn", password="pw-quinn-123", is_staff=True)


def _phone(browser: Any, live_server: Any, session: Any, nickname: str, skew_ms: int) -> Any:
    participant, token = participant_join(session=session, nickname=nickname)
    ctx = browser.new_context(viewport={"width": 390, "height": 844})
    stored = json.dumps({"token": token, "participant_id": str(participant.pk), "nickname": nickname})
    ctx.add_init_script(f"localStorage.setItem({f'caja.participant.{session.pk}'!r}, {stored!r});")
    ctx.add_init_script(WATCH % skew_ms)
    page = ctx.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{live_server.url}/join/{session.join_code}?poll=0.5")
    return page


def test_get_ready_countdown_and_every_phone_opens_together(
    _serial_live_server: None, live_server: Any, browser: Any, organizer: Any
) -> None:
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
            "time_limit_seconds": 20,
            "lead_in_seconds": 3,
        },
    )
    session_services.session_start(session=session)
    fast = _phone(browser, live_server, session, "Fast clock", 45_000)
    slow = _phone(browser, live_server, session, "Slow clock", -20_000)

    client = Client()
    client.force_login(organizer)
    ctx = browser.new_context(viewport={"width": 1280, "height": 720}, color_scheme="dark")
    ctx.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    screen = ctx.new_page()
    screen.set_default_timeout(TIMEOUT)
    screen.goto(f"{live_server.url}/present/{session.pk}?poll=0.5")
    expect(screen.locator(".big-message")).to_have_text("Join now")  # drawn: the controls are wired
    screen.locator("#btn-next").click()

    # The big screen: the question and its options at once, "Get ready… N" large, then the time left.
    countdown = screen.locator("#countdown")
    expect(countdown).to_have_text(re.compile(r"^Get ready… [123]$"))
    expect(screen.locator(".quiz-list-item")).to_have_count(2)
    # (The stage is redrawn on every poll: read the size of the countdown on screen now, not a stale one.)
    screen.wait_for_function(f"() => ({FONT_SIZE})(document.getElementById('countdown')) >= 16")
    assert_axe_clean(screen, "quiz-get-ready")
    # The phones: the question and the options, the buttons closed, the same countdown.
    for phone in (fast, slow):
        expect(phone.locator("#question")).to_have_text("Capital of France?")
        expect(phone.locator("#countdown")).to_have_text(re.compile(r"^Get ready… [123]$"))
        expect(phone.locator(".quiz-option").first).to_be_disabled()
    assert_axe_clean(fast, "phone-get-ready")

    expect(countdown).to_have_text(re.compile(r"^(20|1\d)$"), timeout=6_000)
    for phone in (fast, slow):
        expect(phone.locator(".quiz-option").first).to_be_enabled()
        expect(phone.locator("#countdown")).to_have_text(re.compile(r"^\d+ s left$"))
    opens_at = Activity.objects.get(pk=quiz.pk).activated_at.timestamp() * 1000 + 3000
    watch = "() => [window.__waited, window.__opened]"
    opened = {"fast": fast.evaluate(watch), "slow": slow.evaluate(watch)}
    # Each waited with the question on screen, and opened within a few tenths of a second of opens_at,
    # on the server's clock: 45 s fast or 20 s slow makes no difference.
    for name, (waited, at) in opened.items():
        assert waited, name
        assert at is not None and abs(at - opens_at) <= 300, (name, at - opens_at if at else None)
    fast.locator(".quiz-option", has_text="Paris").click()
    expect(fast.locator("#my-answer")).to_have_text("Your answer: Paris")
    assert Activity.objects.get(pk=quiz.pk).responses.get().score >= 900
    for page in (fast, slow, screen):
        page.context.close()
