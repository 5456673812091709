"""A session's definition (activities/definitions.py) carries its teams (contract v1.2, "Quiz: a fair
start, and teams"): export -> import keeps the teams and the team mode, through the commands and the
admin; a file with bad teams is refused whole; the admin's duplicate keeps them too."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError
from django.test import Client
from django.urls import reverse

from activities.definitions import session_definition, session_import
from activities.models import Activity
from activities.tests.factories import ActivityFactory
from core.errors import ValidationFailed
from core.testing import run_command as run
from sessions_app.models import AuditEntry, Session
from sessions_app.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db

TEAMS = [
    {"id": "red", "name": "Red", "color": "#d62828"},
    {"id": "blue", "name": "Blue", "color": "#1d4ed8"},
]
POLL = {
    "type": "poll",
    "title": "Lunch",
    "order": 1,
    "config": {"question": "Q?", "options": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}]},
}


def _definition(**session: Any) -> dict[str, Any]:
    return {
        "format": "caja.session",
        "version": 1,
        "session": {"name": "Quiz night", "description": "", "activities": [POLL], **session},
    }


@pytest.fixture
def team_session(organizer: Any) -> Session:
    # Completed with its participants gone: the definition is the plan, not what happened.
    session = SessionFactory(owner=organizer, status="completed", teams=TEAMS, team_assignment="auto")
    ActivityFactory(session=session, type="poll", order=1, config=POLL["config"])
    return session


def test_export_then_import_keeps_the_teams_and_the_team_mode(
    team_session: Session, other_organizer: Any, tmp_path: Path
) -> None:
    path = tmp_path / "quiz.json"
    run("export_session", str(team_session.pk), "--output", str(path))
    exported = json.loads(path.read_text())["session"]
    assert exported["teams"] == TEAMS and exported["team_assignment"] == "auto"

    run("import_session", str(path), "--owner", other_organizer.username)
    copy = Session.objects.get(owner=other_organizer)
    assert copy.status == "draft"
    assert copy.teams == TEAMS and copy.team_assignment == "auto"
    assert Activity.objects.filter(session=copy).count() == 1
    created = AuditEntry.objects.get(session=copy, action="session.create")
    assert created.details["teams"] == TEAMS


def test_a_session_without_teams_exports_no_teams_and_imports_with_none(organizer: Any) -> None:
    plain = SessionFactory(owner=organizer)
    assert {"teams", "team_assignment"}.isdisjoint(session_definition(plain)["session"])
    # A file written before teams existed imports as before: no teams, participants choose.
    copy = session_import(owner=organizer, data=_definition())
    assert copy.teams == [] and copy.team_assignment == "choose"


def test_the_team_mode_alone_travels_too(organizer: Any) -> None:
    session = SessionFactory(owner=organizer, team_assignment="auto")
    definition = session_definition(session)
    assert definition["session"]["teams"] == [] and definition["session"]["team_assignment"] == "auto"
    assert session_import(owner=organizer, data=definition).team_assignment == "auto"


@pytest.mark.parametrize(
    ("session", "path"),
    [
        pytest.param({"teams": [TEAMS[0]]}, "session.teams", id="a single team"),
        pytest.param({"teams": [TEAMS[0], {**TEAMS[1], "id": "red"}]}, "session.teams[1].id", id="same id"),
        pytest.param(
            {"teams": [TEAMS[0], {**TEAMS[1], "color": "blue"}]}, "session.teams[1].color", id="colour"
        ),
        pytest.param({"teams": [TEAMS[0], {**TEAMS[1], "logo": "x"}]}, "session.teams[1]", id="unknown key"),
        pytest.param({"teams": "red,blue"}, "session.teams", id="not a list"),
        pytest.param({"teams": TEAMS, "team_assignment": "random"}, "session.team_assignment", id="mode"),
    ],
)
def test_bad_teams_refuse_the_whole_file(organizer: Any, session: dict[str, Any], path: str) -> None:
    with pytest.raises(ValidationFailed) as excinfo:
        session_import(owner=organizer, data=_definition(**session))
    assert excinfo.value.status_code == 400 and excinfo.value.code == "VALIDATION_ERROR"
    assert path in excinfo.value.details
    assert Session.objects.count() == 0 and Activity.objects.count() == 0


def test_the_command_names_the_bad_team_and_creates_nothing(organizer: Any, tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(_definition(teams=[TEAMS[0], {**TEAMS[1], "name": " RED "}])))
    with pytest.raises(CommandError) as excinfo:
        run("import_session", str(path), "--owner", organizer.username)
    assert "nothing was created" in str(excinfo.value) and "session.teams[1].name" in str(excinfo.value)
    assert Session.objects.count() == 0 and Activity.objects.count() == 0


# --- the admin: "Export definition", "Import a session", "Duplicate" --------------------------------


def test_admin_export_and_import_carry_the_teams(
    team_session: Session, organizer: Any, other_organizer: Any
) -> None:
    client = Client()
    client.force_login(organizer)
    changelist = reverse("admin:sessions_app_session_changelist")
    resp = client.post(
        changelist, {"action": "export_definitions", "_selected_action": [str(team_session.pk)]}
    )
    assert resp.status_code == 200 and resp["Content-Type"].startswith("application/json")
    exported = io.BytesIO(resp.content)
    exported.name = "quiz.json"

    other = Client()
    other.force_login(other_organizer)
    done = other.post(reverse("admin:sessions_app_session_import"), {"file": exported})
    assert done.status_code == 302
    copy = Session.objects.get(owner=other_organizer)
    assert copy.teams == TEAMS and copy.team_assignment == "auto"


def test_admin_import_with_bad_teams_says_where_and_creates_nothing(organizer: Any) -> None:
    client = Client()
    client.force_login(organizer)
    bad = io.BytesIO(json.dumps(_definition(teams=[TEAMS[0]])).encode())
    bad.name = "bad.json"
    resp = client.post(reverse("admin:sessions_app_session_import"), {"file": bad})
    assert resp.status_code == 200  # the form again, with the problem under the file
    assert "session.teams" in resp.content.decode()
    assert Session.objects.count() == 0


def test_admin_duplicate_keeps_the_teams(team_session: Session, organizer: Any) -> None:
    client = Client()
    client.force_login(organizer)
    resp = client.post(
        reverse("admin:sessions_app_session_changelist"),
        {"action": "duplicate_sessions", "_selected_action": [str(team_session.pk)]},
    )
    copy = Session.objects.exclude(pk=team_session.pk).get()
    assert resp.status_code == 302 and resp["Location"].endswith(f"/{copy.pk}/change/")
    assert copy.status == "draft" and copy.teams == TEAMS and copy.team_assignment == "auto"
