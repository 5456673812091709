"""The big screen's Q&A and rating details (issue 28, items 1, 5 and 8), measured the way a person sees
them in Debian's Chromium through Playwright (like test_browser_screen.py):

- item 1: the end summary recaps a Q&A: its number of questions and the top questions with upvotes.
- item 5: moving past a live Q&A can keep it open: its column and its count stay beside later
  activities, and the presenter can close it from there.
- item 8: a rating's stacked distribution has a legend, and its values differ in colour and pattern.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from activities import services as activity_services
from activities.models import Activity
from activities.services import response_submit
from activities.types.qna import services as qna_services
from core.testing import assert_axe_clean
from participants.services import participant_join
from sessions_app import services as session_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIMEOUT = 10_000

# The computed font size (px) of visible text inside a selector's elements: the smallest.
SMALLEST_IN = """(sel) => Math.min(...[...document.querySelectorAll(sel + ", " + sel + " *")].filter((el) =>
  el.getClientRects().length && [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())
).map((el) => parseFloat(getComputedStyle(el).fontSize)))"""


@pytest.fixture
def organizer(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user(username="ines", password="pw-ines-123", is_staff=True)


def _screen(browser: Any, live_server: Any, user: Any) -> Any:
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": 1280, "height": 720}, color_scheme="dark")
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    return page


def _ask(qna: Any, people: list[Any]) -> None:
    """4 questions asked, 3 approved (upvoted 3, 2 and 1 times), one still waiting."""
    texts = ["When do we move offices?", "Is the summer party on?", "Who owns the roadmap?", "Lunch?"]
    for i, text in enumerate(texts):
        question = qna_services.question_post(participant=people[i], activity=qna, text=text)
        if i < 3:
            qna_services.question_moderate(question=question, status="visible")
            for voter in people[4 : 4 + 3 - i]:
                qna_services.question_upvote(participant=voter, activity=qna, question_id=question.pk)


def test_qna_kept_open_beside_later_activities_and_recapped_at_the_end(
    _serial_live_server: None, live_server: Any, browser: Any, organizer: Any
) -> None:
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT)
    session = session_services.session_create(owner=organizer, name="All hands")
    qna = activity_services.activity_create(
        session=session, type="qna", title="Ask us", config={"prompt": "Ask us anything", "moderation": True}
    )
    poll = activity_services.activity_create(
        session=session,
        type="poll",
        config={
            "question": "Lunch?",
            "options": [{"id": "a", "label": "Pizza"}, {"id": "b", "label": "Tea"}],
        },
    )
    people = [participant_join(session=session, nickname=f"Person {i}")[0] for i in range(8)]
    session_services.session_start(session=session)
    qna = activity_services.activity_activate_next(session=session)
    _ask(qna, people)

    page = _screen(browser, live_server, organizer)
    page.goto(f"{live_server.url}/present/{session.pk}?poll=0.5")
    expect(page.locator(".qna-stage .qna-row")).to_have_count(3)
    # Item 5: the presenter offers to keep the live Q&A open when moving on (a toggle, off by default).
    keep = page.locator("#btn-qna-keep")
    expect(keep).to_be_visible()
    expect(keep).to_have_attribute("aria-pressed", "false")
    keep.click()
    expect(keep).to_have_attribute("aria-pressed", "true")
    page.locator("#btn-next").click()
    expect(page.locator('.activity[data-type="poll"]')).to_be_visible()
    # The Q&A's column stays beside the poll, with its count, readable, inside the screen.
    side = page.locator("#qna-side")
    expect(side).to_be_visible()
    expect(page.locator("#qna-side .qna-side-count")).to_have_text("(3)")
    expect(page.locator("#qna-side .qna-row")).to_have_count(3)
    # The column is redrawn at each poll: wait for a laid-out one before measuring it.
    page.wait_for_function(
        "() => (document.querySelector('#qna-side')?.getBoundingClientRect().width || 0) > 0"
    )
    box = side.bounding_box()
    assert box and box["width"] > 200 and box["x"] + box["width"] <= 1280 and box["y"] + box["height"] <= 720
    assert page.evaluate(SMALLEST_IN, "#qna-side") >= 16
    expect(page.locator("#btn-moderate")).to_be_visible()
    expect(keep).to_be_hidden()
    qna.refresh_from_db()
    poll.refresh_from_db()
    assert (qna.status, poll.status) == ("published", "active")
    # Phones may still ask beside the poll.
    qna_services.question_post(participant=people[7], activity=qna, text="Can we keep this open?")
    assert_axe_clean(page, "qna-kept-beside-poll")

    # Close it from the presenter (pressed twice): the column goes.
    close = page.locator("#btn-qna-close")
    expect(close).to_be_visible()
    close.click()
    expect(close).to_have_text("Press again to close the Q&A")
    close.click()
    expect(side).to_have_count(0)
    expect(close).to_be_hidden()
    assert Activity.objects.get(pk=qna.pk).status == "expired"

    # Item 1: the end summary recaps the Q&A: the count of questions and the top ones with upvotes.
    session_services.session_complete(session=session)
    card = page.locator('#summary .summary-item[data-type="qna"]')
    expect(card).to_be_visible()
    expect(card.locator(".summary-answers")).to_have_text("3 questions")
    rows = card.locator(".qna-row")
    expect(rows).to_have_count(3)
    expect(rows.nth(0)).to_contain_text("When do we move offices?")
    expect(rows.nth(0).locator(".qna-votes-n")).to_have_text("3")
    expect(rows.nth(2).locator(".qna-votes-n")).to_have_text("1")
    assert page.evaluate(SMALLEST_IN, '#summary .summary-item[data-type="qna"]') >= 16
    assert_axe_clean(page, "summary-with-qna")
    page.context.close()


# Per segment of the first statement's stacked bar: its value, colour and pattern, and per legend entry
# the same, as the browser paints them.
SEGMENTS = """() => {
  const look = (el) => { const cs = getComputedStyle(el); return {color: cs.backgroundColor, pattern: cs.backgroundImage}; };
  const segs = [...document.querySelector(".rating-row .rating-dist-bar").querySelectorAll(".rating-seg")]
    .map((el) => ({value: el.dataset.value, width: el.getBoundingClientRect().width, ...look(el)}));
  const legend = [...document.querySelectorAll(".rating-legend-item")].map((li) => {
    const sw = li.querySelector(".rating-swatch"); const r = sw.getBoundingClientRect();
    return {value: li.dataset.value, text: li.textContent.trim(), w: r.width, h: r.height,
      size: parseFloat(getComputedStyle(li).fontSize), ...look(sw)};
  });
  return {segs, legend};
}"""  # noqa: E501


def _rgb(css: str) -> tuple[int, ...]:
    return tuple(int(float(x)) for x in css[css.index("(") + 1 : css.index(")")].split(",")[:3])


def test_rating_distribution_has_a_legend_and_values_told_apart(
    _serial_live_server: None, live_server: Any, browser: Any, organizer: Any
) -> None:
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT)
    session = session_services.session_create(owner=organizer, name="Retro")
    rating = activity_services.activity_create(
        session=session,
        type="rating",
        config={
            "question": "How was the quarter?",
            "statements": [{"id": "s1", "label": "Workload"}, {"id": "s2", "label": "Clarity"}],
            "scale_min": 1,
            "scale_max": 5,
        },
    )
    session_services.session_start(session=session)
    activity_services.activity_activate_next(session=session)
    for i in range(10):
        person = participant_join(session=session, nickname=f"Rater {i}")[0]
        response_submit(
            participant=person, activity=rating, response_data={"ratings": {"s1": i % 5 + 1, "s2": 3}}
        )

    page = _screen(browser, live_server, organizer)
    page.goto(f"{live_server.url}/present/{session.pk}?poll=0.5")
    expect(page.locator(".rating-row .rating-seg")).to_have_count(6)  # 5 values of s1, one of s2
    seen = page.evaluate(SEGMENTS)
    segs, legend = seen["segs"], seen["legend"]
    # A legend: an entry per value of the scale, its number readable, its swatch visible.
    assert [entry["value"] for entry in legend] == ["1", "2", "3", "4", "5"]
    assert [entry["text"] for entry in legend] == ["1", "2", "3", "4", "5"]
    assert all(entry["size"] >= 16 and entry["w"] >= 12 and entry["h"] >= 12 for entry in legend), legend
    # Each segment looks like its legend entry.
    by_value = {entry["value"]: entry for entry in legend}
    for seg in segs:
        entry = by_value[seg["value"]]
        assert (seg["color"], seg["pattern"]) == (entry["color"], entry["pattern"])
    # Distinguishable: the colours differ in lightness step by step (not five near-identical blues), and
    # neighbouring values differ in pattern too, for who cannot tell the colours apart.
    weights = (0.2126, 0.7152, 0.0722)
    lum = [sum(w * c for w, c in zip(weights, _rgb(e["color"]), strict=True)) for e in legend]
    assert all(b - a >= 25 for a, b in zip(lum, lum[1:], strict=False)), lum
    patterns = [e["pattern"] for e in legend]
    assert all(a != b for a, b in zip(patterns, patterns[1:], strict=False)), patterns
    assert_axe_clean(page, "rating-legend")
    page.context.close()
