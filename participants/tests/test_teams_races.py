"""Auto team assignment under racing joins, on a real PostgreSQL server: the session row's lock
(SELECT ... FOR UPDATE in participants.services.participant_join) makes each join count the
others, so the teams stay balanced however the joins overlap."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from rest_framework.test import APIClient

from participants.models import Participant
from sessions_app.tests.factories import SessionFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def run_concurrently(n: int, fn: Callable[[int], Any]) -> list[Any]:
    """``fn(i)`` in n threads, each with its own connection, released together by a barrier."""
    barrier = threading.Barrier(n)
    results: list[Any] = [None] * n

    def worker(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = fn(i)
        except Exception as exc:  # surfaced by the assertion
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return results


TEAMS = [
    {"id": "red", "name": "Red", "color": "#d62828"},
    {"id": "blue", "name": "Blue", "color": "#1d4ed8"},
    {"id": "green", "name": "Green", "color": "#15803d"},
]


def test_12_racing_auto_joins_fill_three_teams_evenly() -> None:
    session = SessionFactory(status="active", teams=TEAMS, team_assignment="auto")

    def join(i: int) -> int:
        resp = APIClient().post(
            f"/api/v1/sessions/{session.pk}/participants", {"nickname": f"P{i}"}, format="json"
        )
        return resp.status_code

    assert run_concurrently(12, join) == [201] * 12
    counts = Counter(Participant.objects.filter(session=session).values_list("team_id", flat=True))
    assert counts == {"red": 4, "blue": 4, "green": 4}
