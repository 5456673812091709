"""The demo seeding command goes through the services and is idempotent with --if-empty."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from activities.models import Activity, Response
from participants.models import Participant
from sessions_app.models import Session

pytestmark = pytest.mark.django_db


def _seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def test_creates_organizer_and_session_with_one_activity_per_type() -> None:
    output = _seed()
    users = get_user_model().objects.all()
    assert users.count() == 1
    organizer = users.get()
    assert organizer.username == "demo"
    assert organizer.is_staff
    assert organizer.check_password("demo-pass-2026")
    session = Session.objects.get()
    assert session.name == "Demo town hall"
    assert sorted(Activity.objects.filter(session=session).values_list("type", flat=True)) == [
        "poker",
        "poll",
        "quiz",
        "wordcloud",
    ]
    assert "demo / demo-pass-2026" in output
    assert session.join_url in output
    assert f"/present/{session.id}" in output


def test_if_empty_does_nothing_when_a_session_exists() -> None:
    _seed()
    output = _seed("--if-empty")
    assert Session.objects.count() == 1
    assert Activity.objects.count() == 4
    assert get_user_model().objects.count() == 1
    assert "demo / demo-pass-2026" in output


def test_participants_and_answers() -> None:
    _seed("--participants", "5", "--answers", "--username", "host", "--password", "another-pass-42")
    assert get_user_model().objects.get().username == "host"
    assert Participant.objects.count() == 5
    poll = Activity.objects.get(type="poll")
    assert Response.objects.filter(activity=poll).count() == 5
    assert Response.objects.count() == 5
