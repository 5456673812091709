"""``POST /sessions/{id}/previous`` (contract v1.2): back one activity by order, as a presenter's
clicker does, and ``next`` forward again through the one left."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from activities.models import Activity, Response
from activities.tests.factories import CONFIGS, ActivityFactory, ResponseFactory
from conftest import participant_client
from core.testing import assert_error
from participants.tests.factories import ParticipantFactory
from sessions_app import members
from sessions_app import services as session_services
from sessions_app.tests.factories import SessionFactory, UserFactory

pytestmark = pytest.mark.django_db


def url(session: Any, suffix: str) -> str:
    return f"/api/v1/sessions/{session.pk}{suffix}"


def statuses(*activities: Activity) -> tuple[str, ...]:
    for a in activities:
        a.refresh_from_db()
    return tuple(a.status for a in activities)


def test_previous_goes_back_and_next_comes_forward_again(org_api, organizer):
    s = SessionFactory(owner=organizer, status="active")
    first = ActivityFactory(
        session=s, order=1, type="slide", config={"title": "Hello", "show_on_phones": True}
    )
    poll = ActivityFactory(session=s, order=2)
    last = ActivityFactory(session=s, order=3, type="slide", config={"title": "Bye", "show_on_phones": True})
    org_api.post(url(s, "/next"))
    org_api.post(url(s, "/next"))
    participant = ParticipantFactory(session=s)
    ResponseFactory(activity=poll, participant=participant, response_data={"option_ids": ["a"]})

    resp = org_api.post(url(s, "/previous"))
    assert resp.status_code == 200, resp.content
    assert resp.json()["current_activity"]["id"] == str(first.pk)
    assert statuses(first, poll, last) == ("active", "expired", "draft")
    assert first.expired_at is None
    s.refresh_from_db()
    assert s.current_activity_id == first.pk

    # Forward again: the poll takes answers again, the stored one stays.
    resp = org_api.post(url(s, "/next"))
    assert resp.json()["current_activity"]["id"] == str(poll.pk)
    assert statuses(first, poll, last) == ("expired", "active", "draft")
    assert Response.objects.filter(activity=poll).count() == 1
    vote = participant_client(ParticipantFactory(session=s).token).post(
        url(s, f"/activities/{poll.pk}/responses"), {"response_data": {"option_ids": ["b"]}}, format="json"
    )
    assert vote.status_code == 201, vote.content
    assert org_api.post(url(s, "/next")).json()["current_activity"]["id"] == str(last.pk)
    assert_error(org_api.post(url(s, "/next")), 409, "INVALID_TRANSITION")
    assert org_api.post(url(s, "/previous")).json()["current_activity"]["id"] == str(poll.pk)
    assert Activity.objects.filter(session=s, status="active").count() == 1


def test_previous_at_the_first_or_before_any_is_409(org_api, organizer):
    s = SessionFactory(owner=organizer, status="active")
    only = ActivityFactory(session=s, order=1)
    err = assert_error(org_api.post(url(s, "/previous")), 409, "INVALID_TRANSITION")
    assert set(err["details"]) == {"from", "to"}
    org_api.post(url(s, "/next"))
    assert_error(org_api.post(url(s, "/previous")), 409, "INVALID_TRANSITION")
    assert statuses(only) == ("active",)


def test_a_revealed_quiz_stays_revealed_and_takes_no_answers(org_api, organizer):
    s = SessionFactory(owner=organizer, status="active")
    quiz = ActivityFactory(session=s, order=1, type="quiz", config=dict(CONFIGS["quiz"]))
    after = ActivityFactory(session=s, order=2)
    org_api.post(url(s, "/next"))
    assert org_api.post(url(s, f"/activities/{quiz.pk}/reveal")).status_code == 200
    org_api.post(url(s, "/next"))
    assert org_api.post(url(s, "/previous")).status_code == 200
    assert statuses(quiz, after) == ("active", "expired")
    assert quiz.revealed_at is not None
    token = ParticipantFactory(session=s).token
    resp = participant_client(token).post(
        url(s, f"/activities/{quiz.pk}/responses"), {"response_data": {"option_id": "a"}}, format="json"
    )
    assert_error(resp, 409, "TIME_UP")


def test_previous_needs_the_lifecycle_right_and_a_live_session(api, organizer):
    s = session_services.session_create(owner=organizer, name="Town hall")
    a = ActivityFactory(session=s, order=1)
    b = ActivityFactory(session=s, order=2)
    UserFactory(username="pia", is_staff=True)
    UserFactory(username="mo", is_staff=True)
    members.member_add(session=s, username="pia", role="presenter", actor=organizer)
    members.member_add(session=s, username="mo", role="moderator", actor=organizer)
    from rest_framework.test import APIClient
    from rest_framework_simplejwt.tokens import RefreshToken

    def client(name: str) -> APIClient:
        from django.contrib.auth import get_user_model

        c = APIClient()
        user = get_user_model().objects.get(username=name)
        c.credentials(HTTP_AUTHORIZATION=f"Bearer {RefreshToken.for_user(user).access_token}")
        return c

    assert_error(api.post(url(s, "/previous")), 401, "NOT_AUTHENTICATED")
    assert_error(client("pia").post(url(s, "/previous")), 409, "SESSION_NOT_ACTIVE")
    s.status = "active"
    s.save()
    Activity.objects.filter(pk=a.pk).update(status="expired", activated_at=timezone.now())
    Activity.objects.filter(pk=b.pk).update(status="active", activated_at=timezone.now())
    type(s).objects.filter(pk=s.pk).update(current_activity=b)
    assert_error(client("mo").post(url(s, "/previous")), 403, "PERMISSION_DENIED")
    assert statuses(a, b) == ("expired", "active")
    resp = client("pia").post(url(s, "/previous"))
    assert resp.status_code == 200, resp.content
    assert statuses(a, b) == ("active", "expired")
