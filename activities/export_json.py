"""The results export as JSON (export.py says what is exported): one document, streamed::

    {"format": "caja.results", "version": 1, "exported_at": ..., "session": {...},
     "activities": [{"id", "order", "type", "title", "status", "results": {...},
                     "responses": [{...}, ...], "questions": [{...}, ...] (Q&A only)}, ...],
     "participants": [{"participant_id", "nickname", "started_at", "finished_at"}] (self-paced only),
     "leaderboard": [...], "teams": [...] (the team board, [] without teams), "response_count": N}

Values are never altered (no formula guard: that is the CSV's).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.utils import timezone

from sessions_app.models import SessionPace

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
from .types.leaderboard import leaderboard, team_leaderboard

if TYPE_CHECKING:
    from sessions_app.models import Session

RESULTS_FORMAT = "caja.results"
RESULTS_VERSION = 1


def iter_json(session: Session, chunk_size: int, on_progress: ProgressCallback | None) -> Iterator[str]:
    header = {
        "format": RESULTS_FORMAT,
        "version": RESULTS_VERSION,
        "exported_at": iso(timezone.now()),
        "session": {
            "id": str(session.pk),
            "name": session.name,
            "description": session.description,
            "status": session.status,
            "join_code": session.join_code,
            "pace": session.pace,
            "created_at": iso(session.created_at),
            "started_at": iso(session.started_at),
            "completed_at": iso(session.completed_at),
            "teams": session.teams,
        },
    }
    buf = ChunkBuffer()
    # The header object without its closing brace; the rest is appended member by member.
    buf.write(json_text(header)[:-1] + ',"activities":[')
    rows = response_rows(chunk_size)
    count = 0
    for index, activity in enumerate(session_activities(session)):
        item = {
            "id": str(activity.pk),
            "order": activity.order,
            "type": activity.type,
            "title": activity.title,
            "status": activity.status,
            "results": activity_results(activity),
        }
        buf.write(("," if index else "") + json_text(item)[:-1] + ',"responses":[')
        first = True
        for pid, nickname, data, score, correct, elapsed, created, updated, team in rows(activity):
            row = {
                "participant_id": str(pid),
                "nickname": nickname,
                "response_data": data,
                "score": score,
                "is_correct": correct,
                "elapsed_ms": elapsed,
                "created_at": iso(created),
                "updated_at": iso(updated),
                "team_id": team,
            }
            buf.write(("" if first else ",") + json_text(row))
            first = False
            count += 1
            if on_progress is not None and count % chunk_size == 0:
                on_progress(count)
            if buf.size() >= FLUSH_CHARS:
                yield buf.take()
        buf.write("]")
        record, entries = activity_entries(activity, chunk_size)
        if record is not None:
            buf.write(f',"{record}s":[')
            for n, entry in enumerate(entries):
                stamps = {"created_at": iso(entry["created_at"]), "updated_at": iso(entry["updated_at"])}
                buf.write(("," if n else "") + json_text({**entry, **stamps}))
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
                "started_at": iso(start),
                "finished_at": iso(end),
            }
            for pid, nick, start, end in participant_times(session)
        ]
        buf.write(',"participants":' + json_text(people))
    buf.write(',"leaderboard":' + json_text(leaderboard(session, None)))
    buf.write(',"teams":' + json_text(team_leaderboard(session)))
    buf.write(f',"response_count":{count}}}\n')
    if on_progress is not None:
        on_progress(count)
    yield buf.take()
