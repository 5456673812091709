"""The moderation page beyond the Q&A, in real browsers (issue 23, issue 28 item 3): a ``moderator`` hides
an open-text answer and a word-cloud word from the moderation page while the owner presents, shows the
answer again, and removes (kicks) a participant, whose phone says so. Every call the page makes is the
moderation right's (sessions_app.roles), and the audit log names the moderator.

Debian's Chromium through Playwright against pytest-django's ``live_server``, like test_browser_roles.py.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from activities import services as activity_services
from core.testing import assert_axe_clean
from participants.services import participant_join
from sessions_app import members
from sessions_app import services as session_services
from sessions_app.models import AuditEntry, Session

from .test_browser_event import SMALL_TARGETS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIMEOUT = 10_000
RUDE = "Fire the whole marketing team"
KIND = "More pairing sessions across teams"
# A request from the page as its signed-in user (the session cookie and the page's CSRF token): status.
FETCH = """async ([method, path, body]) => {
  const cfg = JSON.parse(document.getElementById("caja-config").textContent);
  const res = await fetch(path, { method, headers: { "Content-Type": "application/json",
    "X-CSRFToken": cfg.csrf_token }, body: body ? JSON.stringify(body) : undefined });
  return res.status;
}"""
# The focused element: its row (answer, word or participant) and its action.
FOCUS = """() => { const el = document.activeElement; const row = el.closest(".mod-row");
  return [el.tagName, el.dataset.action ?? null, row?.dataset.answerId ?? row?.dataset.word
    ?? row?.dataset.participantId ?? null]; }"""


@pytest.fixture
def team(django_user_model: Any) -> dict[str, Any]:
    def organizer(username: str) -> Any:
        return django_user_model.objects.create_user(
            username=username, password=f"pw-{username}-1", is_staff=True
        )

    olga, mona = organizer("olga"), organizer("mona")
    session = session_services.session_create(owner=olga, name="Town hall")
    members.member_add(session=session, username="mona", role="moderator", actor=olga)
    wish = activity_services.activity_create(
        session=session,
        type="open_text",
        config={"prompt": "One thing we should start doing?", "max_length": 280},
        actor=olga,
    )
    cloud = activity_services.activity_create(
        session=session,
        type="wordcloud",
        config={"prompt": "Our culture in a word", "max_words": 3, "max_length": 25},
        actor=olga,
    )
    session_services.session_start(session=session, actor=olga)
    activity_services.activity_set_status(activity=wish, status="active", actor=olga)
    people = [participant_join(session=session, nickname=n)[0] for n in ("Ana", "Ben")]
    for person, text in zip(people, (RUDE, KIND), strict=True):
        activity_services.response_submit(participant=person, activity=wish, response_data={"text": text})
    return {"olga": olga, "mona": mona, "session": session, "wish": wish, "cloud": cloud, "people": people}


def _signed_in(
    browser: Any, live_server: Any, user: Any, viewport: dict[str, int], locale: str = "en-US"
) -> Any:
    """A browser context signed in as ``user`` (the admin's session cookie) and its first page."""
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport=viewport, locale=locale)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    return page


def test_a_moderator_hides_an_answer_and_a_word_and_removes_a_participant(
    _serial_live_server: None, live_server: Any, browser: Any, team: dict[str, Any]
) -> None:
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT)
    session: Session = team["session"]
    wish, cloud = team["wish"], team["cloud"]
    dialogs: list[str] = []

    # The owner's big screen: the open-text wall with both answers.
    screen = _signed_in(browser, live_server, team["olga"], {"width": 1600, "height": 900})
    screen.goto(f"{live_server.url}/present/{session.pk}?poll=0.5")
    wall = screen.locator(".text-wall .text-card")
    expect(wall).to_have_count(2)
    # A phone that will be removed.
    phone = browser.new_context(viewport={"width": 390, "height": 760}).new_page()
    phone.set_default_timeout(TIMEOUT)
    phone.goto(f"{live_server.url}/join/{session.join_code}?poll=0.5")
    phone.fill("#nickname", "Cy")
    phone.get_by_role("button", name="Join").click()
    expect(phone.locator("#question")).to_have_text("One thing we should start doing?")

    # The moderator's moderation page: the answers, newest first, each with Hide; the participants.
    mod = _signed_in(browser, live_server, team["mona"], {"width": 1280, "height": 800})

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    mod.on("dialog", on_dialog)
    mod.goto(f"{live_server.url}/present/{session.pk}/moderate?poll=0.5")
    panel = mod.locator("#open-text-moderation")
    rows = panel.locator(".mod-row")
    expect(rows).to_have_count(2)
    expect(rows.first.locator("bdi")).to_have_text(KIND)  # the newest first, the answer in a <bdi>
    expect(mod.locator("#moderation-idle")).to_be_hidden()
    people = mod.locator("#participants-list .mod-row")
    expect(people).to_have_count(3)

    # Hide the rude answer with the keyboard: the focus stays on that answer, now "Show again" (not the
    # next card's Hide), the row marked; the big screen drops it.
    rude = rows.filter(has_text=RUDE)
    rude.get_by_role("button", name="Hide").focus()
    mod.keyboard.press("Enter")
    expect(rude.get_by_role("button", name="Show again")).to_be_focused()
    rude_id = rude.get_attribute("data-answer-id")
    assert mod.evaluate(FOCUS) == ["BUTTON", "show", rude_id]
    expect(rude.locator(".badge")).to_have_text("Hidden")
    expect(rude).to_have_attribute("data-hidden", "true")
    expect(wall).to_have_count(1)
    expect(wall.locator("p")).to_have_text(KIND)
    expect(mod.locator("#open-text-mod-message")).to_contain_text(RUDE)
    assert mod.evaluate(SMALL_TARGETS) == []
    assert_axe_clean(mod, "moderation-page-open-text")

    # Shown again, from the same button: back on the big screen.
    mod.keyboard.press("Enter")
    expect(rude.get_by_role("button", name="Hide")).to_be_focused()
    expect(wall).to_have_count(2)
    # And hidden again for good.
    mod.keyboard.press("Enter")
    expect(wall).to_have_count(1)

    # The owner moves on to the word cloud; the moderator's page follows with its words.
    activity_services.activity_set_status(activity=cloud, status="active", actor=team["olga"])
    ana, ben = team["people"]
    activity_services.response_submit(
        participant=ana, activity=cloud, response_data={"words": ["Trust", "Blame"]}
    )
    activity_services.response_submit(
        participant=ben, activity=cloud, response_data={"words": ["trust", "Fun"]}
    )
    words = screen.locator(".cloud .cloud-text")
    expect(words).to_have_count(3)
    cloud_rows = mod.locator("#wordcloud-moderation .mod-row")
    expect(cloud_rows).to_have_count(3)
    expect(cloud_rows.first.locator("bdi")).to_have_text("Trust")
    blame = mod.locator("#wordcloud-moderation .mod-row[data-word='blame']")
    blame.get_by_role("button", name="Hide").click()
    # The focus follows the word into the hidden list, onto its Show again.
    hidden_blame = mod.locator("#wordcloud-moderation [data-list='hidden'] .mod-row[data-word='blame']")
    expect(hidden_blame.get_by_role("button", name="Show again")).to_be_focused()
    expect(words).to_have_count(2)
    expect(words).to_have_text(["Trust", "Fun"])
    # The open-text panel still lists the ended activity, its hidden answer marked.
    expect(panel.locator(".mod-row[data-hidden='true']")).to_have_count(1)
    expect(panel.locator(".mod-meta").first).to_have_text("Ended")
    # axe in the dark scheme here (the light one ran above, on the open-text panel).
    mod.emulate_media(color_scheme="dark")
    assert_axe_clean(mod, "moderation-page-wordcloud/dark")
    mod.emulate_media(color_scheme="light")

    # Remove Cy: a confirm step first (Cancel has the focus, Escape backs out), then the phone says so.
    cy = mod.locator("#participants-list .mod-row", has_text="Cy")
    cy.get_by_role("button", name="Remove").click()
    expect(cy.get_by_role("button", name="Cancel")).to_be_focused()
    expect(cy).to_contain_text("Remove Cy from the session?")
    mod.keyboard.press("Escape")
    expect(cy.get_by_role("button", name="Remove")).to_be_focused()
    cy.get_by_role("button", name="Remove").click()
    cy.get_by_role("button", name="Yes, remove").click()
    expect(people).to_have_count(2)
    expect(mod.locator("#participants-message")).to_contain_text("Removed: \u2068Cy\u2069")
    # The phone learns it at its next call with its token (an answer here; else its heartbeat).
    phone.get_by_label("Word 1").fill("Coffee")
    phone.get_by_role("button", name="Send words").click()
    expect(phone.get_by_role("heading", name="You were removed from this session")).to_be_visible()
    expect(phone.locator("#nickname")).to_have_count(0)
    assert dialogs == []

    # Every call the page makes succeeds for the moderator (and the lifecycle stays refused).
    base = f"/api/v1/sessions/{session.pk}"
    for path in (
        f"{base}/activities?limit=100",
        f"{base}/activities/{wish.pk}/responses?limit=100",
        f"{base}/activities/{cloud.pk}/results",
        f"{base}/participants?limit=100&offset=0",
    ):
        assert mod.evaluate(FETCH, ["GET", path, None]) == 200, path
    assert mod.evaluate(FETCH, ["POST", f"{base}/activities/{cloud.pk}/hidden-words", {"text": "Fun"}]) == 201
    assert mod.evaluate(FETCH, ["DELETE", f"{base}/activities/{cloud.pk}/hidden-words/fun", None]) == 204
    assert mod.evaluate(FETCH, ["POST", f"{base}/next", None]) == 403

    # The audit log names the moderator for each of the page's actions.
    entries = AuditEntry.objects.filter(session=session, actor_username="mona")
    actions = list(entries.order_by("at", "id").values_list("action", flat=True))
    assert actions == [
        "response.hide",
        "response.show",
        "response.hide",
        "hidden_word.add",
        "participant.kick",
        "hidden_word.add",
        "hidden_word.remove",
    ], actions
    kick = entries.get(action="participant.kick")
    assert kick.details.get("nickname") == "Cy", kick.details
    assert (
        entries.filter(action="hidden_word.add").order_by("at", "id").first().details.get("text") == "blame"
    )

    # In the moderator's own language (German here): the panels, the marks and the buttons.
    de = _signed_in(browser, live_server, team["mona"], {"width": 390, "height": 760}, locale="de-DE")
    de.goto(f"{live_server.url}/present/{session.pk}/moderate?poll=0.5")
    expect(de.get_by_role("heading", name="Freitext-Antworten")).to_be_visible()
    hidden_row = de.locator("#open-text-moderation .mod-row[data-hidden='true']")
    expect(hidden_row.get_by_role("button", name="Wieder anzeigen")).to_be_visible()
    expect(hidden_row.locator(".badge")).to_have_text("Ausgeblendet")
    expect(de.get_by_role("heading", name="Wörter der Wortwolke")).to_be_visible()
    expect(de.locator("#participants-list .mod-row").first.get_by_role("button")).to_have_text("Entfernen")
    assert de.evaluate(SMALL_TARGETS) == []  # on a phone too
    for page in (screen, phone, mod, de):
        page.context.close()
