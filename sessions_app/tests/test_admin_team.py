"""The session admin shows the team, the pending invitations and the audit log, read-only, and its
"Manage the team" page changes the team through sessions_app.members: each change audited, each
bad input an admin message with nothing changed."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from sessions_app import members
from sessions_app import services as session_services
from sessions_app.models import AuditEntry, Session, SessionInvitation, SessionMember

pytestmark = pytest.mark.django_db


def test_owner_sees_team_invitations_and_audit_read_only(client: Any, settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    users = get_user_model().objects
    owner = users.create_user("alice", password="pw-alice-123", is_staff=True)
    users.create_user("mona", password="pw-mona-123", is_staff=True)
    session = session_services.session_create(owner=owner, name="Town hall")
    members.member_add(session=session, username="mona", role="moderator", actor=owner)
    members.member_add(session=session, email="guest@example.com", role="presenter", actor=owner)
    client.force_login(owner)
    page = client.get(f"/admin/sessions_app/session/{session.pk}/change/")
    assert page.status_code == 200
    text = page.content.decode()
    for expected in ("Members and pending invitations", "Audit log", "guest@example.com (invited, pending)"):
        assert expected in text
    assert "member.add" in text and "invitation.add" in text and "moderator" in text
    # Read-only: nothing about the team is posted with the form (the participants' "teams" field,
    # issue 26, is another thing).
    assert 'name="team"' not in text and 'name="audit' not in text


# --- managing the team from the admin (sessions_app/admin_team.py) -------------------------------


@pytest.fixture
def team() -> dict[str, Any]:
    """Alice's session with mona (moderator), pete (presenter) and cora (co_organizer); zoe is an
    organizer with an email, not on the team."""
    users = get_user_model().objects
    owner = users.create_user("alice", password="pw", is_staff=True)
    for name in ("mona", "pete", "cora"):
        users.create_user(name, password="pw", is_staff=True)
    users.create_user("zoe", email="Zoe@Example.com", password="pw", is_staff=True)
    session = session_services.session_create(owner=owner, name="Town hall")
    for name, role in (("mona", "moderator"), ("pete", "presenter"), ("cora", "co_organizer")):
        members.member_add(session=session, username=name, role=role, actor=owner)
    url = reverse("admin:sessions_app_session_team", args=[session.pk])
    return {"session": session, "owner": owner, "url": url, "users": users}


def state(team: dict[str, Any]) -> tuple[Any, ...]:
    session = Session.objects.get(pk=team["session"].pk)
    return (
        session.owner.username,
        sorted(SessionMember.objects.filter(session=session).values_list("user__username", "role")),
        sorted(SessionInvitation.objects.filter(session=session).values_list("email", "role")),
        AuditEntry.objects.filter(session=session).count(),
    )


def post(team: dict[str, Any], user: str = "alice", **data: Any) -> Any:
    client = Client()
    client.force_login(team["users"].get(username=user))
    return client.post(team["url"], data)


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def last_action(team: dict[str, Any]) -> tuple[str, str]:
    entry = AuditEntry.objects.filter(session=team["session"]).order_by("-at", "-id").first()
    assert entry is not None
    return entry.action, entry.actor_username


def test_the_change_page_links_the_management_page(team: dict[str, Any]) -> None:
    client = Client()
    client.force_login(team["owner"])
    page = client.get(reverse("admin:sessions_app_session_change", args=[team["session"].pk]))
    assert f'class="caja-manage-team" href="{team["url"]}"' in page.content.decode()
    html = client.get(team["url"]).content.decode()
    for name in ("alice", "mona", "pete", "cora"):
        assert f'<th scope="row">{name}</th>' in html
    assert 'name="who"' in html and 'id="caja-transfer"' in html
    add_form = html.split('id="caja-add-member"')[1].split("</form>")[0]
    assert '<option value="moderator" selected>' in add_form  # the least right by default


def test_add_by_username(team: dict[str, Any]) -> None:
    response = post(team, op="add", who="zoe", role="presenter")
    assert response.status_code == 302 and response["Location"] == team["url"]
    assert SessionMember.objects.get(session=team["session"], user__username="zoe").role == "presenter"
    assert messages_of(response) == ["zoe is now Presenter."]
    assert last_action(team) == ("member.add", "alice")


def test_add_by_the_email_of_an_organizer_makes_a_member(team: dict[str, Any]) -> None:
    response = post(team, op="add", who="zoe@example.com", role="moderator")
    assert response.status_code == 302
    assert SessionMember.objects.filter(
        session=team["session"], user__username="zoe", role="moderator"
    ).exists()
    assert not SessionInvitation.objects.exists()


def test_an_unknown_email_is_a_pending_invitation(team: dict[str, Any]) -> None:
    response = post(team, user="cora", op="add", who="New.Person@Example.com", role="co_organizer")
    assert response.status_code == 302
    invitation = SessionInvitation.objects.get(session=team["session"])
    assert (invitation.email, invitation.role) == ("new.person@example.com", "co_organizer")
    assert "pending" in messages_of(response)[0]
    assert last_action(team) == ("invitation.add", "cora")
    html = Client()
    html.force_login(team["owner"])
    page = html.get(team["url"]).content.decode()
    assert 'data-email="new.person@example.com"' in page and "caja-cancel-invitation" in page


def test_change_a_role(team: dict[str, Any]) -> None:
    mona = team["users"].get(username="mona")
    response = post(team, op="role", user_id=str(mona.pk), role="presenter")
    assert response.status_code == 302
    assert SessionMember.objects.get(session=team["session"], user=mona).role == "presenter"
    assert messages_of(response) == ["mona is now Presenter."]
    assert last_action(team) == ("member.role", "alice")


def test_remove_a_member(team: dict[str, Any]) -> None:
    pete = team["users"].get(username="pete")
    response = post(team, user="cora", op="remove", user_id=str(pete.pk))
    assert response.status_code == 302 and response["Location"] == team["url"]
    assert not SessionMember.objects.filter(session=team["session"], user=pete).exists()
    assert last_action(team) == ("member.remove", "cora")


def test_a_co_organizer_who_removes_themselves_goes_back_to_the_list(team: dict[str, Any]) -> None:
    cora = team["users"].get(username="cora")
    response = post(team, user="cora", op="remove", user_id=str(cora.pk))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:sessions_app_session_changelist")
    assert not SessionMember.objects.filter(user=cora).exists()


def test_a_co_organizer_who_steps_down_goes_back_to_the_session(team: dict[str, Any]) -> None:
    cora = team["users"].get(username="cora")
    response = post(team, user="cora", op="role", user_id=str(cora.pk), role="presenter")
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:sessions_app_session_change", args=[team["session"].pk])
    assert SessionMember.objects.get(user=cora).role == "presenter"


@pytest.mark.parametrize("user", ["mona", "pete", "cora"])
def test_a_member_leaves_the_team_from_the_session_page(team: dict[str, Any], user: str) -> None:
    client = Client()
    client.force_login(team["users"].get(username=user))
    url = reverse("admin:sessions_app_session_object_action", args=[team["session"].pk, "leave_teams"])
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:sessions_app_session_changelist")
    assert messages_of(response) == ["You left the team of 1 session(s)."]
    assert not SessionMember.objects.filter(session=team["session"], user__username=user).exists()
    assert last_action(team) == ("member.remove", user)
    page = client.get(reverse("admin:sessions_app_session_change", args=[team["session"].pk]))
    assert page.status_code == 404


def test_the_owner_cannot_leave(team: dict[str, Any]) -> None:
    client = Client()
    client.force_login(team["owner"])
    before = state(team)
    url = reverse("admin:sessions_app_session_object_action", args=[team["session"].pk, "leave_teams"])
    assert client.post(url).status_code == 403  # the owner transfers ownership first
    assert state(team) == before


def test_cancel_an_invitation(team: dict[str, Any]) -> None:
    members.member_add(
        session=team["session"], email="guest@example.com", role="presenter", actor=team["owner"]
    )
    response = post(team, op="cancel", email="guest@example.com")
    assert response.status_code == 302
    assert not SessionInvitation.objects.exists()
    assert last_action(team) == ("invitation.remove", "alice")


def test_the_owner_transfers_ownership(team: dict[str, Any]) -> None:
    response = post(team, op="transfer", username="pete")
    assert response.status_code == 302
    session = Session.objects.get(pk=team["session"].pk)
    assert session.owner.username == "pete"
    assert SessionMember.objects.get(session=session, user=team["owner"]).role == "co_organizer"
    assert last_action(team) == ("session.transfer", "alice")
    # Alice, now a co-organizer, still manages the team but no longer transfers.
    client = Client()
    client.force_login(team["owner"])
    html = client.get(team["url"]).content.decode()
    assert 'name="who"' in html and 'id="caja-transfer"' not in html


@pytest.mark.parametrize(
    ("user", "data", "message"),
    [
        ("alice", {"op": "add", "who": "zoe", "role": "boss"}, "One of: co_organizer, presenter, moderator."),
        (
            "alice",
            {"op": "add", "who": "zoe", "role": "owner"},
            "The owner is not added or promoted: the owner transfers ownership.",
        ),
        ("alice", {"op": "add", "who": "not-an-email@", "role": "moderator"}, "Enter a valid email address."),
        (
            "alice",
            {"op": "add", "who": "mona", "role": "presenter"},
            "This person is already on the session's team.",
        ),
        (
            "alice",
            {"op": "add", "who": "alice", "role": "presenter"},
            "This person is already on the session's team.",
        ),
        ("alice", {"op": "add", "who": "nobody", "role": "presenter"}, "No organizer has this username."),
        (
            "alice",
            {"op": "add", "who": "", "role": "presenter"},
            "Username or email: This field is required.",
        ),
        (
            "alice",
            {"op": "role", "user_id": "MONA", "role": "owner"},
            "The owner is not added or promoted: the owner transfers ownership.",
        ),
        (
            "cora",
            {"op": "role", "user_id": "ALICE", "role": "moderator"},
            "The owner's membership cannot be changed.",
        ),
        (
            "alice",
            {"op": "remove", "user_id": "ALICE"},
            "The owner's membership changes only by a transfer of ownership.",
        ),
        ("alice", {"op": "remove", "user_id": "999999"}, "No such member."),
        ("alice", {"op": "cancel", "email": "nobody@example.com"}, "No pending invitation for this email."),
        (
            "alice",
            {"op": "transfer", "username": "zoe"},
            "Ownership goes to an organizer on the session's team.",
        ),
        ("alice", {"op": "promote"}, "Unknown operation."),
    ],
)
def test_bad_input_is_a_message_and_changes_nothing(
    team: dict[str, Any], user: str, data: dict[str, str], message: str
) -> None:
    ids = {"MONA": "mona", "ALICE": "alice"}
    if data.get("user_id") in ids:
        data = {**data, "user_id": str(team["users"].get(username=ids[data["user_id"]]).pk)}
    before = state(team)
    response = post(team, user=user, **data)
    assert response.status_code == 302 and response["Location"] == team["url"]
    assert state(team) == before
    texts = messages_of(response)
    assert len(texts) == 1 and message in texts[0]
