"""Teams (issue 26 items 3 and 4), as the room sees it in Debian's Chromium through Playwright: three
phones in two teams play three quiz questions. One phone joins through the form (the teams as large
coloured buttons); each shows its team's name and colour. After each question the big screen shows the
countdown, the top five and the team race (a bar per team, average per member), and the phones their
points, place and streak; the end summary shows the team podium. axe-core on each new screen.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client

from activities import services as activity_services
from core.testing import assert_axe_clean
from participants.models import Participant
from participants.services import participant_join, participant_move
from sessions_app import services as session_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIMEOUT = 10_000
TEAMS = [
    {"id": "red", "name": "Red Foxes", "color": "#d62828"},
    {"id": "blue", "name": "Blue Owls", "color": "#1d4ed8"},
]
QUESTIONS = [
    ("2 + 2?", "4", "5"),
    ("Capital of Italy?", "Rome", "Milan"),
    ("Largest ocean?", "Pacific", "Arctic"),
]
BAR_WIDTH = "(el) => el.getBoundingClientRect().width"


@pytest.fixture
def organizer(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user(username="quinn", password="pw-quinn-123", is_staff=True)


def _phone(browser: Any, live_server: Any, session: Any, stored: dict[str, Any] | None = None) -> Any:
    ctx = browser.new_context(viewport={"width": 390, "height": 844})
    if stored is not None:
        ctx.add_init_script(
            f"localStorage.setItem({f'caja.participant.{session.pk}'!r}, {json.dumps(stored)!r});"
        )
    page = ctx.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{live_server.url}/join/{session.join_code}?poll=0.5")
    return page


def test_three_phones_two_teams_three_questions(
    _serial_live_server: None, live_server: Any, browser: Any, organizer: Any
) -> None:
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT)
    session = session_services.session_create(owner=organizer, name="Quiz night", teams=TEAMS)
    for n, (question, right, wrong) in enumerate(QUESTIONS):
        activity_services.activity_create(
            session=session,
            type="quiz",
            title=question,
            config={
                "question": question,
                "options": [{"id": "a", "label": right}, {"id": "b", "label": wrong}],
                "correct_option_id": "a",
                "time_limit_seconds": 30,
                "lead_in_seconds": 1,
                # The second is worth more: Bo's ~1,490 beats Cy's ~990 whatever their speeds.
                "points": 1500 if n == 1 else 1000,
            },
        )
    session_services.session_start(session=session)

    # Ann joins through the form: two big buttons in the teams' colours; no team → a clear error.
    ann = _phone(browser, live_server, session)
    choices = ann.locator(".team-choice")
    expect(choices).to_have_count(2)
    expect(choices.first).to_have_text("Red Foxes")
    assert choices.first.evaluate("(el) => getComputedStyle(el).backgroundColor") == "rgb(214, 40, 40)"
    assert choices.first.bounding_box()["height"] >= 48  # a large target
    ann.locator("#nickname").fill("Ann")
    ann.locator("#join-form button[type=submit]").click()
    expect(ann.locator("#join-error")).to_have_text("Please choose a team.")
    assert_axe_clean(ann, "join-teams")
    choices.nth(1).click()
    expect(choices.nth(1)).to_have_attribute("aria-pressed", "true")
    ann.locator("#join-form button[type=submit]").click()
    expect(ann.locator("#who-team")).to_have_text("Blue Owls")
    assert Participant.objects.get(nickname="Ann").team_id == "blue"
    # Bo and Cy (red) come back with a token.
    phones = {"Ann": ann}
    for nickname in ("Bo", "Cy"):
        p, token = participant_join(session=session, nickname=nickname, team_id="red")
        stored = {"token": token, "participant_id": str(p.pk), "nickname": nickname}
        phones[nickname] = _phone(browser, live_server, session, stored)
    expect(phones["Bo"].locator("#who-team")).to_have_text("Red Foxes")
    assert phones["Bo"].evaluate("() => getComputedStyle(document.body).borderTopColor") == "rgb(214, 40, 40)"

    client = Client()
    client.force_login(organizer)
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    ctx.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    screen = ctx.new_page()
    screen.set_default_timeout(TIMEOUT)
    screen.goto(f"{live_server.url}/present/{session.pk}?poll=0.5")
    expect(screen.locator(".big-message")).to_have_text("Join now")  # drawn: the controls are wired

    # Ann answers every question right, Bo the second only, Cy the first only: Bo climbs past Cy on the
    # second question (the top five shows the move). After the first the organizer moves Cy to blue,
    # which keeps the lead on the average (Ann and Cy) over red (Bo alone).
    answers = {"Ann": [True, True, True], "Bo": [False, True, False], "Cy": [True, False, False]}
    for n, (question, right, wrong) in enumerate(QUESTIONS):
        screen.locator("#btn-next").click()
        if n == 0:
            expect(screen.locator("#countdown")).to_have_text(re.compile(r"^Get ready… 1$"))
        for name, phone in phones.items():
            expect(phone.locator("#question")).to_have_text(question)
            option = phone.locator(".quiz-option", has_text=right if answers[name][n] else wrong)
            expect(option).to_be_enabled()
            option.click()
            expect(phone.locator("#my-answer")).to_contain_text("Your answer:")
        screen.locator("#btn-reveal").click()
        race = screen.locator(".team-race")
        expect(race.locator(".team-row")).to_have_count(2)
        expect(race.locator(".team-row").first).to_have_attribute("data-team-id", "blue")
        expect(screen.locator(".podium .podium-row")).to_have_count(3)  # the top five of three
        # The bars measure the average per member: the leader's is the longest.
        widths = [b.evaluate(BAR_WIDTH) for b in race.locator(".team-bar-fill").all()]
        assert widths[0] > widths[1] > 0, widths
        standing = phones["Ann"].locator("#standing")
        expect(standing).to_be_visible()
        expect(standing.locator(".standing-rank strong")).to_have_text("#1")
        expect(standing.locator(".standing-streak strong")).to_have_text(f"{n + 1} correct in a row")
        if n == 0:
            assert_axe_clean(screen, "team-race")
            assert_axe_clean(phones["Ann"], "phone-standing")
            cy = Participant.objects.get(nickname="Cy")
            participant_move(participant=cy, team_id="blue", actor=organizer)
        if n == 1:  # the moved phone shows its new team by the next question; Bo rose one place
            expect(phones["Cy"].locator("#who-team")).to_have_text("Blue Owls")
            expect(screen.locator(".podium-row.moved-up")).to_contain_text("Bo")
            expect(screen.locator(".podium-row.moved-up .move")).to_have_attribute("aria-label", "up 1 place")
            expect(screen.locator(".podium-row.moved-down")).to_contain_text("Cy")
    expect(phones["Cy"].locator("#standing .standing-points strong")).to_have_text("+0")
    expect(phones["Bo"].locator("#standing .standing-streak strong")).to_have_text("0 correct in a row")

    screen.locator("#btn-complete").click()
    screen.locator("#btn-complete").click()
    podium = screen.locator("#summary .team-race")
    expect(podium.locator(".team-row")).to_have_count(2)
    expect(podium.locator(".team-row").first).to_contain_text("Blue Owls")
    expect(podium.locator(".team-row").first).to_contain_text("2 members")
    assert_axe_clean(screen, "team-podium")
    for page in (*phones.values(), screen):
        page.context.close()
