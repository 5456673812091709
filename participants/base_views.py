"""The role-aware base view with participant-token support, for this layer and the ones above."""

from __future__ import annotations

from typing import Any, NoReturn

from rest_framework.exceptions import NotAuthenticated
from rest_framework.request import Request

from core.views import RoleView

from .authentication import ParticipantTokenAuthentication
from .models import Participant
from .permissions import IsParticipant
from .tokens import HEADER, missing_token_message


class ParticipantRoleView(RoleView):
    participant_authentication = ParticipantTokenAuthentication
    participant_permission = IsParticipant

    def permission_denied(
        self, request: Request, message: str | None = None, code: str | None = None
    ) -> NoReturn:
        # Organizer credentials on a participant action: say which credentials are needed.
        if (
            self._role() == "participant"
            and not isinstance(request.auth, Participant)
            and not request.headers.get(HEADER)
            and request.headers.get("Authorization")
        ):
            raise NotAuthenticated(missing_token_message(request.headers))
        super().permission_denied(request, message=message, code=code)

    @property
    def participant(self) -> Participant:
        auth: Any = self.request.auth
        if not isinstance(auth, Participant):  # only reachable through a misconfigured view
            raise NotAuthenticated()
        return auth
