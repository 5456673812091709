"""The Session admin, registered here once: sessions_app's SessionAdmin plus what needs the
activities app (imports flow one way): the activity inline (ordered by ``order``; config edited on
the activity's own page), activate next, duplicate, the exports (exports.py) and an overview page
(every activity's results, the leaderboard, participants with kick: kicks.py).

Each piece asks the caller's rights on the session (sessions_app/admin_roles.py): the inline is
editable with ``edit`` (read-only otherwise), next and rehearsals need ``lifecycle``, the exports
``exports``, duplicate ``edit`` (a copy of the configuration), a kick ``moderation``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_lazy

from activities import selectors, services
from activities.models import Activity
from activities.types import all_types, get_type
from activities.types.leaderboard import leaderboard
from core.admin import CHANGE_FORM_TEMPLATE, has_object_permissions, is_organizer, service_action
from core.errors import DomainError
from participants.models import Participant
from sessions_app import roles
from sessions_app import services as session_services
from sessions_app.admin import SessionAdmin
from sessions_app.models import Session, SessionPace, SessionStatus

from .deck import deck_url, deck_urls
from .definitions import DefinitionActions
from .exports import ExportActions
from .kicks import kick_from_overview
from .ordering import close_gaps
from .questions import has_questions, questions_url
from .rendering import activity_panel, render_results


class ActivityInlineFormSet(BaseInlineFormSet):
    """Edits of title/order and deletions go through the services; no adds here (a new activity
    needs its type's config form: the "Add …" links open it)."""

    def save_existing(self, form: Any, obj: Activity, commit: bool = True) -> Activity:
        changed = set(form.changed_data)
        data = form.cleaned_data
        return services.activity_update(
            activity=obj,
            title=data.get("title", "") if "title" in changed else None,
            order=data.get("order") if "order" in changed else None,
        )

    def clean(self) -> None:
        """Two activities in one position are refused (the session closes up gaps on save)."""
        super().clean()
        seen: dict[int, Activity] = {}
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            order = form.cleaned_data.get("order")
            if order is None:
                continue
            if order in seen:
                raise forms.ValidationError(
                    # Translators: the admin refuses two activities with the same order (position).
                    gettext(
                        "“%(first)s” and “%(second)s” are both at position %(order)s: "
                        "give each activity its own position."
                    )
                    % {"first": seen[order], "second": form.instance, "order": order}
                )
            seen[order] = form.instance

    def delete_existing(self, obj: Activity, commit: bool = True) -> None:
        if commit:
            services.activity_delete(activity=obj)

    def add_fields(self, form: Any, index: Any) -> None:
        super().add_fields(form, index)
        # A tabular inline shows each field's label once, as a column header, so a screen reader
        # meeting the inputs of row 3 hears no name (axe: "label"). Name each input after its column
        # and its activity: "Order: Lunch", "Delete: Lunch".
        row = f"activity {index + 1}" if index is not None else "new activity"
        if form.instance is not None and form.instance.pk:
            row = str(form.instance)
        for name, field in form.fields.items():
            if not field.widget.is_hidden:
                field.widget.attrs["aria-label"] = f"{field.label or name.capitalize()}: {row}"


class ActivityInline(admin.TabularInline):
    model = Activity
    formset = ActivityInlineFormSet
    template = "admin/activities/activity/tabular_inline.html"
    fields = ("order", "title", "type_label", "status", "response_count", "edit_link")
    readonly_fields = ("type_label", "status", "response_count", "edit_link")
    ordering = ("order", "created_at")
    extra = 0

    def get_queryset(self, request: HttpRequest) -> QuerySet[Activity]:
        return super().get_queryset(request).annotate(_response_count=Count("responses"))

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        add_url = reverse("admin:activities_activity_add")
        # Django makes the inline instances per request: the edit_link column reads this.
        self.can_edit = self.has_change_permission(request, obj)
        formset.caja_add_links = (  # type: ignore[attr-defined]
            [
                {"label": t.label, "url": f"{add_url}?session={obj.pk}&type={key}", "key": key}
                for key, t in sorted(all_types().items())
            ]
            if obj is not None and self.can_edit
            else []
        )
        return formset

    @admin.display(description="Type")
    def type_label(self, obj: Activity) -> str:
        return get_type(obj.type).label_for(obj.config) if obj.type else "-"

    @admin.display(description="Responses")
    def response_count(self, obj: Activity) -> int:
        return getattr(obj, "_response_count", 0)

    @admin.display(description="Config & results")
    def edit_link(self, obj: Activity) -> str:
        if not obj.pk:
            return "-"
        # A member without the edit right opens the same page read-only: say so.
        editable = getattr(self, "can_edit", True)
        links = format_html(
            '<a class="{}" href="{}">{}</a> · <a href="{}">Results</a>',
            "caja-edit-config" if editable else "caja-view-config",
            reverse("admin:activities_activity_change", args=[obj.pk]),
            "Edit config" if editable else gettext("View config"),
            reverse("admin:activities_activity_results", args=[obj.pk]),
        )
        if has_questions(obj):
            links = format_html('{} · <a href="{}">Questions</a>', links, questions_url(obj))
        return links

    # ``obj`` is the parent session (the page is already scoped to its team): any member reads
    # its activities, those with the edit right reorder, rename and delete them here.
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_organizer(request) and (obj is None or roles.can(request.user, obj, "read"))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_organizer(request) and (obj is None or roles.can(request.user, obj, "edit"))

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_organizer(request) and (obj is None or roles.can(request.user, obj, "edit"))


class SessionWithActivitiesAdmin(DefinitionActions, ExportActions, SessionAdmin):
    change_form_template = CHANGE_FORM_TEMPLATE
    inlines = [ActivityInline]
    actions = SessionAdmin.actions + [
        "rehearse_sessions",
        "end_rehearsals",
        "activate_next_activity",
        "duplicate_sessions",
        "duplicate_into_series",
        "export_results_csv",
        "export_results_json",
        "export_definitions",
    ]
    object_actions = SessionAdmin.object_actions + [
        ("rehearse_sessions", "Rehearse"),
        ("end_rehearsals", "End rehearsal"),
        ("activate_next_activity", "Next activity"),
        ("duplicate_sessions", "Duplicate"),
        ("duplicate_into_series", "Duplicate into the series"),
        ("export_results_csv", "Export CSV"),
        ("export_results_json", "Export JSON"),
        ("export_definitions", "Export definition"),
    ]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return (*super().get_readonly_fields(request, obj), "completion")

    def get_inlines(self, request: HttpRequest, obj: Any) -> Any:
        return self.inlines if obj is not None else []

    def schedule_fields(self, obj: Any) -> tuple[str, ...]:
        # A self-paced session shows how far its participants got (the presenter page has it live).
        fields = super().schedule_fields(obj)
        return (*fields, "completion") if obj.pace == SessionPace.SELF else fields

    @admin.display(description="Completion")
    def completion(self, obj: Any) -> str:
        if obj is None or obj.pk is None or obj.pace != SessionPace.SELF:
            return "-"
        done = selectors.session_completion(obj.pk)
        return f"{done['started']} started · {done['finished']} finished"

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if change:  # reordered or deleted in the inline: positions 1..n again, in their sequence
            close_gaps(form.instance.pk)

    def object_action_buttons(self, request: HttpRequest, obj: Any) -> list[dict[str, str]]:
        if obj is None:
            return []
        hidden = {
            SessionStatus.DRAFT: {"complete_sessions", "activate_next_activity"},
            SessionStatus.ACTIVE: {"start_sessions", "rehearse_sessions"},
            SessionStatus.COMPLETED: {
                "start_sessions",
                "rehearse_sessions",
                "complete_sessions",
                "activate_next_activity",
            },
        }.get(obj.status, set())
        if not obj.rehearsal:
            hidden = hidden | {"end_rehearsals"}
        if obj.series_id is None:
            hidden = hidden | {"duplicate_into_series"}
        return [b for b in super().object_action_buttons(request, obj) if b["name"] not in hidden]

    def object_links(self, request: HttpRequest, obj: Any) -> list[dict[str, str]]:
        links = [
            {
                "label": "Results & participants",
                "url": reverse("admin:sessions_app_session_overview", args=[obj.pk]),
            }
        ]
        if self.has_change_permission(request, obj):
            links.append({"label": gettext("Import a PDF deck"), "url": deck_url(obj)})
        return links + super().object_links(request, obj)

    # --- actions ----------------------------------------------------------------------------
    rehearse_sessions = service_action(
        description="Rehearse selected sessions (live, marked as a rehearsal, wiped when it ends)",
        service=lambda s, actor: session_services.session_rehearse(session=s, actor=actor),
        done="{count} session(s) live as a rehearsal.",
        permissions=["lifecycle"],
    )
    end_rehearsals = service_action(
        description="End the rehearsal of selected sessions (delete its participants and answers)",
        service=lambda s, actor: services.session_rehearsal_end(session=s, actor=actor),
        done="{count} rehearsal(s) ended: back to draft, same join code.",
        permissions=["lifecycle"],
    )

    def _refused(self, request: HttpRequest, session: Session, permission: str) -> bool:
        """An error message naming the session when the caller lacks ``permission`` on it."""
        if has_object_permissions(self, request, session, [permission]):
            return False
        self.message_user(request, f"{session}: {self.permission_denied_message}", messages.ERROR)
        return True

    @admin.action(description="Activate the next activity of selected sessions", permissions=["lifecycle"])
    def activate_next_activity(self, request: HttpRequest, queryset: QuerySet[Session]) -> None:
        for session in queryset:
            if self._refused(request, session, "lifecycle"):
                continue
            try:
                activity = services.activity_activate_next(session=session, actor=request.user)
            except DomainError as exc:
                self.message_user(request, f"{session}: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, f"{session}: “{activity}” is now live.", messages.SUCCESS)

    # A copy of the configuration: for those who may edit it (the copy is the caller's own). The copy
    # takes the activities, their pictures, the teams and the series (services.session_duplicate).
    @admin.action(
        description=gettext_lazy(
            "Duplicate selected sessions as new drafts (activities, pictures, teams and series; "
            "no participants or answers)"
        ),
        permissions=["edit"],
    )
    def duplicate_sessions(self, request: HttpRequest, queryset: QuerySet[Session]) -> HttpResponse | None:
        copies = []
        for session in queryset:
            if self._refused(request, session, "edit"):
                continue
            try:
                copy = services.session_duplicate(session=session, owner=request.user)
            except DomainError as exc:
                self.message_user(request, f"{session}: {exc.message}", messages.ERROR)
                continue
            copies.append(copy)
            url = reverse("admin:sessions_app_session_change", args=[copy.pk])
            self.message_user(
                request,
                format_html('Duplicated “{}” as <a href="{}">{}</a>.', session.name, url, copy),
                messages.SUCCESS,
            )
        if len(copies) == 1:
            return HttpResponseRedirect(reverse("admin:sessions_app_session_change", args=[copies[0].pk]))
        return None

    @admin.action(
        description="Duplicate into the series (the next session: same activities, track keys and team)",
        permissions=["edit"],
    )
    def duplicate_into_series(self, request: HttpRequest, queryset: QuerySet[Session]) -> HttpResponse | None:
        copies = []
        for session in queryset.select_related("series"):
            try:
                copy = services.session_duplicate_into_series(session=session, owner=request.user)
            except DomainError as exc:
                details = " ".join(str(m) for ms in (exc.details or {}).values() for m in ms)
                self.message_user(request, f"{session}: {details or exc.message}", messages.ERROR)
                continue
            copies.append(copy)
            url = reverse("admin:sessions_app_session_change", args=[copy.pk])
            self.message_user(
                request,
                format_html('Next session of the series: <a href="{}">{}</a>.', url, copy),
                messages.SUCCESS,
            )
        if len(copies) == 1:
            return HttpResponseRedirect(reverse("admin:sessions_app_session_change", args=[copies[0].pk]))
        return None

    # --- overview page: every activity's results, leaderboard, participants with kick ---------
    def get_urls(self) -> list[Any]:
        return (
            self.definition_urls()
            + deck_urls(self)
            + [
                path(
                    "<path:object_id>/overview/",
                    self.admin_site.admin_view(self.overview_view),
                    name="sessions_app_session_overview",
                )
            ]
            + super().get_urls()
        )

    def overview_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        session = self.get_object(request, object_id)
        overview_url = reverse("admin:sessions_app_session_overview", args=[session.pk])
        can_moderate = self.has_moderation_permission(request, session)
        can_edit = self.has_change_permission(request, session)
        if request.method == "POST":
            if not can_moderate:
                raise PermissionDenied
            kick_from_overview(self, request, session)
            return HttpResponseRedirect(overview_url)
        activities = Activity.objects.filter(session=session).order_by("order", "created_at")
        participants = (
            Participant.objects.filter(session=session)
            .annotate(answer_count=Count("responses"))
            .order_by("joined_at")
        )
        context = {
            **self.admin_site.each_context(request),
            "title": f"Results & participants: {session.name}",
            "opts": self.opts,
            "original": session,
            "session": session,
            "panels": [activity_panel(a, can_moderate=can_moderate, can_edit=can_edit) for a in activities],
            "leaderboard_html": render_results(leaderboard(session, None)),
            "participants": participants,
            "can_moderate": can_moderate,
            "next_url": overview_url,
        }
        return TemplateResponse(request, "admin/sessions_app/session/overview.html", context)


admin.site.register(Session, SessionWithActivitiesAdmin)
