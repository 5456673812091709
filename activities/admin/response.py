"""Responses in the admin: read-only records, for any member of the session's team
(sessions_app/admin_roles.py)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from activities.models import Response
from core.admin import ReadOnlyAdminMixin
from sessions_app.admin_roles import TeamScopedAdminMixin


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdminMixin, TeamScopedAdminMixin, admin.ModelAdmin):
    session_field = "activity__session"
    list_display = (
        "activity",
        "participant",
        "response_data",
        "score",
        "is_correct",
        "created_at",
        "updated_at",
    )
    list_filter = (
        ("activity__session", admin.RelatedOnlyFieldListFilter),
        ("activity", admin.RelatedOnlyFieldListFilter),
    )
    list_select_related = ("activity", "participant")
    search_fields = ("participant__nickname", "activity__title")
    fields = (
        "activity",
        "participant",
        "response_data",
        "score",
        "is_correct",
        "elapsed_ms",
        "created_at",
        "updated_at",
    )
    readonly_fields = fields

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions
