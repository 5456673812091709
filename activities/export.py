"""Streaming export of a session's results and responses (CSV or JSON).

One exporter backs ``manage.py export_results`` and the admin's export action:
``iter_session_export(session, "csv")`` yields text chunks, so a caller writes them to a file or
wraps them in a ``StreamingHttpResponse``. Responses are read with ``iterator(chunk_size=...)``
(a server-side cursor on PostgreSQL) and written as they come: memory stays flat whatever the
number of responses (export_stream.py reads and buffers; export_csv.py and export_json.py write,
each documenting its format).

What is exported: per activity (in session order) its full results (``activity_results``), then
every response with the participant's id, nickname and team id (``team_id``, "" without teams),
the activity's id, order, title and type,
``response_data`` as JSON, the quiz fields (score, is_correct, elapsed_ms) and the timestamps.
Never a participant token or token hash.

Types that store entries beside responses (the Q&A's questions: ``ActivityType.export_record``
and ``export_entries``) add them after the activity's responses: participant id and nickname
(an anonymous question: no id, nickname ``anonymous``), text, upvotes, status, pinned, timestamps.

A self-paced session adds each participant's ``started_at`` (the first answer or timed start) and
``finished_at`` (the answer that completed every activity that takes answers; empty if not
finished): in CSV ``participant`` records, in JSON the ``participants`` list.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from core.errors import InvalidTransition
from sessions_app.audit import audit_record

from .export_csv import CSV_COLUMNS, csv_safe, iter_csv
from .export_json import RESULTS_FORMAT, RESULTS_VERSION, iter_json
from .export_stream import DEFAULT_CHUNK_SIZE, FLUSH_CHARS, ProgressCallback
from .models import Response

if TYPE_CHECKING:
    from sessions_app.models import Session

FORMATS = ("csv", "json")

# The writers' names, for the callers that know this module only (the series' CSV uses csv_safe).
__all__ = [
    "CSV_COLUMNS",
    "DEFAULT_CHUNK_SIZE",
    "FLUSH_CHARS",
    "FORMATS",
    "RESULTS_FORMAT",
    "RESULTS_VERSION",
    "ProgressCallback",
    "content_type_for",
    "csv_safe",
    "export_filename",
    "iter_session_export",
    "session_response_count",
]


def content_type_for(fmt: str) -> str:
    return "text/csv; charset=utf-8" if fmt == "csv" else "application/json"


def export_filename(session: Session, fmt: str) -> str:
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    return f"caja-results-{session.join_code}-{stamp}.{fmt}"


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
        return iter_csv(session, chunk_size, on_progress)
    return iter_json(session, chunk_size, on_progress)


def session_response_count(session: Session) -> int:
    return Response.objects.filter(activity__session=session).count()
