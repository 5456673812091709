"""The team (contract v1.2): members and invitations, transfer, invitations bound at sign-in, and
the audit log written by the services with the right actor."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient
from rest_framework_simplejwt.tokens import RefreshToken

from activities import services as activity_services
from activities.tests.factories import CONFIGS
from sessions_app import members, roles
from sessions_app import services as session_services
from sessions_app.models import AuditEntry, Session, SessionInvitation, SessionMember

pytestmark = pytest.mark.django_db


def _user(username: str, **extra: Any) -> Any:
    user = get_user_model().objects.create(username=username, **{"is_staff": True, **extra})
    user.set_password(f"pw-{username}-123")
    user.save()
    return user


def _api(user: Any) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
    return client


@pytest.fixture(autouse=True)
def _fast_hasher(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def team() -> dict[str, Any]:
    owner, co, mod = _user("alice"), _user("carol"), _user("mona")
    session = session_services.session_create(owner=owner, name="Town hall")
    members.member_add(session=session, username="carol", role="co_organizer", actor=owner)
    members.member_add(session=session, username="mona", role="moderator", actor=owner)
    return {"owner": owner, "co": co, "mod": mod, "session": session, "url": f"/api/v1/sessions/{session.pk}"}


def _error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    error: dict[str, Any] = response.json()["error"]
    assert error["code"] == code, error
    return error


def test_rights_table_is_the_contracts() -> None:
    assert roles.RIGHTS == {
        "read": {"owner", "co_organizer", "presenter", "moderator"},
        "edit": {"owner", "co_organizer"},
        "lifecycle": {"owner", "co_organizer", "presenter"},
        "moderation": {"owner", "co_organizer", "presenter", "moderator"},
        "exports": {"owner", "co_organizer", "presenter"},
        "members": {"owner", "co_organizer"},
        "ownership": {"owner"},
    }


def test_members_list_owner_members_then_invitations(team: dict[str, Any]) -> None:
    members.member_add(
        session=team["session"], email="Guest@Example.com", role="presenter", actor=team["owner"]
    )
    body = _api(team["mod"]).get(team["url"] + "/members").json()
    assert body["total"] == 4
    items = body["items"]
    assert [(i.get("user", {}).get("username"), i["role"]) for i in items[:3]] == [
        ("alice", "owner"),
        ("carol", "co_organizer"),
        ("mona", "moderator"),
    ]
    assert set(items[0]) == {"user", "role", "added_at"}
    assert set(items[0]["user"]) == {"id", "username", "display_name"}
    assert items[3] == {
        "email": "guest@example.com",
        "role": "presenter",
        "invited_at": items[3]["invited_at"],
        "pending": True,
    }


def test_add_by_username_and_by_email(team: dict[str, Any]) -> None:
    _user("pete")
    _user("dora", email="Dora@Example.com")
    client = _api(team["co"])
    added = client.post(team["url"] + "/members", {"username": "pete", "role": "presenter"}, format="json")
    assert added.status_code == 201, added.content
    assert added.json()["user"]["username"] == "pete" and added.json()["role"] == "presenter"
    # An email an organizer has: a membership at once.
    by_email = client.post(
        team["url"] + "/members", {"email": "dora@example.com", "role": "moderator"}, format="json"
    )
    assert by_email.status_code == 201 and by_email.json()["user"]["username"] == "dora"
    # An email nobody has yet: a pending invitation.
    invited = client.post(
        team["url"] + "/members", {"email": "new@example.com", "role": "moderator"}, format="json"
    )
    assert invited.status_code == 201
    assert invited.json()["pending"] is True and invited.json()["email"] == "new@example.com"
    assert SessionInvitation.objects.filter(email="new@example.com").count() == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"username": "pete", "role": "boss"}, "role"),
        ({"username": "pete", "role": "owner"}, "role"),
        ({"username": "pete", "email": "p@example.com", "role": "presenter"}, "username"),
        ({"role": "presenter"}, "username"),
        ({"email": "not-an-email", "role": "presenter"}, "email"),
        ({"username": "nobody", "role": "presenter"}, "username"),
        ({"username": "pete", "role": "presenter", "extra": 1}, "extra"),
    ],
)
def test_add_refuses_bad_input(team: dict[str, Any], body: dict[str, Any], field: str) -> None:
    _user("pete")
    error = _error(
        _api(team["owner"]).post(team["url"] + "/members", body, format="json"), 400, "VALIDATION_ERROR"
    )
    assert field in error["details"], error
    assert SessionMember.objects.filter(user__username="pete").count() == 0


def test_add_twice_is_member_exists(team: dict[str, Any]) -> None:
    client = _api(team["owner"])
    for body in (
        {"username": "carol", "role": "presenter"},
        {"username": "alice", "role": "presenter"},  # the owner
    ):
        _error(client.post(team["url"] + "/members", body, format="json"), 409, "MEMBER_EXISTS")
    client.post(team["url"] + "/members", {"email": "x@example.com", "role": "presenter"}, format="json")
    again = client.post(
        team["url"] + "/members", {"email": "X@example.com", "role": "moderator"}, format="json"
    )
    _error(again, 409, "MEMBER_EXISTS")


def test_moderator_cannot_add_or_change_members(team: dict[str, Any]) -> None:
    _user("pete")
    client = _api(team["mod"])
    _error(
        client.post(team["url"] + "/members", {"username": "pete", "role": "co_organizer"}, format="json"),
        403,
        "PERMISSION_DENIED",
    )
    # Self-promotion refused too.
    _error(
        client.patch(team["url"] + f"/members/{team['mod'].pk}", {"role": "co_organizer"}, format="json"),
        403,
        "PERMISSION_DENIED",
    )
    assert SessionMember.objects.get(user=team["mod"]).role == "moderator"
    # But a member may leave.
    assert client.delete(team["url"] + f"/members/{team['mod'].pk}").status_code == 204
    assert client.get(team["url"]).status_code == 404  # no longer a member


def test_role_change_and_owner_protection(team: dict[str, Any]) -> None:
    co = _api(team["co"])
    changed = co.patch(team["url"] + f"/members/{team['mod'].pk}", {"role": "presenter"}, format="json")
    assert changed.status_code == 200 and changed.json()["role"] == "presenter"
    _error(
        co.patch(team["url"] + f"/members/{team['mod'].pk}", {"role": "owner"}, format="json"),
        400,
        "VALIDATION_ERROR",
    )
    _error(
        co.patch(team["url"] + f"/members/{team['owner'].pk}", {"role": "moderator"}, format="json"),
        403,
        "PERMISSION_DENIED",
    )
    _error(co.delete(team["url"] + f"/members/{team['owner'].pk}"), 403, "PERMISSION_DENIED")
    _error(co.patch(team["url"] + "/members/999999", {"role": "moderator"}, format="json"), 404, "NOT_FOUND")
    assert Session.objects.get(pk=team["session"].pk).owner == team["owner"]


def test_invitation_withdrawn(team: dict[str, Any]) -> None:
    members.member_add(
        session=team["session"], email="guest@example.com", role="presenter", actor=team["owner"]
    )
    client = _api(team["co"])
    assert client.delete(team["url"] + "/invitations/GUEST@example.com").status_code == 204
    _error(client.delete(team["url"] + "/invitations/guest@example.com"), 404, "NOT_FOUND")


def test_invitation_binds_when_the_organizer_signs_in_by_jwt(team: dict[str, Any]) -> None:
    members.member_add(
        session=team["session"], email="Newbie@Example.com", role="presenter", actor=team["owner"]
    )
    newbie = _user("newbie", email="newbie@example.com")
    token = APIClient().post(
        "/api/v1/auth/token", {"username": "newbie", "password": "pw-newbie-123"}, format="json"
    )
    assert token.status_code == 200
    assert SessionMember.objects.get(user=newbie, session=team["session"]).role == "presenter"
    assert not SessionInvitation.objects.exists()
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {token.json()['access']}")
    listed = client.get("/api/v1/sessions").json()["items"]
    assert [(s["name"], s["my_role"]) for s in listed] == [("Town hall", "presenter")]
    entry = AuditEntry.objects.filter(action="invitation.accept").get()
    assert entry.actor == newbie


def test_invitation_binds_on_admin_login_not_for_non_staff(team: dict[str, Any], client: Any) -> None:
    members.member_add(
        session=team["session"], email="staffer@example.com", role="moderator", actor=team["owner"]
    )
    _user("outsider", email="staffer@example.com", is_staff=False)
    assert client.login(username="outsider", password="pw-outsider-123")
    assert SessionInvitation.objects.count() == 1  # not an organizer: stays pending
    staffer = _user("staffer", email="staffer@example.com")
    client.logout()
    assert client.login(username="staffer", password="pw-staffer-123")
    assert SessionMember.objects.get(user=staffer).role == "moderator"


def test_transfer(team: dict[str, Any]) -> None:
    _error(
        _api(team["co"]).post(team["url"] + "/transfer", {"username": "carol"}, format="json"),
        403,
        "PERMISSION_DENIED",
    )
    owner = _api(team["owner"])
    _user("stranger")
    _error(
        owner.post(team["url"] + "/transfer", {"username": "stranger"}, format="json"),
        400,
        "VALIDATION_ERROR",
    )
    moved = owner.post(team["url"] + "/transfer", {"username": "carol"}, format="json")
    assert moved.status_code == 200, moved.content
    assert moved.json()["admin_id"] == "carol" and moved.json()["my_role"] == "co_organizer"
    session = Session.objects.get(pk=team["session"].pk)
    assert session.owner == team["co"]
    assert SessionMember.objects.get(session=session, user=team["owner"]).role == "co_organizer"
    assert not SessionMember.objects.filter(session=session, user=team["co"]).exists()
    # The old owner lost delete and transfer; the new one has them.
    _error(owner.delete(team["url"]), 403, "PERMISSION_DENIED")
    assert _api(team["co"]).get(team["url"]).json()["my_role"] == "owner"


def test_audit_log_records_actions_with_their_actor(team: dict[str, Any]) -> None:
    owner, co, mod = _api(team["owner"]), _api(team["co"]), _api(team["mod"])
    url = team["url"]
    poll = co.post(url + "/activities", {"type": "poll", "config": CONFIGS["poll"]}, format="json").json()
    qna = co.post(url + "/activities", {"type": "qna", "config": CONFIGS["qna"]}, format="json").json()
    assert owner.patch(url, {"name": "Renamed", "status": "active"}, format="json").status_code == 200
    assert co.post(url + "/next").status_code == 200
    assert co.patch(url + f"/activities/{poll['id']}", {"title": "Poll T"}, format="json").status_code == 200
    joined = APIClient().post(url + "/participants", {"nickname": "Zed"}, format="json").json()
    assert mod.delete(url + f"/participants/{joined['id']}").status_code == 204
    assert co.delete(url + f"/activities/{qna['id']}").status_code == 204
    log = owner.get(url + "/audit")
    assert log.status_code == 200
    items = log.json()["items"]
    assert set(items[0]) == {"id", "at", "actor", "action", "target_type", "target_id", "details"}
    by_action = [(i["action"], i["actor"]) for i in reversed(items)]
    for expected in [
        ("session.create", "alice"),
        ("member.add", "alice"),
        ("activity.create", "carol"),
        ("session.update", "alice"),
        ("session.status", "alice"),
        ("session.next", "carol"),
        ("activity.update", "carol"),
        ("activity.status", "carol"),
        ("participant.kick", "mona"),
        ("activity.delete", "carol"),
    ]:
        assert expected in by_action, (expected, by_action)
    # Newest first; no token or IP address anywhere in the log.
    assert items[0]["action"] == "activity.delete"
    text = log.content.decode()
    assert joined["token"] not in text and "127.0.0.1" not in text
    _error(mod.get(url + "/audit"), 403, "PERMISSION_DENIED")


def test_audit_system_actor_and_cascade(team: dict[str, Any]) -> None:
    session = team["session"]
    activity_services.activity_create(session=session, type="poll", config=dict(CONFIGS["poll"]))
    entry = AuditEntry.objects.filter(action="activity.create").get()
    assert entry.actor is None and entry.actor_username == ""
    listed = _api(team["owner"]).get(team["url"] + "/audit").json()["items"]
    assert [i["actor"] for i in listed if i["action"] == "activity.create"] == [None]
    session_services.session_delete(session=session)
    assert not AuditEntry.objects.exists()


def test_deleted_actor_keeps_its_name(team: dict[str, Any]) -> None:
    members.member_set_role(
        session=team["session"], user_id=team["mod"].pk, role="presenter", actor=team["co"]
    )
    team["co"].delete()
    entry = AuditEntry.objects.get(action="member.role")
    assert entry.actor is None and entry.actor_username == "carol"
