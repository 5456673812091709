"""Q&A (contract v1.1): questions, upvotes, moderation, the state snapshot's ``qna``."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from activities.models import Question, QuestionUpvote
from activities.tests.factories import ActivityFactory
from conftest import participant_client
from core.testing import assert_error
from participants import services as participant_services
from sessions_app.models import Session
from sessions_app.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db

QNA = {"prompt": "Ask us anything", "moderation": False, "allow_anonymous": True, "max_length": 280}
POLL = {"question": "Lunch?", "options": [{"id": "a", "label": "Pizza"}, {"id": "b", "label": "Salad"}]}


@pytest.fixture
def world(organizer: Any, settings: Any) -> dict[str, Any]:
    settings.CAJA_SNAPSHOT_MIN_REBUILD_SECONDS = 0
    session = SessionFactory(owner=organizer, status="active")
    qna = ActivityFactory(session=session, type="qna", config=dict(QNA), status="published", order=0)
    poll = ActivityFactory(session=session, type="poll", config=POLL, status="active", order=1)
    Session.objects.filter(pk=session.pk).update(current_activity=poll)
    tokens = {
        n: participant_services.participant_join(session=session, nickname=n)[1] for n in ("Ana", "Ben", "Cy")
    }
    base = f"/api/v1/sessions/{session.pk}/activities/{qna.pk}/questions"
    return {"session": session, "qna": qna, "poll": poll, "tokens": tokens, "base": base}


def ask(world: dict[str, Any], who: str, text: str, **extra: Any) -> Any:
    return participant_client(world["tokens"][who]).post(
        world["base"], {"text": text, **extra}, format="json"
    )


def test_questions_while_a_poll_is_live_upvotes_and_the_state(world: dict[str, Any]) -> None:
    first = ask(world, "Ana", "  When is the next offsite?  ")
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["text"] == "When is the next offsite?" and body["nickname"] == "Ana"
    assert body["status"] == "visible" and body["upvotes"] == 0 and body["pinned"] is False
    assert body["mine"] is True and body["upvoted"] is False
    second = ask(world, "Ben", "Will there be pizza?", anonymous=True).json()
    assert second["nickname"] is None

    # Upvotes: idempotent, one per participant, withdrawable.
    upvote = f"{world['base']}/{second['id']}/upvote"
    for who in ("Ana", "Ana", "Cy"):
        resp = participant_client(world["tokens"][who]).put(upvote)
        assert resp.status_code == 200, resp.content
    assert resp.json() == {"upvotes": 2, "upvoted": True}
    assert QuestionUpvote.objects.filter(question_id=second["id"]).count() == 2
    assert participant_client(world["tokens"]["Cy"]).delete(upvote).json() == {"upvotes": 1, "upvoted": False}
    assert participant_client(world["tokens"]["Cy"]).delete(upvote).json() == {"upvotes": 1, "upvoted": False}

    # The list: top first; a participant sees what they upvoted and what is theirs.
    items = participant_client(world["tokens"]["Ana"]).get(world["base"]).json()["items"]
    assert [q["text"] for q in items] == ["Will there be pizza?", "When is the next offsite?"]
    assert [(q["upvoted"], q["mine"]) for q in items] == [(True, False), (False, True)]
    newest = APIClient().get(world["base"], {"sort": "new"}).json()["items"]
    assert [q["text"] for q in newest] == ["Will there be pizza?", "When is the next offsite?"]
    assert "upvoted" not in newest[0]

    # The state carries the open Q&A beside the live poll.
    state = APIClient().get(f"/api/v1/sessions/{world['session'].pk}/state").json()
    assert state["current_activity"]["type"] == "poll"
    assert state["qna"]["activity_id"] == str(world["qna"].pk)
    assert state["qna"]["question_count"] == 2
    assert [(q["text"], q["upvotes"]) for q in state["qna"]["top"]] == [
        ("Will there be pizza?", 1),
        ("When is the next offsite?", 0),
    ]


def test_moderation_pins_and_hides(world: dict[str, Any], org_api: APIClient) -> None:
    world["qna"].config = {**QNA, "moderation": True}
    world["qna"].save()
    pending = ask(world, "Ana", "Is the bonus late?").json()
    assert pending["status"] == "pending"
    # Nobody else sees a pending question; its author does, and the organizer does.
    assert APIClient().get(world["base"]).json()["total"] == 0
    assert participant_client(world["tokens"]["Ben"]).get(world["base"]).json()["total"] == 0
    assert (
        participant_client(world["tokens"]["Ana"]).get(world["base"]).json()["items"][0]["status"]
        == "pending"
    )
    assert org_api.get(world["base"], {"status": "pending"}).json()["total"] == 1
    # Nobody can upvote what they cannot see.
    assert_error(
        participant_client(world["tokens"]["Ben"]).put(f"{world['base']}/{pending['id']}/upvote"),
        404,
        "NOT_FOUND",
    )
    # Pinning a pending one is refused; approve, then pin.
    detail = f"{world['base']}/{pending['id']}"
    assert_error(org_api.patch(detail, {"pinned": True}, format="json"), 409, "INVALID_TRANSITION")
    assert org_api.patch(detail, {"status": "visible"}, format="json").json()["status"] == "visible"
    org_api.patch(detail, {"status": "visible"}, format="json")
    other = org_api.patch(
        f"{world['base']}/{ask(world, 'Ben', 'Hello?').json()['id']}", {"status": "visible"}, format="json"
    )
    assert other.status_code == 200
    assert org_api.patch(detail, {"pinned": True}, format="json").json()["pinned"] is True
    # One pinned at most: pinning another unpins the first.
    assert (
        org_api.patch(f"{world['base']}/{other.json()['id']}", {"pinned": True}, format="json").status_code
        == 200
    )
    assert list(Question.objects.filter(pinned=True).values_list("text", flat=True)) == ["Hello?"]
    state = APIClient().get(f"/api/v1/sessions/{world['session'].pk}/state").json()
    assert state["qna"]["top"][0]["text"] == "Hello?" and state["qna"]["top"][0]["pinned"] is True
    # Hiding unpins and removes it from the public view; answered stays public.
    assert (
        org_api.patch(f"{world['base']}/{other.json()['id']}", {"status": "hidden"}, format="json").json()[
            "pinned"
        ]
        is False
    )
    assert org_api.patch(detail, {"status": "answered"}, format="json").json()["status"] == "answered"
    assert [q["text"] for q in APIClient().get(world["base"]).json()["items"]] == ["Is the bonus late?"]
    assert_error(org_api.patch(detail, {}, format="json"), 400, "VALIDATION_ERROR")
    assert_error(org_api.patch(detail, {"status": "gone"}, format="json"), 400, "VALIDATION_ERROR")


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"text": "   "}, "text"),
        ({"text": "x" * 281}, "text"),
        ({"text": "bad\x00byte"}, "text"),
        # A right-to-left override would show the words in another order than they were typed.
        ({"text": "Pay \u202eyreve\u202c more?"}, "text"),
        ({"text": "\u2067تحية\u2069 x"}, "text"),
        ({"text": "Why so much shit?"}, "text"),
        ({"text": "Hi", "anonymous": "maybe"}, "anonymous"),
        ({}, "text"),
    ],
)
def test_bad_questions_are_refused(world: dict[str, Any], payload: dict[str, Any], field: str) -> None:
    resp = participant_client(world["tokens"]["Ana"]).post(world["base"], payload, format="json")
    body = assert_error(resp, 400, "VALIDATION_ERROR")
    assert field in body["details"], body
    assert not Question.objects.exists()


def test_right_to_left_questions_are_welcome(world: dict[str, Any]) -> None:
    """Arabic and Hebrew, with the marks and joiners their writers use, are not control characters."""
    for text in ("ما هي خطة الربع القادم؟", "מה התוכנית\u200f לרבעון?", "چرا\u200cها؟ 👩\u200d💻"):
        assert ask(world, "Ana", text).status_code == 201, text
    assert Question.objects.count() == 3


def test_anonymous_off_and_closed_qna(world: dict[str, Any]) -> None:
    world["qna"].config = {**QNA, "allow_anonymous": False}
    world["qna"].save()
    body = assert_error(ask(world, "Ana", "Hi", anonymous=True), 400, "VALIDATION_ERROR")
    assert body["details"] == {"anonymous": ["Anonymous questions are off for this Q&A."]}
    world["qna"].status = "expired"
    world["qna"].save()
    assert_error(ask(world, "Ana", "Hi"), 409, "ACTIVITY_NOT_ACTIVE")
    assert APIClient().get(f"/api/v1/sessions/{world['session'].pk}/state").json()["qna"] is None


def test_who_may_do_what(world: dict[str, Any], org_api: APIClient, other_organizer: Any) -> None:
    q = ask(world, "Ana", "Hi").json()
    detail = f"{world['base']}/{q['id']}"
    assert_error(APIClient().post(world["base"], {"text": "x"}, format="json"), 401, "NOT_AUTHENTICATED")
    assert_error(APIClient().put(f"{detail}/upvote"), 401, "NOT_AUTHENTICATED")
    assert_error(
        participant_client(world["tokens"]["Ana"]).patch(detail, {"pinned": True}, format="json"),
        403,
        "PERMISSION_DENIED",
    )
    stranger = APIClient()
    stranger.force_authenticate(other_organizer)
    assert_error(stranger.patch(detail, {"pinned": True}, format="json"), 404, "NOT_FOUND")
    assert_error(stranger.get(world["base"], {"status": "visible"}), 400, "VALIDATION_ERROR")
    # Another session's token is not good here; a poll is not a Q&A.
    elsewhere = SessionFactory(status="active")
    _, token = participant_services.participant_join(session=elsewhere, nickname="Zed")
    assert_error(
        participant_client(token).post(world["base"], {"text": "x"}, format="json"), 403, "PERMISSION_DENIED"
    )
    poll_questions = f"/api/v1/sessions/{world['session'].pk}/activities/{world['poll'].pk}/questions"
    assert_error(
        participant_client(world["tokens"]["Ana"]).post(poll_questions, {"text": "x"}, format="json"),
        404,
        "NOT_FOUND",
    )
    # Answers to a Q&A go to /questions.
    responses = f"/api/v1/sessions/{world['session'].pk}/activities/{world['qna'].pk}/responses"
    assert participant_client(world["tokens"]["Ana"]).post(
        responses, {"response_data": {}}, format="json"
    ).status_code in (400, 409)


def test_a_live_qna_steps_aside_and_stays_open_past_next(world: dict[str, Any], organizer: Any) -> None:
    """Issue 28 item 5: the presenter keeps a live Q&A open beside what comes next: the Q&A steps back to
    published (and only a Q&A may), then Next activates the following activity and leaves it open."""
    session, qna, poll = world["session"], world["qna"], world["poll"]
    later = ActivityFactory(session=session, type="poll", config=POLL, status="draft", order=2)
    poll.status = "expired"
    poll.save()
    qna.status = "active"
    qna.save()
    Session.objects.filter(pk=session.pk).update(current_activity=qna)
    client = APIClient()
    client.force_authenticate(organizer)
    # A poll may not step back.
    poll_back = client.patch(f"/api/v1/activities/{poll.pk}/status", {"status": "published"}, format="json")
    assert_error(poll_back, 409, "INVALID_TRANSITION")
    aside = client.patch(f"/api/v1/activities/{qna.pk}/status", {"status": "published"}, format="json")
    assert aside.status_code == 200, aside.content
    nxt = client.post(f"/api/v1/sessions/{session.pk}/next")
    assert nxt.status_code == 200, nxt.content
    state = nxt.json()
    assert state["current_activity"]["id"] == str(later.pk)
    assert state["qna"]["activity_id"] == str(qna.pk)
    qna.refresh_from_db()
    assert qna.status == "published"
    assert ask(world, "Ana", "Still open?").status_code == 201
