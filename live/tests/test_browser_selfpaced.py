"""A self-paced session in real browsers: two phones walk a poll, a timed quiz, a rating and an open
text at their own speed (one reloads mid-way and resumes), the presenter page is a dashboard whose
completion rises, and the session closes by itself at its closing time: both phones show their end
summary. axe-core on every new screen."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.utils import timezone

from activities import services as activity_services
from activities.models import Response
from core.testing import axe_violations
from sessions_app import services as session_services
from sessions_app.models import Session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIMEOUT = 10_000
PASSWORD = "pw-organizer-123"


@pytest.fixture
def walk(django_user_model: Any) -> dict[str, Any]:
    organizer = django_user_model.objects.create_user(username="olga", password=PASSWORD, is_staff=True)
    session = session_services.session_create(owner=organizer, name="Onboarding survey", pace="self")
    specs = [
        (
            "poll",
            {
                "question": "Which office?",
                "options": [{"id": "n", "label": "North"}, {"id": "s", "label": "South"}],
            },
        ),
        (
            "quiz",
            {
                "question": "Capital of France?",
                "options": [{"id": "paris", "label": "Paris"}, {"id": "rome", "label": "Rome"}],
                "correct_option_id": "paris",
                "time_limit_seconds": 60,
                "points": 1000,
            },
        ),
        ("rating", {"question": "How was week one?", "statements": [{"id": "pace", "label": "Pace"}]}),
        ("open_text", {"prompt": "What should we improve?", "max_length": 200}),
    ]
    for order, (kind, config) in enumerate(specs, start=1):
        activity = activity_services.activity_create(
            session=session, type=kind, config=config, order=order, actor=organizer
        )
        activity_services.activity_set_status(activity=activity, status="published")
    session_services.session_start(session=session, actor=organizer)
    return {"organizer": organizer, "session": session}


def test_self_paced_walk(
    _serial_live_server: None, live_server: Any, browser: Any, walk: dict[str, Any]
) -> None:
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT)
    session: Session = walk["session"]
    a11y: list[str] = []

    def new_page(viewport: dict[str, int]) -> Any:
        page = browser.new_context(viewport=viewport, locale="en-US", timezone_id="Europe/Madrid").new_page()
        page.set_default_timeout(TIMEOUT)
        return page

    # --- the presenter page: a dashboard ----------------------------------------------------------
    screen = new_page({"width": 1400, "height": 900})
    screen.goto(f"{live_server.url}/admin/login/")
    screen.fill("#id_username", "olga")
    screen.fill("#id_password", PASSWORD)
    screen.get_by_role("button", name=re.compile("Log in", re.I)).click()
    expect(screen).not_to_have_url(re.compile(r"/admin/login/"))
    screen.goto(f"{live_server.url}/present/{session.pk}?poll=0.5")
    expect(screen.locator("#dashboard")).to_be_visible()
    expect(screen.locator("#dash-started")).to_have_text("0")
    expect(screen.locator("#btn-next")).to_be_hidden()  # no current activity to move to

    join_url = f"{live_server.url}/join/{session.join_code}?poll=0.5"

    def join(nickname: str) -> Any:
        phone = new_page({"width": 390, "height": 800})
        phone.goto(join_url)
        phone.fill("#nickname", nickname)
        phone.get_by_role("button", name="Join").click()
        expect(phone.locator("#sp-step")).to_have_text("1 of 4")
        return phone

    ana = join("Ana")
    bo = join("Bo")
    a11y.extend(axe_violations(ana, "selfpaced/poll"))

    def answer_poll(phone: Any, label: str) -> None:
        phone.locator(".choice", has_text=label).click()
        phone.get_by_role("button", name="Send answer").click()
        expect(phone.locator("#sp-answered")).to_have_text(re.compile(r"^1 of 3 answered|^1 of 4 answered"))

    # Ana runs through everything.
    answer_poll(ana, "North")
    ana.locator("#sp-next").click()
    expect(ana.locator("#sp-step")).to_have_text("2 of 4")
    bar = ana.locator("#sp-bar")
    assert bar.evaluate("(el) => [el.value, el.max]") == [2, 4]
    expect(ana.locator("#countdown")).to_have_text(re.compile(r"^\d+ s left$"))  # her own clock
    ana.locator(".quiz-option", has_text="Paris").click()
    expect(ana.locator("#sp-verdict")).to_have_text("Correct!")
    a11y.extend(axe_violations(ana, "selfpaced/quiz-answered"))
    ana.locator("#sp-back").click()  # back and forth: the poll is still editable
    expect(ana.locator("#sp-step")).to_have_text("1 of 4")
    ana.locator(".choice", has_text="South").click()
    ana.get_by_role("button", name="Change answer").click()
    expect(ana.locator("#feedback")).to_have_text("Answer updated.")
    ana.locator("#sp-next").click()
    ana.locator("#sp-next").click()
    expect(ana.locator("#sp-step")).to_have_text("3 of 4")
    ana.locator('.rating-value[data-value="4"]').click()
    ana.get_by_role("button", name="Send ratings").click()
    expect(ana.locator("#feedback")).to_have_text("Answer sent. Thank you!")
    ana.locator("#sp-next").click()
    expect(ana.locator("#sp-step")).to_have_text("4 of 4")
    ana.fill("#open-text", "More coffee")
    ana.get_by_role("button", name="Send answer").click()
    expect(ana.locator("#feedback")).to_have_text("Answer sent. Thank you!")
    ana.locator("#sp-next").click()  # "Finish"
    expect(ana.locator("#sp-done")).to_be_visible()
    expect(ana.locator("#sp-score")).to_have_text(re.compile(r"^Your quiz score: \d+ points$"))
    expect(ana.locator("#sp-answers li")).to_have_count(4)
    expect(ana.locator("#sp-answers li").nth(0)).to_contain_text("South")  # the answer she changed
    expect(ana.locator("#sp-answers li").nth(1)).to_contain_text("Paris")
    expect(ana.locator("#sp-answers li").nth(2)).to_contain_text("Pace 4")
    expect(ana.locator("#sp-answers li").nth(3)).to_contain_text("More coffee")
    a11y.extend(axe_violations(ana, "selfpaced/finished"))

    # Bo is slower: the poll, on to the quiz, then his phone reloads: he resumes on the quiz.
    answer_poll(bo, "South")
    bo.locator("#sp-next").click()
    expect(bo.locator("#sp-step")).to_have_text("2 of 4")
    expect(bo.locator("#countdown")).to_have_text(re.compile(r"^\d+ s left$"))
    started = (
        Session.objects.get(pk=session.pk).participants.get(nickname="Bo").activity_starts.get().started_at
    )
    bo.reload()
    expect(bo.locator("#sp-step")).to_have_text("2 of 4")
    expect(bo.locator("#countdown")).to_have_text(re.compile(r"^\d+ s left$"))
    # The same start (the first call wins): his clock did not restart with the reload.
    assert (
        Session.objects.get(pk=session.pk).participants.get(nickname="Bo").activity_starts.get().started_at
        == started
    )
    bo.locator(".quiz-option", has_text="Rome").click()
    expect(bo.locator("#sp-verdict")).to_contain_text("Not quite.")
    expect(bo.locator("#sp-verdict bdi")).to_have_text("Paris")

    # The dashboard followed them: two started, one finished.
    expect(screen.locator("#dash-started")).to_have_text("2")
    expect(screen.locator("#dash-finished")).to_have_text("1")
    a11y.extend(axe_violations(screen, "selfpaced/dashboard"))

    # The session closes by itself at its closing time: both phones show their end summary.
    session_services.session_update(session=session, closes_at=timezone.now() + timedelta(seconds=2))
    for phone, nickname in ((ana, "Ana"), (bo, "Bo")):
        expect(phone.locator("#summary")).to_be_visible(timeout=15_000)
        expect(phone.locator("#summary")).to_contain_text(nickname)
        expect(phone.locator("#sp-summary")).to_be_visible()
    expect(bo.locator("#sp-answers li")).to_have_count(4)
    expect(bo.locator("#sp-answers li").nth(2)).to_contain_text("Not answered")
    expect(bo.locator("#sp-score")).to_have_text("Your quiz score: 0 points")
    # Every activity ended with the session: the quiz counts on the final leaderboard.
    expect(ana.locator("#summary")).to_contain_text("You placed #1")
    assert Session.objects.get(pk=session.pk).status == "completed"
    assert Response.objects.filter(activity__session=session).count() == 6
    a11y.extend(axe_violations(bo, "selfpaced/ended"))
    expect(screen.locator("#summary")).to_be_visible()  # the presenter's end summary and podium
    assert not a11y, "\n".join(a11y)


def test_self_paced_lobby_shows_the_opening_time_in_the_readers_zone_then_opens_by_itself(
    _serial_live_server: None, live_server: Any, browser: Any, walk: dict[str, Any], django_user_model: Any
) -> None:
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT)
    session = session_services.session_create(
        owner=walk["organizer"],
        name="Follow-up survey",
        pace="self",
        opens_at=datetime(2031, 1, 15, 14, 30, tzinfo=UTC),
    )
    poll = activity_services.activity_create(
        session=session,
        type="poll",
        config={"question": "Useful?", "options": [{"id": "y", "label": "Yes"}, {"id": "n", "label": "No"}]},
    )
    activity_services.activity_set_status(activity=poll, status="published")
    # A reader in New York: 14:30 UTC is 9:30 there (EST in January), named so.
    phone = browser.new_context(
        viewport={"width": 390, "height": 800}, locale="en-US", timezone_id="America/New_York"
    ).new_page()
    phone.goto(f"{live_server.url}/join/{session.join_code}?poll=0.5")
    phone.fill("#nickname", "Cy")
    phone.get_by_role("button", name="Join").click()
    expect(phone.locator("#sp-opens")).to_have_text("Opens on Wednesday, January 15, 2031 at 9:30 AM EST.")
    violations = axe_violations(phone, "selfpaced/lobby")
    # It opens by itself at its time: no organizer command, the phone's next poll sees it.
    session_services.session_update(session=session, opens_at=timezone.now() + timedelta(seconds=1))
    expect(phone.locator("#sp-step")).to_have_text("1 of 1")
    assert Session.objects.get(pk=session.pk).status == "active"
    assert not violations, "\n".join(violations)
