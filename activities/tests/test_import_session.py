"""`manage.py import_session`: a bad file is refused as a whole."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError

from activities.models import Activity
from core.testing import assert_command_help
from core.testing import run_command as run
from sessions_app.models import Session

pytestmark = pytest.mark.django_db


def _definition(activities: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "format": "caja.session",
        "version": 1,
        "session": {"name": "Imported", "description": "", "activities": activities},
    }


GOOD_POLL = {
    "type": "poll",
    "title": "ok",
    "order": 1,
    "config": {"question": "Q?", "options": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}]},
}


def test_import_refuses_a_bad_activity_and_creates_nothing(tmp_path: Path, organizer: Any) -> None:
    bad = {"type": "poll", "title": "bad", "order": 2, "config": {"question": "Q?", "options": [{"id": "a"}]}}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(_definition([GOOD_POLL, bad, {**GOOD_POLL, "order": 3}])))
    with pytest.raises(CommandError) as excinfo:
        run("import_session", str(path), "--owner", organizer.username)
    message = str(excinfo.value)
    assert "nothing was created" in message
    assert "session.activities.1.config.options" in message
    assert "session.activities.0" not in message and "session.activities.2" not in message
    assert Session.objects.count() == 0 and Activity.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        (json.dumps({**_definition([GOOD_POLL]), "version": 2}), "Unsupported version 2"),
        (json.dumps({**_definition([GOOD_POLL]), "format": "other"}), "format"),
        (json.dumps(_definition([{**GOOD_POLL, "type": "dance"}])), "session.activities.0.type"),
        (json.dumps(_definition([{**GOOD_POLL, "colour": "red"}])), "session.activities.0.colour"),
        (json.dumps({**_definition([]), "session": {"name": " "}}), "session.name"),
        (json.dumps([1, 2]), "JSON object"),
    ],
)
def test_import_refuses_bad_files(tmp_path: Path, organizer: Any, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(CommandError, match=message):
        run("import_session", str(path), "--owner", organizer.username)
    assert Session.objects.count() == 0


def test_import_refuses_unknown_owner_and_missing_file(tmp_path: Path, organizer: Any) -> None:
    path = tmp_path / "ok.json"
    path.write_text(json.dumps(_definition([GOOD_POLL])))
    with pytest.raises(CommandError, match="No user named"):
        run("import_session", str(path), "--owner", "nobody")
    with pytest.raises(CommandError, match="Cannot read"):
        run("import_session", str(tmp_path / "missing.json"), "--owner", organizer.username)
    # Without --owner: the only superuser (none here, so refused).
    with pytest.raises(CommandError, match="--owner"):
        run("import_session", str(path))
    assert Session.objects.count() == 0


def test_has_help() -> None:
    assert_command_help("activities", "import_session")
