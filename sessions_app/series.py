"""Series of sessions (contract v1.2, "Series and trends"): their writes, shared by the API, the admin
and the commands (through sessions_app.services)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from core import state_version
from core.errors import InvalidTransition, ValidationFailed

from .audit import audit_record
from .models import Series, Session, SessionStatus
from .signals import session_series_changing
from .validation import validate_text


class SeriesHasLiveSession(InvalidTransition):
    def __init__(self) -> None:
        super().__init__(
            from_="active",
            to="deleted",
            message=gettext(
                "This series has a live session: complete it before deleting the series "
                "(deleting a series keeps its sessions)."
            ),
        )


@transaction.atomic
def series_create(*, owner: Any, name: str) -> Series:
    values = validate_text(name=name)
    return Series.objects.create(owner=owner, name=values["name"])


@transaction.atomic
def series_update(*, series: Series, name: str | None = None) -> Series:
    if name is not None:
        series.name = validate_text(name=name)["name"]
        Series.objects.filter(pk=series.pk).update(name=series.name, updated_at=timezone.now())
    return series


@transaction.atomic
def series_delete(*, series: Series, actor: Any = None) -> None:
    """Delete a series; its sessions stay, unlinked (each gets an audit entry). Refused (409) while
    one of its sessions is live: that session's big screen shows the series' last results."""
    # Lock the sessions so none starts between the check and the unlink.
    sessions = list(Session.objects.select_for_update().filter(series=series).order_by("pk"))
    if any(s.status == SessionStatus.ACTIVE for s in sessions):
        raise SeriesHasLiveSession()
    for session in sessions:
        audit_record(
            session=session,
            actor=actor,
            action="session.series",
            target_type="series",
            target_id=series.pk,
            details={"from": str(series.pk), "to": None, "reason": "series deleted"},
        )
    Session.objects.filter(series=series).update(series=None, updated_at=timezone.now())
    series.delete()
    for session in sessions:
        state_version.bump(session.pk)


@transaction.atomic
def session_set_series(*, session: Session, series: Series | None, actor: Any = None) -> Session:
    """Put ``session`` into ``series`` (one of the session's owner's: checked by the caller with
    roles.can_join_series), or take it out (None). A tracked activity whose key the series uses for
    another type refuses the move (400, from the activities app's session_series_changing receiver)."""
    old = session.series_id
    new = series.pk if series is not None else None
    if old == new:
        return session
    if series is not None:
        if series.owner_id != session.owner_id:
            raise ValidationFailed({"series_id": [gettext("A session can only join a series of its owner.")]})
        session_series_changing.send(sender=Session, session=session, series=series)
    Session.objects.filter(pk=session.pk).update(series_id=new, updated_at=timezone.now())
    session.series_id = new
    state_version.bump(session.pk)
    audit_record(
        session=session,
        actor=actor,
        action="session.series",
        target_type="series",
        target_id=new or old,
        details={"from": str(old) if old else None, "to": str(new) if new else None},
    )
    return session
