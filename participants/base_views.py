"""The role-aware base view with participant-token support, for this layer and the ones above."""

from __future__ import annotations

from typing import Any

from rest_framework.exceptions import NotAuthenticated

from core.views import RoleView

from .authentication import ParticipantTokenAuthentication
from .models import Participant
from .permissions import IsParticipant


class ParticipantRoleView(RoleView):
    participant_authentication = ParticipantTokenAuthentication
    participant_permission = IsParticipant

    @property
    def participant(self) -> Participant:
        auth: Any = self.request.auth
        if not isinstance(auth, Participant):  # only reachable through a misconfigured view
            raise NotAuthenticated()
        return auth
