"""Pictures and slides fit the big screen (issue 24): the fit test's sizes (1280x720 to 3840x2160) for
two slides (title, bullets and a picture; a rendered deck page alone), a poll and a quiz whose options
carry pictures (the quiz's as cards before the reveal, in its bars after), a ranking and a rating with
pictures, and a Q&A with its picture: nothing overflows, no text below 16 px at 1280x720, and every
picture lies inside its card or row. axe-core passes on the quiz's cards. The phone: the ranking's
items', the rating's statements' and the Q&A's pictures, lazy, with their alt texts, never wider than
the screen; axe-core passes."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from activities import services as activity_services
from activities.services import response_submit
from activities.services.media import media_upload
from core.testing import assert_axe_clean
from participants.services import participant_join
from sessions_app import services as session_services

from .test_presenter_fit import SIZES, TIMEOUT, _fits, _logged_in_context, _readable, _while_page_polls

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every loaded picture of the stage outside the card (or results row) that holds it: [] when all fit.
OUTSIDE = """(card) => {
  const out = [];
  for (const img of document.querySelectorAll("#stage img")) {
    const box = img.closest(card) || img.closest(".slide") || img.closest(".activity");
    if (!box) { out.push(`${img.alt}: in no card`); continue; }
    const r = img.getBoundingClientRect(), b = box.getBoundingClientRect();
    if (!r.width || !r.height) continue;
    if (r.left < b.left - 1 || r.right > b.right + 1 || r.top < b.top - 1 || r.bottom > b.bottom + 1)
      out.push(`${img.alt}: [${Math.round(r.left)}, ${Math.round(r.top)}, ${Math.round(r.right)}, ${Math.round(r.bottom)}] outside [${Math.round(b.left)}, ${Math.round(b.top)}, ${Math.round(b.right)}, ${Math.round(b.bottom)}]`);
  }
  return out;
}"""  # noqa: E501
LOADED = "() => [...document.querySelectorAll('#stage img')].every((i) => i.complete && i.naturalWidth > 0)"
# Whether the element (a phone's picture) lies within the screen's width: {right, width}.
BOX = (
    "(el) => { const r = el.getBoundingClientRect(); return {left: r.left, right: r.right, width: r.width}; }"
)

LONG = "Which of these four office floor plans should we choose for the new building next spring?"


def _png(width: int, height: int, color: tuple[int, int, int]) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), color).save(buffer, format="PNG")
    return buffer.getvalue()


def _ref(media: Any, alt: str) -> dict[str, str]:
    return {"media_id": str(media.pk), "alt": alt}


@pytest.fixture
def organizer(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user(username="iris", password="pw-iris-123", is_staff=True)


@pytest.fixture
def talk(organizer: Any, settings: Any, tmp_path: Path, live_server: Any) -> dict[str, Any]:
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.MEDIA_SERVE = True
    settings.PUBLIC_BASE_URL = live_server.url
    session = session_services.session_create(owner=organizer, name="Office move town hall")
    # Tall, wide and square pictures: each must keep inside its card whatever its shape.
    shapes = [(1200, 800), (600, 1400), (1000, 1000), (2400, 600), (1920, 1080), (800, 1200)]
    pics = [
        media_upload(session=session, data=_png(w, h, (30 * i, 120, 200 - 20 * i)))
        for i, (w, h) in enumerate(shapes)
    ]
    create = activity_services.activity_create
    acts = {
        "slide": create(
            session=session,
            type="slide",
            config={
                "title": "Where we are moving, and why the timing matters for every team",
                "body": (
                    "The lease ends in June.\n\n"
                    "- Closer to the station\n- Two more meeting rooms\n- A quiet floor"
                ),
                "image": _ref(pics[4], "The new building seen from the station"),
            },
        ),
        "page": create(
            session=session, type="slide", config={"image": _ref(pics[3], "Slide 2: the floor plans")}
        ),
        "poll": create(
            session=session,
            type="poll",
            config={
                "question": LONG,
                "image": _ref(pics[0], "The site map"),
                "options": [
                    {
                        "id": k,
                        "label": f"Plan {k.upper()}: open space",
                        "image": _ref(pics[i], f"Plan {k.upper()}"),
                    }
                    for i, k in enumerate("abcdef")
                ],
            },
        ),
        "quiz": create(
            session=session,
            type="quiz",
            config={
                "question": "Which floor plan is the current office?",
                "image": _ref(pics[2], "The current office"),
                "options": [
                    {
                        "id": k,
                        "label": f"Floor {k.upper()}",
                        "image": _ref(pics[i], f"Floor plan {k.upper()}"),
                    }
                    for i, k in enumerate("abcd")
                ],
                "correct_option_id": "b",
                "time_limit_seconds": None,
                "lead_in_seconds": 0,
            },
        ),
        "ranking": create(
            session=session,
            type="ranking",
            config={
                "question": "Rank the meeting room layouts",
                "items": [
                    {
                        "id": f"i{i}",
                        "label": f"Layout {i + 1}",
                        "image": _ref(pics[i], f"Layout {i + 1}: a sketch"),
                    }
                    for i in range(5)
                ],
            },
        ),
        "rating": create(
            session=session,
            type="rating",
            config={
                "question": "How much do you like each corner?",
                "statements": [
                    {
                        "id": f"s{i}",
                        "label": f"Corner {i + 1}",
                        "image": _ref(pics[i + 1], f"Corner {i + 1}: a photo"),
                    }
                    for i in range(3)
                ],
            },
        ),
    }
    acts["qna"] = create(
        session=session,
        type="qna",
        config={"prompt": "Questions about the move?", "image": _ref(pics[5], "The moving boxes")},
    )
    people = [participant_join(session=session, nickname=f"Person {i:02d}")[0] for i in range(12)]
    return {"session": session, "acts": acts, "people": people}


def _answers(key: str, i: int) -> dict[str, Any] | None:
    return {
        "poll": {"option_ids": ["abcdef"[i % 6]]},
        "quiz": {"option_id": "abcd"[i % 4]},
        "ranking": {"order": [f"i{(i + j) % 5}" for j in range(5)]},
        "rating": {"ratings": {f"s{j}": 1 + (i + j) % 5 for j in range(3)}},
    }.get(key)


def _each_size_inside(page: Any, where: str, shots: Path, ready: str, card: str) -> None:
    """The fit test at every size, and every picture inside its card once loaded."""
    from playwright.sync_api import expect

    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        expect(page.locator(ready).first).to_be_attached()
        page.wait_for_function(LOADED, timeout=TIMEOUT)
        _fits(page, f"{where}-{width}x{height}", shots)
        if (width, height) == (1280, 720):
            _readable(page, f"{where}-{width}x{height}")
        try:
            page.wait_for_function(f"() => ({OUTSIDE})({card!r}).length === 0", timeout=TIMEOUT)
        except Exception:  # noqa: BLE001  (a timeout: report which pictures spill)
            pytest.fail(f"{where}-{width}x{height}: " + "\n".join(page.evaluate(f"({OUTSIDE})({card!r})")))


def test_slides_and_pictures_fit_the_big_screen_and_the_phone(
    _serial_live_server: None,
    live_server: Any,
    browser: Any,
    talk: dict[str, Any],
    organizer: Any,
    tmp_path: Path,
) -> None:
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT)
    session = talk["session"]
    session_services.session_start(session=session)
    context = _logged_in_context(browser, live_server, organizer)
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{live_server.url}/present/{session.pk}?poll=0.5")
    phone = browser.new_context(viewport={"width": 360, "height": 740}).new_page()
    phone.set_default_timeout(TIMEOUT)
    phone.goto(f"{live_server.url}/join/{session.join_code}?poll=0.5")
    phone.fill("#nickname", "Ana")
    phone.get_by_role("button", name="Join").click()

    checks = {
        # key: (ready selector, the card each picture must stay inside)
        "slide": ("#slide img", ".slide"),
        "page": ("#slide img", ".slide"),
        "poll": ('.bar-row[data-option-id="f"] img', ".bar-row, .question-picture"),
        "quiz": ('.quiz-list-item[data-option-id="d"] img', ".quiz-list-item, .question-picture"),
        "ranking": ('.ranking-row[data-place="5"] img', ".bar-row, .question-picture"),
        "rating": ('.rating-row[data-statement-id="s2"] img', ".rating-row, .question-picture"),
        "qna": (".qna-stage .question-picture img", ".question-picture"),
    }
    for key, act in talk["acts"].items():
        activity = _while_page_polls(lambda: activity_services.activity_activate_next(session=session))
        assert activity.pk == act.pk
        for i, person in enumerate(talk["people"]):
            data = _answers(key, i)
            if data is not None:
                _while_page_polls(
                    lambda person=person, data=data, activity=activity: response_submit(
                        participant=person, activity=activity, response_data=data
                    )
                )
        ready, card = checks[key]
        _each_size_inside(page, key, tmp_path, ready, card)
        if key == "quiz":
            # The options as cards, each picture with its alt text; then the reveal: in the bars.
            expect(page.locator(".quiz-list.option-cards .card-picture img")).to_have_count(4)
            expect(page.get_by_role("img", name="Floor plan C")).to_be_visible()
            page.set_viewport_size({"width": 1280, "height": 720})
            page.wait_for_function(LOADED)
            assert_axe_clean(page, "quiz-cards-screen")
            # The phone's quiz with pictures, before answering.
            expect(phone.locator(".quiz-option .option-picture img")).to_have_count(4)
            assert_axe_clean(phone, "quiz-pictures-phone")
            _while_page_polls(lambda activity=activity: activity_services.activity_reveal(activity=activity))
            _each_size_inside(
                page, "quiz-revealed", tmp_path, '.bar-row[data-option-id="d"] .bar-picture img', ".bar-row"
            )
        if key in ("ranking", "rating"):
            picture = ".item-picture img" if key == "ranking" else ".statement-picture img"
            count = 5 if key == "ranking" else 3
            expect(phone.locator(picture)).to_have_count(count)
            for img in phone.locator(picture).all():
                expect(img).to_have_attribute("loading", "lazy")
                img.scroll_into_view_if_needed()
                box = img.evaluate(BOX)
                assert box["left"] >= 0 and box["right"] <= 360, (key, box)
            name = "Layout 3: a sketch" if key == "ranking" else "Corner 2: a photo"
            expect(phone.get_by_role("img", name=name)).to_be_visible()
            assert phone.evaluate("() => document.documentElement.scrollWidth") <= 360
            assert_axe_clean(phone, f"{key}-pictures-phone")
        if key == "qna":
            # The Q&A's picture under its prompt on the phone too (its panel takes the screen).
            img = phone.get_by_role("img", name="The moving boxes")
            expect(img).to_be_visible()
            expect(img).to_have_attribute("loading", "lazy")
            assert img.evaluate(BOX)["right"] <= 360
    context.close()
    phone.context.close()
