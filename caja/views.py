"""Base API view pieces shared by the apps: per-method authentication and permissions."""

from __future__ import annotations

from typing import Any, ClassVar

from django.http import HttpRequest
from rest_framework import permissions
from rest_framework.authentication import BaseAuthentication, SessionAuthentication
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework_simplejwt.authentication import JWTAuthentication

from caja.permissions import IsOrganizer

ORGANIZER_AUTH: list[type[BaseAuthentication]] = [JWTAuthentication, SessionAuthentication]


class RoleView(GenericAPIView):
    """A view whose methods may each belong to a different role.

    ``roles = {"GET": "organizer", "POST": "public"}``. Roles: ``organizer`` (JWT or session
    login), ``participant`` (X-Participant-Token), ``public`` (no credentials: nothing is parsed,
    so a stale admin cookie cannot make a public POST fail its CSRF check), ``viewer`` (anyone,
    but organizer credentials, when sent, are recognized: the owner may see more).
    """

    roles: ClassVar[dict[str, str]] = {}
    # Set by the participants layer (caja does not import higher layers).
    participant_authentication: ClassVar[type[BaseAuthentication] | None] = None
    participant_permission: ClassVar[type[permissions.BasePermission] | None] = None
    _method: str | None = None

    def initialize_request(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Request:
        self._method = request.method
        return super().initialize_request(request, *args, **kwargs)

    def _role(self) -> str:
        method = self._method or (self.request.method if getattr(self, "request", None) else "GET")
        if method in ("HEAD", "OPTIONS"):
            method = "GET"
        return self.roles.get(method or "GET", "organizer")

    def get_authenticators(self) -> list[BaseAuthentication]:
        role = self._role()
        if role == "public":
            return []
        if role == "participant" and self.participant_authentication is not None:
            return [self.participant_authentication()]
        return [auth() for auth in ORGANIZER_AUTH]

    def get_permissions(self) -> list[permissions.BasePermission]:
        role = self._role()
        if role in ("public", "viewer"):
            return [permissions.AllowAny()]
        if role == "participant" and self.participant_permission is not None:
            return [self.participant_permission()]
        return [IsOrganizer()]
