"""Participants in the admin: read-only records, for any member of the session's team
(sessions_app/admin_roles.py).

Nothing is added or edited here; the only write is kicking (``participant_kick``, the same
service as ``DELETE /api/v1/sessions/{id}/participants/{pid}``), for the ``moderation`` right, as
a changelist action and as a button on the session overview page (activities/admin/kicks.py).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from core.admin import ReadOnlyAdminMixin, service_action
from sessions_app.admin_roles import TeamScopedAdminMixin

from . import services
from .models import Participant


@admin.register(Participant)
class ParticipantAdmin(ReadOnlyAdminMixin, TeamScopedAdminMixin, admin.ModelAdmin):
    session_field = "session"
    list_display = ("nickname", "session", "joined_at", "last_activity", "kicked")
    # RelatedOnlyFieldListFilter: the filter lists only sessions in the (scoped) queryset, so an
    # organizer never sees the names of other teams' sessions.
    list_filter = (("session", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("nickname", "session__name", "session__join_code")
    fields = ("nickname", "session", "joined_at", "last_activity", "kicked_at")
    readonly_fields = fields
    list_select_related = ("session",)
    actions = ["kick_participants", "kick_and_purge_participants"]

    @admin.display(boolean=True, description="Kicked")
    def kicked(self, obj: Participant) -> bool:
        return obj.kicked_at is not None

    def get_queryset(self, request: HttpRequest) -> QuerySet[Participant]:
        return super().get_queryset(request).select_related("session")

    # Read-only, but the actions still need the changelist's action form.
    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    kick_participants = service_action(
        description="Kick selected participants (their answers stay counted)",
        permissions=["moderation"],
        select=lambda queryset: queryset.filter(kicked_at__isnull=True),
        service=lambda p, actor: services.participant_kick(participant=p, actor=actor),
        done="Kicked {count} participant(s).",
    )
    kick_and_purge_participants = service_action(
        description="Kick selected participants and delete their answers",
        permissions=["moderation"],
        # A list: purging deletes rows of the queryset while it is iterated.
        select=list,
        service=lambda p, actor: services.participant_kick(participant=p, purge=True, actor=actor),
        done="Removed {count} participant(s) and their answers.",
    )
