"""The Session admin, the session configuration interface (sessions layer).

Scoping and permissions are caja/admin.py's (any active staff user; only their own sessions).
Every write goes through the services, like the API: ``session_create`` / ``session_update`` on
save, ``session_start`` / ``session_complete`` in the actions, ``session_delete`` on delete.

Registered once, by activities/admin/session.py: this module may not import the activities app
(imports flow one way), so the full Session admin (the activity inline, next activity, duplicate,
exports, the overview page) is a subclass of :class:`SessionAdmin` defined and registered there.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from core.admin import (
    CHANGE_FORM_TEMPLATE,
    ObjectActionsMixin,
    OwnedAdminMixin,
    adopt_created,
    service_action,
)

from . import admin_team, roles, services
from .models import Session, SessionPace, SessionStatus

admin.site.site_header = "Caja administration"
admin.site.site_title = "Caja admin"
admin.site.index_title = "Sessions, activities and participants"


# A self-paced session's pace and times (contract v1.2), on the add and change pages.
SCHEDULE_FIELDS = ("pace", "opens_at", "closes_at")


class SessionAdmin(ObjectActionsMixin, OwnedAdminMixin, admin.ModelAdmin):
    list_display = (
        "name",
        "status",
        "join_code",
        "activity_count",
        "participant_count",
        "owner",
        "created_at",
    )
    list_display_links = ("name",)
    list_filter = ("status",)
    search_fields = ("name", "join_code")
    ordering = ("-created_at",)
    change_form_template = CHANGE_FORM_TEMPLATE
    actions = ["start_sessions", "complete_sessions"]
    object_actions = [("start_sessions", "Start"), ("complete_sessions", "Complete")]
    readonly_fields = (
        "status",
        "join_code",
        "join_url_link",
        "qr_code",
        "screens",
        "owner",
        "current_activity",
        "started_at",
        "completed_at",
        "created_at",
        "updated_at",
        "team",
        "audit_log",
    )

    # --- list -------------------------------------------------------------------------------
    def get_queryset(self, request: HttpRequest) -> QuerySet[Session]:
        # Annotated once for the whole page (no N+1). distinct: two joins in one query.
        return (
            super()
            .get_queryset(request)
            .select_related("owner")
            .annotate(
                _activity_count=Count("activities", distinct=True),
                _participant_count=Count(
                    "participants", filter=Q(participants__kicked_at__isnull=True), distinct=True
                ),
            )
        )

    @admin.display(description="Activities", ordering="_activity_count")
    def activity_count(self, obj: Session) -> int:
        return getattr(obj, "_activity_count", 0)

    @admin.display(description="Participants", ordering="_participant_count")
    def participant_count(self, obj: Session) -> int:
        return getattr(obj, "_participant_count", 0)

    def get_list_display(self, request: HttpRequest) -> Any:
        display = list(super().get_list_display(request))
        if not request.user.is_superuser:
            display.remove("owner")
        return display

    # --- change page ------------------------------------------------------------------------
    def get_form(
        self, request: HttpRequest, obj: Session | None = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        if "language" in form.base_fields:
            # Like the API: not saying keeps the default (English) or the current language.
            form.base_fields["language"].required = False
        if "pace" in form.base_fields:
            form.base_fields["pace"].required = False
            # Like the API: the pace changes only while the session is a draft.
            if obj is not None and obj.status != SessionStatus.DRAFT:
                form.base_fields["pace"].disabled = True
        return form

    def get_fieldsets(self, request: HttpRequest, obj: Session | None = None) -> Any:
        if obj is None:
            return [
                (None, {"fields": ("name", "description", "language")}),
                ("Pace", {"fields": SCHEDULE_FIELDS}),
            ]
        return [
            (None, {"fields": ("name", "description", "language", "status", "owner")}),
            ("Pace", {"fields": self.schedule_fields(obj)}),
            ("Joining", {"fields": ("join_code", "join_url_link", "qr_code", "screens")}),
            (
                "Timeline",
                {
                    "classes": ("collapse",),
                    "fields": ("current_activity", "started_at", "completed_at", "created_at", "updated_at"),
                },
            ),
            *(
                [
                    ("Team", {"fields": ("team",)}),
                    ("Audit log", {"classes": ("collapse",), "fields": ("audit_log",)}),
                ]
                if roles.can(request.user, obj, "members")
                else []
            ),
        ]

    def schedule_fields(self, obj: Session) -> tuple[str, ...]:
        """The pace and its times (a subclass adds what it can show of a self-paced session)."""
        return SCHEDULE_FIELDS

    @admin.display(description="Members and pending invitations")
    def team(self, obj: Session) -> Any:
        return admin_team.team_html(obj) if obj and obj.pk else "-"

    @admin.display(description=f"Newest {admin_team.AUDIT_SHOWN} entries")
    def audit_log(self, obj: Session) -> Any:
        return admin_team.audit_html(obj) if obj and obj.pk else "-"

    @admin.display(description="Join URL")
    def join_url_link(self, obj: Session) -> str:
        if not obj or not obj.pk:
            return "-"
        return format_html('<a href="{0}" target="_blank" rel="noopener">{0}</a>', obj.join_url)

    @admin.display(description="QR code")
    def qr_code(self, obj: Session) -> str:
        if not obj or not obj.pk:
            return "-"
        src = reverse("session-qr-png", args=[obj.pk])
        return format_html(
            '<a href="{0}" target="_blank"><img class="caja-qr" src="{0}" alt="QR code for {1}" '
            'width="180" height="180" style="image-rendering: pixelated"></a>',
            src,
            obj.join_url,
        )

    @admin.display(description="Screens")
    def screens(self, obj: Session) -> str:
        if not obj or not obj.pk:
            return "-"
        return format_html(
            '<a class="caja-present" href="{}" target="_blank">Presenter screen</a> · '
            '<a class="caja-state" href="{}" target="_blank">API state</a>',
            f"/present/{obj.pk}",
            reverse("session-state", args=[obj.pk]),
        )

    def object_links(self, request: HttpRequest, obj: Any) -> list[dict[str, str]]:
        return [
            {"label": "Presenter screen", "url": f"/present/{obj.pk}"},
            {"label": "API state", "url": reverse("session-state", args=[obj.pk])},
        ]

    # --- writes through the services --------------------------------------------------------
    def save_model(self, request: HttpRequest, obj: Session, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if not change:
            created = services.session_create(
                owner=request.user,
                name=data["name"],
                description=data.get("description", ""),
                language=data.get("language") or None,
                pace=data.get("pace") or SessionPace.LIVE,
                opens_at=data.get("opens_at"),
                closes_at=data.get("closes_at"),
            )
            adopt_created(obj, created)
            return
        changed = set(form.changed_data)
        services.session_update(
            session=obj,
            name=data["name"] if "name" in changed else None,
            description=data.get("description", "") if "description" in changed else services.UNSET,
            language=(data.get("language") or None) if "language" in changed else None,
            **{
                name: data.get(name) or (SessionPace.LIVE if name == "pace" else None)
                for name in SCHEDULE_FIELDS
                if name in changed
            },
            actor=request.user,
        )

    def delete_model(self, request: HttpRequest, obj: Session) -> None:
        services.session_delete(session=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Session]) -> None:
        for session in queryset:
            services.session_delete(session=session)

    # --- actions ----------------------------------------------------------------------------
    start_sessions = service_action(
        description="Start selected sessions",
        service=lambda s, actor: services.session_start(session=s, actor=actor),
        done="Started {count} session(s).",
    )
    complete_sessions = service_action(
        description="Complete selected sessions",
        service=lambda s, actor: services.session_complete(session=s, actor=actor),
        done="Completed {count} session(s).",
    )
