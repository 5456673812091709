"""Presence marks are buffered per process and written in one UPDATE."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from participants import presence
from participants.models import Participant
from participants.tests.factories import ParticipantFactory
from sessions_app.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db


def test_marks_are_written_in_one_update_per_flush(settings, django_assert_num_queries):
    settings.CAJA_PRESENCE_FLUSH_SECONDS = 3600
    presence.presence_flush()
    session = SessionFactory(status="active")
    old = timezone.now() - timedelta(minutes=5)
    people = [ParticipantFactory(session=session) for _ in range(3)]
    Participant.objects.filter(session=session).update(last_activity=old)
    with django_assert_num_queries(0):
        for p in people:
            presence.presence_mark(p.pk)
            presence.presence_mark(p.pk)
    assert set(Participant.objects.values_list("last_activity", flat=True)) == {old}
    with django_assert_num_queries(1):
        assert presence.presence_flush() == 3
    assert all(p.last_activity > old for p in Participant.objects.all())


def test_a_row_written_within_the_interval_is_not_written_again(settings):
    settings.CAJA_PRESENCE_INTERVAL = 60
    participant = ParticipantFactory(session=SessionFactory(status="active"))
    Participant.objects.filter(pk=participant.pk).update(last_activity=timezone.now() - timedelta(minutes=5))
    presence.presence_mark(participant.pk)
    first = Participant.objects.get(pk=participant.pk).last_activity
    presence.presence_mark(participant.pk)
    assert Participant.objects.get(pk=participant.pk).last_activity == first
