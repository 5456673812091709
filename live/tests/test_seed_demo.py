"""The demo seeding command goes through the services and is idempotent with --if-empty."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from rest_framework.test import APIClient

from activities.models import Activity, Question, QuestionUpvote, Response
from participants.models import Participant
from sessions_app.models import Session, SessionMember

pytestmark = pytest.mark.django_db


def _seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_creates_organizer_and_session_with_one_activity_per_type() -> None:
    output = _seed()
    users = get_user_model().objects.exclude(username="moderator")
    assert users.count() == 1
    organizer = users.get()
    assert organizer.username == "demo"
    assert organizer.is_staff
    assert organizer.check_password("demo-pass-2026")
    session = Session.objects.get()
    assert session.name == "Demo town hall"
    assert sorted(Activity.objects.filter(session=session).values_list("type", flat=True)) == [
        "open_text",
        "poker",
        "poll",
        "qna",
        "quiz",
        "ranking",
        "rating",
        "wordcloud",
    ]
    # The Q&A is published; with no participants nobody has asked anything yet.
    qna = Activity.objects.get(type="qna")
    assert qna.status == "published" and qna.config["moderation"] is True
    assert not Question.objects.exists()
    assert "demo / demo-pass-2026" in output
    assert session.join_url in output
    assert f"/present/{session.id}" in output


def test_if_empty_does_nothing_when_a_session_exists() -> None:
    _seed()
    output = _seed("--if-empty")
    assert Session.objects.count() == 1
    assert Activity.objects.count() == 8
    assert get_user_model().objects.count() == 2  # the organizer and the moderator
    assert "demo / demo-pass-2026" in output


def test_participants_and_answers() -> None:
    _seed("--participants", "5", "--answers", "--username", "host", "--password", "another-pass-42")
    assert get_user_model().objects.exclude(username="moderator").get().username == "host"
    assert Participant.objects.count() == 5
    poll = Activity.objects.get(type="poll")
    assert Response.objects.filter(activity=poll).count() == 5
    assert Response.objects.count() == 5


def test_participants_ask_and_upvote_in_the_open_qna(settings: Any) -> None:
    settings.CAJA_SNAPSHOT_MIN_REBUILD_SECONDS = 0
    output = _seed("--participants", "5", "--answers")
    qna = Activity.objects.get(type="qna")
    assert qna.status == "published"  # still open after the poll went live
    questions = {q.text: q for q in Question.objects.filter(activity=qna).select_related("participant")}
    assert len(questions) == 4 and "4 questions" in output
    assert questions["Will there be a summer party?"].status == "pending"
    anonymous = questions["Are we hiring in the support team this year?"]
    assert anonymous.anonymous and anonymous.participant.nickname == "Guest 002"
    # Upvotes are real rows, one per participant and question, and the counters agree.
    for question in questions.values():
        assert question.upvote_count == QuestionUpvote.objects.filter(question=question).count()
    assert [q.upvote_count for q in questions.values()] == [4, 2, 0, 0]  # never the asker's own
    # The audience sees the open Q&A beside the live poll, top first, the pending one hidden.
    session = Session.objects.get()
    state = APIClient().get(f"/api/v1/sessions/{session.pk}/state").json()
    assert state["current_activity"]["type"] == "poll"
    assert [(q["text"], q["upvotes"], q["nickname"]) for q in state["qna"]["top"]] == [
        ("When will the new office open?", 4, "Guest 001"),
        ("Are we hiring in the support team this year?", 2, None),
        ("Can we keep the Friday demos?", 0, "Guest 003"),
    ]


def test_a_second_organizer_moderates_the_demo_session() -> None:
    output = _seed()
    assert "moderator:     moderator / moderator-pass-2026" in output
    moderator = get_user_model().objects.get(username="moderator")
    assert moderator.is_staff and not moderator.is_superuser
    assert moderator.check_password("moderator-pass-2026")
    session = Session.objects.get()
    assert SessionMember.objects.get(session=session, user=moderator).role == "moderator"
    # Seeding again (make run) keeps one membership and prints the login again.
    again = _seed("--if-empty")
    assert "moderator:     moderator / moderator-pass-2026" in again
    assert SessionMember.objects.filter(user=moderator).count() == 1
    # The moderator signs in and sees the session with their role, and cannot edit it.
    client = APIClient()
    token = client.post(
        "/api/v1/auth/token", {"username": "moderator", "password": "moderator-pass-2026"}, format="json"
    ).json()["access"]
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token}")
    listed = client.get("/api/v1/sessions").json()["items"]
    assert [(s["name"], s["my_role"]) for s in listed] == [("Demo town hall", "moderator")]
    refused = client.patch(f"/api/v1/sessions/{session.pk}", {"name": "Mine now"}, format="json")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "PERMISSION_DENIED"
