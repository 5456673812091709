"""The admin in a real browser: an organizer logs in, builds a session with one activity of each
type through the per-type forms, starts it with the admin action, and the change page shows the QR
code. Drives Debian's Chromium (never a downloaded browser) against pytest-django's ``live_server``;
the screenshot lands in ``test-artifacts/screenshots/admin_session.png``."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from activities.models import Activity
from sessions_app.models import Session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
TIMEOUT = 10_000
PASSWORD = "pw-organizer-123"


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    try:
        yield page
    finally:
        context.close()


def test_build_and_start_a_session_in_the_admin(_serial_live_server, live_server, django_user_model, page):
    django_user_model.objects.create_user(username="olga", password=PASSWORD, is_staff=True)
    base = live_server.url

    # Log in.
    page.goto(f"{base}/admin/login/?next=/admin/")
    page.fill("#id_username", "olga")
    page.fill("#id_password", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_url(f"{base}/admin/")

    # A new session through the add form.
    page.goto(f"{base}/admin/sessions_app/session/add/")
    page.fill("#id_name", "Q3 all hands")
    page.fill("#id_description", "Town hall with the whole company")
    page.click("input[name=_continue]")
    page.wait_for_selector("img.caja-qr")
    session = Session.objects.get()
    change_url = f"{base}/admin/sessions_app/session/{session.pk}/change/"

    # One activity of each type, each through its own form (opened from the session page).
    def add(key: str, fill: dict[str, str], select: dict[str, str] | None = None) -> None:
        page.goto(change_url)
        page.click(f"a.caja-add-{key}")
        page.wait_for_selector("#activity_form")
        for selector, value in fill.items():
            page.fill(selector, value)
        for selector, value in (select or {}).items():
            page.select_option(selector, value)
        page.click("input[name=_save]")
        page.wait_for_url(change_url)

    add(
        "poll",
        {"#id_title": "Lunch", "#id_question": "Where do we eat?", "#id_options": "Pizza\nSushi\nSalad"},
    )
    add(
        "poker",
        {"#id_title": "Estimate", "#id_story": "Login page", "#id_custom_cards": "1, 2, 3, 5, ?"},
        {"#id_deck": "custom"},
    )
    add(
        "quiz",
        {
            "#id_title": "Geography",
            "#id_question": "Capital of France?",
            "#id_options": "Paris\nRome\nMadrid",
            "#id_correct_option": "Paris",
        },
    )
    add("wordcloud", {"#id_title": "Mood", "#id_prompt": "One word for this quarter", "#id_max_words": "2"})
    assert list(Activity.objects.order_by("order").values_list("type", flat=True)) == [
        "poll",
        "poker",
        "quiz",
        "wordcloud",
    ]
    assert Activity.objects.get(type="quiz").config["correct_option_id"] == "a"
    assert Activity.objects.get(type="poker").config["deck"] == ["1", "2", "3", "5", "?"]

    # A refused config shows its error next to the field, in the browser too.
    page.goto(f"{base}/admin/activities/activity/add/?session={session.pk}&type=poll")
    page.fill("#id_question", "Only one option?")
    page.fill("#id_options", "Lonely")
    page.click("input[name=_save]")
    assert "At least 2 options are required." in page.inner_text(".field-options")

    # Start it with the changelist action.
    page.goto(f"{base}/admin/sessions_app/session/")
    page.check(f"input[name=_selected_action][value='{session.pk}']")
    page.select_option("select[name=action]", "start_sessions")
    page.click("button[name=index]")
    page.wait_for_selector("ul.messagelist")
    assert "Started 1 session(s)." in page.inner_text("ul.messagelist")
    session.refresh_from_db()
    assert session.status == "active"

    # The change page: join details, QR image loaded, inline activities, buttons.
    page.goto(change_url)
    page.wait_for_function(
        "document.querySelector('img.caja-qr') && document.querySelector('img.caja-qr').complete"
    )
    assert page.evaluate("document.querySelector('img.caja-qr').naturalWidth") > 0
    assert session.join_code in page.inner_text(".field-join_code")
    assert page.locator("a.caja-edit-config").count() == 4
    assert page.locator("button.caja-action-activate_next_activity").count() == 1
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "admin_session.png"), full_page=True)

    # The next-activity button makes the poll live.
    page.click("button.caja-action-activate_next_activity")
    page.wait_for_selector("ul.messagelist")
    assert "is now live" in page.inner_text("ul.messagelist")
    assert Activity.objects.get(type="poll").status == "active"
