"""Teams (contract v1.2, "Quiz: a fair start, and teams"): the session's teams, joining a team
(choose and auto), moving a participant, the team board and its ranks, the audit entries."""

from __future__ import annotations

from typing import Any

import pytest

from activities.models import Response
from activities.tests.factories import ResponseFactory, live_activity
from conftest import participant_client
from core.testing import assert_error
from participants.models import Participant
from participants.tests.factories import ParticipantFactory
from sessions_app.models import AuditEntry, Session
from sessions_app.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db

TEAMS = [
    {"id": "red", "name": "Red", "color": "#D62828"},
    {"id": "blue", "name": "Blue", "color": "#1d4ed8"},
    {"id": "green", "name": "Green", "color": "#15803d"},
]


def join(api: Any, session: Any, nickname: str, **extra: Any) -> Any:
    return api.post(
        f"/api/v1/sessions/{session.pk}/participants", {"nickname": nickname, **extra}, format="json"
    )


@pytest.fixture
def team_session(organizer: Any) -> Session:
    return SessionFactory(
        owner=organizer, status="active", teams=[{**t, "color": t["color"].lower()} for t in TEAMS]
    )


# --- the session's teams ----------------------------------------------------------------------


def test_teams_set_on_a_draft_are_returned_and_audited(org_api, organizer):
    session = SessionFactory(owner=organizer)
    resp = org_api.patch(
        f"/api/v1/sessions/{session.pk}", {"teams": TEAMS, "team_assignment": "auto"}, format="json"
    )
    assert resp.status_code == 200, resp.content
    body = resp.json()
    assert body["teams"][0] == {"id": "red", "name": "Red", "color": "#d62828"}  # stored lower-case
    assert [t["id"] for t in body["teams"]] == ["red", "blue", "green"]
    assert body["team_assignment"] == "auto"
    session.refresh_from_db()
    assert session.team_assignment == "auto" and len(session.teams) == 3
    assert AuditEntry.objects.filter(session=session, action="session.teams").count() == 1
    lookup = org_api.get(f"/api/v1/join/{session.join_code}").json()
    assert lookup["teams"] == body["teams"] and lookup["team_assignment"] == "auto"


def test_teams_given_at_creation(org_api):
    resp = org_api.post("/api/v1/sessions", {"name": "Quiz night", "teams": TEAMS[:2]}, format="json")
    assert resp.status_code == 201, resp.content
    assert [t["id"] for t in resp.json()["teams"]] == ["red", "blue"]
    assert resp.json()["team_assignment"] == "choose"


def test_a_session_without_teams_says_so(org_api, organizer):
    session = SessionFactory(owner=organizer)
    body = org_api.get(f"/api/v1/sessions/{session.pk}").json()
    assert body["teams"] == [] and body["team_assignment"] == "choose"


@pytest.mark.parametrize(
    ("teams", "field"),
    [
        pytest.param([TEAMS[0]], "teams", id="a single team"),
        pytest.param([{**TEAMS[0], "id": f"t{i}", "name": f"T{i}"} for i in range(21)], "teams", id="21"),
        pytest.param("red", "teams", id="not a list"),
        pytest.param([TEAMS[0], {**TEAMS[1], "id": "red"}], "teams[1].id", id="duplicate id"),
        pytest.param([TEAMS[0], {**TEAMS[1], "name": " RED "}], "teams[1].name", id="duplicate name"),
        pytest.param([TEAMS[0], {**TEAMS[1], "id": "b lue"}], "teams[1].id", id="bad id"),
        pytest.param([TEAMS[0], {**TEAMS[1], "id": "x" * 33}], "teams[1].id", id="long id"),
        pytest.param([TEAMS[0], {**TEAMS[1], "name": ""}], "teams[1].name", id="blank name"),
        pytest.param([TEAMS[0], {**TEAMS[1], "name": "n" * 41}], "teams[1].name", id="long name"),
        pytest.param([TEAMS[0], {**TEAMS[1], "color": "blue"}], "teams[1].color", id="bad colour"),
        pytest.param([TEAMS[0], {**TEAMS[1], "score": 3}], "teams[1]", id="unknown key"),
    ],
)
def test_bad_teams_are_refused_and_nothing_changes(org_api, organizer, teams, field):
    session = SessionFactory(owner=organizer)
    resp = org_api.patch(f"/api/v1/sessions/{session.pk}", {"teams": teams}, format="json")
    error = assert_error(resp, 400, "VALIDATION_ERROR")
    assert field in error["details"]
    session.refresh_from_db()
    assert session.teams == []
    assert not AuditEntry.objects.filter(session=session, action="session.teams").exists()


def test_bad_teams_at_creation_create_nothing(org_api, organizer):
    resp = org_api.post("/api/v1/sessions", {"name": "Quiz", "teams": [TEAMS[0]]}, format="json")
    assert_error(resp, 400, "VALIDATION_ERROR")
    assert not Session.objects.filter(owner=organizer).exists()


def test_teams_cannot_change_once_the_session_started(org_api, team_session):
    before = list(team_session.teams)
    resp = org_api.patch(f"/api/v1/sessions/{team_session.pk}", {"teams": TEAMS[:2]}, format="json")
    assert_error(resp, 409, "TEAMS_LOCKED")
    resp = org_api.patch(f"/api/v1/sessions/{team_session.pk}", {"team_assignment": "auto"}, format="json")
    assert_error(resp, 409, "TEAMS_LOCKED")
    team_session.refresh_from_db()
    assert team_session.teams == before and team_session.team_assignment == "choose"


def test_teams_are_removed_with_an_empty_list(org_api, organizer):
    session = SessionFactory(owner=organizer, teams=TEAMS[:2])
    resp = org_api.patch(f"/api/v1/sessions/{session.pk}", {"teams": []}, format="json")
    assert resp.status_code == 200, resp.content
    session.refresh_from_db()
    assert session.teams == []


# --- joining a team -------------------------------------------------------------------------


def test_choose_join_puts_the_participant_in_their_team(api, team_session):
    resp = join(api, team_session, "Ann", team_id="blue")
    assert resp.status_code == 201, resp.content
    assert resp.json()["team_id"] == "blue"
    me = participant_client(resp.json()["token"]).get("/api/v1/me").json()
    assert me["team_id"] == "blue"
    assert Participant.objects.get(nickname="Ann").team_id == "blue"


def test_choose_join_by_code_takes_the_team(api, team_session):
    resp = api.post(
        "/api/v1/join",
        {"join_code": team_session.join_code, "nickname": "Bo", "team_id": "green"},
        format="json",
    )
    assert resp.status_code == 201, resp.content
    assert resp.json()["team_id"] == "green"


@pytest.mark.parametrize("extra", [{}, {"team_id": None}, {"team_id": ""}])
def test_choose_join_without_a_team_is_refused(api, team_session, extra):
    error = assert_error(join(api, team_session, "Ann", **extra), 400, "VALIDATION_ERROR")
    assert "team_id" in error["details"]
    assert not Participant.objects.filter(session=team_session).exists()


def test_join_to_an_unknown_team_is_refused(api, team_session):
    error = assert_error(join(api, team_session, "Ann", team_id="purple"), 400, "VALIDATION_ERROR")
    assert "team_id" in error["details"]
    assert not Participant.objects.filter(session=team_session).exists()


def test_a_team_in_a_session_without_teams_is_refused(api, organizer):
    session = SessionFactory(owner=organizer, status="active")
    assert_error(join(api, session, "Ann", team_id="red"), 400, "VALIDATION_ERROR")
    resp = join(api, session, "Ann")
    assert resp.status_code == 201 and resp.json()["team_id"] == ""


def test_auto_fills_the_smallest_team_ties_by_team_order(api, team_session):
    Session.objects.filter(pk=team_session.pk).update(team_assignment="auto")
    # Two already in red, one in blue, and a kicked one in green (who no longer counts).
    ParticipantFactory(session=team_session, team_id="red")
    ParticipantFactory(session=team_session, team_id="red")
    ParticipantFactory(session=team_session, team_id="blue")
    kicked = ParticipantFactory(session=team_session, team_id="green")
    Participant.objects.filter(pk=kicked.pk).update(kicked_at="2026-01-01T00:00:00Z", token_hash=None)
    got = [join(api, team_session, f"P{i}", team_id="red").json()["team_id"] for i in range(5)]
    # green (0) → green and blue tie at 1: blue first by order → green → red, blue, green tie at 2.
    assert got == ["green", "blue", "green", "red", "blue"]


# --- moving a participant -------------------------------------------------------------------


def move(client: Any, participant: Any, team_id: Any) -> Any:
    return client.patch(
        f"/api/v1/sessions/{participant.session_id}/participants/{participant.pk}",
        {"team_id": team_id},
        format="json",
    )


def test_organizer_moves_a_participant_audited(org_api, team_session):
    ann = ParticipantFactory(session=team_session, team_id="red")
    resp = move(org_api, ann, "blue")
    assert resp.status_code == 200, resp.content
    assert resp.json()["team_id"] == "blue"
    ann.refresh_from_db()
    assert ann.team_id == "blue"
    entry = AuditEntry.objects.get(session=team_session, action="participant.move")
    assert entry.details == {"nickname": ann.nickname, "from": "red", "to": "blue"}


@pytest.mark.parametrize("team_id", ["purple", "", None, 5])
def test_moving_to_an_unknown_team_is_refused(org_api, team_session, team_id):
    ann = ParticipantFactory(session=team_session, team_id="red")
    assert_error(move(org_api, ann, team_id), 400, "VALIDATION_ERROR")
    ann.refresh_from_db()
    assert ann.team_id == "red"
    assert not AuditEntry.objects.filter(action="participant.move").exists()


def test_a_moderator_may_move_a_stranger_may_not(api, other_api, other_organizer, team_session):
    ann = ParticipantFactory(session=team_session, team_id="red")
    assert_error(move(other_api, ann, "blue"), 404, "NOT_FOUND")
    assert_error(move(participant_client(ann.token), ann, "blue"), 403, "PERMISSION_DENIED")
    team_session.members.create(user=other_organizer, role="moderator")
    assert move(other_api, ann, "blue").status_code == 200
    ann.refresh_from_db()
    assert ann.team_id == "blue"


# --- the team board -------------------------------------------------------------------------


def _scored(session: Any, scores: dict[Any, int]) -> None:
    """One revealed quiz, on screen, where each participant scored the given points."""
    quiz = live_activity("quiz", session=session)
    quiz.revealed_at = quiz.activated_at
    quiz.save(update_fields=["revealed_at"])
    Session.objects.filter(pk=session.pk).update(current_activity=quiz)
    for participant, score in scores.items():
        ResponseFactory(
            activity=quiz,
            participant=participant,
            response_data={"option_id": "a" if score else "b"},
            score=score,
            is_correct=bool(score),
            elapsed_ms=1000,
        )


def test_team_board_ranks_by_average_so_size_does_not_decide(api, team_session):
    # red: 3 members, 1500 points (average 500); blue: 1 member, 900 (average 900);
    # green: 2 members, 1000 (average 500): tied with red on the average → by name, same rank.
    red = [ParticipantFactory(session=team_session, team_id="red") for _ in range(3)]
    blue = [ParticipantFactory(session=team_session, team_id="blue")]
    green = [ParticipantFactory(session=team_session, team_id="green") for _ in range(2)]
    _scored(team_session, {red[0]: 900, red[1]: 600, red[2]: 0, blue[0]: 900, green[0]: 600, green[1]: 400})
    body = api.get(f"/api/v1/sessions/{team_session.pk}/leaderboard").json()
    assert [(t["id"], t["members"], t["score"], t["average"], t["rank"]) for t in body["teams"]] == [
        ("blue", 1, 900, 900.0, 1),
        ("green", 2, 1000, 500.0, 2),
        ("red", 3, 1500, 500.0, 2),
    ]
    assert body["teams"][0]["name"] == "Blue" and body["teams"][0]["color"] == "#1d4ed8"
    # Participant ranks: equal scores share one (900, 900, 600, 600, 400, 0 → 1, 1, 3, 3, 5, 6).
    assert [i["rank"] for i in body["items"]] == [1, 1, 3, 3, 5, 6]
    # A revealed quiz's results carry the same team board.
    state = api.get(f"/api/v1/sessions/{team_session.pk}/state").json()
    results = state["current_activity"]["results"]
    assert [t["id"] for t in results["teams"]] == ["blue", "green", "red"]


def test_a_moved_participant_takes_their_points_along(api, org_api, team_session):
    ann = ParticipantFactory(session=team_session, team_id="red")
    bo = ParticipantFactory(session=team_session, team_id="blue")
    _scored(team_session, {ann: 800, bo: 200})
    assert move(org_api, ann, "blue").status_code == 200
    teams = {t["id"]: t for t in api.get(f"/api/v1/sessions/{team_session.pk}/leaderboard").json()["teams"]}
    assert (teams["blue"]["members"], teams["blue"]["score"], teams["blue"]["average"]) == (2, 1000, 500.0)
    assert (teams["red"]["members"], teams["red"]["score"], teams["red"]["average"]) == (0, 0, 0.0)


def test_no_teams_no_team_board(api, organizer):
    session = SessionFactory(owner=organizer, status="active")
    body = api.get(f"/api/v1/sessions/{session.pk}/leaderboard").json()
    assert body["teams"] == []


def test_exports_carry_the_team(org_api, team_session):
    from activities.export import iter_session_export

    ann = ParticipantFactory(session=team_session, team_id="green")
    _scored(team_session, {ann: 700})
    csv_text = "".join(iter_session_export(team_session, "csv"))
    header, *rows = csv_text.splitlines()
    assert header.endswith(",team_id")
    assert [r for r in rows if r.startswith("response,")][0].endswith(",green")
    import json

    doc = json.loads("".join(iter_session_export(team_session, "json")))
    assert doc["activities"][0]["responses"][0]["team_id"] == "green"
    assert doc["session"]["teams"][2]["id"] == "green"
    assert doc["teams"][0]["id"] == "green" and doc["teams"][0]["score"] == 700
    assert Response.objects.count() == 1


def test_a_duplicate_keeps_the_teams(organizer):
    from activities.services.sessions import session_duplicate

    source = SessionFactory(owner=organizer, status="completed", teams=TEAMS[:2], team_assignment="auto")
    copy = session_duplicate(session=source, owner=organizer)
    assert copy.status == "draft"
    assert [t["id"] for t in copy.teams] == ["red", "blue"] and copy.team_assignment == "auto"


def test_a_team_removed_in_the_lobby_leaves_its_members_in_no_team(org_api, organizer):
    session = SessionFactory(owner=organizer, teams=TEAMS)
    ann = ParticipantFactory(session=session, team_id="green")
    bo = ParticipantFactory(session=session, team_id="red")
    resp = org_api.patch(f"/api/v1/sessions/{session.pk}", {"teams": TEAMS[:2]}, format="json")
    assert resp.status_code == 200, resp.content
    ann.refresh_from_db()
    bo.refresh_from_db()
    assert (ann.team_id, bo.team_id) == ("", "red")
