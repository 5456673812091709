"""The Session admin's pace and opening/closing times (self-paced sessions, contract v1.2)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.urls import reverse

from participants.services import participant_join
from sessions_app import services
from sessions_app.models import Session
from sessions_app.tests.test_admin import change_data, change_url, login

pytestmark = pytest.mark.django_db

ADD = "admin:sessions_app_session_add"


def test_add_a_self_paced_session_with_its_times(organizer):
    response = login(organizer).post(
        reverse(ADD),
        {
            "name": "Follow-up",
            "pace": "self",
            "opens_at_0": "2026-03-02",
            "opens_at_1": "09:00:00",
            "closes_at_0": "2026-03-09",
            "closes_at_1": "17:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    session = Session.objects.get(name="Follow-up")
    assert session.pace == "self"
    assert session.opens_at == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert session.closes_at == datetime(2026, 3, 9, 17, 0, tzinfo=UTC)


def test_add_refuses_a_closing_time_before_the_opening(organizer):
    response = login(organizer).post(
        reverse(ADD),
        {
            "name": "Backwards",
            "pace": "self",
            "opens_at_0": "2026-03-02",
            "opens_at_1": "09:00:00",
            "closes_at_0": "2026-03-01",
            "closes_at_1": "09:00:00",
        },
    )
    assert response.status_code == 200  # the form again, with the error
    assert not Session.objects.filter(name="Backwards").exists()


def test_change_page_of_an_active_self_paced_session(organizer):
    session = services.session_create(owner=organizer, name="Async", pace="self")
    services.session_start(session=session)
    participant_join(session=session, nickname="Ann")
    client = login(organizer)
    body = client.get(change_url(session)).content.decode()
    assert "0 started · 0 finished" in body
    # The pace is fixed once started: a posted change is ignored (a disabled field).
    response = client.post(change_url(session), change_data(session, pace="live", name="Async 2"))
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.pace, session.name) == ("self", "Async 2")
