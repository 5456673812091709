"""`manage.py purge_sessions` (called through call_command, as cron would)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.management import CommandError
from django.utils import timezone

from activities.models import Activity, Response
from activities.tests.factories import ActivityFactory, ResponseFactory
from core.testing import assert_command_help
from core.testing import run_command as run
from participants.models import Participant
from sessions_app.models import Session
from sessions_app.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db


def _session_with_content(status: str, completed_days_ago: float | None) -> Session:
    session = SessionFactory(status=status)
    for _ in range(2):
        activity = ActivityFactory(session=session)
        ResponseFactory(activity=activity)
    if completed_days_ago is not None:
        moment = timezone.now() - timedelta(days=completed_days_ago)
        Session.objects.filter(pk=session.pk).update(completed_at=moment, updated_at=moment)
    return session


def test_purge_sessions_dry_run_then_real() -> None:
    old = _session_with_content("completed", 40)
    recent = _session_with_content("completed", 2)
    old_active = _session_with_content("active", None)
    old_draft = _session_with_content("draft", None)
    Session.objects.filter(pk__in=[old_active.pk, old_draft.pk]).update(
        updated_at=timezone.now() - timedelta(days=400)
    )

    out, _ = run("purge_sessions", "--older-than", "30", "--dry-run")
    assert "Would delete 1 completed session(s)" in out
    assert "2 activities, 2 participants, 2 responses" in out
    assert Session.objects.filter(pk=old.pk).exists()

    out, _ = run("purge_sessions", "--older-than", "30")
    assert "Deleted 1 completed session(s)" in out and "2 responses" in out
    assert not Session.objects.filter(pk=old.pk).exists()
    assert not Activity.objects.filter(session_id=old.pk).exists()
    assert not Participant.objects.filter(session_id=old.pk).exists()
    assert set(Session.objects.values_list("pk", flat=True)) == {recent.pk, old_active.pk, old_draft.pk}
    assert Response.objects.count() == 6

    tomorrow = (timezone.now() + timedelta(days=1)).date().isoformat()
    out, _ = run("purge_sessions", "--completed-before", tomorrow)
    assert "Deleted 1 completed session(s)" in out
    assert set(Session.objects.values_list("pk", flat=True)) == {old_active.pk, old_draft.pk}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "one of the arguments"),
        (["--older-than", "3", "--completed-before", "2024-01-01"], "not allowed with"),
        (["--completed-before", "last tuesday"], "not a date"),
        (["--completed-before", "2024-13-45"], "not a date"),
        (["--older-than", "-1"], "0 or more"),
        (["--older-than", "many"], "invalid float"),
    ],
)
def test_purge_sessions_refuses_bad_options(args: list[str], message: str) -> None:
    done = _session_with_content("completed", 400)
    with pytest.raises(CommandError, match=message):
        run("purge_sessions", *args)
    assert Session.objects.filter(pk=done.pk).exists()


def test_has_help() -> None:
    assert_command_help("sessions_app", "purge_sessions")
