"""Every write to a Participant: join, kick, presence."""

from __future__ import annotations

import hashlib
import logging
import secrets
import unicodedata
from typing import Any

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core import state_version
from core.errors import DomainError, NicknameTaken, NotFound, SessionNotActive, ValidationFailed
from core.text import is_blank
from sessions_app.audit import audit_record
from sessions_app.models import Session, SessionStatus, TeamAssignment

from .models import Participant
from .presence import presence_mark
from .selectors import REVOKED, TOKEN_TTL, token_cache_entry, token_cache_key
from .signals import participants_purging

logger = logging.getLogger("caja.participants")

NICKNAME_MAX = 30


class TokenRevoked(DomainError):
    """A participant token whose participant is gone (kicked, purged, a rehearsal wiped, a session
    deleted) found out in the middle of a request: 401, as the same token gets on every endpoint."""

    status_code = 401
    code = "NOT_AUTHENTICATED"
    default_message = _("Invalid or revoked participant token.")


def missing_answer_row(participant_id: Any) -> DomainError:
    """The error for an answer refused by a foreign key (a row deleted meanwhile): 401 when the
    participant went (a rehearsal wipe, a purge), else 404 for the activity."""
    if not Participant.objects.filter(pk=participant_id, kicked_at__isnull=True).exists():
        return TokenRevoked()
    return NotFound(gettext("Activity not found."))


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _has_forbidden_chars(text: str) -> bool:
    # Cc: control characters; Cf: format characters such as right-to-left overrides and
    # zero-width joiners, which let a nickname impersonate another on screen.
    return any(unicodedata.category(ch) in {"Cc", "Cf", "Cs", "Co", "Cn"} for ch in text)


def normalize_nickname(raw: object) -> tuple[str, str]:
    """Return (nickname as shown, comparison key) or raise ValidationFailed."""
    if not isinstance(raw, str):
        raise ValidationFailed({"nickname": [gettext("Must be a string.")]})
    nickname = unicodedata.normalize("NFC", " ".join(raw.split()))
    if not nickname or is_blank(nickname):
        raise ValidationFailed({"nickname": [gettext("A nickname is required.")]})
    if len(nickname) > NICKNAME_MAX:
        raise ValidationFailed({"nickname": [gettext("At most %(n)s characters.") % {"n": NICKNAME_MAX}]})
    if _has_forbidden_chars(raw.strip()):
        raise ValidationFailed({"nickname": [gettext("Control or formatting characters are not allowed.")]})
    key = unicodedata.normalize("NFKC", nickname).casefold()
    return nickname, key


def _team_for_join(session_id: Any, teams: list[dict[str, Any]], assignment: str, team_id: Any) -> str:
    """The team a joining participant goes to ("" without teams). Called in the join's transaction
    with the session row locked when the server picks, so racing auto joins count each other."""
    if not teams:
        if team_id not in (None, ""):
            raise ValidationFailed({"team_id": [gettext("This session has no teams.")]})
        return ""
    ids = [t["id"] for t in teams]
    if assignment == TeamAssignment.AUTO:
        # The team with the fewest members (kicked participants no longer count), ties by team
        # order; a team_id sent anyway is ignored: the server decides.
        counts = dict(
            Participant.objects.filter(session_id=session_id, kicked_at__isnull=True, team_id__in=ids)
            .order_by()
            .values_list("team_id")
            .annotate(n=Count("id"))
            .values_list("team_id", "n")
        )
        return min(ids, key=lambda i: (counts.get(i, 0), ids.index(i)))
    if team_id in (None, ""):
        raise ValidationFailed({"team_id": [gettext("Choose a team.")]})
    if team_id not in ids:
        raise ValidationFailed({"team_id": [gettext("No such team in this session.")]})
    return str(team_id)


@transaction.atomic
def participant_join(
    *, session: Session, nickname: str, team_id: str | None = None
) -> tuple[Participant, str]:
    """Join a draft (lobby) or active session. Returns the participant and its token, shown once.

    With teams, ``team_id`` is required when participants choose (400 without it, or for a team
    the session lacks); with ``auto`` the server picks the smallest team under a lock of the
    session row (SELECT ... FOR UPDATE: PostgreSQL serializes racing joins there)."""
    shown, key = normalize_nickname(nickname)
    rows = Session.objects.filter(pk=session.pk)
    if session.teams and session.team_assignment == TeamAssignment.AUTO:
        rows = rows.select_for_update()
    row = rows.values("status", "teams", "team_assignment").first()
    if row is None or row["status"] == SessionStatus.COMPLETED:
        raise SessionNotActive(gettext("This session has ended."))
    team = _team_for_join(session.pk, row["teams"] or [], row["team_assignment"], team_id)
    token = secrets.token_urlsafe(32)
    try:
        # The unique constraint decides between racing joins; a savepoint keeps the
        # outer transaction usable after the IntegrityError.
        with transaction.atomic():
            participant = Participant.objects.create(
                session=session,
                nickname=shown,
                nickname_key=key,
                token_hash=hash_token(token),
                team_id=team,
            )
    except IntegrityError:
        raise NicknameTaken(details={"nickname": shown}) from None
    # The phone's first vote follows within seconds: let the vote fast path find the token in
    # the cache (an add: a kick's revocation, set later, always wins).
    entry = token_cache_entry(participant.pk, session.pk)
    key = token_cache_key(participant.token_hash or "")
    transaction.on_commit(lambda: _cache_add_quietly(key, entry))
    # A join changes the count on screen, not whether anyone may answer.
    state_version.bump_data(session.pk)
    return participant, token


def _cache_add_quietly(key: str, value: str) -> None:
    try:
        cache.add(key, value, timeout=TOKEN_TTL)
    except Exception:  # the vote path looks the token up in the database instead
        logger.warning("token cache unavailable", exc_info=True)


@transaction.atomic
def participant_kick(*, participant: Participant, purge: bool = False, actor: Any = None) -> None:
    """Remove a participant: the token stops working at once. Their answers stay counted
    unless ``purge``; a purged participant disappears with their answers."""
    token_hash = participant.token_hash
    audit_record(
        session=participant.session_id,
        actor=actor,
        action="participant.kick",
        target_type="participant",
        target_id=participant.pk,
        details={"nickname": participant.nickname, "purge": purge},
    )
    if purge:
        # The layers above take back what the participant's rows counted (Q&A upvotes).
        participants_purging.send(sender=Participant, participant_ids=[participant.pk])
        participant.delete()
    else:
        now = timezone.now()
        Participant.objects.filter(pk=participant.pk).update(kicked_at=now, token_hash=None)
    tokens_revoke([token_hash])
    state_version.bump(participant.session_id)


@transaction.atomic
def participant_move(*, participant: Participant, team_id: Any, actor: Any = None) -> Participant:
    """Move a participant to another of the session's teams (400 for a team the session lacks).
    Their answers go with them: a team's score is its current members' points."""
    teams = Session.objects.filter(pk=participant.session_id).values_list("teams", flat=True).first() or []
    ids = [t["id"] for t in teams]
    if not isinstance(team_id, str) or team_id not in ids:
        raise ValidationFailed({"team_id": [gettext("No such team in this session.")]})
    old = participant.team_id
    if old != team_id:
        Participant.objects.filter(pk=participant.pk).update(team_id=team_id)
        participant.team_id = team_id
        audit_record(
            session=participant.session_id,
            actor=actor,
            action="participant.move",
            target_type="participant",
            target_id=participant.pk,
            details={"nickname": participant.nickname, "from": old, "to": team_id},
        )
        state_version.bump(participant.session_id)
    return participant


def tokens_revoke(token_hashes: list[str | None]) -> None:
    """Once the transaction commits, every token of ``token_hashes`` answers 401 on every endpoint
    and every worker: the hot paths resolve tokens through the shared cache, so the cached entries
    are overwritten with REVOKED (a set, which a racing lookup's add cannot undo; see
    participants.selectors)."""
    keys = [token_cache_key(h) for h in token_hashes if h]
    if not keys:
        return

    def revoke() -> None:
        try:
            cache.set_many(dict.fromkeys(keys, REVOKED), timeout=TOKEN_TTL)
        except Exception:  # no cache: the lookups go to the database, which no longer has them
            logger.warning("token cache unavailable; could not revoke %s tokens", len(keys), exc_info=True)

    transaction.on_commit(revoke)


def participants_delete_all(*, session_id: Any) -> int:
    """Delete every participant of a session (a rehearsal wipe, a session deletion) with their
    answers, revoking their tokens at once, as a kick does. Returns how many went."""
    hashes = list(Participant.objects.filter(session_id=session_id).values_list("token_hash", flat=True))
    Participant.objects.filter(session_id=session_id).delete()
    tokens_revoke(hashes)
    return len(hashes)


def revoke_session_tokens(sender: Any, *, session_id: Any, **kwargs: Any) -> None:
    """sessions_app's ``session_deleting``: the tokens of a session about to be deleted stop
    working (the rows go with the session's cascade)."""
    tokens_revoke(
        list(Participant.objects.filter(session_id=session_id).values_list("token_hash", flat=True))
    )


def participant_touch(*, participant: Participant) -> None:
    """Record that the participant was seen (buffered; see participants.presence)."""
    presence_mark(participant.pk)
