"""Rehearsals (issue 16 item 4): live like the real thing, then wiped back to a draft with the same
join code; never exported."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from activities.models import Activity, HiddenWord, Question, Response
from activities.tests.factories import ActivityFactory
from conftest import participant_client
from core.testing import assert_error
from participants.models import Participant
from sessions_app.models import Session
from sessions_app.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db

POLL = {"question": "Lunch?", "options": [{"id": "a", "label": "Pizza"}, {"id": "b", "label": "Salad"}]}
POKER = {"story": "Login", "deck": "fibonacci", "auto_reveal": False}
QNA = {"prompt": "Ask", "moderation": False, "allow_anonymous": True, "max_length": 280}


def test_rehearse_then_end_leaves_a_clean_draft(organizer: Any, org_api: APIClient, settings: Any) -> None:
    settings.CAJA_SNAPSHOT_MIN_REBUILD_SECONDS = 0
    session = SessionFactory(owner=organizer)
    poll = ActivityFactory(session=session, type="poll", config=POLL, order=0)
    poker = ActivityFactory(session=session, type="poker", config=POKER, order=1)
    qna = ActivityFactory(session=session, type="qna", config=QNA, status="published", order=2)
    code = session.join_code
    base = f"/api/v1/sessions/{session.pk}"

    resp = org_api.post(f"{base}/rehearse")
    assert resp.status_code == 200, resp.content
    assert resp.json()["status"] == "active" and resp.json()["rehearsal"] is True
    # Every screen can say so: the state carries it.
    assert APIClient().get(f"{base}/state").json()["session"]["rehearsal"] is True
    # The rehearsal runs like the real thing: joins, answers, a reveal, a question.
    joined = APIClient().post("/api/v1/join", {"join_code": code, "nickname": "Ana"}, format="json")
    assert joined.status_code == 201, joined.content
    token = joined.json()["token"]
    assert org_api.post(f"{base}/next").status_code == 200
    vote = participant_client(token).post(
        f"{base}/activities/{poll.pk}/responses", {"response_data": {"option_ids": ["a"]}}, format="json"
    )
    assert vote.status_code == 201
    asked = participant_client(token).post(
        f"{base}/activities/{qna.pk}/questions", {"text": "Test?"}, format="json"
    )
    assert asked.status_code == 201
    assert org_api.post(f"{base}/next").status_code == 200
    assert org_api.post(f"{base}/activities/{poker.pk}/reveal").status_code == 200
    # Nothing from a rehearsal is ever exported.
    with pytest.raises(CommandError, match="rehearsal"):
        call_command("export_results", str(session.pk), "--output", "-")

    ended = org_api.post(f"{base}/end-rehearsal")
    assert ended.status_code == 200, ended.content
    body = ended.json()
    assert (body["status"], body["rehearsal"], body["join_code"], body["current_activity_id"]) == (
        "draft",
        False,
        code,
        None,
    )
    assert not Participant.objects.filter(session=session).exists()
    assert not Response.objects.filter(activity__session=session).exists()
    assert not Question.objects.filter(activity__session=session).exists()
    assert set(Activity.objects.filter(session=session).values_list("status", flat=True)) == {"draft"}
    assert not Activity.objects.filter(session=session, revealed_at__isnull=False).exists()
    # The old token is dead, and the real event starts from scratch with the same code.
    assert_error(participant_client(token).get("/api/v1/me"), 401, "NOT_AUTHENTICATED")
    state = APIClient().get(f"{base}/state").json()
    assert state["session"]["status"] == "draft" and state["participant_count"] == 0
    assert org_api.patch(base, {"status": "active"}, format="json").status_code == 200
    again = APIClient().post("/api/v1/join", {"join_code": code, "nickname": "Ana"}, format="json")
    assert again.status_code == 201  # the nickname is free again


def test_only_a_draft_can_rehearse_and_only_a_rehearsal_can_end(organizer: Any, org_api: APIClient) -> None:
    live = SessionFactory(owner=organizer, status="active")
    assert_error(org_api.post(f"/api/v1/sessions/{live.pk}/rehearse"), 409, "INVALID_TRANSITION")
    body = assert_error(org_api.post(f"/api/v1/sessions/{live.pk}/end-rehearsal"), 409, "INVALID_TRANSITION")
    assert "not a rehearsal" in body["message"]
    assert Session.objects.get(pk=live.pk).status == "active"


def test_who_may_rehearse(organizer: Any, other_organizer: Any) -> None:
    session = SessionFactory(owner=organizer)
    url = f"/api/v1/sessions/{session.pk}/rehearse"
    assert_error(APIClient().post(url), 401, "NOT_AUTHENTICATED")
    stranger = APIClient()
    stranger.force_authenticate(other_organizer)
    assert_error(stranger.post(url), 404, "NOT_FOUND")
    assert Session.objects.get(pk=session.pk).status == "draft"


def _hot_endpoints_refuse(token: str, session_id: Any, poll_id: Any) -> None:
    """Every endpoint a phone uses answers 401 for this token (issue 22 item 2)."""
    phone = participant_client(token)
    base = f"/api/v1/sessions/{session_id}"
    assert_error(phone.get("/api/v1/me"), 401, "NOT_AUTHENTICATED")
    assert_error(phone.post(f"{base}/reactions", {"kind": "wow"}, format="json"), 401, "NOT_AUTHENTICATED")
    assert_error(phone.post(f"{base}/heartbeat"), 401, "NOT_AUTHENTICATED")
    vote = phone.post(
        f"{base}/activities/{poll_id}/responses", {"response_data": {"option_ids": ["a"]}}, format="json"
    )
    assert_error(vote, 401, "NOT_AUTHENTICATED")


def test_rehearsal_tokens_die_with_the_rehearsal_on_every_endpoint(
    organizer: Any, org_api: APIClient, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    """Issue 22 item 2: ending a rehearsal revokes its tokens (cached ones included), as a kick does."""
    settings.CAJA_SNAPSHOT_MIN_REBUILD_SECONDS = 0
    session = SessionFactory(owner=organizer)
    poll = ActivityFactory(session=session, type="poll", config=POLL, order=0)
    base = f"/api/v1/sessions/{session.pk}"
    with django_capture_on_commit_callbacks(execute=True):
        assert org_api.post(f"{base}/rehearse").status_code == 200
        token = (
            APIClient()
            .post("/api/v1/join", {"join_code": session.join_code, "nickname": "Ana"}, format="json")
            .json()["token"]
        )
        assert org_api.post(f"{base}/next").status_code == 200
        phone = participant_client(token)
        vote = phone.post(
            f"{base}/activities/{poll.pk}/responses", {"response_data": {"option_ids": ["a"]}}, format="json"
        )
        assert vote.status_code == 201, vote.content
        assert phone.post(f"{base}/reactions", {"kind": "wow"}, format="json").status_code == 202
        assert phone.post(f"{base}/heartbeat").status_code == 204  # the token is in the cache now
        assert org_api.post(f"{base}/end-rehearsal").status_code == 200
        assert org_api.patch(base, {"status": "active"}, format="json").status_code == 200
        assert org_api.post(f"{base}/next").status_code == 200
    _hot_endpoints_refuse(token, session.pk, poll.pk)
    assert not Response.objects.filter(activity=poll).exists()
    assert APIClient().get(f"{base}/state").json()["reactions"]["counts"]["wow"] <= 1  # none after the wipe


def test_deleting_a_session_revokes_its_tokens(
    organizer: Any, org_api: APIClient, django_capture_on_commit_callbacks: Any
) -> None:
    session = SessionFactory(owner=organizer, status="active")
    poll = ActivityFactory(session=session, type="poll", config=POLL, status="active", order=0)
    Session.objects.filter(pk=session.pk).update(current_activity=poll)
    base = f"/api/v1/sessions/{session.pk}"
    with django_capture_on_commit_callbacks(execute=True):
        token = APIClient().post(f"{base}/participants", {"nickname": "Ana"}, format="json").json()["token"]
        assert participant_client(token).post(f"{base}/heartbeat").status_code == 204
        assert org_api.delete(base).status_code == 204
    assert not Participant.objects.filter(session_id=session.pk).exists()
    _hot_endpoints_refuse(token, session.pk, poll.pk)


WORDCLOUD = {"prompt": "One word", "max_words": 3, "max_length": 25}


def test_the_wipe_takes_hidden_words_with_it(organizer: Any, org_api: APIClient) -> None:
    """Issue 22 item 5: a word hidden during the rehearsal is not hidden in the real event."""
    session = SessionFactory(owner=organizer)
    cloud = ActivityFactory(session=session, type="wordcloud", config=WORDCLOUD, order=0)
    base = f"/api/v1/sessions/{session.pk}"
    assert org_api.post(f"{base}/rehearse").status_code == 200
    hidden = org_api.post(f"{base}/activities/{cloud.pk}/hidden-words", {"text": "Boring"}, format="json")
    assert hidden.status_code == 201, hidden.content
    assert org_api.post(f"{base}/end-rehearsal").status_code == 200
    assert not HiddenWord.objects.filter(activity=cloud).exists()


def test_a_completed_rehearsal_ends_to_a_draft_with_a_fresh_code_if_its_was_taken(
    organizer: Any, org_api: APIClient
) -> None:
    """Issue 22 item 6: end-rehearsal of a completed rehearsal (by the organizer or
    close_stale_sessions) wipes it to a draft; a join code taken meanwhile is replaced, never 503."""
    session = SessionFactory(owner=organizer)
    base = f"/api/v1/sessions/{session.pk}"
    assert org_api.post(f"{base}/rehearse").status_code == 200
    assert org_api.patch(base, {"status": "completed"}, format="json").status_code == 200
    # Completed sessions free their join code: another session takes it meanwhile.
    code = session.join_code
    SessionFactory(owner=organizer, join_code=code)
    ended = org_api.post(f"{base}/end-rehearsal")
    assert ended.status_code == 200, ended.content
    body = ended.json()
    assert body["status"] == "draft" and body["rehearsal"] is False
    assert body["join_code"] != code and len(body["join_code"]) == 6
    row = Session.objects.get(pk=session.pk)
    assert (row.status, row.join_code, row.completed_at) == ("draft", body["join_code"], None)
    # Once wiped it is no longer a rehearsal: ending it again is refused.
    assert_error(org_api.post(f"{base}/end-rehearsal"), 409, "INVALID_TRANSITION")
