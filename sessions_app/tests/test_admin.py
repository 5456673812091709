"""The Session admin: ownership scoping, creation through the services, the change page, actions."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from activities.services import activity_create, activity_set_status
from participants.services import participant_join
from sessions_app import services
from sessions_app.models import Session

pytestmark = pytest.mark.django_db

POLL = {"question": "Lunch?", "options": [{"id": "a", "label": "Pizza"}, {"id": "b", "label": "Salad"}]}


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def changelist() -> str:
    return reverse("admin:sessions_app_session_changelist")


def change_url(session: Session) -> str:
    return reverse("admin:sessions_app_session_change", args=[session.pk])


def change_data(session: Session, **fields: Any) -> dict[str, Any]:
    """The change form's POST body: the session fields and the activity inline's rows."""
    activities = list(session.activities.order_by("order", "created_at"))
    data: dict[str, Any] = {
        "name": session.name,
        "description": session.description,
        "activities-TOTAL_FORMS": len(activities),
        "activities-INITIAL_FORMS": len(activities),
        "activities-MIN_NUM_FORMS": 0,
        "activities-MAX_NUM_FORMS": 1000,
    }
    for i, activity in enumerate(activities):
        data.update(
            {
                f"activities-{i}-id": str(activity.pk),
                f"activities-{i}-session": str(session.pk),
                f"activities-{i}-order": activity.order,
                f"activities-{i}-title": activity.title,
            }
        )
    data.update(fields)
    return data


def run_action(client: Client, action: str, *sessions: Session, follow: bool = True) -> Any:
    return client.post(
        changelist(),
        {"action": action, "_selected_action": [str(s.pk) for s in sessions], "index": 0},
        follow=follow,
    )


@pytest.fixture
def a_session(organizer: Any) -> Session:
    return services.session_create(owner=organizer, name="Alice's town hall")


@pytest.fixture
def b_session(other_organizer: Any) -> Session:
    return services.session_create(owner=other_organizer, name="Bob's retro")


# --- scoping ----------------------------------------------------------------------------------


def test_changelist_shows_only_own_sessions(organizer, other_organizer, superuser, a_session, b_session):
    body = login(organizer).get(changelist()).content.decode()
    assert "Alice&#x27;s town hall" in body and "Bob&#x27;s retro" not in body
    body = login(other_organizer).get(changelist()).content.decode()
    assert "Bob&#x27;s retro" in body and "Alice&#x27;s town hall" not in body
    body = login(superuser).get(changelist()).content.decode()
    assert "Alice&#x27;s town hall" in body and "Bob&#x27;s retro" in body


def test_other_organizers_session_is_404_everywhere(other_organizer, a_session):
    client = login(other_organizer)
    pk = a_session.pk
    for url in [
        change_url(a_session),
        reverse("admin:sessions_app_session_delete", args=[pk]),
        reverse("admin:sessions_app_session_history", args=[pk]),
        reverse("admin:sessions_app_session_overview", args=[pk]),
    ]:
        assert client.get(url).status_code == 404, url
    # Nor can an action or a change-page button touch it.
    assert (
        client.post(
            reverse("admin:sessions_app_session_object_action", args=[pk, "start_sessions"])
        ).status_code
        == 404
    )
    run_action(client, "start_sessions", a_session)
    a_session.refresh_from_db()
    assert a_session.status == "draft"
    # POSTing a change is refused too.
    assert client.post(change_url(a_session), {"name": "hijacked"}).status_code == 404
    a_session.refresh_from_db()
    assert a_session.name == "Alice's town hall"


def test_malformed_id_is_404(organizer):
    assert login(organizer).get("/admin/sessions_app/session/not-a-uuid/change/").status_code == 404


def test_superuser_opens_any_session(superuser, a_session):
    response = login(superuser).get(change_url(a_session))
    assert response.status_code == 200


def test_non_staff_user_is_sent_to_login(django_user_model, a_session):
    user = django_user_model.objects.create_user(username="carol", password="pw-carol-123")
    response = login(user).get(changelist())
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


# --- list columns: annotated, no N+1 ------------------------------------------------------------


def test_changelist_counts_without_n_plus_one(organizer, a_session, django_assert_max_num_queries):
    activity_create(session=a_session, type="poll", config=POLL)
    activity_create(session=a_session, type="poll", config=POLL)
    participant_join(session=a_session, nickname="Ann")
    client = login(organizer)
    response = client.get(changelist())
    result_list = response.context["cl"].result_list
    row = next(s for s in result_list if s.pk == a_session.pk)
    assert (row._activity_count, row._participant_count) == (2, 1)
    assert a_session.join_code in response.content.decode()

    # Twenty more sessions do not add queries.
    with django_assert_max_num_queries(50) as few:
        client.get(changelist())
    baseline = len(few.captured_queries)
    for i in range(20):
        session = services.session_create(owner=organizer, name=f"S{i}")
        activity_create(session=session, type="poll", config=POLL)
        participant_join(session=session, nickname=f"P{i}")
    with django_assert_max_num_queries(baseline) as many:
        client.get(changelist())
    assert len(many.captured_queries) == baseline


def test_changelist_search_and_filter(organizer, a_session):
    client = login(organizer)
    other = services.session_create(owner=organizer, name="Quarterly")
    services.session_start(session=other)
    body = client.get(changelist(), {"q": a_session.join_code}).content.decode()
    assert "Alice&#x27;s town hall" in body and "Quarterly" not in body
    body = client.get(changelist(), {"status__exact": "active"}).content.decode()
    assert "Quarterly" in body and "Alice&#x27;s town hall" not in body


# --- add / change through the services --------------------------------------------------------


def test_add_creates_through_session_create_owned_by_creator(organizer, other_organizer):
    client = login(organizer)
    response = client.post(
        reverse("admin:sessions_app_session_add"),
        {"name": "  All hands  ", "description": "Q3", "owner": other_organizer.pk, "join_code": "AAAAAA"},
    )
    assert response.status_code == 302
    session = Session.objects.get()
    assert session.owner == organizer  # not editable, whatever is posted
    assert session.name == "All hands"  # trimmed by the service
    assert session.status == "draft"
    assert len(session.join_code) == 6 and session.join_code != "AAAAAA"


def test_add_rejects_blank_name(organizer):
    response = login(organizer).post(reverse("admin:sessions_app_session_add"), {"name": "   "})
    assert response.status_code == 200
    assert "name" in response.context["adminform"].form.errors
    assert not Session.objects.exists()


def test_change_updates_through_session_update(organizer, a_session):
    client = login(organizer)
    response = client.post(change_url(a_session), change_data(a_session, name="Renamed", description="new"))
    assert response.status_code == 302
    a_session.refresh_from_db()
    assert (a_session.name, a_session.description) == ("Renamed", "new")
    assert a_session.owner == organizer


def test_change_page_shows_join_details_and_links(organizer, a_session):
    body = login(organizer).get(change_url(a_session)).content.decode()
    assert a_session.join_code in body
    assert a_session.join_url in body
    assert f'<img class="caja-qr" src="/api/v1/sessions/{a_session.pk}/qr.png"' in body
    assert f'href="/present/{a_session.pk}"' in body
    assert f'href="/api/v1/sessions/{a_session.pk}/state"' in body
    # The QR image the page points at is served.
    qr = Client().get(f"/api/v1/sessions/{a_session.pk}/qr.png")
    assert qr.status_code == 200 and qr["Content-Type"] == "image/png"


def test_delete_goes_through_session_delete(organizer, a_session):
    activity = activity_create(session=a_session, type="poll", config=POLL)
    services.session_start(session=a_session)
    activity_set_status(activity=activity, status="active")
    response = login(organizer).post(
        reverse("admin:sessions_app_session_delete", args=[a_session.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Session.objects.filter(pk=a_session.pk).exists()


# --- actions ----------------------------------------------------------------------------------


def test_start_and_complete_actions(organizer, a_session):
    client = login(organizer)
    response = run_action(client, "start_sessions", a_session)
    assert response.status_code == 200
    assert "Started 1 session(s)." in messages_of(response)
    a_session.refresh_from_db()
    assert a_session.status == "active" and a_session.started_at is not None

    response = run_action(client, "complete_sessions", a_session)
    assert "Completed 1 session(s)." in messages_of(response)
    a_session.refresh_from_db()
    assert a_session.status == "completed" and a_session.completed_at is not None


def test_forbidden_transition_is_a_message_not_a_500(organizer, a_session):
    client = login(organizer)
    response = run_action(client, "complete_sessions", a_session)  # draft → completed is not allowed
    assert response.status_code == 200
    assert any("Cannot change status from draft to completed" in m for m in messages_of(response))
    a_session.refresh_from_db()
    assert a_session.status == "draft"


def test_mixed_selection_reports_each(organizer, a_session):
    other = services.session_create(owner=organizer, name="Second")
    services.session_start(session=other)
    response = run_action(login(organizer), "start_sessions", a_session, other)
    msgs = messages_of(response)
    assert "Started 1 session(s)." in msgs
    assert any(m.startswith("Second") and "Cannot change status" in m for m in msgs)


def test_change_page_buttons_run_the_actions(organizer, a_session):
    client = login(organizer)
    body = client.get(change_url(a_session)).content.decode()
    start_url = reverse("admin:sessions_app_session_object_action", args=[a_session.pk, "start_sessions"])
    assert start_url in body
    response = client.post(start_url)
    assert response.status_code == 302 and response["Location"] == change_url(a_session)
    a_session.refresh_from_db()
    assert a_session.status == "active"
    # An unknown action is a 404, a GET only redirects.
    assert (
        client.post(
            reverse("admin:sessions_app_session_object_action", args=[a_session.pk, "nope"])
        ).status_code
        == 404
    )
    assert client.get(start_url).status_code == 302


def test_the_admin_sets_the_presenter_language(organizer):
    client = login(organizer)
    response = client.post(reverse("admin:sessions_app_session_add"), {"name": "Asamblea", "language": "es"})
    assert response.status_code == 302
    session = Session.objects.get(name="Asamblea")
    assert session.language == "es"
    change = reverse("admin:sessions_app_session_change", args=[session.pk])
    page = client.get(change).content.decode()
    assert '<select name="language"' in page and '<option value="fr">Français</option>' in page
    response = client.post(change, change_data(session, language="fr"))
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.language == "fr"
    # Not choosing keeps the default on creation.
    client.post(reverse("admin:sessions_app_session_add"), {"name": "Town hall"})
    assert Session.objects.get(name="Town hall").language == "en"
