"""A team in real browsers: the owner presents (the big screen open in a context of her own) while a
moderator signs in to the admin with her password, finds the session with her role, sees it
read-only, and moderates the Q&A from the admin's moderation page: the question she approves
appears on the big screen, the one she hides does not. The owner's "Manage the team" page passes
axe-core's WCAG 2.1 AA rules. Debian's Chromium through Playwright against ``live_server``; the
screenshots land in ``test-artifacts/screenshots/admin_moderator_*.png`` and ``admin_team.png``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from activities import services as activity_services
from activities.types.qna.services import question_post
from core.testing import axe_violations
from participants.services import participant_join
from sessions_app import members
from sessions_app import services as session_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
TIMEOUT = 10_000
APPROVE = "When is the next offsite?"
HIDE = "Why is the coffee so bad?"


def test_a_moderator_moderates_in_the_admin_while_the_owner_presents(
    _serial_live_server: None, live_server: Any, browser: Any, django_user_model: Any
) -> None:
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT)
    base = live_server.url
    owner = django_user_model.objects.create_user(username="olga", password="pw-olga-123", is_staff=True)
    django_user_model.objects.create_user(username="mona", password="pw-mona-123", is_staff=True)
    session = session_services.session_create(owner=owner, name="Town hall")
    qna = activity_services.activity_create(
        session=session, type="qna", config={"prompt": "Ask the leadership team", "moderation": True}
    )
    activity_services.activity_set_status(activity=qna, status="published")
    members.member_add(session=session, username="mona", role="moderator", actor=owner)
    session_services.session_start(session=session)
    activity_services.activity_activate_next(session=session, actor=owner)
    for nickname, text in (("Ana", APPROVE), ("Ben", HIDE)):
        participant, _token = participant_join(session=session, nickname=nickname)
        question_post(participant=participant, activity=qna, text=text)

    # --- the owner presents: the big screen with her controls -------------------------------------
    client = Client()
    client.force_login(owner)
    owner_context = browser.new_context(viewport={"width": 1600, "height": 900})
    owner_context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": base}]
    )
    screen = owner_context.new_page()
    screen.set_default_timeout(TIMEOUT)
    screen.goto(f"{base}/present/{session.pk}?poll=0.5")
    expect(screen.locator("#btn-next")).to_be_visible()
    board = screen.locator(".qna-stage")
    expect(board.locator("#question")).to_have_text("Ask the leadership team")
    expect(board.locator(".qna-row")).to_have_count(0)  # both questions wait for approval

    # --- the moderator signs in to the admin with her password ------------------------------------
    mod_context = browser.new_context(viewport={"width": 1280, "height": 900})
    admin = mod_context.new_page()
    admin.set_default_timeout(TIMEOUT)
    admin.goto(f"{base}/admin/login/?next=/admin/sessions_app/session/")
    admin.fill("#id_username", "mona")
    admin.fill("#id_password", "pw-mona-123")
    admin.click("input[type=submit]")
    admin.wait_for_url(f"{base}/admin/sessions_app/session/")
    row = admin.locator("#result_list tbody tr", has_text="Town hall")
    expect(row.locator("td.field-my_role_label")).to_have_text("Moderator")
    row.get_by_role("link", name="Town hall").click()

    # Read-only: no configuration form, no lifecycle or export buttons (only leaving the team), the
    # team without its management; the moderation page is one link away.
    expect(admin.locator("#id_name")).to_have_count(0)
    expect(admin.locator(".field-name .readonly")).to_have_text("Town hall")
    expect(admin.locator(".caja-toolbar button")).to_have_text(["Leave the team"])
    expect(admin.locator(".caja-team")).to_contain_text("mona")
    expect(admin.locator(".caja-manage-team")).to_have_count(0)
    SHOTS.mkdir(parents=True, exist_ok=True)
    admin.screenshot(path=str(SHOTS / "admin_moderator_session.png"), full_page=True)
    admin.get_by_role("link", name="Questions").click()
    expect(admin.locator("#questions caption")).to_have_text("All questions (2)")

    admin.get_by_role("button", name=f"Approve: {APPROVE}").click()
    expect(admin.locator("ul.messagelist")).to_have_text("The question is visible to the audience.")
    admin.get_by_role("button", name=f"Hide: {HIDE}").click()
    expect(admin.locator("ul.messagelist")).to_have_text("The question is hidden from the audience.")
    expect(admin.locator("tr.caja-question", has_text=HIDE)).to_have_attribute("data-status", "hidden")
    admin.screenshot(path=str(SHOTS / "admin_moderator_questions.png"), full_page=True)

    # --- the big screen shows the approved question, in view, and never the hidden one -----------
    shown = board.locator(".qna-row", has_text=APPROVE)
    expect(shown).to_be_visible()
    expect(board.locator(".qna-row")).to_have_count(1)
    expect(screen.get_by_text(HIDE)).to_have_count(0)
    box = shown.bounding_box()
    assert box is not None and box["width"] > 200 and box["height"] > 20
    assert 0 <= box["y"] and box["y"] + box["height"] <= 900  # on the screen, not scrolled away
    assert shown.evaluate("(el) => getComputedStyle(el).visibility") == "visible"

    # The audit log says who moderated.
    assert list(
        session.audit_entries.filter(action__startswith="question").values_list("actor_username", flat=True)
    ) == ["mona", "mona"]

    # --- the owner's team page is accessible ----------------------------------------------------
    team = owner_context.new_page()
    team.set_default_timeout(TIMEOUT)
    team.goto(f"{base}/admin/sessions_app/session/{session.pk}/team/")
    expect(team.locator("tr.caja-team-member th")).to_have_text(["mona"])
    violations: list[str] = []
    for scheme in ("light", "dark"):
        team.emulate_media(color_scheme=scheme)
        violations.extend(axe_violations(team, f"team/{scheme}"))
    assert violations == []
    team.emulate_media(color_scheme="light")
    team.screenshot(path=str(SHOTS / "admin_team.png"), full_page=True)
    owner_context.close()
    mod_context.close()
