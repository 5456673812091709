"""Reads of activities and responses that feed API responses."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from caja.errors import NotFound
from sessions_app import selectors as session_selectors
from sessions_app.models import Session

from .models import Activity


def activity_get_for(
    user: AbstractBaseUser | AnonymousUser, session_id: Any, activity_id: Any
) -> tuple[Session, Activity]:
    session = session_selectors.session_get_for(user, session_id)
    activity = Activity.objects.filter(session=session, pk=activity_id).first()
    if activity is None:
        raise NotFound("Activity not found.")
    activity.session = session
    return session, activity


def activity_get_owned(user: AbstractBaseUser | AnonymousUser, activity_id: Any) -> Activity:
    """An activity by id alone (``/activities/{aid}/status``), scoped to the organizer's sessions."""
    sessions = session_selectors.session_queryset_for(user)
    activity = (
        Activity.objects.select_related("session")
        .filter(pk=activity_id, session__in=sessions.values("pk"))
        .first()
    )
    if activity is None:
        raise NotFound("Activity not found.")
    return activity


def activity_get_public(session_id: Any, activity_id: Any) -> Activity:
    activity = (
        Activity.objects.select_related("session").filter(session_id=session_id, pk=activity_id).first()
    )
    if activity is None:
        raise NotFound("Activity not found.")
    return activity
