"""The results export as CSV (export.py says what is exported): one table, one header row; the
``record`` column says what a row is:

* ``results``: one per activity; the ``results`` column holds the results as JSON;
* ``response``: one per response;
* ``question`` (the type's ``export_record``): one per entry, in the ``text``, ``upvotes``,
  ``status`` and ``pinned`` columns (empty on the other records);
* ``participant`` (a self-paced session): one per participant, with its ``started_at`` (the first
  answer or timed start) and ``finished_at`` (the answer that completed every activity that takes
  answers; empty if not finished) columns.

Cells are written by the ``csv`` module (commas, quotes and newlines in nicknames or titles are
quoted correctly). **Formula injection**: a text cell that starts with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return is prefixed with a single quote (``'``) so that a spreadsheet shows it
as text instead of evaluating it (OWASP "CSV injection"). A nickname ``=1+1`` is therefore
exported as ``'=1+1``.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from .export_stream import (
    FLUSH_CHARS,
    ChunkBuffer,
    ProgressCallback,
    activity_entries,
    iso,
    json_text,
    participant_times,
    response_rows,
    session_activities,
)
from .results import activity_results

if TYPE_CHECKING:
    from sessions_app.models import Session

CSV_COLUMNS = [
    "record",
    "activity_id",
    "activity_order",
    "activity_title",
    "activity_type",
    "participant_id",
    "nickname",
    "response_data",
    "score",
    "is_correct",
    "elapsed_ms",
    "created_at",
    "updated_at",
    "results",
    # Entries of the types that have them (Q&A questions), appended so older readers keep working.
    "text",
    "upvotes",
    "status",
    "pinned",
    # A self-paced session's ``participant`` records: when each person started and finished.
    "started_at",
    "finished_at",
    # The participant's team (contract v1.2, teams), appended last for the same reason.
    "team_id",
]

_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> Any:
    """Neutralize spreadsheet formulas in a text cell (see the module docstring)."""
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


def _row(**cells: Any) -> list[Any]:
    """One row in CSV_COLUMNS' order: the cells given by column name, every other cell empty."""
    return [cells.get(column, "") for column in CSV_COLUMNS]


def iter_csv(session: Session, chunk_size: int, on_progress: ProgressCallback | None) -> Iterator[str]:
    buf = ChunkBuffer()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    rows = response_rows(chunk_size)
    count = 0
    for activity in session_activities(session):
        head = {
            "activity_id": str(activity.pk),
            "activity_order": activity.order,
            "activity_title": csv_safe(activity.title),
            "activity_type": activity.type,
        }
        writer.writerow(_row(record="results", **head, results=json_text(activity_results(activity))))
        for pid, nickname, data, score, correct, elapsed, created, updated, team in rows(activity):
            writer.writerow(
                _row(
                    record="response",
                    **head,
                    participant_id=str(pid),
                    nickname=csv_safe(nickname),
                    response_data=json_text(data),
                    score="" if score is None else score,
                    is_correct="" if correct is None else ("true" if correct else "false"),
                    elapsed_ms="" if elapsed is None else elapsed,
                    created_at=iso(created),
                    updated_at=iso(updated),
                    team_id=csv_safe(team),
                )
            )
            count += 1
            if on_progress is not None and count % chunk_size == 0:
                on_progress(count)
            if buf.size() >= FLUSH_CHARS:
                yield buf.take()
        record, entries = activity_entries(activity, chunk_size)
        for entry in entries:
            writer.writerow(
                _row(
                    record=record,
                    **head,
                    participant_id=entry["participant_id"] or "",
                    nickname=csv_safe(entry["nickname"]),
                    created_at=iso(entry["created_at"]),
                    updated_at=iso(entry["updated_at"]),
                    text=csv_safe(entry["text"]),
                    upvotes=entry["upvotes"],
                    status=entry["status"],
                    pinned="true" if entry["pinned"] else "false",
                )
            )
            if buf.size() >= FLUSH_CHARS:
                yield buf.take()
    for pid, nickname, started, finished in participant_times(session):
        writer.writerow(
            _row(
                record="participant",
                participant_id=str(pid),
                nickname=csv_safe(nickname),
                started_at=iso(started),
                finished_at=iso(finished),
            )
        )
    if on_progress is not None:
        on_progress(count)
    yield buf.take()
