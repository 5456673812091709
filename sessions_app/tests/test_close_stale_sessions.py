"""`manage.py close_stale_sessions` (called through call_command, as cron would)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.management import CommandError
from django.utils import timezone

from activities.models import Response
from activities.tests.factories import ActivityFactory, ResponseFactory
from core.testing import assert_command_help
from core.testing import run_command as run
from participants.models import Participant
from participants.tests.factories import ParticipantFactory
from sessions_app.models import Session
from sessions_app.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db


def _age(session: Session, hours: float) -> None:
    old = timezone.now() - timedelta(hours=hours)
    Session.objects.filter(pk=session.pk).update(updated_at=old)
    Participant.objects.filter(session=session).update(joined_at=old, last_activity=old)
    Response.objects.filter(activity__session=session).update(created_at=old, updated_at=old)


def test_close_stale_sessions(organizer: Any) -> None:
    stale = SessionFactory(status="active", name="Stale")
    live_activity = ActivityFactory(session=stale, status="active")
    Session.objects.filter(pk=stale.pk).update(current_activity=live_activity)
    ResponseFactory(activity=live_activity)
    _age(stale, 20)
    recent_answer = SessionFactory(status="active", name="Recent answer")
    ResponseFactory(activity=ActivityFactory(session=recent_answer, status="active"))
    _age(recent_answer, 20)
    Response.objects.filter(activity__session=recent_answer).update(updated_at=timezone.now())
    recent_presence = SessionFactory(status="active", name="Recent presence")
    ParticipantFactory(session=recent_presence)
    _age(recent_presence, 20)
    Participant.objects.filter(session=recent_presence).update(last_activity=timezone.now())
    old_draft = SessionFactory(status="draft")
    _age(old_draft, 100)

    out, _ = run("close_stale_sessions", "--dry-run")
    assert "Would complete 1 stale session(s)" in out and str(stale.pk) in out
    assert Session.objects.get(pk=stale.pk).status == "active"

    out, _ = run("close_stale_sessions", "--idle-hours", "12")
    assert "Completed 1 stale session(s)" in out
    stale.refresh_from_db()
    assert stale.status == "completed" and stale.completed_at is not None
    live_activity.refresh_from_db()
    assert live_activity.status == "expired"
    statuses = dict(Session.objects.values_list("name", "status"))
    assert statuses["Recent answer"] == statuses["Recent presence"] == "active"
    assert Session.objects.get(pk=old_draft.pk).status == "draft"

    out, _ = run("close_stale_sessions", "--idle-hours", "30")
    assert "Completed 0 stale session(s)" in out
    out, _ = run("close_stale_sessions", "--idle-hours", "1")
    assert "Completed 2 stale session(s)" not in out  # the recent ones are not idle for 1 h
    with pytest.raises(CommandError, match="positive"):
        run("close_stale_sessions", "--idle-hours", "0")


def test_has_help() -> None:
    assert_command_help("sessions_app", "close_stale_sessions")
