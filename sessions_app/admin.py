"""The Session admin, the session configuration interface (sessions layer).

Scoping and permissions are admin_roles.py's: any active staff user may create sessions; they see
the sessions they own or are a member of, each with their role ("Your role"), and each surface asks
sessions_app.roles (``edit`` for the change form, ``lifecycle`` for start/complete, ``ownership``
for delete). Every write goes through the services, like the API: ``session_create`` /
``session_update`` on save, ``session_start`` / ``session_complete`` in the actions,
``session_delete`` on delete; the team's through sessions_app.members (admin_team.py's page). The
form (the teams as JSON, checked by the services' rules) is admin_form.py's.

Registered once, by activities/admin/session.py: this module may not import the activities app
(imports flow one way), so the full Session admin (the activity inline, next activity, duplicate,
exports, the overview page) is a subclass of :class:`SessionAdmin` defined and registered there.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from core.admin import (
    CHANGE_FORM_TEMPLATE,
    ObjectActionsMixin,
    adopt_created,
    is_organizer,
    run_service,
    service_action,
)
from core.errors import DomainError

from . import admin_team, members, roles, services
from .admin_form import SCHEDULE_FIELDS, SessionAdminForm
from .admin_roles import TeamScopedAdminMixin, with_my_role
from .models import (
    MEMBER_ROLE_VALUES,
    Series,
    Session,
    SessionMember,
    SessionPace,
    SessionRole,
    SessionStatus,
)

admin.site.site_header = "Caja administration"
admin.site.site_title = "Caja admin"
admin.site.index_title = "Sessions, activities and participants"


class SessionAdmin(ObjectActionsMixin, TeamScopedAdminMixin, admin.ModelAdmin):
    session_field = ""  # the model is the Session
    form = SessionAdminForm
    delete_right = "ownership"

    def formfield_for_dbfield(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        # Django's split date/time widget labels only its first box (by id), and not even that one
        # (the label points at "id_opens_at", the boxes are "_0" and "_1"): name both for screen
        # readers (WCAG 2.1 AA, axe "label").
        widget = getattr(field, "widget", None)
        if field is not None and isinstance(widget, forms.SplitDateTimeWidget):
            label = field.label or db_field.verbose_name
            widget.widgets[0].attrs["aria-label"] = _("%(field)s: date") % {"field": label}
            widget.widgets[1].attrs["aria-label"] = _("%(field)s: time") % {"field": label}
        return field

    list_display = (
        "name",
        "status",
        "my_role_label",
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
    actions = ["start_sessions", "complete_sessions", "leave_teams"]
    object_actions = [
        ("start_sessions", "Start"),
        ("complete_sessions", "Complete"),
        ("leave_teams", str(_("Leave the team"))),
    ]
    readonly_fields = (
        "status",
        "join_code",
        "join_url_link",
        "qr_code",
        "screens",
        "owner_name",
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
        qs = (
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
        return with_my_role(qs, request.user) if is_organizer(request) else qs

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        # Any organizer creates sessions of their own (and owns them).
        return is_organizer(request)

    @admin.display(description=_("Your role"), ordering="my_role")
    def my_role_label(self, obj: Session) -> str:
        role = getattr(obj, "my_role", None)
        return str(SessionRole(role).label) if role else "—"

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

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        # Deleting a session deletes what hangs off it (activities, and participants and responses,
        # which are read-only records here): the session's own ``ownership`` right decides, not
        # Django's delete permission on each related record.
        deleted, counts, _perms_needed, protected = super().get_deleted_objects(objs, request)
        allowed = all(self.has_delete_permission(request, obj) for obj in objs)
        return deleted, counts, (set() if allowed else {self.opts.verbose_name}), protected

    # --- change page ------------------------------------------------------------------------
    def get_form(
        self, request: HttpRequest, obj: Session | None = None, change: bool = False, **kwargs: Any
    ) -> Any:
        if obj is not None:
            # "series" is a form field of its own (below), not the model's (not editable).
            fields = kwargs.get("fields") or flatten_fieldsets(self.get_fieldsets(request, obj))
            kwargs["fields"] = [f for f in fields if f != "series"]
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None and roles.can(request.user, obj, "edit"):
            # Its owner's series only (roles.can_join_series), saved by session_set_series.
            series = forms.ModelChoiceField(
                queryset=Series.objects.filter(owner_id=obj.owner_id).order_by("name"),
                required=False,
                initial=obj.series_id,
                label="Series",
                help_text="Sessions of one series compare their tracked questions (track keys).",
            )
            form = type(form.__name__, (form,), {"series": series})
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
                (_("Teams"), {"fields": ("teams", "team_assignment")}),
            ]
        return [
            (
                None,
                {
                    "fields": (
                        "name",
                        "description",
                        "language",
                        *(("series",) if roles.can(request.user, obj, "edit") else ()),
                        "status",
                        "owner_name",
                    )
                },
            ),
            ("Pace", {"fields": self.schedule_fields(obj)}),
            (_("Teams"), {"fields": ("teams", "team_assignment")}),
            ("Joining", {"fields": ("join_code", "join_url_link", "qr_code", "screens")}),
            (
                "Timeline",
                {
                    "classes": ("collapse",),
                    "fields": ("current_activity", "started_at", "completed_at", "created_at", "updated_at"),
                },
            ),
            # Every member sees the team (the contract's read right covers the members); those
            # with the members right also get its "Manage the team" page and the audit log.
            ("Team", {"fields": ("team",)}),
            *(
                [("Audit log", {"classes": ("collapse",), "fields": ("audit_log",)})]
                if roles.can(request.user, obj, "members")
                else []
            ),
        ]

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        obj = super().get_object(request, object_id, from_field)
        # The read-only "team" field is given the object only: it tells from the viewer's right
        # whether to link the management page.
        obj._caja_manage_team = roles.can(request.user, obj, "members")
        return obj

    # The username, not Django's link to the user's admin page: organizers cannot open it (403).
    @admin.display(description=_("Owner"))
    def owner_name(self, obj: Session) -> str:
        return obj.owner.get_username() if obj and obj.pk else "-"

    def schedule_fields(self, obj: Session) -> tuple[str, ...]:
        """The pace and its times (a subclass adds what it can show of a self-paced session)."""
        return SCHEDULE_FIELDS

    @admin.display(description="Members and pending invitations")
    def team(self, obj: Session) -> Any:
        if not obj or not obj.pk:
            return "-"
        return admin_team.team_html(obj, manage=getattr(obj, "_caja_manage_team", False))

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
        # The big screen is public; its control bar appears there for the lifecycle right.
        links = [{"label": "Presenter screen", "url": f"/present/{obj.pk}"}]
        if roles.can(request.user, obj, "moderation"):
            links.append({"label": str(_("Live moderation")), "url": f"/present/{obj.pk}/moderate"})
        if roles.can(request.user, obj, "members"):
            links.append({"label": str(_("Manage the team")), "url": admin_team.team_url(obj)})
        links.append({"label": "API state", "url": reverse("session-state", args=[obj.pk])})
        return links

    def get_urls(self) -> list[Any]:
        return admin_team.team_urls(self) + super().get_urls()

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
                teams=data.get("teams") or [],
                team_assignment=data.get("team_assignment") or None,
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
        if "series" in changed:
            try:
                services.session_set_series(session=obj, series=data.get("series"), actor=request.user)
            except DomainError as exc:  # a track key the series uses for another type: say so
                details = " ".join(str(m) for ms in (exc.details or {}).values() for m in ms)
                self.message_user(request, f"{exc.message} {details}".strip(), messages.ERROR)
        # Only what really differs (a re-posted JSON may differ in spacing alone): an unchanged
        # value on a started session is no edit, and must not meet the draft-only rule.
        # The stored values are the form's initial ones (the form has already copied the posted
        # ones onto ``obj``).
        old_teams = form.initial.get("teams") or []
        old_assignment = form.initial.get("team_assignment")
        teams = data.get("teams") or []
        assignment = data.get("team_assignment") or old_assignment
        obj.teams, obj.team_assignment = old_teams, old_assignment
        if teams != old_teams or assignment != old_assignment:
            services.session_set_teams(
                session=obj,
                teams=teams if teams != old_teams else services.UNSET,
                team_assignment=assignment if assignment != old_assignment else None,
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
        permissions=["lifecycle"],
    )
    complete_sessions = service_action(
        description="Complete selected sessions",
        service=lambda s, actor: services.session_complete(session=s, actor=actor),
        done="Completed {count} session(s).",
        permissions=["lifecycle"],
    )

    # --- leaving a team: any member but the owner, as in the API (not a right of the table) -----
    def has_leave_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not is_organizer(request):
            return False
        user: Any = request.user  # an organizer: a saved user
        if obj is None:
            return SessionMember.objects.filter(user_id=user.pk).exists()
        return roles.role_of(user, obj) in MEMBER_ROLE_VALUES

    @admin.action(description=_("Leave the team of selected sessions"), permissions=["leave"])
    def leave_teams(self, request: HttpRequest, queryset: QuerySet[Session]) -> HttpResponse:
        run_service(
            self,
            request,
            queryset,
            lambda s: members.member_remove(session=s, user_id=request.user.pk, actor=request.user),
            done=str(_("You left the team of {count} session(s).")),
            permissions=["leave"],
        )
        # Not back to the session's page: it is no longer theirs to see.
        return HttpResponseRedirect(reverse("admin:sessions_app_session_changelist"))
