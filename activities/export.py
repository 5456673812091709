"""Streaming export of a session's results and responses (CSV or JSON).

One exporter backs ``manage.py export_results`` and the admin's export action:
``iter_session_export(session, "csv")`` yields text chunks, so a caller writes them to a file or
wraps them in a ``StreamingHttpResponse``. Responses are read with ``iterator(chunk_size=...)``
(a server-side cursor on PostgreSQL) and written as they come: memory stays flat whatever the
number of responses.

What is exported: per activity (in session order) its full results (``activity_results``), then
every response with the participant's id, nickname and team id (``team_id``, "" without teams),
the activity's id, order, title and type,
``response_data`` as JSON, the quiz fields (score, is_correct, elapsed_ms) and the timestamps.
Never a participant token or token hash.

Types that store entries beside responses (the Q&A's questions: ``ActivityType.export_record``
and ``export_entries``) add them after the activity's responses: participant id and nickname
(an anonymous question: no id, nickname ``anonymous``), text, upvotes, status, pinned, timestamps.

CSV: one table, one header row; the ``record`` column says what a row is:

* ``results``: one per activity; the ``results`` column holds the results as JSON;
* ``response``: one per response;
* ``question`` (the type's ``export_record``): one per entry, in the ``text``, ``upvotes``,
  ``status`` and ``pinned`` columns (empty on the other records).

Cells are written by the ``csv`` module (commas, quotes and newlines in nicknames or titles are
quoted correctly). **Formula injection**: a text cell that starts with ``=``, ``+``, ``-``, ``@``,
a tab or a carriage return is prefixed with a single quote (``'``) so that a spreadsheet shows it
as text instead of evaluating it (OWASP "CSV injection"). A nickname ``=1+1`` is therefore
exported as ``'=1+1``. JSON output is never altered.

JSON: one document, streamed::

    {"format": "caja.results", "version": 1, "exported_at": ..., "session": {...},
     "activities": [{"id", "order", "type", "title", "status", "results": {...},
                     "responses": [{...}, ...], "questions": [{...}, ...] (Q&A only)}, ...],
     "participants": [{"participant_id", "nickname", "started_at", "finished_at"}] (self-paced only),
     "leaderboard": [...], "teams": [...] (the team board, [] without teams), "response_count": N}

A self-paced session adds, in CSV, one ``participant`` record per participant with its
``started_at`` (the first answer or timed start) and ``finished_at`` (the answer that completed every
activity that takes answers; empty if not finished) columns; in JSON the ``participants`` list.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from core.errors import InvalidTransition
from sessions_app.audit import audit_record
from sessions_app.models import SessionPace

from . import selectors
from .models import Activity, Response
from .results import activity_results
from .types import get_type
from .types.leaderboard import leaderboard, team_leaderboard

if TYPE_CHECKING:
    from sessions_app.models import Session

FORMATS = ("csv", "json")
RESULTS_FORMAT = "caja.results"
RESULTS_VERSION = 1
DEFAULT_CHUNK_SIZE = 2000
# Yield a chunk once the buffer holds this many characters (fewer, larger writes).
FLUSH_CHARS = 64 * 1024

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

_RESPONSE_FIELDS = (
    "participant_id",
    "participant__nickname",
    "response_data",
    "score",
    "is_correct",
    "elapsed_ms",
    "created_at",
    "updated_at",
    "participant__team_id",
)
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")

ProgressCallback = Callable[[int], None]


def content_type_for(fmt: str) -> str:
    return "text/csv; charset=utf-8" if fmt == "csv" else "application/json"


def export_filename(session: Session, fmt: str) -> str:
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    return f"caja-results-{session.join_code}-{stamp}.{fmt}"


def csv_safe(value: Any) -> Any:
    """Neutralize spreadsheet formulas in a text cell (see the module docstring)."""
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value


def _json(value: Any) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))


def _iso(value: Any) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def _activities(session: Session) -> list[Activity]:
    return list(Activity.objects.filter(session=session).order_by("order", "created_at", "id"))


def _entries(activity: Activity, chunk_size: int) -> tuple[str | None, Iterator[dict[str, Any]]]:
    """The activity type's record name and its entries (none for most types)."""
    activity_type = get_type(activity.type)
    if activity_type.export_record is None:
        return None, iter(())
    return activity_type.export_record, activity_type.export_entries(activity, chunk_size=chunk_size)


def _rows(chunk_size: int) -> Callable[[Activity], Iterator[tuple[Any, ...]]]:
    """A reader of one activity's responses as tuples of _RESPONSE_FIELDS, streamed."""

    def read(activity: Activity) -> Iterator[tuple[Any, ...]]:
        return (
            Response.objects.filter(activity=activity)
            .order_by("created_at", "id")
            .values_list(*_RESPONSE_FIELDS)
            .iterator(chunk_size=chunk_size)
        )

    return read


class _Buffer:
    """A write() target for csv.writer whose content is taken out in chunks."""

    def __init__(self) -> None:
        self._io = io.StringIO()

    def write(self, text: str) -> int:
        return self._io.write(text)

    def size(self) -> int:
        return self._io.tell()

    def take(self) -> str:
        text = self._io.getvalue()
        self._io.seek(0)
        self._io.truncate()
        return text


def iter_session_export(
    session: Session,
    fmt: str = "csv",
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    on_progress: ProgressCallback | None = None,
    actor: Any = None,
) -> Iterator[str]:
    """Yield the export of ``session`` as text chunks (``fmt`` is "csv" or "json").

    ``on_progress(n)`` is called with the running count of responses written, after every
    ``chunk_size`` responses and once at the end."""
    if fmt not in FORMATS:
        raise ValueError(f"Unknown export format {fmt!r}; expected one of {', '.join(FORMATS)}.")
    if session.rehearsal:
        raise InvalidTransition(
            from_="rehearsal",
            to="export",
            message="A rehearsal is never exported: end it (its answers are deleted), then run the event.",
        )
    audit_record(
        session=session,
        actor=actor,
        action="session.export",
        target_type="session",
        target_id=session.pk,
        details={"format": fmt},
    )
    if fmt == "csv":
        return _iter_csv(session, chunk_size, on_progress)
    return _iter_json(session, chunk_size, on_progress)


def _iter_csv(session: Session, chunk_size: int, on_progress: ProgressCallback | None) -> Iterator[str]:
    buf = _Buffer()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    rows = _rows(chunk_size)
    count = 0
    for activity in _activities(session):
        head = [str(activity.pk), activity.order, csv_safe(activity.title), activity.type]
        writer.writerow(
            [
                "results",
                *head,
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                _json(activity_results(activity)),
                "",
                "",
                "",
                "",
                "",
                "",
                "",
            ]
        )
        for pid, nickname, data, score, correct, elapsed, created, updated, team in rows(activity):
            writer.writerow(
                [
                    "response",
                    *head,
                    str(pid),
                    csv_safe(nickname),
                    _json(data),
                    "" if score is None else score,
                    "" if correct is None else ("true" if correct else "false"),
                    "" if elapsed is None else elapsed,
                    _iso(created),
                    _iso(updated),
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    "",
                    csv_safe(team),
                ]
            )
            count += 1
            if on_progress is not None and count % chunk_size == 0:
                on_progress(count)
            if buf.size() >= FLUSH_CHARS:
                yield buf.take()
        record, entries = _entries(activity, chunk_size)
        for entry in entries:
            writer.writerow(
                [
                    record,
                    *head,
                    entry["participant_id"] or "",
                    csv_safe(entry["nickname"]),
                    "",
                    "",
                    "",
                    "",
                    _iso(entry["created_at"]),
                    _iso(entry["updated_at"]),
                    "",
                    csv_safe(entry["text"]),
                    entry["upvotes"],
                    entry["status"],
                    "true" if entry["pinned"] else "false",
                    "",
                    "",
                    "",
                ]
            )
            if buf.size() >= FLUSH_CHARS:
                yield buf.take()
    for pid, nickname, started, finished in _participant_times(session):
        writer.writerow(
            [
                "participant",
                "",
                "",
                "",
                "",
                str(pid),
                csv_safe(nickname),
                *[""] * 11,
                _iso(started),
                _iso(finished),
                "",
            ]
        )
    if on_progress is not None:
        on_progress(count)
    yield buf.take()


def _participant_times(session: Session) -> Iterator[tuple[Any, str, Any, Any]]:
    """A self-paced session's participants with their start and finish times (none for a live one)."""
    if session.pace != SessionPace.SELF:
        return iter(())
    return (
        (row["pk"], row["nickname"], row["started_at"], row["finished_at"])
        for row in selectors.participant_times(session.pk)
    )


def _iter_json(session: Session, chunk_size: int, on_progress: ProgressCallback | None) -> Iterator[str]:
    header = {
        "format": RESULTS_FORMAT,
        "version": RESULTS_VERSION,
        "exported_at": _iso(timezone.now()),
        "session": {
            "id": str(session.pk),
            "name": session.name,
            "description": session.description,
            "status": session.status,
            "join_code": session.join_code,
            "pace": session.pace,
            "created_at": _iso(session.created_at),
            "started_at": _iso(session.started_at),
            "completed_at": _iso(session.completed_at),
            "teams": session.teams,
        },
    }
    buf = _Buffer()
    # The header object without its closing brace; the rest is appended member by member.
    buf.write(_json(header)[:-1] + ',"activities":[')
    rows = _rows(chunk_size)
    count = 0
    for index, activity in enumerate(_activities(session)):
        item = {
            "id": str(activity.pk),
            "order": activity.order,
            "type": activity.type,
            "title": activity.title,
            "status": activity.status,
            "results": activity_results(activity),
        }
        buf.write(("," if index else "") + _json(item)[:-1] + ',"responses":[')
        first = True
        for pid, nickname, data, score, correct, elapsed, created, updated, team in rows(activity):
            row = {
                "participant_id": str(pid),
                "nickname": nickname,
                "response_data": data,
                "score": score,
                "is_correct": correct,
                "elapsed_ms": elapsed,
                "created_at": _iso(created),
                "updated_at": _iso(updated),
                "team_id": team,
            }
            buf.write(("" if first else ",") + _json(row))
            first = False
            count += 1
            if on_progress is not None and count % chunk_size == 0:
                on_progress(count)
            if buf.size() >= FLUSH_CHARS:
                yield buf.take()
        buf.write("]")
        record, entries = _entries(activity, chunk_size)
        if record is not None:
            buf.write(f',"{record}s":[')
            for n, entry in enumerate(entries):
                stamps = {"created_at": _iso(entry["created_at"]), "updated_at": _iso(entry["updated_at"])}
                buf.write(("," if n else "") + _json({**entry, **stamps}))
                if buf.size() >= FLUSH_CHARS:
                    yield buf.take()
            buf.write("]")
        buf.write("}")
    buf.write("]")
    if session.pace == SessionPace.SELF:
        people = [
            {
                "participant_id": str(pid),
                "nickname": nick,
                "started_at": _iso(start),
                "finished_at": _iso(end),
            }
            for pid, nick, start, end in _participant_times(session)
        ]
        buf.write(',"participants":' + _json(people))
    buf.write(',"leaderboard":' + _json(leaderboard(session, None)))
    buf.write(',"teams":' + _json(team_leaderboard(session)))
    buf.write(f',"response_count":{count}}}\n')
    if on_progress is not None:
        on_progress(count)
    yield buf.take()


def session_response_count(session: Session) -> int:
    return Response.objects.filter(activity__session=session).count()
