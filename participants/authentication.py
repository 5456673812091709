"""X-Participant-Token authentication: the token's sha256 is looked up; the token is never stored."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions
from rest_framework.request import Request

from .models import Participant
from .tokens import HEADER, participant_for_token

__all__ = ["HEADER", "ParticipantTokenAuthentication", "ParticipantTokenScheme"]


class ParticipantTokenAuthentication(authentication.BaseAuthentication):
    """Sets ``request.auth`` to the Participant; ``request.user`` stays anonymous."""

    def authenticate(self, request: Request) -> tuple[Any, Participant] | None:
        token = request.headers.get(HEADER)
        if token is None:
            return None
        participant = participant_for_token(token)
        if participant is None:
            raise exceptions.AuthenticationFailed(gettext("Invalid or revoked participant token."))
        return AnonymousUser(), participant

    def authenticate_header(self, request: Request) -> str:
        return "Participant-Token"


class ParticipantTokenScheme(OpenApiAuthenticationExtension):
    target_class = "participants.authentication.ParticipantTokenAuthentication"
    name = "ParticipantToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "apiKey", "in": "header", "name": HEADER}
