"""Teams in the admin (issue 26): edited as JSON on the session's page with the API's rules and
clear errors, shown on participants, and a participant moved with an action."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse

from participants.models import Participant
from participants.tests.factories import ParticipantFactory
from sessions_app import services
from sessions_app.models import AuditEntry, Session
from sessions_app.tests.test_admin import change_data, change_url, login, messages_of

pytestmark = pytest.mark.django_db

TEAMS = [
    {"id": "red", "name": "Red", "color": "#d62828"},
    {"id": "blue", "name": "Blue", "color": "#1d4ed8"},
]


@pytest.fixture
def draft(organizer: Any) -> Session:
    return services.session_create(owner=organizer, name="Quiz night")


def test_teams_saved_from_the_change_page(organizer, draft):
    response = login(organizer).post(
        change_url(draft), change_data(draft, teams=json.dumps(TEAMS), team_assignment="auto")
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.teams == TEAMS and draft.team_assignment == "auto"
    assert AuditEntry.objects.filter(session=draft, action="session.teams").exists()


@pytest.mark.parametrize(
    ("teams", "words"),
    [
        (json.dumps(TEAMS[:1]), "2 to 20"),
        (json.dumps([TEAMS[0], {**TEAMS[1], "color": "blue"}]), "teams[1].color"),
        ("[{not json", "JSON"),
    ],
)
def test_bad_teams_are_explained_under_the_field(organizer, draft, teams, words):
    response = login(organizer).post(
        change_url(draft), change_data(draft, teams=teams, team_assignment="choose")
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["teams"]
    assert any(words in e for e in errors), errors
    draft.refresh_from_db()
    assert draft.teams == []


def test_teams_of_a_started_session_are_locked(organizer, draft):
    services.session_set_teams(session=draft, teams=TEAMS)
    services.session_start(session=draft)
    client = login(organizer)
    response = client.post(
        change_url(draft), change_data(draft, teams=json.dumps(TEAMS[::-1]), team_assignment="choose")
    )
    assert response.status_code == 200
    assert "draft" in " ".join(response.context["adminform"].form.errors["teams"])
    # Unchanged teams re-posted with the form are no edit: the name still saves.
    response = client.post(
        change_url(draft),
        change_data(draft, name="Renamed", teams=json.dumps(TEAMS, indent=2), team_assignment="choose"),
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.name == "Renamed" and draft.teams == TEAMS


def test_participants_show_their_team_and_are_moved_by_an_action(organizer, draft):
    services.session_set_teams(session=draft, teams=TEAMS)
    ann = ParticipantFactory(session=draft, team_id="red", nickname="Ann")
    client = login(organizer)
    changelist = reverse("admin:participants_participant_changelist")
    page = client.get(changelist).content.decode()
    assert "Red" in page
    picked = client.post(
        changelist, {"action": "move_to_team", "_selected_action": [str(ann.pk)], "index": 0}
    )
    assert picked.status_code == 200
    body = picked.content.decode()
    assert 'name="team_id" value="blue"' in body and "#1d4ed8" in body
    bad = client.post(
        changelist,
        {"action": "move_to_team", "_selected_action": [str(ann.pk)], "apply": "1", "team_id": "purple"},
        follow=True,
    )
    assert any("No such team" in m for m in messages_of(bad))
    assert Participant.objects.get(pk=ann.pk).team_id == "red"
    done = client.post(
        changelist,
        {"action": "move_to_team", "_selected_action": [str(ann.pk)], "apply": "1", "team_id": "blue"},
        follow=True,
    )
    assert any("Moved 1" in m for m in messages_of(done))
    assert Participant.objects.get(pk=ann.pk).team_id == "blue"
    assert AuditEntry.objects.filter(session=draft, action="participant.move").count() == 1
