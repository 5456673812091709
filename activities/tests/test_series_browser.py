"""A series of three sessions as a person sees it (issue 27), in Debian's Chromium through Playwright:
the third session's big screen shows last time's share of each poll option as a faint bar behind the
live one (and says it in words), and the admin's series page draws its tracked question as a chart.
Both pages axe-clean."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client

from activities import services as activity_services
from activities.services import response_submit
from activities.tests.test_trends_api import START, run_session
from core.testing import assert_axe_clean
from participants.services import participant_join
from sessions_app import services as session_services
from sessions_app.models import Series, Session, SessionMember
from sessions_app.tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIMEOUT = 10_000
POLL = {"question": "Confident?", "options": [{"id": "yes", "label": "Yes"}, {"id": "no", "label": "No"}]}
# Each faint bar's box against its track and the live bar: width share, opacity, drawn under the live bar.
BARS = """() => [...document.querySelectorAll("#stage .bar-row")].map((row) => {
  const track = row.querySelector(".bar-track").getBoundingClientRect();
  const prev = row.querySelector(".bar-previous");
  if (!prev) return null;
  const p = prev.getBoundingClientRect();
  const fill = row.querySelector(".bar-fill");
  const below = prev.compareDocumentPosition(fill) & Node.DOCUMENT_POSITION_FOLLOWING;
  return { share: p.width / track.width, opacity: parseFloat(getComputedStyle(prev).opacity),
    inside: p.left >= track.left - .5 && p.right <= track.right + .5 && p.height > 0,
    fillOnTop: !!below && getComputedStyle(fill).position === "relative" };
})"""


def _page(browser: Any, live_server: Any, user: Any) -> Any:
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    return page


def test_third_session_shows_last_time_and_the_series_page_its_chart(
    _serial_live_server: None, live_server: Any, browser: Any, organizer: Any
) -> None:
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT)
    series = Series.objects.create(owner=organizer, name="Town halls")
    run_session(organizer, series, 0, types=["poll"])  # yes 20 %
    run_session(organizer, series, 1, types=["poll"])  # yes 40 %, no 60 %
    third = session_services.session_create(owner=organizer, name="Town hall 3")
    session_services.session_set_series(session=third, series=series)
    poll = activity_services.activity_create(session=third, type="poll", config=POLL, track_key="q-poll")
    session_services.session_start(session=third)
    Session.objects.filter(pk=third.pk).update(started_at=START + timedelta(days=2))
    activity_services.activity_activate_next(session=third)
    for i, choice in enumerate(["yes", "yes", "no"]):
        person = participant_join(session=third, nickname=f"P{i}")[0]
        response_submit(participant=person, activity=poll, response_data={"option_ids": [choice]})

    page = _page(browser, live_server, organizer)
    page.goto(f"{live_server.url}/present/{third.pk}?poll=0.5")
    expect(page.locator("#stage .bar-previous")).to_have_count(2)
    bars = page.evaluate(BARS)
    assert [round(b["share"], 2) for b in bars] == [0.4, 0.6]
    assert all(b["inside"] and b["fillOnTop"] and 0 < b["opacity"] < 0.5 for b in bars)
    expect(page.locator("#stage .bar-previous-value").first).to_have_text(re.compile(r"last time 40"))
    expect(page.locator("#stage .bar-previous-value").first).to_be_visible()
    assert_axe_clean(page, "presenter-with-last-time")

    # The admin's series page: the tracked question as a line chart drawn on the server.
    page.goto(f"{live_server.url}/admin/sessions_app/series/{series.pk}/change/")
    chart = page.locator("svg.caja-trend-chart")
    expect(chart).to_have_count(1)
    box = chart.bounding_box()
    assert box is not None and box["width"] >= 400 and box["height"] >= 150
    assert page.locator("svg.caja-trend-chart .caja-trend-line").count() == 2  # yes and no
    expect(page.locator(".caja-trend-table caption")).to_have_text("Question poll")
    assert_axe_clean(page, "series-admin-charts")


# The end summary's trend chart: its line's points, its box, and the smallest text in it.
CHART = """() => {
  const card = document.querySelector('#summary .summary-item[data-type="poll"]');
  const svg = card && card.querySelector("svg.trend-chart");
  if (!svg) return null;
  const box = svg.getBoundingClientRect();
  const lines = [...svg.querySelectorAll("polyline")].map((l) =>
    l.getAttribute("points").trim().split(/\\s+/).length);
  const texts = [...card.querySelectorAll(".trend, .trend *")].filter((el) => el.getClientRects().length
    && [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim()));
  return { lines, w: box.width, h: box.height, top: box.top, bottom: box.bottom, right: box.right,
    role: svg.getAttribute("role"), label: svg.getAttribute("aria-label"),
    smallest: Math.min(...texts.map((el) => parseFloat(getComputedStyle(el).fontSize))),
    legend: [...card.querySelectorAll(".trend-key")].map((el) => el.textContent) };
}"""


def test_end_summary_draws_the_trend_of_a_tracked_poll(
    _serial_live_server: None, live_server: Any, browser: Any, organizer: Any
) -> None:
    """Three sessions of a series with a tracked poll (5 answers each: yes 20 %, 40 %, 60 %); the
    third one completed, its big screen's end summary draws the poll's trend: a line of 3 points per
    option shown, inside the screen at 1280×720, text at 16 px or more, named for screen readers."""
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT)
    series = Series.objects.create(owner=organizer, name="Town halls")
    run_session(organizer, series, 0, types=["poll"])
    run_session(organizer, series, 1, types=["poll"])
    third = run_session(organizer, series, 2, types=["poll"])

    page = _page(browser, live_server, organizer)
    page.goto(f"{live_server.url}/present/{third.pk}")
    expect(page.locator("#summary svg.trend-chart")).to_have_count(1)
    chart = page.evaluate(CHART)
    assert chart is not None
    # The leading option (yes, 60 % now) first, then no; each line a point per session, no gap.
    assert chart["lines"] == [3, 3], chart
    assert chart["legend"] == ["Yes: 20 → 40 → 60", "No: 80 → 60 → 40"], chart
    assert chart["role"] == "img" and "20 → 40 → 60" in chart["label"] and "3 sessions" in chart["label"]
    assert chart["w"] >= 150 and chart["h"] >= 40, chart
    assert chart["top"] >= 0 and chart["bottom"] <= 720 and chart["right"] <= 1280, chart
    assert chart["smallest"] >= 16, chart
    expect(page.locator("#summary .trend-note")).to_have_count(0)  # 5 answers each: never "too few"
    assert_axe_clean(page, "summary-with-trend")
    page.context.close()


def test_end_summary_trend_leaves_a_gap_for_too_few_answers(
    _serial_live_server: None, live_server: Any, browser: Any, organizer: Any
) -> None:
    """The middle session's poll had 3 answers (under the minimum of 5): its point is a gap in each
    line (two runs of one point), the chart says why, and its name says "too few answers"."""
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT)
    series = Series.objects.create(owner=organizer, name="Town halls")
    run_session(organizer, series, 0, types=["poll"])
    run_session(organizer, series, 1, types=["poll"], n=3)
    third = run_session(organizer, series, 2, types=["poll"])

    page = _page(browser, live_server, organizer)
    page.goto(f"{live_server.url}/present/{third.pk}")
    expect(page.locator("#summary .trend-note")).to_have_text("Gaps: too few answers to show.")
    chart = page.evaluate(CHART)
    assert chart["lines"] == [1, 1, 1, 1], chart
    assert chart["legend"][0] == "Yes: 20 → too few answers → 60", chart
    assert "too few answers" in chart["label"] and chart["smallest"] >= 16, chart
    assert page.locator("#summary svg.trend-chart .trend-dot").count() == 4
    page.context.close()


def test_a_co_organizers_end_summary_draws_the_trend_with_its_labels(
    _serial_live_server: None, live_server: Any, browser: Any, organizer: Any
) -> None:
    """The same three sessions, the third one's big screen opened by its co-organizer (not the series'
    owner): the trend reads their session's trends from the series, so the chart has this session's
    point and the options' labels, as the owner's does."""
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT)
    series = Series.objects.create(owner=organizer, name="Town halls")
    run_session(organizer, series, 0, types=["poll"])
    run_session(organizer, series, 1, types=["poll"])
    third = run_session(organizer, series, 2, types=["poll"])
    carol = UserFactory(username="carol")
    SessionMember.objects.create(session=third, user=carol, role="co_organizer")

    page = _page(browser, live_server, carol)
    page.goto(f"{live_server.url}/present/{third.pk}")
    expect(page.locator("#summary svg.trend-chart")).to_have_count(1)
    chart = page.evaluate(CHART)
    assert chart is not None and chart["lines"] == [3, 3], chart
    assert chart["legend"] == ["Yes: 20 → 40 → 60", "No: 80 → 60 → 40"], chart
    page.context.close()
