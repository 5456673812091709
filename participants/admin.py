"""Participants in the admin: read-only records, for any member of the session's team
(sessions_app/admin_roles.py).

Nothing is added or edited here; the writes are kicking (``participant_kick``, the same
service as ``DELETE /api/v1/sessions/{id}/participants/{pid}``), for the ``moderation`` right, as
a changelist action and as a button on the session overview page (activities/admin/kicks.py), and
moving to another team (``participant_move``, as ``PATCH .../participants/{pid}``), the same right:
an action with a page to pick the team (the selection must be of one session).
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyAdminMixin, run_service, service_action
from sessions_app.admin_roles import TeamScopedAdminMixin

from . import services
from .models import Participant


@admin.register(Participant)
class ParticipantAdmin(ReadOnlyAdminMixin, TeamScopedAdminMixin, admin.ModelAdmin):
    session_field = "session"
    list_display = ("nickname", "session", "team", "joined_at", "last_activity", "kicked")
    # RelatedOnlyFieldListFilter: the filter lists only sessions in the (scoped) queryset, so an
    # organizer never sees the names of other teams' sessions.
    list_filter = (("session", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("nickname", "session__name", "session__join_code")
    fields = ("nickname", "session", "team", "joined_at", "last_activity", "kicked_at")
    readonly_fields = fields
    list_select_related = ("session",)
    actions = ["kick_participants", "kick_and_purge_participants", "move_to_team"]

    @admin.display(description=_("Team"), ordering="team_id")
    def team(self, obj: Participant) -> str:
        teams = {t["id"]: t["name"] for t in obj.session.teams}
        return teams.get(obj.team_id, obj.team_id) or "—"

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

    @admin.action(description=_("Move selected participants to a team"), permissions=["moderation"])
    def move_to_team(self, request: HttpRequest, queryset: QuerySet[Participant]) -> HttpResponse | None:
        chosen = list(queryset.filter(kicked_at__isnull=True).select_related("session"))
        sessions = {p.session_id for p in chosen}
        if len(sessions) != 1 or not chosen[0].session.teams:
            self.message_user(
                request, gettext("Select participants of one session that has teams."), messages.ERROR
            )
            return None
        if request.POST.get("apply"):
            team_id = request.POST.get("team_id", "")
            if team_id not in {t["id"] for t in chosen[0].session.teams}:
                # The service would refuse each one alike; say it once, plainly.
                self.message_user(request, gettext("No such team in this session."), messages.ERROR)
                return None
            run_service(
                self,
                request,
                chosen,
                lambda p: services.participant_move(participant=p, team_id=team_id, actor=request.user),
                done=gettext("Moved {count} participant(s)."),
                permissions=["moderation"],
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": gettext("Move to a team"),
            "participants": chosen,
            "session": chosen[0].session,
        }
        return TemplateResponse(request, "admin/participants/participant/move.html", context)
