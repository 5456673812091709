"""The presenter page by role, in real browsers (issue 23): a moderator moderates the Q&A from the
moderation page while the owner presents, and a presenter drives the event without any configuration.
Each signs in with their own admin session cookie; the control bar shows what the role may do
(live/pages.py, sessions_app.roles) and the server refuses the rest.

Debian's Chromium through Playwright against pytest-django's ``live_server``, like test_browser_qna.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from activities import services as activity_services
from activities.types.qna.services import question_post
from core.testing import assert_axe_clean
from participants.services import participant_join
from sessions_app import members
from sessions_app import services as session_services
from sessions_app.models import AuditEntry, Session

from .test_browser_event import SMALL_TARGETS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIMEOUT = 10_000
QUESTION = "Will the new office have bike parking?"
# A request from the page as its signed-in user (the session cookie and the page's CSRF token), as
# the page's own scripts send it: status and error code.
FETCH = """async ([method, path, body]) => {
  const cfg = JSON.parse(document.getElementById("caja-config").textContent);
  const res = await fetch(path, { method, headers: { "Content-Type": "application/json",
    "X-CSRFToken": cfg.csrf_token }, body: body ? JSON.stringify(body) : undefined });
  const data = await res.json().catch(() => null);
  return [res.status, data?.error?.code ?? null];
}"""
# Links to the admin (the configuration) anywhere on the page.
ADMIN_LINKS = """() => [...document.querySelectorAll("a[href]")].map((a) => a.getAttribute("href"))
  .filter((href) => href.includes("/admin"))"""


@pytest.fixture
def team(django_user_model: Any) -> dict[str, Any]:
    def organizer(username: str) -> Any:
        return django_user_model.objects.create_user(
            username=username, password=f"pw-{username}-1", is_staff=True
        )

    olga, mona, pete = organizer("olga"), organizer("mona"), organizer("pete")
    session = session_services.session_create(owner=olga, name="Town hall")
    members.member_add(session=session, username="mona", role="moderator", actor=olga)
    members.member_add(session=session, username="pete", role="presenter", actor=olga)
    poll = activity_services.activity_create(
        session=session,
        type="poll",
        config={
            "question": "Where should we go for lunch?",
            "options": [{"id": "tacos", "label": "Tacos"}, {"id": "sushi", "label": "Sushi"}],
        },
        actor=olga,
    )
    poker = activity_services.activity_create(
        session=session,
        type="poker",
        config={"story": "Login page redesign", "deck": "fibonacci"},
        actor=olga,
    )
    qna = activity_services.activity_create(
        session=session,
        type="qna",
        config={"prompt": "Ask the leadership team", "moderation": True},
        actor=olga,
    )
    activity_services.activity_set_status(activity=qna, status="published", actor=olga)
    return {"olga": olga, "mona": mona, "pete": pete, "session": session, "poll": poll, "poker": poker}


def _signed_in(browser: Any, live_server: Any, user: Any, dialogs: list[str]) -> Any:
    """A browser context signed in as ``user`` (the admin's session cookie) and its first page."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return page


def test_a_moderator_moderates_while_the_owner_presents(
    _serial_live_server: None, live_server: Any, browser: Any, team: dict[str, Any]
) -> None:
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT)
    session: Session = team["session"]
    dialogs: list[str] = []
    present = f"{live_server.url}/present/{session.pk}?poll=0.5"

    # The owner presents: the poll is live, the Q&A open beside it.
    screen = _signed_in(browser, live_server, team["olga"], dialogs)
    screen.goto(present)
    expect(screen.locator("#btn-start")).to_be_visible()  # the page's script has the state
    screen.keyboard.press("ArrowRight")  # starts the session and the poll
    expect(screen.locator("#question")).to_have_text("Where should we go for lunch?")
    side = screen.locator("#qna-side")
    expect(side).to_contain_text("Questions (0)")
    ana = participant_join(session=session, nickname="Ana")[0]
    question_post(participant=ana, activity=session.activities.get(type="qna"), text=QUESTION)

    # The moderator's big-screen page: the control bar is the way to moderation, and nothing else.
    mod_screen = _signed_in(browser, live_server, team["mona"], dialogs)
    mod_screen.goto(present)
    link = mod_screen.locator("#btn-moderate")
    expect(link).to_be_visible()
    expect(link).to_have_text("Questions · 1 waiting")
    bar = mod_screen.locator("#controls")
    expect(bar.locator("button")).to_have_count(0)  # no next, reveal, new round, rehearse or end
    for control in ("#btn-next", "#btn-reveal", "#btn-reset", "#btn-rehearse", "#btn-complete"):
        expect(mod_screen.locator(control)).to_have_count(0)
    assert mod_screen.evaluate(ADMIN_LINKS) == []
    # What the moderator sees: the link on screen, big enough to hit, and the page accessible.
    box = link.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] + box["height"] <= 800, box
    assert mod_screen.evaluate(SMALL_TARGETS) == []
    assert_axe_clean(mod_screen, "moderator-big-screen")
    # The keyboard shortcuts drive nothing either, and the server refuses the lifecycle outright.
    mod_screen.keyboard.press("ArrowRight")
    assert mod_screen.evaluate(FETCH, ["POST", f"/api/v1/sessions/{session.pk}/next", None]) == [
        403,
        "PERMISSION_DENIED",
    ]
    assert mod_screen.evaluate(
        FETCH, ["PATCH", f"/api/v1/sessions/{session.pk}", {"status": "completed"}]
    ) == [403, "PERMISSION_DENIED"]
    expect(screen.locator("#question")).to_have_text("Where should we go for lunch?")

    # The moderation page, from the link: the pending question, approved by the moderator.
    with mod_screen.context.expect_page() as opened:
        link.click()
    mod = opened.value
    mod.set_default_timeout(TIMEOUT)
    mod.goto(f"{live_server.url}/present/{session.pk}/moderate?poll=0.5")
    row = mod.locator("#qna-pending .mod-row", has_text=QUESTION)
    expect(row).to_be_visible()
    row.get_by_role("button", name="Approve").click()
    expect(mod.locator("#qna-shown .mod-row", has_text=QUESTION)).to_be_visible()

    # The owner's big screen shows the approved question beside the poll; the moderator's link quiets.
    expect(side).to_contain_text("Questions (1)")
    expect(side.locator(".qna-row-text")).to_have_text(QUESTION)
    expect(link).to_have_text("Moderate questions")
    assert dialogs == []
    entry = AuditEntry.objects.filter(session=session, action="question.moderate").get()
    assert entry.actor_username == "mona" and entry.details.get("status") == "visible", entry.details
    for page in (screen, mod_screen):
        page.context.close()


def test_a_presenter_drives_next_and_reveal_and_sees_no_configuration(
    _serial_live_server: None, live_server: Any, browser: Any, team: dict[str, Any]
) -> None:
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT)
    session: Session = team["session"]
    dialogs: list[str] = []
    screen = _signed_in(browser, live_server, team["pete"], dialogs)
    screen.goto(f"{live_server.url}/present/{session.pk}?poll=0.5")
    # A draft: the presenter may start it or rehearse it.
    expect(screen.locator("#btn-start")).to_be_visible()
    expect(screen.locator("#btn-rehearse")).to_be_visible()
    expect(screen.locator("#btn-next")).to_be_visible()
    assert screen.evaluate(ADMIN_LINKS) == []  # no configuration on the presenter's page

    screen.locator("#btn-next").click()  # starts the session and the poll
    expect(screen.locator("#question")).to_have_text("Where should we go for lunch?")
    screen.keyboard.press("ArrowRight")
    expect(screen.locator("#question")).to_have_text("Login page redesign")
    for nickname, card in (("Ana", "5"), ("Ben", "8")):
        participant = participant_join(session=session, nickname=nickname)[0]
        activity_services.response_submit(
            participant=participant, activity=team["poker"], response_data={"value": card}
        )
    expect(screen.locator(".card-back")).to_have_count(2)
    reveal = screen.locator("#btn-reveal")
    expect(reveal).to_be_visible()
    reveal.click()
    expect(screen.locator(".stat-average")).to_have_text("6.5")
    expect(screen.locator("#btn-reset")).to_be_visible()
    assert screen.evaluate(ADMIN_LINKS) == []

    # Configuration is refused by the server (the edit right is the owner's and co-organizers').
    sid = session.pk
    for method, path, body in (
        ("PATCH", f"/api/v1/sessions/{sid}", {"name": "Renamed"}),
        ("PATCH", f"/api/v1/sessions/{sid}/activities/{team['poll'].pk}", {"title": "Renamed"}),
        ("POST", f"/api/v1/sessions/{sid}/activities", {"type": "poll", "config": team["poll"].config}),
        ("POST", f"/api/v1/sessions/{sid}/members", {"username": "mona", "role": "co_organizer"}),
    ):
        assert screen.evaluate(FETCH, [method, path, body]) == [403, "PERMISSION_DENIED"], path
    assert Session.objects.get(pk=sid).name == "Town hall"
    assert session.activities.count() == 3
    assert dialogs == []
    # The log names the presenter for what they drove.
    driven = list(
        AuditEntry.objects.filter(session=session, actor_username="pete")
        .order_by("at", "id")
        .values_list("action", flat=True)
    )
    assert driven == [
        "session.status",
        "session.next",
        "activity.status",
        "session.next",
        "activity.status",
        "activity.reveal",
    ]
    screen.context.close()
