"""The admin by role (contract v1.2, "Sessions are run by a team"): each role on a session (owner,
co_organizer, presenter, moderator), an organizer who is not on the team ("stranger") and a
superuser, on each admin surface: the exact status, what the page shows or leaves out, and the
database unchanged after every refusal."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from activities import services as activity_services
from activities.models import Activity, Question, Response
from activities.tests.factories import CONFIGS
from activities.types.qna.services import question_post
from participants.models import Participant
from participants.services import participant_join
from sessions_app import members
from sessions_app.models import AuditEntry, Session, SessionMember
from sessions_app.services import session_create, session_start
from sessions_app.tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ROLES = ["owner", "co_organizer", "presenter", "moderator", "stranger", "superuser"]
MEMBERS = ["owner", "co_organizer", "presenter", "moderator", "superuser"]
# Who holds each right (sessions_app.roles.RIGHTS, plus the superuser); "stranger" holds none.
EDIT = {"owner", "co_organizer", "superuser"}
LIFECYCLE = {"owner", "co_organizer", "presenter", "superuser"}
EXPORTS = LIFECYCLE
TEAM = EDIT  # the members right
OWNERSHIP = {"owner", "superuser"}


def expected(role: str, allowed: set[str], ok: int = 200) -> int:
    """The status a role gets: ``ok`` with the right, 403 for a member without it, 404 for a
    stranger (the session is not revealed)."""
    if role == "stranger":
        return 404
    return ok if role in allowed else 403


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def event(organizer: Any, other_organizer: Any, superuser: Any) -> dict[str, Any]:
    """Alice's started town hall: a published poll, a moderated Q&A with one pending question,
    two participants (one answered the poll), and her team: cora (co_organizer), pete
    (presenter), mona (moderator). Bob organizes other sessions."""
    session = session_create(owner=organizer, name="Town hall")
    poll = activity_services.activity_create(
        session=session, type="poll", config=CONFIGS["poll"], title="Lunch"
    )
    qna = activity_services.activity_create(
        session=session, type="qna", config={**CONFIGS["qna"], "moderation": True}, title="Ask us"
    )
    for activity in (poll, qna):
        activity_services.activity_set_status(activity=activity, status="published")
    session_start(session=session)
    ann, _ = participant_join(session=session, nickname="Ann")
    participant_join(session=session, nickname="Bo")
    question = question_post(participant=ann, activity=qna, text="When is the offsite?")
    Response.objects.create(activity=poll, participant=ann, response_data={"option_ids": ["a"]})
    users = {
        "owner": organizer,
        "co_organizer": UserFactory(username="cora"),
        "presenter": UserFactory(username="pete"),
        "moderator": UserFactory(username="mona"),
        "stranger": other_organizer,
        "superuser": superuser,
    }
    for role in ("co_organizer", "presenter", "moderator"):
        members.member_add(session=session, username=users[role].username, role=role, actor=organizer)
    return {"session": session, "poll": poll, "qna": qna, "question": question, "ann": ann, "users": users}


def client_for(event: dict[str, Any], role: str) -> Client:
    client = Client()
    client.force_login(event["users"][role])
    return client


def session_url(event: dict[str, Any], name: str, *args: Any) -> str:
    return reverse(f"admin:sessions_app_session_{name}", args=[event["session"].pk, *args])


def activity_url(activity: Activity, name: str, *args: Any) -> str:
    return reverse(f"admin:activities_activity_{name}", args=[activity.pk, *args])


def snapshot(event: dict[str, Any]) -> tuple[Any, ...]:
    """What a refused request must leave as it was."""
    session = Session.objects.get(pk=event["session"].pk)
    return (
        session.name,
        session.status,
        session.owner_id,
        list(Activity.objects.order_by("order").values_list("title", "status", "config")),
        list(Participant.objects.order_by("nickname").values_list("nickname", "kicked_at")),
        list(Question.objects.values_list("status", "pinned")),
        sorted(SessionMember.objects.values_list("user__username", "role")),
        AuditEntry.objects.count(),
        Session.objects.count(),
    )


# --- the session list and change page ------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_session_list_shows_the_team_sessions_with_your_role(event: dict[str, Any], role: str) -> None:
    session_create(owner=event["users"]["stranger"], name="Bob's retro")
    page = client_for(event, role).get(reverse("admin:sessions_app_session_changelist"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Your role" in html
    link = f'<a href="{session_url(event, "change")}">Town hall</a>'
    row = html.split(link)[1].split("</tr>")[0] if link in html else ""
    label = {
        "owner": "Owner",
        "co_organizer": "Co-organizer",
        "presenter": "Presenter",
        "moderator": "Moderator",
        "superuser": "—",
    }
    if role == "stranger":
        assert "Town hall" not in html and "Bob&#x27;s retro" in html
        assert 'class="field-my_role_label">Owner<' in html  # his own session
    else:
        assert f'class="field-my_role_label">{label[role]}<' in row
        assert ("Bob&#x27;s retro" in html) == (role == "superuser")


@pytest.mark.parametrize("role", ROLES)
def test_session_change_page_shows_what_the_role_may_do(event: dict[str, Any], role: str) -> None:
    page = client_for(event, role).get(session_url(event, "change"))
    assert page.status_code == expected(role, set(MEMBERS))
    if role == "stranger":
        return
    html = page.content.decode()
    # The configuration form only with the edit right; a read-only page otherwise.
    assert ('name="name"' in html) == (role in EDIT)
    assert ('name="activities-0-title"' in html) == (role in EDIT)
    assert ("caja-add-poll" in html) == (role in EDIT)
    assert ("caja-view-config" in html) == (role not in EDIT)
    assert (session_url(event, "delete") in html) == (role in OWNERSHIP)
    # Lifecycle, exports and duplicate buttons by right.
    assert ("caja-action-complete_sessions" in html) == (role in LIFECYCLE)
    assert ("caja-action-activate_next_activity" in html) == (role in LIFECYCLE)
    assert ("caja-action-export_results_csv" in html) == (role in EXPORTS)
    assert ("caja-action-duplicate_sessions" in html) == (role in EDIT)
    assert ("caja-action-leave_teams" in html) == (role in {"co_organizer", "presenter", "moderator"})
    # Every member sees the team, the presenter screen and the live moderation page; the team's
    # management and the audit log need the members right.
    assert "Members and pending invitations" in html and "mona" in html
    assert f'href="/present/{event["session"].pk}"' in html
    assert f'href="/present/{event["session"].pk}/moderate"' in html
    assert ("caja-manage-team" in html) == (role in TEAM)
    assert ("Audit log" in html) == (role in TEAM)
    assert "Results &amp; participants" in html
    # The owner's name, not a link to a user page organizers cannot open.
    assert '<div class="readonly">alice</div>' in html
    assert ("/admin/auth/user/" in html) == (role == "superuser")


@pytest.mark.parametrize("role", ROLES)
def test_session_edit_needs_the_edit_right(event: dict[str, Any], role: str) -> None:
    before = snapshot(event)
    data = {
        "name": "Renamed",
        "description": "",
        "language": "en",
        "activities-TOTAL_FORMS": 0,
        "activities-INITIAL_FORMS": 0,
        "activities-MIN_NUM_FORMS": 0,
        "activities-MAX_NUM_FORMS": 1000,
    }
    response = client_for(event, role).post(session_url(event, "change"), data)
    assert response.status_code == expected(role, EDIT, ok=302)
    name = Session.objects.get(pk=event["session"].pk).name
    if role in EDIT:
        assert name == "Renamed"
    else:
        assert snapshot(event) == before


@pytest.mark.parametrize("role", ROLES)
def test_session_delete_needs_ownership(event: dict[str, Any], role: str) -> None:
    client = client_for(event, role)
    assert client.get(session_url(event, "delete")).status_code == expected(role, OWNERSHIP)
    before = snapshot(event)
    response = client.post(session_url(event, "delete"), {"post": "yes"})
    assert response.status_code == expected(role, OWNERSHIP, ok=302)
    if role in OWNERSHIP:  # with its participants and responses (records, read-only here)
        assert not Session.objects.filter(pk=event["session"].pk).exists()
        assert not Participant.objects.exists() and not Response.objects.exists()
    else:
        assert snapshot(event) == before


@pytest.mark.parametrize("role", ROLES)
def test_lifecycle_buttons_need_the_lifecycle_right(event: dict[str, Any], role: str) -> None:
    client = client_for(event, role)
    before = snapshot(event)
    response = client.post(session_url(event, "object_action", "activate_next_activity"))
    assert response.status_code == expected(role, LIFECYCLE, ok=302)
    if role not in LIFECYCLE:
        assert snapshot(event) == before
        return
    assert Activity.objects.get(pk=event["poll"].pk).status == "active"
    response = client.post(session_url(event, "object_action", "complete_sessions"))
    assert response.status_code == 302
    assert Session.objects.get(pk=event["session"].pk).status == "completed"
    entry = AuditEntry.objects.filter(action="session.status", details__to="completed").get()
    assert entry.actor_username == event["users"][role].username


@pytest.mark.parametrize("role", ROLES)
def test_activity_lifecycle_buttons(event: dict[str, Any], role: str) -> None:
    client = client_for(event, role)
    before = snapshot(event)
    response = client.post(activity_url(event["poll"], "object_action", "activate_activities"))
    assert response.status_code == expected(role, LIFECYCLE, ok=302)
    if role in LIFECYCLE:
        assert Activity.objects.get(pk=event["poll"].pk).status == "active"
    else:
        assert snapshot(event) == before


@pytest.mark.parametrize("role", ROLES)
def test_exports_need_the_exports_right(event: dict[str, Any], role: str) -> None:
    before = snapshot(event)
    response = client_for(event, role).post(session_url(event, "object_action", "export_results_csv"))
    assert response.status_code == expected(role, EXPORTS)
    if role in EXPORTS:
        assert response["Content-Type"].startswith("text/csv")
        assert b"Lunch" in b"".join(response.streaming_content)  # type: ignore[attr-defined]
    else:
        assert snapshot(event) == before


@pytest.mark.parametrize("role", ROLES)
def test_changelist_offers_only_the_actions_of_the_role(event: dict[str, Any], role: str) -> None:
    html = client_for(event, role).get(reverse("admin:sessions_app_session_changelist")).content.decode()
    offered = {
        "start_sessions": LIFECYCLE,
        "activate_next_activity": LIFECYCLE,
        "export_results_csv": EXPORTS,
        "duplicate_sessions": EDIT,
        "delete_selected": OWNERSHIP,
        "leave_teams": {"co_organizer", "presenter", "moderator"},
    }
    for action, allowed in offered.items():
        assert (f'value="{action}"' in html) == (role in allowed), action


def test_a_refused_changelist_action_changes_nothing(event: dict[str, Any]) -> None:
    """A moderator posting an action the list does not offer her: nothing runs."""
    before = snapshot(event)
    response = client_for(event, "moderator").post(
        reverse("admin:sessions_app_session_changelist"),
        {"action": "complete_sessions", "_selected_action": [str(event["session"].pk)], "index": 0},
    )
    assert response.status_code == 302
    assert messages_of(response) == ["No action selected."]
    assert snapshot(event) == before


def test_a_mixed_selection_runs_where_the_role_allows_it(event: dict[str, Any]) -> None:
    """Mona moderates Alice's session and owns her own: completing both completes hers only."""
    mona = event["users"]["moderator"]
    hers = session_create(owner=mona, name="Mona's retro")
    session_start(session=hers)
    response = client_for(event, "moderator").post(
        reverse("admin:sessions_app_session_changelist"),
        {
            "action": "complete_sessions",
            "_selected_action": [str(event["session"].pk), str(hers.pk)],
            "index": 0,
        },
    )
    assert response.status_code == 302
    assert Session.objects.get(pk=hers.pk).status == "completed"
    assert Session.objects.get(pk=event["session"].pk).status == "active"
    texts = messages_of(response)
    assert f"{event['session']}: Your role on this session does not allow this." in texts
    assert "Completed 1 session(s)." in texts


# --- activities --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_activity_page_is_a_form_only_with_the_edit_right(event: dict[str, Any], role: str) -> None:
    client = client_for(event, role)
    page = client.get(activity_url(event["qna"], "change"))
    assert page.status_code == expected(role, set(MEMBERS))
    if role == "stranger":
        return
    html = page.content.decode()
    assert ('name="title"' in html) == (role in EDIT)
    assert ('name="prompt"' in html) == (role in EDIT)
    assert (activity_url(event["qna"], "delete") in html) == (role in EDIT)
    assert ("caja-action-activate_activities" in html) == (role in LIFECYCLE)
    assert "Moderate questions" in html  # every member moderates


@pytest.mark.parametrize("role", ROLES)
def test_activity_edit_needs_the_edit_right(event: dict[str, Any], role: str) -> None:
    before = snapshot(event)
    poll = event["poll"]
    data = {"title": "Renamed", "order": poll.order, "question": "Where?", "options": "Pizza\nSalad"}
    response = client_for(event, role).post(activity_url(poll, "change"), data)
    assert response.status_code == expected(role, EDIT, ok=302)
    if role not in EDIT:
        assert snapshot(event) == before


@pytest.mark.parametrize("role", ROLES)
def test_adding_an_activity_needs_the_edit_right(event: dict[str, Any], role: str) -> None:
    client = client_for(event, role)
    add = reverse("admin:activities_activity_add")
    page = client.get(f"{add}?session={event['session'].pk}&type=poll")
    assert page.status_code == expected(role, EDIT)
    before = snapshot(event)
    data = {"session": str(event["session"].pk), "title": "New", "question": "Q?", "options": "A\nB"}
    response = client.post(f"{add}?session={event['session'].pk}&type=poll", data)
    assert response.status_code == expected(role, EDIT, ok=302)
    if role in EDIT:
        assert Activity.objects.filter(title="New").exists()
    else:
        assert snapshot(event) == before


def test_a_member_without_edit_anywhere_gets_403_on_the_add_page(event: dict[str, Any]) -> None:
    client = client_for(event, "moderator")
    assert client.get(reverse("admin:activities_activity_add")).status_code == 403
    listing = client.get(reverse("admin:activities_activity_changelist")).content.decode()
    assert "Lunch" in listing and "Ask us" in listing
    assert reverse("admin:activities_activity_add") not in listing


@pytest.mark.parametrize("role", ROLES)
def test_activity_delete_needs_the_edit_right(event: dict[str, Any], role: str) -> None:
    before = snapshot(event)
    response = client_for(event, role).post(activity_url(event["poll"], "delete"), {"post": "yes"})
    assert response.status_code == expected(role, EDIT, ok=302)
    assert Activity.objects.filter(pk=event["poll"].pk).exists() == (role not in EDIT)
    if role not in EDIT:
        assert snapshot(event) == before


# --- moderation: questions, kicks, results ------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_every_member_moderates_the_questions(event: dict[str, Any], role: str) -> None:
    client = client_for(event, role)
    url = activity_url(event["qna"], "questions")
    page = client.get(url)
    assert page.status_code == expected(role, set(MEMBERS))
    before = snapshot(event)
    response = client.post(url, {"question": str(event["question"].pk), "op": "approve"})
    assert response.status_code == expected(role, set(MEMBERS), ok=302)
    if role == "stranger":
        assert snapshot(event) == before
        return
    assert "When is the offsite?" in page.content.decode() and 'value="approve"' in page.content.decode()
    assert Question.objects.get(pk=event["question"].pk).status == "visible"
    assert AuditEntry.objects.filter(actor_username=event["users"][role].username).exists()


@pytest.mark.parametrize("role", ROLES)
def test_overview_shows_results_and_participants_with_kick(event: dict[str, Any], role: str) -> None:
    client = client_for(event, role)
    page = client.get(session_url(event, "overview"))
    assert page.status_code == expected(role, set(MEMBERS))
    before = snapshot(event)
    response = client.post(
        session_url(event, "overview"), {"op": "kick", "participant": str(event["ann"].pk)}
    )
    assert response.status_code == expected(role, set(MEMBERS), ok=302)
    if role == "stranger":
        assert snapshot(event) == before
        return
    html = page.content.decode()
    assert "Ann" in html and "caja-kick" in html
    assert ("Edit the activity" in html) == (role in EDIT)
    assert Participant.objects.get(pk=event["ann"].pk).kicked_at is not None


@pytest.mark.parametrize("role", ROLES)
def test_results_page(event: dict[str, Any], role: str) -> None:
    page = client_for(event, role).get(activity_url(event["poll"], "results"))
    assert page.status_code == expected(role, set(MEMBERS))
    if role != "stranger":
        assert ("View the activity" in page.content.decode()) == (role not in EDIT)


@pytest.mark.parametrize("role", ROLES)
def test_participants_and_responses_lists(event: dict[str, Any], role: str) -> None:
    client = client_for(event, role)
    participants = client.get(reverse("admin:participants_participant_changelist")).content.decode()
    responses = client.get(reverse("admin:activities_response_changelist")).content.decode()
    assert ("Ann" in participants) == (role != "stranger")
    assert ("Lunch" in responses) == (role != "stranger")
    assert ('value="kick_participants"' in participants) == (role != "stranger")
    detail = client.get(reverse("admin:participants_participant_change", args=[event["ann"].pk]))
    assert detail.status_code == expected(role, set(MEMBERS))
    before = snapshot(event)
    response = client.post(
        reverse("admin:participants_participant_changelist"),
        {"action": "kick_participants", "_selected_action": [str(event["ann"].pk)], "index": 0},
    )
    # The stranger has no session: no actions, so the list again.
    assert response.status_code == (200 if role == "stranger" else 302)
    kicked = Participant.objects.get(pk=event["ann"].pk).kicked_at is not None
    assert kicked == (role != "stranger")
    if role == "stranger":
        assert snapshot(event) == before


# --- the team --------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_team_page_needs_the_members_right(event: dict[str, Any], role: str) -> None:
    client = client_for(event, role)
    page = client.get(session_url(event, "team"))
    assert page.status_code == expected(role, TEAM)
    before = snapshot(event)
    response = client.post(
        session_url(event, "team"), {"op": "add", "who": "zed@example.com", "role": "moderator"}
    )
    assert response.status_code == expected(role, TEAM, ok=302)
    if role not in TEAM:
        assert snapshot(event) == before
        assert not event["session"].invitations.exists()
        return
    html = page.content.decode()
    assert "caja-remove-member" in html and 'name="who"' in html
    assert ('id="caja-transfer"' in html) == (role in OWNERSHIP)


@pytest.mark.parametrize("role", ROLES)
def test_transfer_needs_ownership(event: dict[str, Any], role: str) -> None:
    before = snapshot(event)
    response = client_for(event, role).post(
        session_url(event, "team"), {"op": "transfer", "username": "pete"}
    )
    assert response.status_code == expected(role, OWNERSHIP, ok=302)
    owner = Session.objects.get(pk=event["session"].pk).owner.username
    if role in OWNERSHIP:
        assert owner == "pete"
    else:
        assert owner == "alice" and snapshot(event) == before


def test_a_non_staff_user_is_sent_to_login(event: dict[str, Any]) -> None:
    client = Client()
    client.force_login(UserFactory(username="visitor", is_staff=False))
    for url in (
        session_url(event, "change"),
        session_url(event, "team"),
        activity_url(event["qna"], "questions"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
