"""The operator commands: export_results, export_session, import_session, close_stale_sessions,
purge_sessions (called through call_command, as cron or an operator would)."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from activities.models import Activity, Response
from activities.tests.factories import ActivityFactory, ResponseFactory
from participants.models import Participant
from participants.tests.factories import ParticipantFactory
from sessions_app.models import Session
from sessions_app.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db

TRICKY_NICKNAMES = ["Smith, John", 'Say "hi"', "two\nlines", "=SUM(A1:A9)", "-5 points", "Zoë 🎉"]

QUIZ_CONFIG = {
    "question": "2 + 2?",
    "options": [{"id": "a", "label": "4"}, {"id": "b", "label": "5"}],
    "correct_option_id": "a",
    "time_limit_seconds": 30,
    "points": 1000,
}


def run(*args: Any, **kwargs: Any) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err, **kwargs)
    return out.getvalue(), err.getvalue()


@pytest.fixture
def filled_session() -> Session:
    session = SessionFactory(name="Town hall, Q3", status="completed")
    poll = ActivityFactory(session=session, title='Lunch, "really"?', order=1)
    quiz = ActivityFactory(
        session=session, type="quiz", title="Quiz", order=2, config=QUIZ_CONFIG, status="expired"
    )
    Activity.objects.filter(pk=quiz.pk).update(revealed_at=timezone.now())
    ActivityFactory(session=session, type="wordcloud", title="=HYPERLINK()", order=3, config={"prompt": "Hi"})
    for index, nickname in enumerate(TRICKY_NICKNAMES):
        participant = ParticipantFactory(session=session, nickname=nickname, nickname_key=nickname.casefold())
        ResponseFactory(
            activity=poll, participant=participant, response_data={"option_ids": ["ab"[index % 2]]}
        )
        if index < 3:
            ResponseFactory(
                activity=quiz,
                participant=participant,
                response_data={"option_id": "a"},
                score=900 - index,
                is_correct=True,
                elapsed_ms=1000 + index,
            )
    return session


def stored_rows(session: Session) -> list[dict[str, Any]]:
    rows = Response.objects.filter(activity__session=session).select_related("participant", "activity")
    return sorted(
        (
            {
                "activity_id": str(r.activity_id),
                "participant_id": str(r.participant_id),
                "nickname": r.participant.nickname,
                "response_data": r.response_data,
                "score": r.score,
                "created_at": r.created_at,
            }
            for r in rows
        ),
        key=lambda d: (d["activity_id"], d["participant_id"]),
    )


def unformula(text: str) -> str:
    return text[1:] if text.startswith("'") and text[1:2] in ("=", "+", "-", "@") else text


# --- export_results ---------------------------------------------------------------------------------


def test_export_results_csv_round_trips_the_stored_responses(filled_session: Session, tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    out, _ = run("export_results", str(filled_session.pk), "--output", str(target))
    assert "Exported 9 responses" in out
    with target.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    results = [r for r in rows if r["record"] == "results"]
    responses = [r for r in rows if r["record"] == "response"]
    assert [r["activity_order"] for r in results] == ["1", "2", "3"]
    assert json.loads(results[0]["results"])["total_responses"] == 6
    parsed = sorted(
        (
            {
                "activity_id": r["activity_id"],
                "participant_id": r["participant_id"],
                "nickname": unformula(r["nickname"]),
                "response_data": json.loads(r["response_data"]),
                "score": int(r["score"]) if r["score"] else None,
                "created_at": r["created_at"],
            }
            for r in responses
        ),
        key=lambda d: (d["activity_id"], d["participant_id"]),
    )
    expected = stored_rows(filled_session)
    for row in expected:
        row["created_at"] = row["created_at"].isoformat().replace("+00:00", "Z")
    assert parsed == expected
    # Commas, quotes, newlines and emoji came back intact.
    assert {r["nickname"] for r in parsed} == set(TRICKY_NICKNAMES)


def test_export_results_csv_neutralizes_formulas(filled_session: Session, tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    run("export_results", str(filled_session.pk), "-o", str(target))
    with target.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    nicknames = {r["nickname"] for r in rows if r["record"] == "response"}
    assert "'=SUM(A1:A9)" in nicknames and "'-5 points" in nicknames
    assert "Smith, John" in nicknames
    titles = {r["activity_title"] for r in rows}
    assert "'=HYPERLINK()" in titles
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "@")), value


def test_export_results_never_contains_tokens(filled_session: Session) -> None:
    hashes = list(Participant.objects.filter(session=filled_session).values_list("token_hash", flat=True))
    for fmt in ("csv", "json"):
        out, err = run("export_results", filled_session.join_code, "--format", fmt)
        assert "Exported 9 responses" in err  # the summary stays off stdout
        assert "token" not in out.lower()
        for token_hash in hashes:
            assert token_hash and token_hash not in out


def test_export_results_json_is_one_valid_document(filled_session: Session) -> None:
    out, _ = run("export_results", str(filled_session.pk), "--format", "json", "--chunk-size", "2")
    doc = json.loads(out)
    assert doc["format"] == "caja.results" and doc["version"] == 1
    assert doc["session"]["id"] == str(filled_session.pk)
    assert [a["order"] for a in doc["activities"]] == [1, 2, 3]
    assert doc["response_count"] == 9
    assert sum(len(a["responses"]) for a in doc["activities"]) == 9
    nicknames = {r["nickname"] for a in doc["activities"] for r in a["responses"]}
    assert nicknames == set(TRICKY_NICKNAMES)  # JSON is never altered
    quiz = doc["activities"][1]
    assert {r["score"] for r in quiz["responses"]} == {900, 899, 898}
    assert [row["score"] for row in doc["leaderboard"]] == [900, 899, 898]


def test_export_results_format_from_extension_and_empty_session(tmp_path: Path) -> None:
    session = SessionFactory()
    target = tmp_path / "empty.json"
    run("export_results", str(session.pk), "-o", str(target))
    doc = json.loads(target.read_text())
    assert doc["activities"] == [] and doc["response_count"] == 0


def test_export_results_streams_progress_every_chunk(filled_session: Session, tmp_path: Path) -> None:
    from live.management.commands._common import Progress

    stream = io.StringIO()
    progress = Progress("rows", 9, every=2, stream=stream)
    from activities.export import iter_session_export

    text = "".join(iter_session_export(filled_session, "csv", chunk_size=2, on_progress=progress))
    assert text.count("\r\n") >= 10
    assert stream.getvalue().splitlines() == ["rows: 2/9", "rows: 4/9", "rows: 6/9", "rows: 8/9"]


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("not-a-session", "neither a session id"),
        ("00000000-0000-0000-0000-000000000000", "No session has the id"),
        ("ZZZZZZ", "No session has the join code"),
        ("", "Give a session id"),
    ],
)
def test_export_results_refuses_unknown_sessions(ref: str, message: str) -> None:
    with pytest.raises(CommandError, match=message):
        run("export_results", ref)


def test_export_results_refuses_bad_format(filled_session: Session) -> None:
    with pytest.raises(CommandError):
        run("export_results", str(filled_session.pk), "--format", "xlsx")


def test_join_code_shared_by_completed_sessions_is_ambiguous() -> None:
    first = SessionFactory(status="completed", join_code="ABCDEF")
    SessionFactory(status="completed", join_code="ABCDEF")
    with pytest.raises(CommandError, match="several completed sessions"):
        run("export_session", "abcdef")
    # An open session with the code wins.
    live = SessionFactory(status="active", join_code="ABCDEF")
    out, _ = run("export_session", "abcdef")
    assert json.loads(out)["source"]["session_id"] == str(live.pk) != str(first.pk)


# --- export_session / import_session -----------------------------------------------------------------


def _definition_without_ids(text: str) -> dict[str, Any]:
    doc = json.loads(text)
    doc.pop("exported_at")
    doc.pop("source")
    return doc


def test_session_definition_round_trip(filled_session: Session, tmp_path: Path, other_organizer: Any) -> None:
    Activity.objects.filter(session=filled_session, type="poll").update(
        config={
            "question": "Lunch?",
            "options": [{"id": "a", "label": "Pizza"}, {"id": "b", "label": "Salad"}],
            "multiple": False,
            "max_choices": None,
        }
    )
    Activity.objects.filter(session=filled_session, type="wordcloud").update(
        config={"prompt": "Hi", "max_words": 3, "max_length": 25}
    )
    first = tmp_path / "definition.json"
    run("export_session", str(filled_session.pk), "--output", str(first))
    definition = json.loads(first.read_text())
    assert definition["format"] == "caja.session" and definition["version"] == 1
    assert "participants" not in first.read_text() and "responses" not in first.read_text()
    sessions_before = Session.objects.count()
    out, _ = run("import_session", str(first), "--owner", other_organizer.username)
    assert "Imported session" in out
    assert Session.objects.count() == sessions_before + 1
    imported = Session.objects.exclude(pk=filled_session.pk).get(owner=other_organizer)
    assert imported.status == "draft" and imported.join_code != filled_session.join_code
    assert not Participant.objects.filter(session=imported).exists()
    again, _ = run("export_session", str(imported.pk))
    assert _definition_without_ids(again) == _definition_without_ids(first.read_text())


def _definition(activities: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "format": "caja.session",
        "version": 1,
        "session": {"name": "Imported", "description": "", "activities": activities},
    }


GOOD_POLL = {
    "type": "poll",
    "title": "ok",
    "order": 1,
    "config": {"question": "Q?", "options": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}]},
}


def test_import_refuses_a_bad_activity_and_creates_nothing(tmp_path: Path, organizer: Any) -> None:
    bad = {"type": "poll", "title": "bad", "order": 2, "config": {"question": "Q?", "options": [{"id": "a"}]}}
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(_definition([GOOD_POLL, bad, {**GOOD_POLL, "order": 3}])))
    with pytest.raises(CommandError) as excinfo:
        run("import_session", str(path), "--owner", organizer.username)
    message = str(excinfo.value)
    assert "nothing was created" in message
    assert "session.activities.1.config.options" in message
    assert "session.activities.0" not in message and "session.activities.2" not in message
    assert Session.objects.count() == 0 and Activity.objects.count() == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not valid JSON"),
        (json.dumps({**_definition([GOOD_POLL]), "version": 2}), "Unsupported version 2"),
        (json.dumps({**_definition([GOOD_POLL]), "format": "other"}), "format"),
        (json.dumps(_definition([{**GOOD_POLL, "type": "dance"}])), "session.activities.0.type"),
        (json.dumps(_definition([{**GOOD_POLL, "colour": "red"}])), "session.activities.0.colour"),
        (json.dumps({**_definition([]), "session": {"name": " "}}), "session.name"),
        (json.dumps([1, 2]), "JSON object"),
    ],
)
def test_import_refuses_bad_files(tmp_path: Path, organizer: Any, content: str, message: str) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content)
    with pytest.raises(CommandError, match=message):
        run("import_session", str(path), "--owner", organizer.username)
    assert Session.objects.count() == 0


def test_import_refuses_unknown_owner_and_missing_file(tmp_path: Path, organizer: Any) -> None:
    path = tmp_path / "ok.json"
    path.write_text(json.dumps(_definition([GOOD_POLL])))
    with pytest.raises(CommandError, match="No user named"):
        run("import_session", str(path), "--owner", "nobody")
    with pytest.raises(CommandError, match="Cannot read"):
        run("import_session", str(tmp_path / "missing.json"), "--owner", organizer.username)
    # Without --owner: the only superuser (none here, so refused).
    with pytest.raises(CommandError, match="--owner"):
        run("import_session", str(path))
    assert Session.objects.count() == 0


# --- close_stale_sessions ---------------------------------------------------------------------------


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


# --- purge_sessions ---------------------------------------------------------------------------------


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


def test_every_command_has_help() -> None:
    from django.core.management import load_command_class

    for name in (
        "export_results",
        "export_session",
        "import_session",
        "close_stale_sessions",
        "purge_sessions",
    ):
        command = load_command_class("live", name)
        assert len(command.help) > 40
        parser = command.create_parser("manage.py", name)
        assert "--" in parser.format_help()
