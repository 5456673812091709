"""The Django admin as the session configuration interface (sessions layer).

Organizers are staff users. Permission model (a deliberate choice, documented in the README):
any *active staff* user may use the Caja admin pages — no per-model Django permissions to grant —
but a staff organizer only ever sees and changes their own sessions and what hangs off them
(activities, participants, responses); a superuser sees everything. Objects outside the caller's
queryset answer 404 (not Django's usual "doesn't exist" redirect).

Every write goes through the services, like the API: ``session_create`` / ``session_update`` on
save, ``session_start`` / ``session_complete`` in the actions, ``session_delete`` on delete. A
refused transition (a ``DomainError``) becomes an admin error message, never a 500.

This module may not import the activities app (imports flow one way): the activity inline and
the actions that need activities (next activity, duplicate, export, overview) are added by
``activities/admin.py``, which re-registers Session with a subclass of :class:`SessionAdmin`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import admin, messages
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.html import format_html

from caja.errors import DomainError
from caja.permissions import user_is_organizer

from . import services
from .models import Session

# ---------------------------------------------------------------------------------------------
# Ownership scoping, shared by every Caja ModelAdmin (participants and activities import it).
# ---------------------------------------------------------------------------------------------


def is_organizer(request: HttpRequest) -> bool:
    return user_is_organizer(request.user)


class OwnedAdminMixin:
    """Scope a ModelAdmin to the organizer's own sessions.

    ``owner_field`` is the lookup from the model to the owning user (``owner``,
    ``session__owner``, ``activity__session__owner``)."""

    owner_field: str = "owner"

    def owner_id_of(self, obj: Any) -> Any:
        target = obj
        parts = self.owner_field.split("__")
        for part in parts[:-1]:
            target = getattr(target, part)
        return getattr(target, f"{parts[-1]}_id")

    def owns(self, request: HttpRequest, obj: Any) -> bool:
        if obj is None or request.user.is_superuser:
            return True
        return bool(self.owner_id_of(obj) == request.user.pk)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)  # type: ignore[misc]
        if request.user.is_superuser:
            return qs
        if not is_organizer(request):
            return qs.none()
        return qs.filter(**{self.owner_field: request.user})

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        # Another organizer's object (or a malformed id) is a plain 404, never a hint it exists.
        obj = super().get_object(request, object_id, from_field)  # type: ignore[misc]
        if obj is None:
            raise Http404("Not found.")
        return obj

    # Any active staff user may use these pages; objects are filtered by ownership.
    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_organizer(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_organizer(request) and self.owns(request, obj)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return is_organizer(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_organizer(request) and self.owns(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_organizer(request) and self.owns(request, obj)


class ReadOnlyAdminMixin:
    """Participants and responses are records of what happened: never added or edited here."""

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


def run_service(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    objects: Iterable[Any],
    call: Callable[[Any], Any],
    *,
    done: str,
) -> int:
    """Call ``call(obj)`` for each object; a DomainError becomes an error message naming the
    object. ``done`` (with ``{count}``) is the success message. Returns the success count."""
    count = 0
    for obj in objects:
        try:
            call(obj)
        except DomainError as exc:
            modeladmin.message_user(request, f"{obj}: {exc.message}", messages.ERROR)
        else:
            count += 1
    if count:
        modeladmin.message_user(request, done.format(count=count), messages.SUCCESS)
    return count


class ObjectActionsMixin:
    """Run a changelist action on one object from a button on its change page.

    ``POST <object_id>/do/<action>/`` calls the same action function as the changelist (with a
    one-object queryset) and returns its response, or redirects back to the change page."""

    # Action names offered as buttons on the change page: [(action name, button label)].
    object_actions: list[tuple[str, str]] = []

    def get_urls(self) -> list[Any]:
        opts = self.model._meta  # type: ignore[attr-defined]
        urls = [
            path(
                "<path:object_id>/do/<str:action>/",
                self.admin_site.admin_view(self.object_action_view),  # type: ignore[attr-defined]
                name=f"{opts.app_label}_{opts.model_name}_object_action",
            )
        ]
        return urls + super().get_urls()  # type: ignore[misc]

    def object_action_view(self, request: HttpRequest, object_id: str, action: str) -> HttpResponse:
        obj = self.get_object(request, object_id)  # type: ignore[attr-defined]
        opts = self.model._meta  # type: ignore[attr-defined]
        change_url = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        if request.method != "POST":
            return HttpResponseRedirect(change_url)
        actions = self.get_actions(request)  # type: ignore[attr-defined]
        if action not in actions or action not in dict(self.object_actions):
            raise Http404("Unknown action.")
        func = actions[action][0]
        queryset = self.get_queryset(request).filter(pk=obj.pk)  # type: ignore[attr-defined]
        response = func(self, request, queryset)
        return response or HttpResponseRedirect(change_url)

    def object_action_buttons(self, request: HttpRequest, obj: Any) -> list[dict[str, str]]:
        if obj is None:
            return []
        opts = self.model._meta  # type: ignore[attr-defined]
        available = self.get_actions(request)  # type: ignore[attr-defined]
        return [
            {
                "name": name,
                "label": label,
                "url": reverse(
                    f"admin:{opts.app_label}_{opts.model_name}_object_action", args=[obj.pk, name]
                ),
            }
            for name, label in self.object_actions
            if name in available
        ]

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        obj = self.get_object(request, object_id)  # type: ignore[attr-defined]
        extra_context = {
            **(extra_context or {}),
            "caja_object_actions": self.object_action_buttons(request, obj),
            "caja_links": self.object_links(request, obj),
        }
        return super().change_view(request, object_id, form_url, extra_context)  # type: ignore[misc]

    def object_links(self, request: HttpRequest, obj: Any) -> list[dict[str, str]]:
        """Plain links shown next to the action buttons: [{"label", "url"}]."""
        return []


# ---------------------------------------------------------------------------------------------
# Session
# ---------------------------------------------------------------------------------------------

admin.site.site_header = "Caja administration"
admin.site.site_title = "Caja admin"
admin.site.index_title = "Sessions, activities and participants"


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
    change_form_template = "admin/caja_change_form.html"
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
    def get_fieldsets(self, request: HttpRequest, obj: Session | None = None) -> Any:
        if obj is None:
            return [(None, {"fields": ("name", "description")})]
        return [
            (None, {"fields": ("name", "description", "status", "owner")}),
            ("Joining", {"fields": ("join_code", "join_url_link", "qr_code", "screens")}),
            (
                "Timeline",
                {
                    "classes": ("collapse",),
                    "fields": ("current_activity", "started_at", "completed_at", "created_at", "updated_at"),
                },
            ),
        ]

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
            )
            # The admin keeps using ``obj`` (inlines, redirect): make it the created row.
            obj.__dict__.update({k: v for k, v in created.__dict__.items() if k != "_state"})
            obj._state.adding = False
            obj._state.db = created._state.db
            return
        changed = set(form.changed_data)
        services.session_update(
            session=obj,
            name=data["name"] if "name" in changed else None,
            description=data.get("description", "") if "description" in changed else services.UNSET,
        )

    def delete_model(self, request: HttpRequest, obj: Session) -> None:
        services.session_delete(session=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Session]) -> None:
        for session in queryset:
            services.session_delete(session=session)

    # --- actions ----------------------------------------------------------------------------
    @admin.action(description="Start selected sessions", permissions=["change"])
    def start_sessions(self, request: HttpRequest, queryset: QuerySet[Session]) -> None:
        run_service(
            self,
            request,
            queryset,
            lambda s: services.session_start(session=s),
            done="Started {count} session(s).",
        )

    @admin.action(description="Complete selected sessions", permissions=["change"])
    def complete_sessions(self, request: HttpRequest, queryset: QuerySet[Session]) -> None:
        run_service(
            self,
            request,
            queryset,
            lambda s: services.session_complete(session=s),
            done="Completed {count} session(s).",
        )


admin.site.register(Session, SessionAdmin)
