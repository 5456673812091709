"""The session services (shared by the API, the admin and the commands) and their DB invariants."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from activities.models import Activity
from activities.tests.factories import ActivityFactory, ResponseFactory
from core.errors import InvalidTransition, ValidationFailed
from participants.models import Participant
from sessions_app import selectors, services
from sessions_app.models import JOIN_CODE_ALPHABET, Session
from sessions_app.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db


def test_create_strips_text_and_starts_in_draft(organizer):
    s = services.session_create(owner=organizer, name="  Town hall ", description=" Q4 ")
    s.refresh_from_db()
    assert (s.name, s.description, s.status, s.owner_id) == ("Town hall", "Q4", "draft", organizer.pk)
    assert len(s.join_code) == 6 and set(s.join_code) <= set(JOIN_CODE_ALPHABET)
    assert s.started_at is None and s.completed_at is None


@pytest.mark.parametrize(
    ("name", "description"), [("", ""), ("   ", ""), ("x" * 256, ""), ("ok", "d" * 1001)]
)
def test_create_refuses_bad_text(organizer, name, description):
    with pytest.raises(ValidationFailed):
        services.session_create(owner=organizer, name=name, description=description)
    assert Session.objects.count() == 0


def test_join_codes_use_the_unambiguous_alphabet():
    codes = {services.generate_join_code() for _ in range(300)}
    assert len(codes) > 290
    joined = "".join(codes)
    assert not set(joined) & set("0O1IL")
    assert all(len(c) == 6 for c in codes)


def test_create_retries_on_a_join_code_collision(organizer, monkeypatch):
    taken = SessionFactory(owner=organizer, join_code="ABCDEF", status="active")
    codes = iter(["ABCDEF", "ABCDEF", "GHJKMN"])
    monkeypatch.setattr(services, "generate_join_code", lambda: next(codes))
    s = services.session_create(owner=organizer, name="second")
    assert s.join_code == "GHJKMN"
    assert Session.objects.filter(join_code="ABCDEF").get() == taken


def test_a_completed_sessions_code_can_be_reused(organizer):
    SessionFactory(owner=organizer, join_code="PQRSTU", status="completed")
    SessionFactory(owner=organizer, join_code="PQRSTU", status="draft")
    with pytest.raises(IntegrityError), transaction.atomic():
        SessionFactory(owner=organizer, join_code="PQRSTU", status="active")
    assert Session.objects.filter(join_code="PQRSTU").count() == 2


def test_status_check_constraint(organizer):
    with pytest.raises(IntegrityError), transaction.atomic():
        SessionFactory(owner=organizer, status="paused")


def test_update_changes_only_given_fields(organizer):
    s = SessionFactory(owner=organizer, name="Old", description="keep")
    services.session_update(session=s, name=" New ")
    s.refresh_from_db()
    assert (s.name, s.description) == ("New", "keep")
    with pytest.raises(ValidationFailed):
        services.session_update(session=s, name="")
    s.refresh_from_db()
    assert s.name == "New"


def test_start_and_complete_set_timestamps(organizer):
    s = SessionFactory(owner=organizer)
    services.session_start(session=s)
    s.refresh_from_db()
    assert s.status == "active" and s.started_at is not None
    services.session_complete(session=s)
    s.refresh_from_db()
    assert s.status == "completed" and s.completed_at is not None


@pytest.mark.parametrize(
    ("start", "target"),
    [
        ("draft", "completed"),
        ("active", "draft"),
        ("completed", "active"),
        ("active", "active"),
        ("draft", "draft"),
    ],
)
def test_set_status_refuses_other_transitions(organizer, start, target):
    s = SessionFactory(owner=organizer, status=start)
    with pytest.raises(InvalidTransition) as exc:
        services.session_set_status(session=s, status=target)
    assert exc.value.details == {"from": start, "to": target}
    assert exc.value.status_code == 409 and exc.value.code == "INVALID_TRANSITION"
    s.refresh_from_db()
    assert s.status == start


def test_a_stale_copy_cannot_transition_twice(organizer):
    s = SessionFactory(owner=organizer)
    stale = Session.objects.get(pk=s.pk)
    services.session_start(session=s)
    services.session_complete(session=s)
    # ``stale`` still believes it is a draft: the conditional UPDATE refuses it.
    with pytest.raises(InvalidTransition) as exc:
        services.session_start(session=stale)
    assert exc.value.details == {"from": "completed", "to": "active"}
    s.refresh_from_db()
    assert s.status == "completed"


def test_complete_expires_only_the_active_activity(organizer):
    s = SessionFactory(owner=organizer, status="active")
    live = ActivityFactory(session=s, status="active", activated_at=timezone.now())
    waiting = ActivityFactory(session=s, status="published")
    elsewhere = ActivityFactory(session=SessionFactory(status="active"), status="active")
    services.session_complete(session=s)
    live.refresh_from_db()
    waiting.refresh_from_db()
    elsewhere.refresh_from_db()
    assert (live.status, waiting.status, elsewhere.status) == ("expired", "published", "active")
    assert live.expired_at is not None


def test_delete_cascades_and_clears_the_current_activity(organizer):
    s = SessionFactory(owner=organizer, status="active")
    a = ActivityFactory(session=s, status="active")
    Session.objects.filter(pk=s.pk).update(current_activity=a)
    r = ResponseFactory(activity=a)
    services.session_delete(session=Session.objects.get(pk=s.pk))
    assert not Session.objects.filter(pk=s.pk).exists()
    assert not Activity.objects.filter(session_id=s.pk).exists()
    assert not Participant.objects.filter(pk=r.participant_id).exists()


# --- selectors ------------------------------------------------------------------------------


def test_selectors_scope_by_owner(organizer, other_organizer, superuser):
    from django.contrib.auth.models import AnonymousUser

    from core.errors import NotFound

    mine = SessionFactory(owner=organizer)
    theirs = SessionFactory(owner=other_organizer)
    assert list(selectors.session_queryset_for(organizer)) == [mine]
    assert set(selectors.session_queryset_for(superuser)) == {mine, theirs}
    assert list(selectors.session_queryset_for(AnonymousUser())) == []
    with pytest.raises(NotFound):
        selectors.session_get_for(organizer, theirs.pk)
    assert selectors.session_get_for(superuser, theirs.pk) == theirs


def test_get_by_code_is_case_insensitive_and_skips_completed(organizer):
    from core.errors import NotFound

    s = SessionFactory(owner=organizer, join_code="ABCDEF")
    assert selectors.session_get_by_code(" abcdef ") == s
    Session.objects.filter(pk=s.pk).update(status="completed")
    with pytest.raises(NotFound):
        selectors.session_get_by_code("ABCDEF")


def test_participant_count_annotation(organizer):
    from participants.tests.factories import ParticipantFactory

    s = SessionFactory(owner=organizer)
    ParticipantFactory(session=s)
    ParticipantFactory(session=s, kicked_at=timezone.now(), token_hash=None)
    got: Any = selectors.session_get_for(organizer, s.pk)
    assert got.participant_count == 1
