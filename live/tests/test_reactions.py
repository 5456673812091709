"""Live reactions (contract v1.1): counted in the cache, at most 2 a second per phone, a sliding
10-second window in the state; a burst moves the state version at most once a second."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from activities.tests.factories import ActivityFactory
from conftest import participant_client
from core import state_version
from core.testing import assert_error
from live import reactions
from participants import services as participant_services
from sessions_app.models import Session
from sessions_app.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db

POLL = {"question": "Q?", "options": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}]}


@pytest.fixture
def live(organizer: Any, settings: Any) -> dict[str, Any]:
    settings.CAJA_SNAPSHOT_MIN_REBUILD_SECONDS = 0
    session = SessionFactory(owner=organizer, status="active")
    poll = ActivityFactory(session=session, config=POLL, status="active", activated_at=timezone.now())
    Session.objects.filter(pk=session.pk).update(current_activity=poll)
    tokens = [participant_services.participant_join(session=session, nickname=f"p{i}")[1] for i in range(3)]
    return {"session": session, "tokens": tokens, "url": f"/api/v1/sessions/{session.pk}/reactions"}


def react(world: dict[str, Any], kind: Any, who: int = 0) -> Any:
    return participant_client(world["tokens"][who]).post(world["url"], {"kind": kind}, format="json")


def test_reactions_show_in_the_state_and_are_rate_limited(live: dict[str, Any]) -> None:
    assert react(live, "clap").status_code == 202
    assert react(live, "love", who=1).status_code == 202
    # The first reaction of a second moves the version; later ones in that second show when the
    # snapshot is rebuilt on the next second (it is while reactions are in its window).
    deadline = time.monotonic() + 3
    while True:
        state = APIClient().get(f"/api/v1/sessions/{live['session'].pk}/state").json()
        if state["reactions"]["counts"]["love"] or time.monotonic() > deadline:
            break
        time.sleep(0.1)
    assert state["reactions"]["window_seconds"] == 10
    assert state["reactions"]["counts"] == {"like": 0, "love": 1, "laugh": 0, "wow": 0, "clap": 1}
    # A phone may send 2 a second; the third waits (unless the second turned meanwhile).
    codes = [react(live, "wow", who=2).status_code for _ in range(5)]
    assert codes.count(429) >= 2 and codes.count(202) >= 2, codes


def test_a_burst_costs_no_database_write_and_one_version_move_a_second(live: dict[str, Any]) -> None:
    sid = live["session"].pk
    now = 1_796_000_000.0
    before = state_version.current(sid)
    for i in range(50):
        assert reactions.reaction_add(session_id=sid, participant_id=f"phone-{i}", kind="like", now=now)
    assert state_version.current(sid) - before == 1  # 50 reactions in one second: one move
    assert reactions.reaction_counts(sid, now=now)["counts"]["like"] == 50
    assert reactions.reaction_counts(sid, now=now + 9)["counts"]["like"] == 50
    assert reactions.reaction_counts(sid, now=now + 10)["counts"]["like"] == 0  # out of the window


def test_a_warm_reaction_touches_no_database(
    live: dict[str, Any], django_assert_num_queries: Any, settings: Any
) -> None:
    settings.CAJA_PRESENCE_FLUSH_SECONDS = 3600  # presence is written in batches, not per request
    # Rebuilds of the state are paced (shared by every poll): the reaction does not force one.
    settings.CAJA_SNAPSHOT_MIN_REBUILD_SECONDS = 5
    assert react(live, "like").status_code == 202  # warms the token and the snapshot
    with django_assert_num_queries(0):
        assert react(live, "laugh").status_code == 202


def test_refusals(live: dict[str, Any]) -> None:
    body = assert_error(react(live, "boo"), 400, "VALIDATION_ERROR")
    assert "kind" in body["details"]
    assert_error(
        participant_client(live["tokens"][0]).post(live["url"], "nope", content_type="application/json"),
        400,
        "MALFORMED_JSON",
    )
    assert_error(APIClient().post(live["url"], {"kind": "like"}, format="json"), 401, "NOT_AUTHENTICATED")
    other = SessionFactory(status="active")
    _, token = participant_services.participant_join(session=other, nickname="Zed")
    assert_error(
        participant_client(token).post(live["url"], {"kind": "like"}, format="json"), 403, "PERMISSION_DENIED"
    )
    Session.objects.filter(pk=live["session"].pk).update(status="completed")
    state_version.bump(live["session"].pk)
    assert_error(react(live, "like"), 409, "SESSION_NOT_ACTIVE")
    resp = APIClient().get(live["url"])
    assert resp.status_code == 405 and "POST" in resp["Allow"]


def test_only_accepted_reactions_are_counted(live: dict[str, Any]) -> None:
    """Issue 22 item 1: a phone past its rate gets 429, and its refused reactions are not counted."""
    sid = live["session"].pk
    codes = [react(live, "wow").status_code for _ in range(10)]
    assert set(codes) <= {202, 429} and codes.count(429) >= 1, codes
    accepted = codes.count(202)
    # The cached counters (what the snapshot sums) hold the accepted reactions only ...
    assert reactions.reaction_counts(sid)["counts"]["wow"] == accepted
    # ... and so does the big screen's state.
    state_version.bump(sid)
    state = APIClient().get(f"/api/v1/sessions/{sid}/state").json()
    assert state["reactions"]["counts"]["wow"] == accepted
