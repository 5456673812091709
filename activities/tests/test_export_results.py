"""`manage.py export_results` (called through call_command, as an operator would)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from activities.export import iter_session_export
from activities.management.commands._common import Progress
from activities.models import Question, Response
from activities.tests.conftest import TRICKY_NICKNAMES
from activities.tests.factories import ActivityFactory, QuestionFactory
from core.testing import assert_command_help
from core.testing import run_command as run
from participants.models import Participant
from sessions_app.models import Session
from sessions_app.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db


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
    stream = io.StringIO()
    progress = Progress("rows", 9, every=2, stream=stream)
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


def test_has_help() -> None:
    assert_command_help("activities", "export_results")


# --- Q&A questions ---------------------------------------------------------------------------


@pytest.fixture
def qna(filled_session: Session) -> Any:
    """A Q&A beside the other activities: an anonymous question, a formula, a pinned one, a hidden one."""
    qna = ActivityFactory(session=filled_session, type="qna", title="Ask us", order=4, status="expired")
    asker = Participant.objects.filter(session=filled_session).order_by("joined_at").first()
    QuestionFactory(
        activity=qna, participant=asker, text="Who pays for lunch?", anonymous=True, upvote_count=3
    )
    QuestionFactory(activity=qna, participant=asker, text="=cmd|'/C calc'!A0", upvote_count=1)
    QuestionFactory(activity=qna, participant=asker, text="Pinned, answered", status="answered", pinned=True)
    QuestionFactory(activity=qna, participant=asker, text="Rude", status="hidden", upvote_count=2)
    return qna


def expected_questions(qna: Any) -> list[dict[str, Any]]:
    return [
        {
            "participant_id": None if q.anonymous else str(q.participant_id),
            "nickname": "anonymous" if q.anonymous else q.participant.nickname,
            "text": q.text,
            "upvotes": q.upvote_count,
            "status": q.status,
            "pinned": q.pinned,
            "created_at": q.created_at.isoformat().replace("+00:00", "Z"),
        }
        for q in Question.objects.filter(activity=qna)
        .select_related("participant")
        .order_by("created_at", "id")
    ]


def test_export_results_csv_has_every_question(qna: Any, tmp_path: Path) -> None:
    target = tmp_path / "out.csv"
    run("export_results", str(qna.session_id), "--output", str(target))
    with target.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    questions = [r for r in rows if r["record"] == "question"]
    assert [
        {
            "participant_id": r["participant_id"] or None,
            "nickname": unformula(r["nickname"]),
            "text": unformula(r["text"]),
            "upvotes": int(r["upvotes"]),
            "status": r["status"],
            "pinned": r["pinned"] == "true",
            "created_at": r["created_at"],
        }
        for r in questions
    ] == expected_questions(qna)
    assert {r["activity_id"] for r in questions} == {str(qna.pk)}
    # The formula is neutralized; an anonymous question names nobody.
    assert questions[1]["text"] == "'=cmd|'/C calc'!A0"
    assert questions[0]["nickname"] == "anonymous" and questions[0]["participant_id"] == ""
    assert [r["record"] for r in rows].count("response") == 9  # the responses are all still there
    results = next(r for r in rows if r["record"] == "results" and r["activity_type"] == "qna")
    assert json.loads(results["results"])["question_count"] == 3  # visible and answered, not hidden


def test_export_results_json_has_every_question(qna: Any) -> None:
    text = "".join(iter_session_export(qna.session, "json"))
    doc = json.loads(text)
    by_type = {a["type"]: a for a in doc["activities"]}
    got = [{k: v for k, v in q.items() if k != "updated_at"} for q in by_type["qna"]["questions"]]
    assert got == expected_questions(qna)
    assert "questions" not in by_type["poll"]  # only types with entries carry the list


def test_export_reads_questions_in_constant_queries(qna: Any) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            for fmt in ("csv", "json"):
                "".join(iter_session_export(qna.session, fmt))
        return len(ctx.captured_queries)

    few = queries()
    asker = Participant.objects.filter(session=qna.session).first()
    QuestionFactory.create_batch(40, activity=qna, participant=asker, upvote_count=1)
    assert Question.objects.filter(activity=qna).count() == 44
    assert queries() == few
