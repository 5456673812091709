"""Responses in the admin: read-only records, scoped to the organizer's sessions."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from activities.models import Response
from core.admin import OwnedAdminMixin, ReadOnlyAdminMixin


@admin.register(Response)
class ResponseAdmin(ReadOnlyAdminMixin, OwnedAdminMixin, admin.ModelAdmin):
    owner_field = "activity__session__owner"
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
