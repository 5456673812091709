"""Races on a real PostgreSQL server: the database constraints and conditional UPDATEs decide.

Each request runs in its own thread with its own database connection, released together by a
barrier so they truly overlap.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from rest_framework.test import APIClient

from activities.models import Activity, Response
from activities.tests.factories import ActivityFactory
from participants.models import Participant
from participants.tests.factories import ParticipantFactory
from sessions_app.models import Session
from sessions_app.tests.factories import SessionFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_concurrently(n: int, fn: Callable[[int], Any]) -> list[Any]:
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n

    def worker(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = fn(i)
        except Exception as exc:  # surfaced by the assertions below
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


POLL = {"question": "Lunch?", "options": [{"id": "a", "label": "Pizza"}, {"id": "b", "label": "Salad"}]}


def _live_poll() -> tuple[Session, Activity]:
    session = SessionFactory(status="active")
    activity = ActivityFactory(session=session, type="poll", config=POLL, status="active")
    session.current_activity = activity
    session.save()
    return session, activity


def _answer(session: Session, activity: Activity, token: str, option: str) -> int:
    client = APIClient()
    client.credentials(HTTP_X_PARTICIPANT_TOKEN=token)
    r = client.post(
        f"/api/v1/sessions/{session.pk}/activities/{activity.pk}/responses",
        {"response_data": {"option_ids": [option]}},
        format="json",
    )
    return r.status_code


def test_20_concurrent_joins_with_one_nickname_exactly_one_wins() -> None:
    session = SessionFactory(status="active")

    def join(i: int) -> int:
        return (
            APIClient()
            .post(
                f"/api/v1/sessions/{session.pk}/participants",
                {"nickname": "Ana" if i % 2 else " ANA "},
                format="json",
            )
            .status_code
        )

    codes = Counter(run_concurrently(20, join))
    assert codes == {201: 1, 409: 19}
    assert Participant.objects.filter(session=session).count() == 1


def test_20_concurrent_answers_from_one_participant_store_exactly_one_response() -> None:
    session, activity = _live_poll()
    participant = ParticipantFactory(session=session)
    codes = Counter(
        run_concurrently(20, lambda i: _answer(session, activity, participant.token, "ab"[i % 2]))
    )
    assert codes[201] == 1 and codes[200] == 19, codes
    assert Response.objects.filter(activity=activity).count() == 1


def test_50_concurrent_answers_from_one_participant() -> None:
    session, activity = _live_poll()
    participant = ParticipantFactory(session=session)
    codes = Counter(run_concurrently(50, lambda i: _answer(session, activity, participant.token, "a")))
    assert codes[201] == 1 and codes[200] == 49, codes
    assert Response.objects.filter(activity=activity, participant=participant).count() == 1


def test_200_concurrent_answers_from_distinct_participants_all_count() -> None:
    session, activity = _live_poll()
    participants = [ParticipantFactory(session=session) for _ in range(200)]
    codes = Counter(
        run_concurrently(200, lambda i: _answer(session, activity, participants[i].token, "ab"[i % 3 == 0]))
    )
    assert codes == {201: 200}
    assert Response.objects.filter(activity=activity).count() == 200
    org = APIClient()
    org.force_authenticate(session.owner)
    results = org.get(f"/api/v1/sessions/{session.pk}/activities/{activity.pk}/results").json()["results"]
    counts = {o["id"]: o["count"] for o in results["options"]}
    assert counts == {"a": 133, "b": 67}
    assert sum(counts.values()) == results["total_responses"] == 200


def test_two_concurrent_starts_one_wins_one_409() -> None:
    owner = UserFactory()
    session = SessionFactory(owner=owner)

    def start(i: int) -> tuple[int, Any]:
        client = APIClient()
        client.force_authenticate(owner)
        r = client.patch(f"/api/v1/sessions/{session.pk}", {"status": "active"}, format="json")
        return r.status_code, r.json()

    results = run_concurrently(2, start)
    codes = sorted(code for code, _ in results)
    assert codes == [200, 409], results
    loser = next(body for code, body in results if code == 409)
    assert loser["error"]["code"] == "INVALID_TRANSITION"
    assert loser["error"]["details"] == {"from": "active", "to": "active"}
    session.refresh_from_db()
    assert session.status == "active"


def test_concurrent_activation_of_two_activities_leaves_exactly_one_active() -> None:
    owner = UserFactory()
    session = SessionFactory(owner=owner, status="active")
    a1 = ActivityFactory(session=session, config=POLL)
    a2 = ActivityFactory(session=session, config=POLL)

    def activate(i: int) -> int:
        client = APIClient()
        client.force_authenticate(owner)
        target = (a1, a2)[i % 2]
        return client.patch(
            f"/api/v1/activities/{target.pk}/status", {"status": "active"}, format="json"
        ).status_code

    for _ in range(5):
        Activity.objects.filter(pk__in=[a1.pk, a2.pk]).update(status="draft")
        codes = run_concurrently(2, activate)
        assert all(code == 200 for code in codes), codes
        assert Activity.objects.filter(session=session, status="active").count() == 1
        session.refresh_from_db()
        assert Activity.objects.get(session=session, status="active").pk == session.current_activity_id
