"""The big screen's lobby lists the teams (issue 26), as the room sees it in Debian's Chromium through
Playwright: before the first activity each team is a chip in its colour with its name and how many joined
it, and the counts follow the phones joining through the form. The chip's text keeps WCAG AA contrast on
a light and a dark team colour; axe-core passes on the lobby.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from core.testing import assert_axe_clean
from sessions_app import services as session_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIMEOUT = 10_000
# A light colour (black text) and a dark one (white text).
TEAMS = [
    {"id": "sun", "name": "Sunflowers", "color": "#ffd166"},
    {"id": "sea", "name": "Deep Sea", "color": "#1d4ed8"},
]
# The WCAG contrast ratio of the chip's text on its background, from the computed colours.
CONTRAST = """(el) => {
  const lum = (css) => {
    const [r, g, b] = css.match(/\\d+/g).slice(0, 3).map((v) => {
      const c = Number(v) / 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const s = getComputedStyle(el);
  const [a, b] = [lum(s.color), lum(s.backgroundColor)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}"""


def test_lobby_shows_each_team_with_how_many_joined(
    _serial_live_server: None, live_server: Any, browser: Any, django_user_model: Any
) -> None:
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT)
    organizer = django_user_model.objects.create_user(
        username="quinn", password="pw-quinn-123", is_staff=True
    )
    session = session_services.session_create(owner=organizer, name="Quiz night", teams=TEAMS)

    client = Client()
    client.force_login(organizer)
    ctx = browser.new_context(viewport={"width": 1280, "height": 720})
    ctx.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    screen = ctx.new_page()
    screen.set_default_timeout(TIMEOUT)
    screen.goto(f"{live_server.url}/present/{session.pk}?poll=0.5")
    chips = screen.locator("#lobby-teams .team-chip")
    expect(chips).to_have_count(2)
    expect(chips.first.locator(".team-chip-count")).to_have_text("0 joined")

    # Three phones join through the form: two pick the sunflowers, one the sea.
    phones = []
    for nickname, team in (("Ann", 0), ("Bo", 1), ("Cy", 0)):
        phone = browser.new_context(viewport={"width": 390, "height": 844}).new_page()
        phone.set_default_timeout(TIMEOUT)
        phone.goto(f"{live_server.url}/join/{session.join_code}?poll=0.5")
        phone.locator(".team-choice").nth(team).click()
        phone.locator("#nickname").fill(nickname)
        phone.locator("#join-form button[type=submit]").click()
        expect(phone.locator("#who-team")).to_have_text(TEAMS[team]["name"])
        phones.append(phone)

    expect(chips.nth(0).locator(".team-chip-count")).to_have_text("2 joined")
    expect(chips.nth(1).locator(".team-chip-count")).to_have_text("1 joined")
    expect(chips.nth(0).locator(".team-chip-name")).to_have_text("Sunflowers")
    expect(chips.nth(1).locator(".team-chip-name")).to_have_text("Deep Sea")
    assert chips.nth(0).get_attribute("data-team-id") == "sun"
    assert chips.nth(0).evaluate("(el) => getComputedStyle(el).backgroundColor") == "rgb(255, 209, 102)"
    assert chips.nth(0).evaluate("(el) => getComputedStyle(el).color") == "rgb(0, 0, 0)"
    assert chips.nth(1).evaluate("(el) => getComputedStyle(el).backgroundColor") == "rgb(29, 78, 216)"
    assert chips.nth(1).evaluate("(el) => getComputedStyle(el).color") == "rgb(255, 255, 255)"
    for n in range(2):
        assert chips.nth(n).evaluate(CONTRAST) >= 4.5
        box = chips.nth(n).bounding_box()
        assert box is not None and box["height"] >= 40  # readable across the room, inside the screen
        assert box["x"] >= 0 and box["x"] + box["width"] <= 1280 and box["y"] + box["height"] <= 720
    expect(screen.locator("#participant-count")).to_have_text("3")
    assert_axe_clean(screen, "lobby-teams")
    for page in (*phones, screen):
        page.context.close()
