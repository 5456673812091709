from __future__ import annotations

from typing import Any

from rest_framework.permissions import BasePermission
from rest_framework.request import Request


class IsOrganizer(BasePermission):
    """An authenticated Django user (JWT or session login)."""

    message = "Organizer credentials are required."

    def has_permission(self, request: Request, view: Any) -> bool:
        return bool(request.user and request.user.is_authenticated)


class IsParticipant(BasePermission):
    """A request authenticated by X-Participant-Token (request.auth is the Participant)."""

    message = "A participant token is required."

    def has_permission(self, request: Request, view: Any) -> bool:
        auth = request.auth
        return (
            auth is not None
            and getattr(auth, "_meta", None) is not None
            and auth._meta.label == "participants.Participant"
        )
