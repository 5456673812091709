from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from .models import Participant


class IsParticipant(BasePermission):
    """A request authenticated by X-Participant-Token (request.auth is the Participant)."""

    message = _("A participant token is required.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return isinstance(request.auth, Participant)
