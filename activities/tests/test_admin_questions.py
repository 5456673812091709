"""The Q&A's moderation page in the admin (activities/admin/questions.py): the list, its filter,
the moderation buttons (each a POST through question_moderate), and who may use them."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from activities import services
from activities.models import Question
from activities.tests.factories import CONFIGS
from activities.types.qna.services import question_post
from participants.services import participant_join
from sessions_app.services import session_create, session_start
from sessions_app.tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def login(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def messages_of(response: Any) -> list[str]:
    # Unrendered messages pile up across the requests of one test: the last is this response's.
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def qna(organizer: Any) -> dict[str, Any]:
    """A started session with a moderated Q&A: Ann's question is pending, Bo's (anonymous) and
    Cy's are approved."""
    session = session_create(owner=organizer, name="All hands")
    config = {**CONFIGS["qna"], "moderation": True}
    activity = services.activity_create(session=session, type="qna", config=config, title="Ask us")
    poll = services.activity_create(session=session, type="poll", config=CONFIGS["poll"], title="Lunch")
    services.activity_set_status(activity=activity, status="published")
    session_start(session=session)
    people = {n: participant_join(session=session, nickname=n)[0] for n in ("Ann", "Bo", "Cy")}
    asked = {
        "ann": question_post(participant=people["Ann"], activity=activity, text="Pending <b>question</b>?"),
        "bo": question_post(participant=people["Bo"], activity=activity, text="Who decides?", anonymous=True),
        "cy": question_post(participant=people["Cy"], activity=activity, text="Budget?"),
    }
    Question.objects.filter(pk__in=[asked["bo"].pk, asked["cy"].pk]).update(status="visible")
    Question.objects.filter(pk=asked["bo"].pk).update(upvote_count=4)
    url = reverse("admin:activities_activity_questions", args=[activity.pk])
    return {"session": session, "activity": activity, "poll": poll, "url": url, **asked}


def status_of(question: Question) -> tuple[str, bool]:
    question.refresh_from_db()
    return question.status, question.pinned


def moderate(client: Client, qna: dict[str, Any], who: str, op: str, url: str | None = None) -> Any:
    return client.post(url or qna["url"], {"question": str(qna[who].pk), "op": op})


def test_the_page_lists_every_question_with_who_asked(organizer: Any, qna: dict[str, Any]) -> None:
    page = login(organizer).get(qna["url"])
    assert page.status_code == 200
    html = page.content.decode()
    for text in ("Pending &lt;b&gt;question&lt;/b&gt;?", "Who decides?", "Budget?"):
        assert text in html
    assert "<b>question</b>" not in html  # escaped, never markup
    # The organizer sees who asked anonymously, and that the audience does not.
    assert "Bo <em>(anonymous to the audience)</em>" in html
    rows = html.split('class="caja-question"')[1:]
    assert rows[0].count("Who decides?") and "<td>4</td>" in rows[0]  # most upvoted first
    assert "All (3)" in html and "Pending (1)" in html and "Visible (2)" in html


def test_filter_by_status(organizer: Any, qna: dict[str, Any]) -> None:
    html = login(organizer).get(qna["url"], {"status": "pending"}).content.decode()
    assert "Pending &lt;b&gt;question" in html
    assert "Who decides?" not in html and "Budget?" not in html
    assert login(organizer).get(qna["url"], {"status": "deleted"}).status_code == 404


def test_reachable_from_the_activity_and_the_session(organizer: Any, qna: dict[str, Any]) -> None:
    client = login(organizer)
    change = client.get(reverse("admin:activities_activity_change", args=[qna["activity"].pk]))
    assert qna["url"] in change.content.decode()
    session = client.get(reverse("admin:sessions_app_session_change", args=[qna["session"].pk]))
    assert session.content.decode().count(qna["url"]) == 1  # the Q&A's row only, not the poll's
    poll = reverse("admin:activities_activity_questions", args=[qna["poll"].pk])
    assert client.get(poll).status_code == 404
    assert (
        poll
        not in client.get(reverse("admin:activities_activity_change", args=[qna["poll"].pk])).content.decode()
    )


def test_approve_answer_hide_each_redirect_back_with_a_message(organizer: Any, qna: dict[str, Any]) -> None:
    client = login(organizer)
    filtered = qna["url"] + "?status=pending"
    response = moderate(client, qna, "ann", "approve", filtered)
    assert response.status_code == 302 and response["Location"] == filtered
    assert messages_of(response)[-1] == "The question is visible to the audience."
    assert status_of(qna["ann"]) == ("visible", False)
    moderate(client, qna, "ann", "answered")
    assert status_of(qna["ann"]) == ("answered", False)
    response = moderate(client, qna, "cy", "hide")
    assert messages_of(response)[-1] == "The question is hidden from the audience."
    assert status_of(qna["cy"]) == ("hidden", False)
    # The public list follows: Ann's is shown, Cy's is not.
    public = (
        Client()
        .get(f"/api/v1/sessions/{qna['session'].pk}/activities/{qna['activity'].pk}/questions")
        .json()["items"]
    )
    assert {q["text"] for q in public} == {"Pending <b>question</b>?", "Who decides?"}


def test_pin_moves_and_unpin(organizer: Any, qna: dict[str, Any]) -> None:
    client = login(organizer)
    moderate(client, qna, "bo", "pin")
    response = moderate(client, qna, "cy", "pin")
    assert messages_of(response)[-1] == "The question is pinned on top."
    assert status_of(qna["cy"]) == ("visible", True) and status_of(qna["bo"]) == ("visible", False)
    assert "📌 Pinned:</strong> Budget?" in client.get(qna["url"]).content.decode()
    moderate(client, qna, "cy", "unpin")
    assert Question.objects.filter(activity=qna["activity"], pinned=True).count() == 0


def test_refused_moderation_is_a_message_and_changes_nothing(organizer: Any, qna: dict[str, Any]) -> None:
    client = login(organizer)
    response = moderate(client, qna, "ann", "pin")  # pending: cannot be pinned
    assert response.status_code == 302
    assert messages_of(response)[-1] == "Only a visible or answered question can be pinned."
    assert status_of(qna["ann"]) == ("pending", False)
    response = client.post(qna["url"], {"question": str(qna["ann"].pk), "op": "delete"})
    assert messages_of(response)[-1] == "Unknown question or operation."
    response = client.post(qna["url"], {"question": "not-a-uuid", "op": "hide"})
    assert messages_of(response)[-1] == "Unknown question or operation."
    assert status_of(qna["ann"]) == ("pending", False)


def test_only_the_owner_or_a_superuser_moderates(
    organizer: Any, other_organizer: Any, superuser: Any, qna: dict[str, Any]
) -> None:
    bob = login(other_organizer)
    assert bob.get(qna["url"]).status_code == 404
    assert moderate(bob, qna, "ann", "approve").status_code == 404
    assert status_of(qna["ann"]) == ("pending", False)
    # Not staff: the admin's login page, nothing changed.
    outsider = login(UserFactory(username="eve", is_staff=False))
    response = moderate(outsider, qna, "ann", "approve")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert status_of(qna["ann"]) == ("pending", False)
    root = login(superuser)
    assert root.get(qna["url"]).status_code == 200
    moderate(root, qna, "ann", "approve")
    assert status_of(qna["ann"]) == ("visible", False)


def test_moderation_needs_the_csrf_token(organizer: Any, qna: dict[str, Any]) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(organizer)
    assert moderate(client, qna, "ann", "approve").status_code == 403
    assert status_of(qna["ann"]) == ("pending", False)
    page = client.get(qna["url"]).content.decode()
    assert page.count('name="csrfmiddlewaretoken"') >= 3  # one per button form
