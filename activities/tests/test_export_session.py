"""`manage.py export_session`, and its round trip through import_session."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError

from activities.models import Activity, Question
from activities.tests.factories import ActivityFactory, QuestionFactory
from core.testing import assert_command_help
from core.testing import run_command as run
from participants.models import Participant
from sessions_app.models import Session
from sessions_app.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db


def test_join_code_shared_by_completed_sessions_is_ambiguous() -> None:
    first = SessionFactory(status="completed", join_code="ABCDEF")
    SessionFactory(status="completed", join_code="ABCDEF")
    with pytest.raises(CommandError, match="several completed sessions"):
        run("export_session", "abcdef")
    # An open session with the code wins.
    live = SessionFactory(status="active", join_code="ABCDEF")
    out, _ = run("export_session", "abcdef")
    assert json.loads(out)["source"]["session_id"] == str(live.pk) != str(first.pk)


def _definition_without_ids(text: str) -> dict[str, Any]:
    doc = json.loads(text)
    doc.pop("exported_at")
    doc.pop("source")
    return doc


def test_session_definition_round_trip(filled_session: Session, tmp_path: Path, other_organizer: Any) -> None:
    Activity.objects.filter(session=filled_session, type="poll").update(
        config={
            "question": "Lunch?",
            "options": [{"id": "a", "label": "Pizza"}, {"id": "b", "label": "Salad"}],
            "multiple": False,
            "max_choices": None,
        }
    )
    Activity.objects.filter(session=filled_session, type="wordcloud").update(
        config={"prompt": "Hi", "max_words": 3, "max_length": 25}
    )
    first = tmp_path / "definition.json"
    run("export_session", str(filled_session.pk), "--output", str(first))
    definition = json.loads(first.read_text())
    assert definition["format"] == "caja.session" and definition["version"] == 1
    assert "participants" not in first.read_text() and "responses" not in first.read_text()
    sessions_before = Session.objects.count()
    out, _ = run("import_session", str(first), "--owner", other_organizer.username)
    assert "Imported session" in out
    assert Session.objects.count() == sessions_before + 1
    imported = Session.objects.exclude(pk=filled_session.pk).get(owner=other_organizer)
    assert imported.status == "draft" and imported.join_code != filled_session.join_code
    assert not Participant.objects.filter(session=imported).exists()
    again, _ = run("export_session", str(imported.pk))
    assert _definition_without_ids(again) == _definition_without_ids(first.read_text())


def test_has_help() -> None:
    assert_command_help("activities", "export_session")


def test_qna_config_round_trips_and_questions_stay_behind(
    filled_session: Session, tmp_path: Path, other_organizer: Any
) -> None:
    config = {"prompt": "Ask the board", "moderation": True, "allow_anonymous": False, "max_length": 120}
    qna = ActivityFactory(session=filled_session, type="qna", title="Q&A", order=4, config=config)
    QuestionFactory(activity=qna, text="A question from the audience")
    first = tmp_path / "definition.json"
    run("export_session", str(filled_session.pk), "--output", str(first))
    text = first.read_text()
    assert "A question from the audience" not in text  # audience data, like the responses
    run("import_session", str(first), "--owner", other_organizer.username)
    imported = Activity.objects.get(session__owner=other_organizer, type="qna")
    assert (imported.title, imported.order, imported.config) == ("Q&A", 4, config)
    assert not Question.objects.filter(activity=imported).exists()
