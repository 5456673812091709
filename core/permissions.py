from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission
from rest_framework.request import Request


def user_is_organizer(user: Any) -> bool:
    """Who is an organizer, everywhere (API, admin, pages): an active staff user."""
    return bool(user is not None and user.is_authenticated and user.is_active and user.is_staff)


class IsOrganizer(BasePermission):
    """An organizer (see user_is_organizer), by JWT or session login. Another authenticated user
    gets 403 PERMISSION_DENIED, an anonymous one 401."""

    message = _("Organizers are active staff users; this account is not one.")

    def has_permission(self, request: Request, view: Any) -> bool:
        return user_is_organizer(request.user)
