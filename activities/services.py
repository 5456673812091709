"""Every write to activities, responses and hidden words. Type rules come from the registry."""

from __future__ import annotations

import copy
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast
from uuid import UUID

from django.db import IntegrityError, InterfaceError, OperationalError, connection, transaction
from django.db.models import Field, Max
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext

from core import state_version
from core import text as text_rule
from core.errors import (
    ActivityNotActive,
    AlreadyAnswered,
    InvalidTransition,
    SessionNotActive,
    ValidationFailed,
)
from core.lifecycle import transition_apply, transition_check
from participants.models import Participant
from participants.presence import presence_mark
from participants.services import missing_answer_row, participants_delete_all
from sessions_app.models import NAME_MAX, Session, SessionStatus
from sessions_app.services import session_back_to_draft, session_create

from . import selectors
from .models import TITLE_MAX, Activity, ActivityStatus, HiddenWord, Response
from .selectors import AnswerRules
from .types import get_type
from .types.qna import services as qna_services

ACTIVITY_TRANSITIONS: dict[str, set[str]] = {
    ActivityStatus.DRAFT: {ActivityStatus.PUBLISHED, ActivityStatus.ACTIVE},
    ActivityStatus.PUBLISHED: {ActivityStatus.ACTIVE},
    ActivityStatus.ACTIVE: {ActivityStatus.EXPIRED},
    ActivityStatus.EXPIRED: set(),
}
EDITABLE_STATUSES = {ActivityStatus.DRAFT, ActivityStatus.PUBLISHED}
# A Q&A may run beside the live activity while published; the organizer closes it from there.
QNA_TRANSITIONS: dict[str, set[str]] = {
    **ACTIVITY_TRANSITIONS,
    ActivityStatus.PUBLISHED: {ActivityStatus.ACTIVE, ActivityStatus.EXPIRED},
}


def _clean_title(title: Any) -> str:
    if not isinstance(title, str):
        raise ValidationFailed({"title": ["Must be a string."]})
    title = "" if text_rule.is_blank(title) else text_rule.clean_text(title)
    if text_rule.has_control(title):
        raise ValidationFailed({"title": [gettext("Must not contain control characters.")]})
    if len(title) > TITLE_MAX:
        raise ValidationFailed({"title": [f"At most {TITLE_MAX} characters."]})
    return title


@transaction.atomic
def activity_create(
    *,
    session: Session,
    type: str,
    config: Any = None,
    title: str = "",
    order: int | None = None,
) -> Activity:
    activity_type = get_type(type)
    clean_config = activity_type.validate_config(activity_type.default_config() if config is None else config)
    if order is None:
        # New activities go last. Lock the session row so two concurrent creates do not pick
        # the same order.
        Session.objects.select_for_update().filter(pk=session.pk).first()
        last = Activity.objects.filter(session=session).aggregate(m=Max("order"))["m"]
        order = 1 if last is None else last + 1
    activity = Activity.objects.create(
        session=session, type=type, title=_clean_title(title), config=clean_config, order=order
    )
    state_version.bump(session.pk)
    return activity


@transaction.atomic
def activity_update(
    *,
    activity: Activity,
    title: str | None = None,
    config: Any = None,
    order: int | None = None,
) -> Activity:
    values: dict[str, Any] = {}
    if title is not None:
        values["title"] = _clean_title(title)
    if order is not None:
        values["order"] = order
    if config is not None:
        clean = get_type(activity.type).validate_config(config)
        values["config"] = clean
        # The config may change only before the activity goes live: conditional on the status.
        values["updated_at"] = timezone.now()
        changed = Activity.objects.filter(pk=activity.pk, status__in=EDITABLE_STATUSES).update(**values)
        if not changed:
            current = Activity.objects.filter(pk=activity.pk).values_list("status", flat=True).first()
            raise InvalidTransition(
                from_=current,
                to="edited",
                message="The configuration can only change while the activity is draft or published.",
            )
    elif values:
        values["updated_at"] = timezone.now()
        Activity.objects.filter(pk=activity.pk).update(**values)
    for k, v in values.items():
        setattr(activity, k, v)
    if values:
        state_version.bump(activity.session_id)
    return activity


@transaction.atomic
def activity_delete(*, activity: Activity) -> None:
    session_id = activity.session_id
    Session.objects.filter(pk=session_id, current_activity=activity).update(current_activity=None)
    activity.delete()
    # Drop the shared snapshot too: the next poll rebuilds at once (no pacing) and the
    # activity's /status is 404 from then on.
    state_version.forget(session_id)


def _expire_others(session_id: Any, keep: Any, now: Any) -> None:
    Activity.objects.filter(session_id=session_id, status=ActivityStatus.ACTIVE).exclude(pk=keep).update(
        status=ActivityStatus.EXPIRED, expired_at=now, updated_at=now
    )


def activities_expire_live(*, session: Session, now: datetime) -> None:
    """The session's live activity ends with it (sessions_app's session_completed signal)."""
    Activity.objects.filter(session=session, status=ActivityStatus.ACTIVE).update(
        status=ActivityStatus.EXPIRED, expired_at=now, updated_at=now
    )


@transaction.atomic
def activity_set_status(*, activity: Activity, status: str) -> Activity:
    """Move an activity along draft → published → active → expired (or draft → active)."""
    transitions = QNA_TRANSITIONS if activity.type == "qna" else ACTIVITY_TRANSITIONS
    transition_check(transitions, current=activity.status, to=status)
    qna_services.ensure_one_open(activity=activity, to=status)
    now = timezone.now()
    extra: dict[str, Any] = {}
    if status == ActivityStatus.ACTIVE:
        # Serialize activations per session on the session row (rare, organizer-driven), so
        # "expire the others, activate this one" is atomic; the partial unique index on
        # (session) WHERE status='active' backs it up at the database level.
        session = Session.objects.select_for_update().get(pk=activity.session_id)
        if session.status != SessionStatus.ACTIVE:
            raise SessionNotActive("Start the session before activating an activity.")
        _expire_others(activity.session_id, activity.pk, now)
        extra = {"activated_at": now, "revealed_at": None}
    elif status == ActivityStatus.EXPIRED:
        extra = {"expired_at": now}
    transition_apply(activity, to=status, now=now, **extra)
    if status == ActivityStatus.ACTIVE:
        Session.objects.filter(pk=activity.session_id).update(current_activity=activity, updated_at=now)
    state_version.bump(activity.session_id)
    return activity


@transaction.atomic
def activity_activate_next(*, session: Session) -> Activity:
    """Activate the next activity by order (expiring the current one)."""
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.status != SessionStatus.ACTIVE:
        raise SessionNotActive("Start the session before moving to the next activity.")
    activities = Activity.objects.filter(session=session)
    current = (
        activities.filter(pk=session.current_activity_id).first() if session.current_activity_id else None
    )
    pending = activities.filter(status__in=EDITABLE_STATUSES)
    if current is not None:
        pending = pending.filter(order__gte=current.order).exclude(pk=current.pk)
    nxt = pending.order_by("order", "created_at").first()
    if nxt is None:
        raise InvalidTransition(
            from_=current.status if current else None,
            to="next",
            message="There is no activity left to activate.",
        )
    return activity_set_status(activity=nxt, status=ActivityStatus.ACTIVE)


@transaction.atomic
def activity_reveal(*, activity: Activity) -> Activity:
    activity_type = get_type(activity.type)
    if not activity_type.supports_reveal:
        raise InvalidTransition(
            from_=activity.status, to="revealed", message=f"A {activity_type.label} has nothing to reveal."
        )
    if activity.status not in {ActivityStatus.ACTIVE, ActivityStatus.EXPIRED}:
        raise InvalidTransition(
            from_=activity.status, to="revealed", message="Only a live or finished activity can be revealed."
        )
    now = timezone.now()
    changed = Activity.objects.filter(pk=activity.pk, revealed_at__isnull=True).update(
        revealed_at=now, updated_at=now
    )
    if changed:
        activity.revealed_at = now
        activity.updated_at = now
        state_version.bump(activity.session_id)
    return activity


@transaction.atomic
def activity_reset(*, activity: Activity) -> Activity:
    """Start a new round: the finished round's results go to ``history``, its votes are cleared."""
    activity_type = get_type(activity.type)
    if not activity_type.supports_reset:
        raise InvalidTransition(
            from_=activity.status, to="reset", message=f"A {activity_type.label} cannot be reset."
        )
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if activity.status != ActivityStatus.ACTIVE:
        raise InvalidTransition(
            from_=activity.status, to="reset", message="Only a live activity can be reset."
        )
    activity_type.on_reset(activity)
    now = timezone.now()
    results = activity_type.full_results(activity)
    history = list(activity.history) + [
        {"round": activity.round, "ended_at": now.isoformat(), "results": results}
    ]
    Response.objects.filter(activity=activity).delete()
    Activity.objects.filter(pk=activity.pk).update(
        round=activity.round + 1, history=history, revealed_at=None, updated_at=now
    )
    activity.round += 1
    activity.history = history
    activity.revealed_at = None
    activity.updated_at = now
    state_version.bump(activity.session_id)
    return activity


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


def _execute_upsert(sql: str, values: list[Any]) -> tuple[Any, ...] | None:
    """Run the upsert and return its row. On PostgreSQL through a server-side-binding psycopg
    cursor (psycopg prepares the statement after a few uses: no client-side quoting, no
    re-planning), wrapped like Django's own cursors (error classes, query logging in tests);
    elsewhere through Django's cursor."""
    if connection.vendor == "postgresql":
        from psycopg import Cursor
        from psycopg.types.json import Jsonb

        values[3] = Jsonb(values[3])
        connection.ensure_connection()
        # _prepare_cursor is what connection.cursor() applies to its own cursors.
        with connection._prepare_cursor(Cursor(connection.connection)) as cursor:  # type: ignore[attr-defined]
            cursor.execute(sql, values)
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
    if rules.session_status != SessionStatus.ACTIVE:
        raise SessionNotActive()
    if rules.status != ActivityStatus.ACTIVE:
        raise ActivityNotActive()
    activity = rules.activity
    activity_type = get_type(rules.type)
    now = now or timezone.now()
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


@transaction.atomic
def response_set_hidden(*, response: Response, hidden: bool) -> Response:
    """Take one answer off the public results, or put it back (open text's wall)."""
    activity = response.activity
    activity_type = get_type(activity.type)
    if not activity_type.supports_hidden_answers:
        raise ValidationFailed(
            {"hidden": [f"A {activity_type.label}'s answers cannot be hidden one by one."]}
        )
    if Response.objects.filter(pk=response.pk).exclude(hidden=hidden).update(hidden=hidden):
        state_version.bump_data(activity.session_id)
    response.hidden = hidden
    return response


@transaction.atomic
def hidden_word_add(*, activity: Activity, text: str) -> HiddenWord:
    activity_type = get_type(activity.type)
    if not activity_type.supports_hidden_words:
        raise ValidationFailed({"text": [f"A {activity_type.label} has no words to hide."]})
    key = activity_type.normalize_word(text)
    word, _ = HiddenWord.objects.get_or_create(activity=activity, text=key)
    state_version.bump_data(activity.session_id)
    return word


@transaction.atomic
def hidden_word_remove(*, activity: Activity, text: str) -> bool:
    activity_type = get_type(activity.type)
    if not activity_type.supports_hidden_words:
        return False
    key = activity_type.normalize_word(text)
    if "\x00" in key:  # never stored (refused on add); PostgreSQL would reject the query
        return False
    deleted, _ = HiddenWord.objects.filter(activity=activity, text=key).delete()
    if deleted:
        state_version.bump_data(activity.session_id)
    return bool(deleted)


@transaction.atomic
def session_rehearsal_end(*, session: Session) -> Session:
    """End a rehearsal: its participants go (and with them their answers, questions and upvotes),
    its activities return to draft (rounds, reveals, history and hidden words cleared), and the
    session returns to draft with the same join code (a fresh one if another open session took it),
    ready for the real event. Allowed while the rehearsal is active or completed (by its organizer
    or close_stale_sessions): the one way out of ``completed``, because nothing of a rehearsal is
    kept. Here, not in sessions_app, because
    it deletes participants and resets activities (imports flow one way)."""
    locked = Session.objects.select_for_update().get(pk=session.pk)
    if not locked.rehearsal:
        raise InvalidTransition(from_=locked.status, to="draft", message="This session is not a rehearsal.")
    now = timezone.now()
    Session.objects.filter(pk=locked.pk).update(current_activity=None)
    participants_delete_all(session_id=locked.pk)  # their tokens are revoked at once, as a kick's
    Activity.objects.filter(session_id=locked.pk).update(
        status=ActivityStatus.DRAFT,
        activated_at=None,
        expired_at=None,
        revealed_at=None,
        round=1,
        history=[],
        updated_at=now,
    )
    # What the organizer did during the rehearsal goes too (the questions, their pins and
    # moderation, and the open-text answers went with the participants).
    HiddenWord.objects.filter(activity__session_id=locked.pk).delete()
    session_back_to_draft(session_id=locked.pk, now=now)  # a fresh join code if it was taken
    locked.refresh_from_db()
    state_version.forget(locked.pk)
    return locked


@transaction.atomic
def session_duplicate(*, session: Session, owner: Any) -> Session:
    """A new draft session (new join code) with copies of ``session``'s activities: same type,
    title, config and order, status draft. No participants, responses, hidden words or history.

    Lives here, not in sessions_app, because it creates activities (imports flow one way)."""
    suffix = " (copy)"
    copy = session_create(
        owner=owner, name=session.name[: NAME_MAX - len(suffix)] + suffix, description=session.description
    )
    for activity in Activity.objects.filter(session=session).order_by("order", "created_at"):
        activity_create(
            session=copy,
            type=activity.type,
            config=activity.config,
            title=activity.title,
            order=activity.order,
        )
    return copy
