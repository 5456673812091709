"""The big screen fits any screen: 1280x720 to 3840x2160, whatever the activity shows, readable from the
back of the room: no text below 16 px at 1280x720 (stage_fit.js pages what does not fit at that size),
asserted for every type's stage (poll, poker, quiz, word cloud, Q&A beside and current, rating, ranking,
open text) and for the end summary of each group of them (_each_size checks the floor at 1280x720).

Each activity type is filled with the content that used to overflow (a 20-option poll with long labels
under a long question, a 20-card poker deck revealed with 40 votes, a quiz leaderboard of 12, a word
cloud of 60 words), plus the lobby and the end summary. At every size the presenter page must not
scroll, and every visible element of the page (header, stage, join panel) must lie inside the viewport
and above the control bar. Screenshots go to pytest's tmp_path (printed on failure), never the repo.
"""

from __future__ import annotations

import re
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError
from django.test import Client

from activities import services as activity_services
from core.testing import assert_axe_clean
from participants.services import participant_join
from sessions_app import services as session_services

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = [(1280, 720), (1600, 900), (1920, 1080), (3840, 2160)]
TIMEOUT = 10_000

LONG_QUESTION = (
    "Looking at the whole of next quarter, with the hiring freeze, the two product launches, the office "
    "move and the audit, which of the following should the leadership team treat as the single most "
    "important priority for the engineering organisation?"
)
POLL_OPTIONS = [
    {"id": f"o{i}", "label": f"Option {i + 1}: invest more in {topic} across every team this year"}
    for i, topic in enumerate(
        [
            "automated testing",
            "accessibility",
            "documentation",
            "onboarding",
            "observability",
            "security reviews",
            "performance work",
            "developer tooling",
            "customer research",
            "internationalisation",
            "design systems",
            "data quality",
            "release engineering",
            "incident response",
            "mentoring",
            "technical debt",
            "cost control",
            "open source",
            "mobile apps",
            "support rotations",
        ]
    )
]
POKER_DECK = [
    "0", "½", "1", "2", "3", "5", "8", "13", "20", "40", "100", "?", "coffee", "XS", "S", "M", "L", "XL",
    "needs more research", "split this story",
]  # fmt: skip
NICKS = [f"Participant number {i:02d} with a long name"[:30] for i in range(40)]

# Everything visible that lies outside the viewport or below the top of the control bar, and whether
# the document or the stage scrolls. Returns a list of human-readable problems (empty: it fits).
MEASURE = """() => {
  const problems = [];
  const vw = window.innerWidth, vh = window.innerHeight;
  const doc = document.documentElement;
  if (doc.scrollHeight > vh + 1) problems.push(`document scrolls: scrollHeight ${doc.scrollHeight} > ${vh}`);
  if (doc.scrollWidth > vw + 1) problems.push(`document scrolls sideways: scrollWidth ${doc.scrollWidth} > ${vw}`);
  const main = document.getElementById("main");
  if (main.scrollHeight > main.clientHeight + 1) problems.push(`stage scrolls: ${main.scrollHeight} > ${main.clientHeight}`);
  const controls = document.getElementById("controls");
  const floor = controls && !controls.hidden ? controls.getBoundingClientRect().top : vh;
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\\s+/).join(".") : "");
  for (const el of document.querySelectorAll("header *, #main *, #join-panel, #join-panel *")) {
    const r = el.getBoundingClientRect();
    if (!r.width && !r.height) continue;
    if (el.closest(".visually-hidden")) continue;
    if (r.left < -1 || r.top < -1 || r.right > vw + 1 || r.bottom > floor + 1) {
      problems.push(`${name(el)} at [${Math.round(r.left)}, ${Math.round(r.top)}, ${Math.round(r.right)}, ${Math.round(r.bottom)}] outside ${vw}x${Math.round(floor)}`);
    }
  }
  return problems;
}"""  # noqa: E501


@pytest.fixture
def organizer(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user(username="petra", password="pw-petra-123", is_staff=True)


@pytest.fixture
def event(organizer: Any) -> dict[str, Any]:
    session = session_services.session_create(
        owner=organizer, name="Quarterly engineering all-hands and planning review"
    )
    acts = {
        "poll": activity_services.activity_create(
            session=session,
            type="poll",
            title="Priorities",
            config={"question": LONG_QUESTION, "options": POLL_OPTIONS, "multiple": True},
        ),
        "poker": activity_services.activity_create(
            session=session,
            type="poker",
            config={"story": "Rebuild the checkout flow with the new payment provider", "deck": POKER_DECK},
        ),
        "quiz": activity_services.activity_create(
            session=session,
            type="quiz",
            config={
                "question": "Which of these services had the most incidents last quarter?",
                "options": [{"id": k, "label": f"The {k} service and its database"} for k in "abcdef"],
                "correct_option_id": "c",
                "time_limit_seconds": None,
                "lead_in_seconds": 0,  # answered at once (the countdown: test_browser_screen_quiz_start)
            },
        ),
        "wordcloud": activity_services.activity_create(
            session=session,
            type="wordcloud",
            config={"prompt": "Describe this quarter in up to five words", "max_words": 5, "max_length": 40},
        ),
    }
    people = [participant_join(session=session, nickname=nick)[0] for nick in NICKS]
    return {"session": session, "acts": acts, "people": people}


def _answer_all(event: dict[str, Any], key: str) -> None:
    from activities.services import response_submit

    activity = event["acts"][key]
    for i, person in enumerate(event["people"]):
        if key == "poll":
            data: dict[str, Any] = {
                "option_ids": [POLL_OPTIONS[i % 20]["id"], POLL_OPTIONS[(i + 7) % 20]["id"]]
            }
        elif key == "poker":
            data = {"value": POKER_DECK[(i * 3) % len(POKER_DECK)]}
        elif key == "quiz":
            if i >= 14:
                continue
            data = {"option_id": "abcdef"[i % 6]}
        else:
            data = {"words": [f"word{(i * 5 + j) % 60}{'x' * (j * 3)}" for j in range(5)]}
        response_submit(participant=person, activity=activity, response_data=data)


def _logged_in_context(browser: Any, live_server: Any, user: Any, color_scheme: str = "dark") -> Any:
    client = Client()
    client.force_login(user)
    context = browser.new_context(viewport={"width": 1280, "height": 720}, color_scheme=color_scheme)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context


# Every piece of visible text on the big screen (header, stage, join panel) smaller than the floor: 16 px
# at 1280x720 (the back of the room), in proportion above it. Returns human-readable offenders.
SMALL_TEXT = """(floor) => {
  const out = [];
  const name = (el) => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
    (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\\s+/).join(".") : "");
  for (const el of document.querySelectorAll("header *, #main *, #join-panel *")) {
    if (el.closest(".visually-hidden")) continue;
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!own) continue;
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height || getComputedStyle(el).visibility === "hidden") continue;
    const size = parseFloat(getComputedStyle(el).fontSize);
    if (size < floor - 0.05) out.push(`${name(el)} ${size.toFixed(1)} px: ${el.textContent.trim().slice(0, 40)}`);
  }
  return out;
}"""  # noqa: E501


def _readable(page: Any, where: str, floor: float = 16.0) -> None:
    """No visible text below the floor (16 px at 1280x720), once the page has settled."""
    try:
        page.wait_for_function(f"() => ({SMALL_TEXT})({floor}).length === 0", timeout=TIMEOUT)
    except Exception:  # noqa: BLE001  (a timeout: report what is too small)
        small = page.evaluate(f"({SMALL_TEXT})({floor})")
        pytest.fail(f"{where}: text below {floor} px:\n" + "\n".join(small[:40]))


def _fits(page: Any, where: str, shots: Path) -> None:
    """Wait (auto-retrying, like expect) until nothing overflows; fail with the offenders if it never does."""
    page.screenshot(path=str(shots / f"{where}.png"))
    try:
        page.wait_for_function(f"() => ({MEASURE})().length === 0", timeout=TIMEOUT)
    except Exception:  # noqa: BLE001  (a timeout: report what does not fit)
        page.screenshot(path=str(shots / f"{where}-FAILED.png"))
        problems = page.evaluate(MEASURE)
        pytest.fail(
            f"{where}: the presenter does not fit (screenshots in {shots}):\n" + "\n".join(problems[:40])
        )


def _each_size(page: Any, where: str, shots: Path, ready: str) -> None:
    from playwright.sync_api import expect

    sizes: dict[int, float] = {}
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        # Loaded (perhaps on another page of a paged list: stage_fit.js), and the stage shows something.
        expect(page.locator(ready).first).to_be_attached()
        expect(page.locator("#stage :is(li, p, h2):visible").first).to_be_visible()
        _fits(page, f"{where}-{width}x{height}", shots)
        if (width, height) == (1280, 720):
            _readable(page, f"{where}-{width}x{height}")
        sizes[width] = page.evaluate("() => parseFloat(getComputedStyle(document.body).fontSize)")
    # Text scales with the screen: 4K shows the same layout as 720p at three times the size.
    assert sizes[3840] >= 2.5 * sizes[1280], sizes


def test_presenter_fits_every_screen(
    _serial_live_server: None,
    live_server: Any,
    browser: Any,
    event: dict[str, Any],
    organizer: Any,
    tmp_path: Path,
) -> None:
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT)
    session = event["session"]
    context = _logged_in_context(browser, live_server, organizer)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{live_server.url}/present/{session.pk}?poll=0.5")
    expect(page.locator("#btn-next")).to_be_visible()
    _each_size(page, "lobby", tmp_path, ".big-message")
    assert_axe_clean(page, "lobby")

    session_services.session_start(session=session)
    for key in ("poll", "poker", "quiz", "wordcloud"):
        activity = activity_services.activity_activate_next(session=session)
        assert activity.pk == event["acts"][key].pk
        _while_page_polls(lambda key=key: _answer_all(event, key))
        if key in ("poker", "quiz"):
            activity_services.activity_reveal(activity=activity)
        ready = {
            "poll": '.bar-row[data-option-id="o19"]',
            "poker": '.bar-row[data-card="split this story"]',
            "quiz": ".podium-row:nth-child(5)",  # the top five (issue 26); tied scores share a place
            "wordcloud": ".cloud-word",
        }[key]
        expect(page.locator(f'.activity[data-type="{key}"]')).to_be_visible()
        _each_size(page, key, tmp_path, ready)
        assert_axe_clean(page, key)

    session_services.session_complete(session=session)
    expect(page.locator("#summary .summary-item")).to_have_count(4)
    # Paged (stage_fit.js): the tenth row may be on the next page; tied scores share a place, so rows.
    expect(page.locator("#summary .podium-row:nth-child(10)")).to_be_attached()
    _each_size(page, "summary", tmp_path, "#summary .podium")
    # Too much for one screen at a readable size: the summary pages through the activities (and the podium).
    expect(page.locator("#summary .pager").first).to_have_text(re.compile(r"^\d–\d of 4$"))
    assert_axe_clean(page, "summary")
    context.close()


def test_presenter_fits_for_an_anonymous_viewer_in_the_light_theme(
    _serial_live_server: None, live_server: Any, browser: Any, event: dict[str, Any], tmp_path: Path
) -> None:
    """No control bar (a viewer who is not the organizer), the light theme, the fullest activity."""
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT)
    session = event["session"]
    session_services.session_start(session=session)
    activity_services.activity_activate_next(session=session)
    _answer_all(event, "poll")
    context = browser.new_context(viewport={"width": 1280, "height": 720}, color_scheme="light")
    page = context.new_page()
    page.goto(f"{live_server.url}/present/{session.pk}?poll=0.5")
    expect(page.locator("#controls")).to_have_count(0)
    _each_size(page, "poll-anonymous-light", tmp_path, '.bar-row[data-option-id="o19"]')
    assert_axe_clean(page, "poll-anonymous-light")
    context.close()


LONG_QNA_PROMPT = "Ask the leadership team anything about the reorganisation, the roadmap and the budget"


def _qna_with_ten_long_questions(event: dict[str, Any]) -> Any:
    """An open Q&A (published) holding 10 questions of about 280 characters, upvoted unevenly, one pinned."""
    from activities.types.qna import services as qna_services

    qna = activity_services.activity_create(
        session=event["session"], type="qna", config={"prompt": LONG_QNA_PROMPT}, order=99
    )
    activity_services.activity_set_status(activity=qna, status="published")
    people = event["people"]
    questions = []
    for i in range(10):
        text = (
            f"Question {i + 1}: given the hiring freeze, the office move, the audit and the two launches, "
            "how will the teams be staffed next quarter, who decides what gets cut first, and when will we "
            f"hear about the new structure and the budget for tooling and training {'x' * 40}?"
        )[:280]
        questions.append(
            qna_services.question_post(participant=people[i], activity=qna, text=text, anonymous=i % 3 == 0)
        )
    for i, question in enumerate(questions):
        for voter in people[: (i * 7) % 23]:
            if voter.pk != question.participant_id:  # askers cannot upvote their own question
                qna_services.question_upvote(participant=voter, activity=qna, question_id=question.pk)
    qna_services.question_moderate(question=questions[4], pinned=True)
    return qna


def test_presenter_fits_with_a_qna(
    _serial_live_server: None,
    live_server: Any,
    browser: Any,
    event: dict[str, Any],
    organizer: Any,
    tmp_path: Path,
) -> None:
    """A Q&A with 10 long questions: in a side column beside the 20-option poll, then on the whole stage."""
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT)
    session = event["session"]
    session_services.session_start(session=session)
    qna = _qna_with_ten_long_questions(event)
    poll = activity_services.activity_activate_next(session=session)
    assert poll.pk == event["acts"]["poll"].pk
    _answer_all(event, "poll")
    context = _logged_in_context(browser, live_server, organizer)
    page = context.new_page()
    page.goto(f"{live_server.url}/present/{session.pk}?poll=0.5")
    expect(page.locator("#btn-moderate")).to_be_visible()
    # Beside the poll: the pinned question and the top 3 (the others are on the phones).
    expect(page.locator("#qna-side .qna-row")).to_have_count(3)
    expect(page.locator("#qna-side #qna-pinned")).to_contain_text("Question 5:")
    _each_size(page, "qna-beside-poll", tmp_path, '.bar-row[data-option-id="o19"]')
    assert_axe_clean(page, "qna-beside-poll")

    activity_services.activity_set_status(activity=qna, status="active")
    expect(page.locator(".qna-stage #qna-pinned")).to_contain_text("Question 5:")
    expect(page.locator(".qna-stage .qna-row")).to_have_count(9)
    _each_size(page, "qna-current", tmp_path, ".qna-stage .qna-row")
    assert_axe_clean(page, "qna-current")
    page.emulate_media(color_scheme="light")
    assert_axe_clean(page, "qna-current-light")
    # The end summary recaps the Q&A (its count and top questions) beside the poll, readable at 720p.
    page.emulate_media(color_scheme="dark")
    session_services.session_complete(session=session)
    expect(page.locator('#summary .summary-item[data-type="qna"] .qna-row').first).to_be_attached()
    _each_size(page, "qna-summary", tmp_path, "#summary .summary-item")
    context.close()


LONG_ANSWER = (
    "I think we should spend the first month of the quarter paying down the build and test infrastructure, "
    "because every team loses hours a week to flaky pipelines, and only then start the two launches"
)


def test_presenter_fits_the_new_types_and_reactions(
    _serial_live_server: None,
    live_server: Any,
    browser: Any,
    event: dict[str, Any],
    organizer: Any,
    tmp_path: Path,
) -> None:
    """10 rating statements, 10 ranking items, 100 long open-text answers (with the organizer's Hide
    buttons), each while a burst of reactions floats in the join column."""
    from playwright.sync_api import expect

    from activities.services import response_submit
    from live import reactions

    expect.set_options(timeout=TIMEOUT)
    session = event["session"]
    people = event["people"]
    # 100 answers need 100 participants: 60 more.
    people = people + [
        participant_join(session=session, nickname=f"Late joiner {i:02d}")[0] for i in range(60)
    ]
    labels = [f"Statement {i + 1}: the team had what it needed for {t}" for i, t in enumerate("abcdefghij")]
    acts = {
        "open_text": activity_services.activity_create(
            session=session, type="open_text", config={"prompt": LONG_QUESTION, "max_length": 400}, order=101
        ),
        "rating": activity_services.activity_create(
            session=session,
            type="rating",
            config={
                "question": LONG_QUESTION,
                "statements": [{"id": f"s{i}", "label": label} for i, label in enumerate(labels)],
                "scale_min": 0,
                "scale_max": 10,
                "min_label": "Not at all",
                "max_label": "Completely",
            },
            order=102,
        ),
        "ranking": activity_services.activity_create(
            session=session,
            type="ranking",
            config={
                "question": LONG_QUESTION,
                "items": [
                    {"id": f"i{i}", "label": f"Project {i + 1}: {POLL_OPTIONS[i]['label']}"}
                    for i in range(10)
                ],
            },
            order=103,
        ),
    }
    for act in event["acts"].values():
        act.delete()
    session_services.session_start(session=session)
    context = _logged_in_context(browser, live_server, organizer)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{live_server.url}/present/{session.pk}?poll=0.5")
    for key, act in acts.items():
        activity = _while_page_polls(lambda: activity_services.activity_activate_next(session=session))
        assert activity.pk == act.pk
        for i, person in enumerate(people[:100] if key == "open_text" else people[:40]):
            if key == "open_text":
                data: dict[str, Any] = {"text": f"Answer {i}: {LONG_ANSWER}"}
            elif key == "rating":
                data = {"ratings": {f"s{j}": (i + j) % 11 for j in range(10)}}
            else:
                data = {"order": [f"i{(i + j) % 10}" for j in range(10)]}
            _while_page_polls(
                lambda person=person, data=data, activity=activity: response_submit(
                    participant=person, activity=activity, response_data=data
                )
            )
        for i, person in enumerate(people[:12]):
            reactions.reaction_add(
                session_id=session.pk, participant_id=str(person.pk), kind=reactions.KINDS[i % 5]
            )
        ready = {
            "open_text": ".text-card .btn-hide",
            "rating": '.rating-row[data-statement-id="s9"]',
            "ranking": ".ranking-row[data-place='10']",
        }[key]
        expect(page.locator(f'.activity[data-type="{key}"]')).to_be_visible()
        expect(page.locator("#reaction-lane")).to_be_visible()
        _each_size(page, key, tmp_path, ready)
        assert_axe_clean(page, key)
    page.emulate_media(reduced_motion="reduce")
    expect(page.locator(".reaction-count").first).to_be_visible()
    _each_size(page, "ranking-reduced-motion", tmp_path, ".reaction-count")
    # The end summary of these types (the rating's legend, the wall, the ranking): 16 px at 720p too.
    session_services.session_complete(session=session)
    expect(page.locator("#summary .summary-item")).to_have_count(3)
    _each_size(page, "new-types-summary", tmp_path, "#summary .summary-item")
    context.close()


def _while_page_polls(write: Any) -> Any:
    """A write of the test itself while the page polls. On in-memory SQLite the live server and the
    test share one connection (conftest.py), and a poll being read at that instant makes SQLite
    answer "database table is locked": try again, as a second request would."""
    for _ in range(100):
        try:
            return write()
        except OperationalError as exc:
            if "locked" not in str(exc):
                raise
            time.sleep(0.02)
    return write()
