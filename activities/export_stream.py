"""What the results export (export.py) reads and how it streams, shared by its CSV and JSON writers
(export_csv.py, export_json.py): the session's activities in order, each one's responses read with
``iterator(chunk_size=...)`` (a server-side cursor on PostgreSQL), the entries some types store beside
responses, a self-paced session's participant times, and a buffer taken out in chunks, so memory
stays flat whatever the number of responses."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder

from sessions_app.models import SessionPace

from . import selectors
from .models import Activity, Response
from .types import get_type

if TYPE_CHECKING:
    from sessions_app.models import Session

DEFAULT_CHUNK_SIZE = 2000
# Yield a chunk once the buffer holds this many characters (fewer, larger writes).
FLUSH_CHARS = 64 * 1024

RESPONSE_FIELDS = (
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

ProgressCallback = Callable[[int], None]


def json_text(value: Any) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))


def iso(value: Any) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value is not None else None


def session_activities(session: Session) -> list[Activity]:
    return list(Activity.objects.filter(session=session).order_by("order", "created_at", "id"))


def activity_entries(activity: Activity, chunk_size: int) -> tuple[str | None, Iterator[dict[str, Any]]]:
    """The activity type's record name and its entries (none for most types)."""
    activity_type = get_type(activity.type)
    if activity_type.export_record is None:
        return None, iter(())
    return activity_type.export_record, activity_type.export_entries(activity, chunk_size=chunk_size)


def response_rows(chunk_size: int) -> Callable[[Activity], Iterator[tuple[Any, ...]]]:
    """A reader of one activity's responses as tuples of RESPONSE_FIELDS, streamed."""

    def read(activity: Activity) -> Iterator[tuple[Any, ...]]:
        return (
            Response.objects.filter(activity=activity)
            .order_by("created_at", "id")
            .values_list(*RESPONSE_FIELDS)
            .iterator(chunk_size=chunk_size)
        )

    return read


class ChunkBuffer:
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


def participant_times(session: Session) -> Iterator[tuple[Any, str, Any, Any]]:
    """A self-paced session's participants with their start and finish times (none for a live one)."""
    if session.pace != SessionPace.SELF:
        return iter(())
    return (
        (row["pk"], row["nickname"], row["started_at"], row["finished_at"])
        for row in selectors.participant_times(session.pk)
    )
