"""The vote fast path (activities.views.responses_view): what it costs, and that its caches are
never stale across a change that decides whether an answer is accepted."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

from activities import selectors, services
from activities.models import Response
from activities.tests.factories import ActivityFactory
from conftest import participant_client
from core import state_version
from core.testing import assert_error
from participants import services as participant_services
from participants.selectors import REVOKED, token_cache_key
from participants.services import hash_token
from sessions_app import services as session_services
from sessions_app.models import Session
from sessions_app.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db

POLL = {"question": "Lunch?", "options": [{"id": "a", "label": "Pizza"}, {"id": "b", "label": "Salad"}]}


@pytest.fixture
def live(organizer: Any) -> dict[str, Any]:
    session = SessionFactory(owner=organizer, status="active")
    activity = ActivityFactory(session=session, config=POLL, status="active", activated_at=timezone.now())
    Session.objects.filter(pk=session.pk).update(current_activity=activity)
    participant, token = participant_services.participant_join(session=session, nickname="Ana")
    return {"session": session, "activity": activity, "participant": participant, "token": token}


def vote(world: dict[str, Any], option: str = "a", token: str | None = None) -> Any:
    activity = world["activity"]
    return participant_client(token or world["token"]).post(
        f"/api/v1/sessions/{activity.session_id}/activities/{activity.pk}/responses",
        {"response_data": {"option_ids": [option]}},
        format="json",
    )


def test_a_warm_vote_is_one_database_round_trip(live, django_assert_num_queries, settings):
    settings.CAJA_PRESENCE_FLUSH_SECONDS = 3600  # presence is written in batches, not per vote
    assert vote(live).status_code == 201  # cold: the token and the rules are read once
    with django_assert_num_queries(1):  # the upsert, nothing else: no BEGIN, no SELECT
        resp = vote(live, "b")
    assert resp.status_code == 200
    assert Response.objects.get().response_data == {"option_ids": ["b"]}


@pytest.mark.postgres
def test_the_upsert_binds_on_the_server_and_is_prepared(live):
    """Django's cursors bind on the client (the values quoted into the text, parsed and planned by
    PostgreSQL every time); the upsert's cursor sends them apart and has psycopg prepare it once per
    connection (activities.services.answers._server_binding_cursor)."""
    for n in range(6):
        assert vote(live, "ab"[n % 2]).status_code in (200, 201)
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    upserts = [s for s in prepared if s.startswith('INSERT INTO "activities_response"')]
    assert len(upserts) == 1 and "VALUES ($1, $2, $3" in upserts[0], prepared
    assert Response.objects.get().response_data == {"option_ids": ["b"]}


def test_join_leaves_the_token_in_the_cache(live, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        participant, token = participant_services.participant_join(session=live["session"], nickname="Bo")
    assert cache.get(token_cache_key(hash_token(token))) == f"{participant.pk} {live['session'].pk}"


def test_answer_body_matches_the_drf_serializer(live):
    resp = vote(live)
    body = resp.json()
    stored = Response.objects.get()
    assert body == {
        "id": str(stored.pk),
        "activity_id": str(live["activity"].pk),
        "participant_id": str(live["participant"].pk),
        "response_data": {"option_ids": ["a"]},
        "created_at": stored.created_at.isoformat().replace("+00:00", "Z"),
        "updated_at": stored.updated_at.isoformat().replace("+00:00", "Z"),
    }


def test_an_expiry_is_seen_at_once_even_with_a_stale_shared_copy(live):
    assert vote(live).status_code == 201
    stale = cache.get(selectors.answer_rules_key(live["activity"].pk))
    assert stale is not None and stale.status == "active"
    services.activity_set_status(activity=live["activity"], status="expired")
    # Another worker: its own copy is gone and the shared copy is stale (status active), but the
    # structure version moved, so neither is used.
    selectors._local_rules.clear()
    cache.set(selectors.answer_rules_key(live["activity"].pk), stale)
    assert_error(vote(live, "b"), 409, "ACTIVITY_NOT_ACTIVE")
    assert Response.objects.get().response_data == {"option_ids": ["a"]}


def test_completing_the_session_refuses_the_next_vote(live):
    assert vote(live).status_code == 201
    session_services.session_complete(session=live["session"])
    assert_error(vote(live, "b"), 409, "SESSION_NOT_ACTIVE")


def test_a_kick_revokes_the_cached_token(live, django_capture_on_commit_callbacks):
    assert vote(live).status_code == 201
    assert cache.get(token_cache_key(hash_token(live["token"]))) is not None
    with django_capture_on_commit_callbacks(execute=True):
        participant_services.participant_kick(participant=live["participant"])
    assert cache.get(token_cache_key(hash_token(live["token"]))) == REVOKED
    assert_error(vote(live, "b"), 401, "NOT_AUTHENTICATED")


def test_votes_do_not_move_the_structure_version(live):
    sid = live["session"].pk
    vote(live)
    structure = cache.get(state_version.structure_key(sid))
    state = cache.get(state_version.version_key(sid))
    vote(live, "b")
    assert cache.get(state_version.structure_key(sid)) == structure
    assert cache.get(state_version.version_key(sid)) == state + 1


def test_a_deleted_activity_is_404_on_the_fast_path(live):
    assert vote(live).status_code == 201
    services.activity_delete(activity=live["activity"])
    assert_error(vote(live, "b"), 404, "NOT_FOUND")


def test_odd_bodies_get_the_same_answers_as_before(live):
    url = f"/api/v1/sessions/{live['session'].pk}/activities/{live['activity'].pk}/responses"
    client = participant_client(live["token"])
    assert_error(client.post(url, "{not json", content_type="application/json"), 400, "MALFORMED_JSON")
    assert_error(client.post(url, "x=1", content_type="text/plain"), 415, "UNSUPPORTED_MEDIA_TYPE")
    unknown = client.post(
        url, json.dumps({"response_data": {"option_ids": ["a"]}, "x": 1}), content_type="application/json"
    )
    assert_error(unknown, 400, "VALIDATION_ERROR")
    assert unknown.json()["error"]["details"] == {"x": ["Unknown field."]}
    nan = client.post(url, '{"response_data": {"option_ids": [NaN]}}', content_type="application/json")
    assert_error(nan, 400, "MALFORMED_JSON")
    assert Response.objects.count() == 0


def test_quiz_second_answer_is_409_in_one_statement(organizer):
    session = SessionFactory(owner=organizer, status="active")
    quiz = ActivityFactory(
        session=session,
        type="quiz",
        config={
            "question": "2+2?",
            "options": [{"id": "a", "label": "4"}, {"id": "b", "label": "5"}],
            "correct_option_id": "a",
            "time_limit_seconds": None,
        },
        status="active",
        activated_at=timezone.now(),
    )
    _, token = participant_services.participant_join(session=session, nickname="Q")
    url = f"/api/v1/sessions/{session.pk}/activities/{quiz.pk}/responses"
    client = participant_client(token)
    first = client.post(url, {"response_data": {"option_id": "a"}}, format="json")
    assert first.status_code == 201
    assert_error(
        client.post(url, {"response_data": {"option_id": "b"}}, format="json"), 409, "ALREADY_ANSWERED"
    )
    row = Response.objects.get()
    assert (row.response_data, row.is_correct, row.score) == ({"option_id": "a"}, True, 1000)


# --- answers after a reveal (conformance: issue 12 item 4) ----------------------------------------


def _live(organizer: Any, type_: str, config: dict[str, Any]) -> tuple[Any, list[str]]:
    session = SessionFactory(owner=organizer, status="active")
    activity = ActivityFactory(
        session=session, type=type_, config=config, status="active", activated_at=timezone.now()
    )
    Session.objects.filter(pk=session.pk).update(current_activity=activity)
    tokens = [participant_services.participant_join(session=session, nickname=n)[1] for n in ("A", "B")]
    return activity, tokens


def _answer(activity: Any, token: str, data: dict[str, Any]) -> Any:
    return participant_client(token).post(
        f"/api/v1/sessions/{activity.session_id}/activities/{activity.pk}/responses",
        {"response_data": data},
        format="json",
    )


def test_a_revealed_quiz_refuses_answers(organizer):
    quiz, (a, b) = _live(
        organizer,
        "quiz",
        {
            "question": "2+2?",
            "options": [{"id": "a", "label": "4"}, {"id": "b", "label": "5"}],
            "correct_option_id": "a",
            "time_limit_seconds": 60,
        },
    )
    assert _answer(quiz, a, {"option_id": "b"}).status_code == 201
    services.activity_reveal(activity=quiz)
    assert_error(_answer(quiz, b, {"option_id": "a"}), 409, "TIME_UP")
    assert Response.objects.count() == 1


def test_a_revealed_poker_round_refuses_votes_until_reset(organizer):
    poker, (a, b) = _live(organizer, "poker", {"deck": "fibonacci"})
    assert _answer(poker, a, {"value": "3"}).status_code == 201
    services.activity_reveal(activity=poker)
    body = assert_error(_answer(poker, b, {"value": "8"}), 409, "INVALID_TRANSITION")
    assert body["details"] == {"from": "revealed", "to": "voted"}
    assert_error(_answer(poker, a, {"value": "5"}), 409, "INVALID_TRANSITION")  # no change either
    assert list(Response.objects.values_list("response_data", flat=True)) == [{"value": "3"}]
    services.activity_reset(activity=poker)
    assert _answer(poker, b, {"value": "8"}).status_code == 201


def test_a_repeated_word_counts_once(organizer):
    cloud, (a, _) = _live(organizer, "wordcloud", {"prompt": "Mood?"})
    resp = _answer(cloud, a, {"words": ["Happy", "  happy  ", "Tired"]})
    assert resp.status_code == 201, resp.content
    assert resp.json()["response_data"] == {"words": ["Happy", "Tired"]}


# --- poker auto-reveal (contract v1.1) ----------------------------------------------------------


def _state_results(activity: Any) -> dict[str, Any]:
    from rest_framework.test import APIClient

    body = APIClient().get(f"/api/v1/sessions/{activity.session_id}/state").json()
    return body["current_activity"]["results"]


def test_poker_auto_reveal_once_everyone_seen_has_voted(organizer, settings):
    from datetime import timedelta

    from participants.models import Participant

    settings.CAJA_SNAPSHOT_MIN_REBUILD_SECONDS = 0  # each poll below sees the change at once
    poker, (a, b) = _live(organizer, "poker", {"deck": "fibonacci", "auto_reveal": True})
    away = participant_services.participant_join(session=poker.session, nickname="Away")[0]
    Participant.objects.filter(pk=away.pk).update(last_activity=timezone.now() - timedelta(seconds=90))
    assert _answer(poker, a, {"value": "3"}).status_code == 201
    assert _state_results(poker) == {"type": "poker", "revealed": False, "vote_count": 1}
    # B, seen just now, has not voted: no reveal. B votes: everyone seen in the last minute has.
    assert _answer(poker, b, {"value": "5"}).status_code == 201
    poker.refresh_from_db()
    assert poker.revealed_at is not None
    results = _state_results(poker)
    assert results["revealed"] is True and results["distribution"] == {"3": 1, "5": 1}
    # Revealed is revealed: the participant who was away cannot change the shown distribution.
    away_token = participant_services.participant_join(session=poker.session, nickname="Late")[1]
    assert_error(_answer(poker, away_token, {"value": "8"}), 409, "INVALID_TRANSITION")
    # A new round starts hidden again and reveals itself again.
    services.activity_reset(activity=poker)
    poker.refresh_from_db()
    assert poker.revealed_at is None
    for token in (a, b, away_token):
        assert _answer(poker, token, {"value": "8"}).status_code == 201
    poker.refresh_from_db()
    assert poker.revealed_at is not None


def test_poker_without_auto_reveal_waits_for_the_organizer(organizer, settings):
    settings.CAJA_SNAPSHOT_MIN_REBUILD_SECONDS = 0
    poker, (a, b) = _live(organizer, "poker", {"deck": "fibonacci", "auto_reveal": False})
    for token in (a, b):
        assert _answer(poker, token, {"value": "3"}).status_code == 201
    poker.refresh_from_db()
    assert poker.revealed_at is None
    assert _state_results(poker)["revealed"] is False
