"""Answers: the one-statement upsert (``response_store``) shared by the vote fast path and
``response_submit``, and the auto-reveal a completed round may trigger."""

from __future__ import annotations

import copy
import functools
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast
from uuid import UUID

from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import Field
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext

from core import state_version
from core.errors import (
    ActivityNotActive,
    AlreadyAnswered,
    NotOpenYet,
    NotStarted,
    SessionNotActive,
    ValidationFailed,
)
from participants.models import Participant
from participants.presence import presence_mark
from participants.services import missing_answer_row
from sessions_app import pace as session_pace
from sessions_app.models import SessionPace, SessionStatus
from sessions_app.services import session_clock_advance

from .. import selectors
from ..models import SELF_PACED_OPEN, Activity, ActivityStart, ActivityStatus, Response
from ..selectors import AnswerRules
from ..types import get_type
from .activities import activity_reveal


def _to_datetime(value: Any) -> datetime:
    """A timestamp column as returned by a raw query: a datetime on PostgreSQL, text on SQLite."""
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else value.replace(tzinfo=UTC)
    parsed = parse_datetime(str(value))
    if parsed is None:  # never: the column holds what Django wrote
        raise ValueError(f"unreadable timestamp {value!r}")
    return parsed if timezone.is_aware(parsed) else parsed.replace(tzinfo=UTC)


_UPSERT_FIELDS = (
    "id", "activity", "participant", "response_data", "score", "is_correct", "elapsed_ms",
    "created_at", "updated_at",
)  # fmt: skip


def _field(name: str) -> Field[Any, Any]:
    return cast("Field[Any, Any]", Response._meta.get_field(name))


def _upsert_sql(replace: bool) -> str:
    """One statement that stores an answer and says whether it is new.

    ``INSERT ... ON CONFLICT`` on the one-response-per-participant constraint: a race between two
    answers of one participant cannot make two rows. Replace types update the row in place (its id
    and created_at stay); one-answer types do nothing and return no row. The caller tells an
    insert from an update by the id: only an insert returns the id it proposed."""
    meta = Response._meta
    table = connection.ops.quote_name(meta.db_table)
    columns = [connection.ops.quote_name(_field(n).column) for n in _UPSERT_FIELDS]
    conflict = ", ".join(columns[1:3])
    if replace:
        updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in columns[3:7] + columns[8:])
        action = f"DO UPDATE SET {updates}"
    else:
        action = "DO NOTHING"
    returning = ", ".join(columns[i] for i in (0, 7, 8))
    placeholders = ", ".join(["%s"] * len(columns))
    # Only quoted identifiers from the model's metadata are interpolated; values are parameters.
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({placeholders}) "  # noqa: S608
    return sql + f"ON CONFLICT ({conflict}) {action} RETURNING {returning}"


_UPSERT_SQL: dict[tuple[str, bool], str] = {}


@dataclass(frozen=True, slots=True)
class StoredAnswer:
    """What ``response_store`` wrote: the row's fields (no model instance on the hot path)."""

    id: UUID
    activity_id: UUID
    participant_id: Any
    response_data: dict[str, Any]
    score: int | None
    is_correct: bool | None
    elapsed_ms: int | None
    created_at: datetime
    updated_at: datetime
    created: bool

    def as_model(self) -> Response:
        response = Response(
            id=self.id,
            activity_id=self.activity_id,
            participant_id=self.participant_id,
            response_data=self.response_data,
            score=self.score,
            is_correct=self.is_correct,
            elapsed_ms=self.elapsed_ms,
            created_at=self.created_at,
            updated_at=self.updated_at,
        )
        response._state.adding = False
        return response


_PREPARE_ONLY_WHEN_ASKED = 2**31 - 1


@functools.cache
def _preparing_cursor_class() -> type[Any]:
    """psycopg's server-binding cursor, its statements prepared (psycopg is imported on PostgreSQL
    only: a SQLite install may lack it)."""
    from psycopg import Cursor

    class PreparingCursor(Cursor[Any]):
        def execute(
            self, query: Any, params: Any = None, *, prepare: bool | None = None, binary: bool | None = None
        ) -> Any:
            # Django's CursorWrapper.execute passes (sql, params) only.
            return super().execute(query, params, prepare=True if prepare is None else prepare, binary=binary)

    return PreparingCursor


def _server_binding_cursor() -> CursorWrapper:
    """A cursor of Django's PostgreSQL connection that binds parameters on the server and runs its
    statements prepared, wrapped as ``connection.cursor()`` wraps its own (Django's error classes,
    query logging in tests).

    Django's cursors bind on the client (psycopg's ClientCursor, unless the whole site sets
    ``server_side_binding``): every vote would send the statement with its values quoted into it, and
    PostgreSQL would parse and plan it again. This one sends the values apart and prepares the
    statement once per connection (Django turns psycopg's automatic preparation off for poolers,
    ``prepare_threshold`` None: this cursor asks for it by itself; behind PgBouncer in transaction
    mode that needs PgBouncer 1.21+ with ``max_prepared_statements``, docs/operations.md).
    Measured: ~5 % of a vote's CPU (docs/performance.md). The steps are those of
    ``connection.cursor()``, through its public methods."""
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    raw = connection.connection
    if raw.prepare_threshold is None:
        # psycopg prepares nothing while the threshold is None, prepare=True or not. A threshold no
        # statement reaches: only this cursor's statements are prepared (Django's own cursors bind on
        # the client and are never prepared anyway).
        raw.prepare_threshold = _PREPARE_ONLY_WHEN_ASKED
    with connection.wrap_database_errors:
        cursor = _preparing_cursor_class()(raw)
    if connection.queries_logged:
        return connection.make_debug_cursor(cursor)
    return connection.make_cursor(cursor)


def _execute_upsert(sql: str, values: list[Any]) -> tuple[Any, ...] | None:
    """Run the upsert and return its row. On PostgreSQL through a cursor that binds on the server
    (prepared on its first use on a connection: :func:`_server_binding_cursor`), the JSON value
    handed to psycopg as Jsonb (psycopg adapts it; Django's field preparation would serialize it a
    second time); elsewhere through Django's cursor, every value through its field's own
    preparation."""
    if connection.vendor == "postgresql":
        from psycopg.types.json import Jsonb

        params = list(values)
        params[3] = Jsonb(params[3])
        with _server_binding_cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()
    params = [
        _field(name).get_db_prep_value(v, connection) for name, v in zip(_UPSERT_FIELDS, values, strict=True)
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def response_store(
    *, rules: AnswerRules, participant_id: Any, response_data: Any, now: datetime | None = None
) -> StoredAnswer:
    """Check and store one answer in one database round trip.

    The caller provides the activity's answer rules (fresh from the database, or from the cache
    tagged with the structure version) and handles the transaction: the vote fast path runs in
    autocommit, ``response_submit`` inside its own transaction."""
    now = now or timezone.now()
    activity = rules.activity
    activity_type = get_type(rules.type)
    if rules.pace == SessionPace.SELF:
        activity = _self_paced_answer_allowed(rules, participant_id, now)
    else:
        if rules.session_status != SessionStatus.ACTIVE:
            raise SessionNotActive()
        if rules.status != ActivityStatus.ACTIVE:
            raise ActivityNotActive()
    activity_type.check_answer_allowed(activity, now)
    data = activity_type.validate_response(activity, response_data)
    score = activity_type.score(activity, data, now)
    new_id = uuid.uuid4()
    scored = (score.score, score.is_correct, score.elapsed_ms) if score else (None, None, None)
    values = [new_id, activity.pk, participant_id, data, *scored, now, now]
    replace = activity_type.replace_on_reanswer
    sql = _UPSERT_SQL.get((connection.vendor, replace))
    if sql is None:
        sql = _UPSERT_SQL[(connection.vendor, replace)] = _upsert_sql(replace)
    try:
        row = _execute_upsert(sql, values)
    except IntegrityError:
        # The participant or the activity was deleted meanwhile (foreign keys): say which.
        raise missing_answer_row(participant_id) from None
    if row is None:  # a one-answer type, answered before
        raise AlreadyAnswered()
    returned = row[0] if isinstance(row[0], UUID) else UUID(str(row[0]))
    return StoredAnswer(
        id=returned,
        activity_id=activity.pk,
        participant_id=participant_id,
        response_data=data,
        score=scored[0],
        is_correct=scored[1],
        elapsed_ms=scored[2],
        created_at=_to_datetime(row[1]),
        updated_at=_to_datetime(row[2]),
        created=returned == new_id,
    )


def _self_paced_answer_allowed(rules: AnswerRules, participant_id: Any, now: datetime) -> Activity:
    """A self-paced session's rules (contract v1.2): the clock decides the session's status (and the
    first answer after a boundary writes it), every published or active activity is open, and a
    timed type counts from this participant's own start. Returns the Activity the type's rules see:
    for a timed type, one whose ``activated_at`` is that start."""
    status = session_pace.status_at(
        status=rules.session_status,
        pace=rules.pace,
        opens_at=rules.opens_at,
        closes_at=rules.closes_at,
        now=now,
    )
    if status != rules.session_status:
        session_clock_advance(session_id=rules.session_id, now=now)
    if session_pace.not_open_yet(status=status, pace=rules.pace, opens_at=rules.opens_at, now=now):
        raise NotOpenYet(gettext("This session opens at %(time)s.") % {"time": _iso(rules.opens_at)})
    if status != SessionStatus.ACTIVE:
        raise SessionNotActive()
    if rules.status not in SELF_PACED_OPEN:
        raise ActivityNotActive()
    if get_type(rules.type).per_person_seconds(rules.activity) is None:
        return rules.activity
    started_at = (
        ActivityStart.objects.filter(activity_id=rules.activity_id, participant_id=participant_id)
        .values_list("started_at", flat=True)
        .first()
    )
    if started_at is None:
        raise NotStarted()
    timed = copy.copy(rules.activity)
    timed.activated_at = started_at
    # No lead-in: it lines up a room's phones on one Next; here each person starts on their own,
    # so their time limit (and score) counts from their start itself.
    timed.config = {**rules.activity.config, "lead_in_seconds": 0}
    return timed


def _iso(value: datetime | None) -> str:
    return value.isoformat().replace("+00:00", "Z") if value else ""


def response_submit_fast(
    *,
    rules: AnswerRules,
    participant_id: Any,
    response_data: Any,
    counters: Sequence[tuple[str, int, int]] = (),
) -> StoredAnswer:
    """The vote fast path (activities.views.responses_view), in autocommit: the answer in one
    statement, then the state version and the caller's ``counters`` (its throttle window) in one
    cache round trip, and presence in this process's buffer (participants.presence)."""
    try:
        stored = response_store(rules=rules, participant_id=participant_id, response_data=response_data)
    except (OperationalError, InterfaceError):
        if connection.in_atomic_block:
            raise
        # A persistent connection that died with its server (restart, failover): one retry on a
        # new connection. In autocommit the failed statement did not commit, so this cannot store
        # the answer twice (and the unique constraint would refuse it if it did).
        connection.close()
        stored = response_store(rules=rules, participant_id=participant_id, response_data=response_data)
    state_version.bump_now(rules.session_id, structure=False, extra=counters)
    presence_mark(participant_id)
    _reveal_if_due(rules)
    return stored


@transaction.atomic
def response_submit(
    *, participant: Participant, activity: Activity, response_data: Any
) -> tuple[Response, bool]:
    """Store a participant's answer. Returns (response, created).

    Shares ``response_store`` with the fast path; the rules are read fresh from the database
    (the caller's copy may be from before an expiry)."""
    if participant.session_id != activity.session_id:
        raise ValidationFailed({"activity": ["This activity belongs to another session."]})
    rules = selectors.activity_answer_rules(activity.session_id, activity.pk)
    if rules is None:
        raise ActivityNotActive()
    stored = response_store(rules=rules, participant_id=participant.pk, response_data=response_data)
    state_version.bump_data(activity.session_id)
    presence_mark(participant.pk)
    _reveal_if_due(rules)
    return stored.as_model(), stored.created


def _reveal_if_due(rules: AnswerRules) -> None:
    """A type that reveals itself after the answer that completes a round (poker's auto-reveal).
    The reveal is a conditional UPDATE, so two last votes racing reveal once."""
    # reveal_due only reads the Activity; the reveal writes to it, so it gets a copy: the rules
    # (and their Activity) are shared by this process's later answers. (Copying on every answer
    # cost more than the check of a type that never reveals itself.)
    if get_type(rules.type).reveal_due(rules.activity, timezone.now()):
        activity_reveal(activity=copy.copy(rules.activity))
