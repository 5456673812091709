"""Base API view pieces shared by the apps: per-method authentication and permissions."""

from __future__ import annotations

from typing import Any, ClassVar, NoReturn

from django.http import HttpRequest
from django.utils.translation import gettext
from rest_framework import exceptions, permissions
from rest_framework.authentication import BaseAuthentication, SessionAuthentication
from rest_framework.generics import GenericAPIView
from rest_framework.request import Request
from rest_framework_simplejwt.authentication import JWTAuthentication

from core.api_keys import ApiKeyAuthentication
from core.errors import Forbidden
from core.permissions import IsOrganizer

# JWT first: its scheme (Bearer) is the one a 401 names in WWW-Authenticate.
ORGANIZER_AUTH: list[type[BaseAuthentication]] = [
    JWTAuthentication,
    ApiKeyAuthentication,
    SessionAuthentication,
]

# The participants app hands its token authentication down when it is ready (core imports no
# higher app, by import or by string), so that every RoleView, also one of a lower app, can tell
# a participant on an organizer-only action (403) from no credentials at all (401).
participant_token_authentication: type[BaseAuthentication] | None = None


def _valid_participant_token(request: Request, auth_class: type[BaseAuthentication] | None) -> bool:
    klass = auth_class or participant_token_authentication
    if klass is None or not request.headers.get("X-Participant-Token"):
        return False
    try:
        return klass().authenticate(request) is not None
    except exceptions.APIException:
        return False


class RoleView(GenericAPIView):
    """A view whose methods may each belong to a different role.

    ``roles = {"GET": "organizer", "POST": "public"}``. Roles: ``organizer`` (JWT or session
    login), ``participant`` (X-Participant-Token), ``public`` (no credentials: nothing is parsed,
    so a stale admin cookie cannot make a public POST fail its CSRF check), ``viewer`` (anyone,
    but organizer credentials, when sent, are recognized: the owner may see more).
    """

    roles: ClassVar[dict[str, str]] = {}
    # Set by the participants layer (core imports no higher app).
    participant_authentication: ClassVar[type[BaseAuthentication] | None] = None
    participant_permission: ClassVar[type[permissions.BasePermission] | None] = None
    _method: str | None = None

    def initialize_request(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Request:
        self._method = request.method
        return super().initialize_request(request, *args, **kwargs)

    def _role(self) -> str:
        method = self._method or (self.request.method if getattr(self, "request", None) else "GET")
        if method == "OPTIONS":
            # Preflights carry no credentials, and the answer describes no one's data.
            return "public"
        if method == "HEAD":
            method = "GET"
        method = method or "GET"
        if method.lower() not in self.http_method_names or not hasattr(self, method.lower()):
            # A method the view does not implement: no credentials needed to learn it is 405.
            return "public"
        return self.roles.get(method, "organizer")

    def get_authenticators(self) -> list[BaseAuthentication]:
        role = self._role()
        if role == "public":
            return []
        if role == "participant" and self.participant_authentication is not None:
            return [self.participant_authentication()]
        return [auth() for auth in ORGANIZER_AUTH]

    def permission_denied(
        self, request: Request, message: str | None = None, code: str | None = None
    ) -> NoReturn:
        # A valid participant token on an organizer-only action: authenticated, but not allowed (403).
        if (
            self._role() == "organizer"
            and not (request.user and request.user.is_authenticated)
            and _valid_participant_token(request, self.participant_authentication)
        ):
            raise Forbidden(
                gettext("This action needs organizer credentials; a participant token cannot do it.")
            )
        super().permission_denied(request, message=message, code=code)

    def get_permissions(self) -> list[permissions.BasePermission]:
        role = self._role()
        if role in ("public", "viewer"):
            return [permissions.AllowAny()]
        if role == "participant" and self.participant_permission is not None:
            return [self.participant_permission()]
        return [IsOrganizer()]
