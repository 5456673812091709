"""What an organizer notices in the admin (issue 28, items 19–22): "View site" leads to a page of
Caja, positions stay unique and contiguous, nothing typed is silently ignored, and the copy speaks
the form's words ("Allow several choices", "Ended") rather than the API's."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from activities import services
from activities.models import Activity
from sessions_app.models import Session
from sessions_app.services import session_create, session_start

from .test_admin import POLL, act, add_url, change_url, form_errors, login, messages_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def a_session(organizer: Any) -> Session:
    return session_create(owner=organizer, name="Alice's town hall")


def orders(session: Session) -> list[tuple[str, int]]:
    return list(
        Activity.objects.filter(session=session).order_by("order", "created_at").values_list("title", "order")
    )


def inline_post(session: Session, rows: list[tuple[Activity, int, bool]]) -> dict[str, Any]:
    """The session change form with its activity inline: (activity, order, delete) per row."""
    data: dict[str, Any] = {
        "name": session.name,
        "description": "",
        "activities-TOTAL_FORMS": len(rows),
        "activities-INITIAL_FORMS": len(rows),
        "activities-MIN_NUM_FORMS": 0,
        "activities-MAX_NUM_FORMS": 1000,
    }
    for i, (activity, order, delete) in enumerate(rows):
        data.update(
            {
                f"activities-{i}-id": str(activity.pk),
                f"activities-{i}-session": str(session.pk),
                f"activities-{i}-order": order,
                f"activities-{i}-title": activity.title,
            }
        )
        if delete:
            data[f"activities-{i}-DELETE"] = "on"
    return data


# --- 19: "View site" -------------------------------------------------------------------------------


def test_view_site_opens_a_page_of_caja(organizer: Any) -> None:
    client = login(organizer)
    body = client.get(reverse("admin:index")).content.decode()
    href = re.search(r'<a href="([^"]+)">View site</a>', body)
    assert href, "the admin shows a View site link"
    response = Client().get(href.group(1))
    assert response.status_code == 200
    assert href.group(1) == reverse("live:join-start")


# --- 20: positions unique and contiguous ---------------------------------------------------------


def test_inline_refuses_two_activities_in_one_position(organizer: Any, a_session: Session) -> None:
    acts = [services.activity_create(session=a_session, type="poll", config=POLL, title=t) for t in "ABCDE"]
    client = login(organizer)
    url = reverse("admin:sessions_app_session_change", args=[a_session.pk])
    response = client.post(
        url, inline_post(a_session, [(a, o, False) for a, o in zip(acts, [2, 3, 4, 5, 5], strict=True)])
    )
    assert response.status_code == 200
    errors = [str(e) for e in response.context["inline_admin_formsets"][0].formset.non_form_errors()]
    assert errors == ["“D” and “E” are both at position 5: give each activity its own position."]
    assert orders(a_session) == [("A", 1), ("B", 2), ("C", 3), ("D", 4), ("E", 5)]


def test_inline_closes_gaps_after_a_reorder_or_a_deletion(organizer: Any, a_session: Session) -> None:
    a, b, c, d = (
        services.activity_create(session=a_session, type="poll", config=POLL, title=t) for t in "ABCD"
    )
    client = login(organizer)
    url = reverse("admin:sessions_app_session_change", args=[a_session.pk])
    response = client.post(
        url, inline_post(a_session, [(a, 7, False), (b, 3, True), (c, 2, False), (d, 9, False)])
    )
    assert response.status_code == 302
    assert orders(a_session) == [("C", 1), ("A", 2), ("D", 3)]


def test_activity_form_refuses_a_taken_position_and_closes_gaps(organizer: Any, a_session: Session) -> None:
    a, b, c = (services.activity_create(session=a_session, type="poll", config=POLL, title=t) for t in "ABC")
    client = login(organizer)
    data = {"title": "C", "question": "Lunch?", "options": "Pizza\nSalad"}
    response = client.post(change_url(c), {**data, "order": 1})
    assert form_errors(response) == {
        "order": ["Position 1 is already taken by “A”: each activity needs its own position."]
    }
    response = client.post(
        add_url(a_session, "poll"), {**data, "title": "New", "session": str(a_session.pk), "order": 2}
    )
    assert form_errors(response) == {
        "order": ["Position 2 is already taken by “B”: each activity needs its own position."]
    }
    assert client.post(change_url(c), {**data, "order": 8}).status_code == 302
    assert orders(a_session) == [("A", 1), ("B", 2), ("C", 3)]
    client.post(reverse("admin:activities_activity_delete", args=[a.pk]), {"post": "yes"})
    assert orders(a_session) == [("B", 1), ("C", 2)]


# --- 21: refuse or use, never ignore ------------------------------------------------------------


def test_poker_needs_a_story_or_a_title(organizer: Any, a_session: Session) -> None:
    client = login(organizer)
    base = {"session": str(a_session.pk), "deck": "fibonacci"}
    response = client.post(add_url(a_session, "poker"), base)
    assert form_errors(response) == {
        "story": ["Enter a story or a title: the phones and the big screen show it."]
    }
    assert not Activity.objects.exists()
    assert client.post(add_url(a_session, "poker"), {**base, "title": "Estimate"}).status_code == 302
    assert client.post(add_url(a_session, "poker"), {**base, "story": "Login page"}).status_code == 302
    assert Activity.objects.count() == 2


@pytest.mark.parametrize(
    ("kind", "field", "extra"),
    [
        ("poll", "options", {"question": "Lunch?"}),
        ("quiz", "options", {"question": "Capital?", "correct_option": "a", "points": 1000}),
        ("ranking", "items", {"question": "Order them"}),
        ("rating", "statements", {"question": "How was it?", "scale_min": 1, "scale_max": 5}),
    ],
)
def test_repeated_labels_are_refused(
    organizer: Any, a_session: Session, kind: str, field: str, extra: Any
) -> None:
    client = login(organizer)
    data = {"session": str(a_session.pk), **extra, field: "Pizza\nSalad\n  pizza \nSoup"}
    response = client.post(add_url(a_session, kind), data)
    assert form_errors(response)[field] == ["Line 3 repeats “pizza” (line 1): each line needs its own label."]
    assert not Activity.objects.exists()


def test_custom_cards_with_a_named_deck_are_refused(organizer: Any, a_session: Session) -> None:
    client = login(organizer)
    data = {"session": str(a_session.pk), "story": "Login", "deck": "tshirt", "custom_cards": "1, 2, 3"}
    response = client.post(add_url(a_session, "poker"), data)
    assert form_errors(response) == {
        "custom_cards": [
            "These cards are used only with the custom deck: choose “custom (the cards below)” as the "
            "deck, or clear this field."
        ]
    }
    assert client.post(add_url(a_session, "poker"), {**data, "deck": "custom"}).status_code == 302
    assert Activity.objects.get().config["deck"] == ["1", "2", "3"]


# --- 22: copy -------------------------------------------------------------------------------------


def test_max_choices_error_names_the_checkbox(organizer: Any, a_session: Session) -> None:
    data = {"session": str(a_session.pk), "question": "Lunch?", "options": "A\nB\nC", "max_choices": 2}
    response = login(organizer).post(add_url(a_session, "poll"), data)
    assert form_errors(response) == {
        "max_choices": ["Only with “Allow several choices” ticked; leave it blank otherwise."]
    }


@pytest.mark.parametrize(
    ("kind", "help_start"),
    [
        ("rating", "One statement per line."),
        ("ranking", "One item per line."),
        ("poll", "One option per line."),
    ],
)
def test_list_help_names_what_the_lines_are(
    organizer: Any, a_session: Session, kind: str, help_start: str
) -> None:
    body = login(organizer).get(add_url(a_session, kind)).content.decode()
    assert help_start in body
    if kind != "poll":
        assert "One option per line." not in body


def test_add_page_titles_keep_the_type_name(organizer: Any, a_session: Session) -> None:
    client = login(organizer)
    assert "<title>Add activity: Q&amp;A" in client.get(add_url(a_session, "qna")).content.decode()
    assert "<h1>Add activity: Poll</h1>" in client.get(add_url(a_session, "poll")).content.decode()


def test_a_poll_with_several_choices_is_listed_as_such(organizer: Any, a_session: Session) -> None:
    services.activity_create(session=a_session, type="poll", config=POLL, title="Single")
    services.activity_create(session=a_session, type="poll", config={**POLL, "multiple": True}, title="Multi")
    client = login(organizer)
    listing = client.get(reverse("admin:activities_activity_changelist")).content.decode()
    inline = client.get(reverse("admin:sessions_app_session_change", args=[a_session.pk])).content.decode()
    for body in (listing, inline):
        assert body.count("Poll (several choices)") == 1
        assert re.search(r">\s*Poll\s*<", body)


def test_finished_activities_read_ended_and_the_api_keeps_expired(
    organizer: Any, a_session: Session, org_api: Any
) -> None:
    poll = services.activity_create(session=a_session, type="poll", config=POLL, title="Lunch")
    session_start(session=a_session)
    services.activity_set_status(activity=poll, status="active")
    client = login(organizer)
    response = act(client, "activity", "expire_activities", poll)
    assert "Ended 1 activity(ies)." in messages_of(response)
    poll.refresh_from_db()
    assert poll.status == "expired"
    listing = client.get(reverse("admin:activities_activity_changelist")).content.decode()
    assert re.search(r'<td class="field-status">Ended</td>', listing)
    assert "Expired" not in listing
    api = org_api.get(f"/api/v1/sessions/{a_session.pk}/activities/{poll.pk}")
    assert api.json()["status"] == "expired"
