"""The Activity admin: the config is edited through the form of its type (``config_form_for``,
no switch on the type name); the add page first asks for the session and the type (or takes
``?session=<id>&type=<key>``). Saving goes through ``activity_create`` / ``activity_update`` (the
API's path); validation errors of the type module appear next to the field they concern. The
lifecycle actions are lifecycle.py's; a results page renders ``activity_results`` generically,
with hide/unhide buttons for types that support hidden words; types with questions get a
moderation page (questions.py).

Scoped by the session's team (sessions_app/admin_roles.py): every member reads the activities (a
read-only page without the ``edit`` right), the config forms, add and delete need ``edit``, the
lifecycle buttons ``lifecycle``, hidden words and Q&A moderation ``moderation``."""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from activities import services
from activities.models import Activity, ActivityStatus
from activities.results import activity_results
from activities.services import EDITABLE_STATUSES
from activities.types import all_types, get_type, type_keys
from activities.types.forms import config_form_for
from core.admin import CHANGE_FORM_TEMPLATE, ObjectActionsMixin, adopt_created
from core.errors import DomainError
from sessions_app import admin_roles
from sessions_app.admin_roles import TeamScopedAdminMixin

from . import lifecycle
from .forms import ChooseTypeForm, activity_admin_form, sessions_for
from .lifecycle import ActivityLifecycleActions
from .ordering import close_gaps
from .questions import QuestionModerationMixin, has_questions, questions_url
from .rendering import activity_panel, render_results


def safe_next(request: HttpRequest, fallback: str) -> str:
    """The ``next`` URL of the request if it stays on this site, else ``fallback``."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


def message_domain_error(modeladmin: admin.ModelAdmin, request: HttpRequest, exc: DomainError) -> None:
    """A refused write as an admin error message: the error's message and its field details."""
    detail = "; ".join(
        f"{k}: {', '.join(map(str, v)) if isinstance(v, list) else v}"
        for k, v in exc.details.items()
        if k not in {"from", "to"}
    )
    modeladmin.message_user(request, f"{exc.message} {detail}".strip(), messages.ERROR)


# Shown read-only in the collapsed "Timeline" fieldset of the change page.
TIMELINE_FIELDS = ("activated_at", "revealed_at", "expired_at", "round", "created_at", "updated_at")


@admin.register(Activity)
class ActivityAdmin(
    ActivityLifecycleActions,
    QuestionModerationMixin,
    ObjectActionsMixin,
    TeamScopedAdminMixin,
    admin.ModelAdmin,
):
    session_field = "session"
    change_form_template = CHANGE_FORM_TEMPLATE
    list_display = ("__str__", "session", "type_label", "order", "status", "response_count", "updated_at")
    list_filter = (("session", admin.RelatedOnlyFieldListFilter), "type", "status")
    search_fields = ("title", "session__name", "session__join_code")
    list_select_related = ("session",)
    ordering = ("session", "order", "created_at")
    actions = lifecycle.ACTION_NAMES
    object_actions = lifecycle.BUTTONS

    def get_queryset(self, request: HttpRequest) -> QuerySet[Activity]:
        return super().get_queryset(request).annotate(_response_count=Count("responses"))

    @admin.display(description="Responses", ordering="_response_count")
    def response_count(self, obj: Activity) -> int:
        return getattr(obj, "_response_count", 0)

    # --- which type? ------------------------------------------------------------------------
    def _type_key(self, request: HttpRequest, obj: Activity | None) -> str:
        if obj is not None:
            return obj.type
        key = request.GET.get("type", "")
        if key not in type_keys():
            raise Http404("Unknown activity type.")
        return key

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        self._check_session_param(request)
        if request.GET.get("type") not in type_keys():
            return self.choose_type_view(request)
        label = gettext(get_type(request.GET["type"]).label)
        # Translators: the title of the admin's page adding an activity, e.g. "Add activity: Q&A".
        extra_context = {
            **(extra_context or {}),
            "title": gettext("Add activity: %(type)s") % {"type": label},
        }
        return super().add_view(request, form_url, extra_context)

    def _check_session_param(self, request: HttpRequest) -> None:
        """``?session=<id>``: 404 unless it is a session of the caller's team, 403 for a member
        without the edit right (a presenter or moderator adds nothing)."""
        raw = request.GET.get("session")
        if not raw:
            return
        try:
            session_id = UUID(raw)
        except ValueError:
            raise Http404("Session not found.") from None
        if not admin_roles.sessions_for(request, "read").filter(pk=session_id).exists():
            raise Http404("Session not found.")
        if not sessions_for(request).filter(pk=session_id).exists():
            raise PermissionDenied

    def choose_type_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise PermissionDenied
        bound = "type" in request.GET or "_choose" in request.GET
        form = ChooseTypeForm(
            request.GET if bound else None,
            initial={"session": request.GET.get("session")},
            sessions=sessions_for(request),
        )
        context = {
            **self.admin_site.each_context(request),
            "title": "Add activity: choose its session and type",
            "opts": self.opts,
            "form": form,
            "types": [(key, t.label) for key, t in sorted(all_types().items())],
        }
        return TemplateResponse(request, "admin/activities/activity/choose_type.html", context)

    # --- the form ---------------------------------------------------------------------------
    def get_form(
        self, request: HttpRequest, obj: Activity | None = None, change: bool = False, **kwargs: Any
    ) -> Any:
        config_form = config_form_for(get_type(self._type_key(request, obj)))
        kwargs["form"] = activity_admin_form(config_form)
        form = super().get_form(request, obj, change=change, **kwargs)
        # The request's user uploads the pictures the form stores (the audit's actor).
        return type(form.__name__, (form,), {"actor": request.user})

    def get_fieldsets(self, request: HttpRequest, obj: Activity | None = None) -> Any:
        key = self._type_key(request, obj)
        activity_type = get_type(key)
        config_fields = tuple(config_form_for(activity_type).base_fields)
        # Translators: a section of the admin's activity page, e.g. "Poll configuration".
        config_title = gettext("%(type)s configuration") % {"type": activity_type.label}
        if obj is None:
            return [
                (None, {"fields": ("session", "title", "order", "track_key")}),
                (config_title, {"fields": config_fields}),
            ]
        return [
            (None, {"fields": ("session_link", "type_label", "status", "title", "order", "track_key")}),
            (config_title, {"fields": config_fields}),
            (_("Results"), {"fields": ("results_table",)}),
            (_("Stored config (JSON)"), {"classes": ("collapse",), "fields": ("config_json",)}),
            (
                "Timeline",
                {
                    "classes": ("collapse",),
                    "fields": TIMELINE_FIELDS,
                },
            ),
        ]

    def get_readonly_fields(self, request: HttpRequest, obj: Activity | None = None) -> Any:
        if obj is None:
            return ()
        return (
            "session_link",
            "type_label",
            "status",
            "results_table",
            "config_json",
            *TIMELINE_FIELDS,
        )

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "session":
            kwargs["queryset"] = sessions_for(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="Session")
    def session_link(self, obj: Activity) -> str:
        url = reverse("admin:sessions_app_session_change", args=[obj.session_id])
        return format_html('<a href="{}">{}</a>', url, obj.session)

    @admin.display(description="Type", ordering="type")
    def type_label(self, obj: Activity) -> str:
        return get_type(obj.type).label_for(obj.config)

    @admin.display(description="Results")
    def results_table(self, obj: Activity) -> str:
        url = reverse("admin:activities_activity_results", args=[obj.pk])
        return format_html(
            '{}<p><a href="{}">Open the results page</a></p>', render_results(activity_results(obj)), url
        )

    @admin.display(description="Config")
    def config_json(self, obj: Activity) -> str:
        return format_html("<pre>{}</pre>", json.dumps(obj.config, indent=2, ensure_ascii=False))

    def object_action_buttons(self, request: HttpRequest, obj: Any) -> list[dict[str, str]]:
        if obj is None:
            return []
        activity_type = get_type(obj.type)
        hidden = set()
        if not activity_type.supports_reveal:
            hidden.add("reveal_activities")
        if not activity_type.supports_reset:
            hidden.add("reset_activities")
        if obj.status != ActivityStatus.DRAFT:
            hidden.add("publish_activities")
        if obj.status not in EDITABLE_STATUSES:
            hidden.add("activate_activities")
        if obj.status != ActivityStatus.ACTIVE:
            hidden.add("expire_activities")
        return [b for b in super().object_action_buttons(request, obj) if b["name"] not in hidden]

    def object_links(self, request: HttpRequest, obj: Any) -> list[dict[str, str]]:
        questions = [{"label": "Moderate questions", "url": questions_url(obj)}] if has_questions(obj) else []
        return [
            {"label": "Results", "url": reverse("admin:activities_activity_results", args=[obj.pk])},
            *questions,
            {"label": "Session", "url": reverse("admin:sessions_app_session_change", args=[obj.session_id])},
        ]

    # --- saving through the services --------------------------------------------------------
    def save_model(self, request: HttpRequest, obj: Activity, form: Any, change: bool) -> None:
        # The form's uploaded pictures are stored now, in the change view's transaction with the
        # activity (a form refused earlier stored nothing; a save refused here rolls their rows back).
        form.store_staged_uploads()
        data = form.cleaned_data
        if not change:
            created = services.activity_create(
                session=data["session"],
                type=form.type_key,
                config=data["config"],
                title=data.get("title") or "",
                order=data.get("order"),
                track_key=data.get("track_key"),
                actor=request.user,
            )
            adopt_created(obj, created)
            close_gaps(obj.session_id)
            return
        changed = set(form.changed_data)
        config = data.get("config")
        if config is not None and config == obj.config:
            config = None
        order = data.get("order") if "order" in changed else None
        if "track_key" in changed:
            services.activity_set_track_key(activity=obj, track_key=data.get("track_key"), actor=request.user)
        services.activity_update(
            activity=obj,
            title=data.get("title", "") if "title" in changed else None,
            order=order,
            config=config,
            actor=request.user,
        )
        if order is not None:
            close_gaps(obj.session_id)
            obj.refresh_from_db(fields=["order"])

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        # A rule the form could not see (e.g. the activity went live between GET and POST):
        # the service refuses, the transaction rolls back, the page says why.
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except DomainError as exc:
            message_domain_error(self, request, exc)
            return HttpResponseRedirect(request.get_full_path())

    def response_add(
        self, request: HttpRequest, obj: Activity, post_url_continue: str | None = None
    ) -> HttpResponse:
        response = super().response_add(request, obj, post_url_continue)
        if IS_POPUP_VAR in request.POST or "_continue" in request.POST:
            return response
        if "_addanother" in request.POST:
            return HttpResponseRedirect(
                f"{reverse('admin:activities_activity_add')}?session={obj.session_id}"
            )
        return HttpResponseRedirect(reverse("admin:sessions_app_session_change", args=[obj.session_id]))

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        # Deleting an activity deletes its answers and questions (records, read-only here): the
        # edit right on its session decides, not Django's delete permission on each record.
        deleted, counts, _perms_needed, protected = super().get_deleted_objects(objs, request)
        allowed = all(self.has_delete_permission(request, obj) for obj in objs)
        return deleted, counts, (set() if allowed else {self.opts.verbose_name}), protected

    def delete_model(self, request: HttpRequest, obj: Activity) -> None:
        services.activity_delete(activity=obj, actor=request.user)
        close_gaps(obj.session_id)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Activity]) -> None:
        sessions = set()
        for activity in queryset:
            services.activity_delete(activity=activity, actor=request.user)
            sessions.add(activity.session_id)
        for session_id in sessions:
            close_gaps(session_id)

    # --- results page -----------------------------------------------------------------------
    def get_urls(self) -> list[Any]:
        return [
            path(
                "<path:object_id>/results/",
                self.admin_site.admin_view(self.results_view),
                name="activities_activity_results",
            )
        ] + super().get_urls()

    def results_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        activity = self.get_object(request, object_id)
        results_url = reverse("admin:activities_activity_results", args=[activity.pk])
        can_moderate = self.has_moderation_permission(request, activity)
        if request.method == "POST":
            if not can_moderate:
                raise PermissionDenied
            op, text = request.POST.get("op"), request.POST.get("text", "")
            try:
                if op == "hide":
                    services.hidden_word_add(activity=activity, text=text, actor=request.user)
                    self.message_user(
                        request, f"“{text}” is hidden from the public results.", messages.SUCCESS
                    )
                elif op == "unhide":
                    services.hidden_word_remove(activity=activity, text=text, actor=request.user)
                    self.message_user(request, f"“{text}” is shown again.", messages.SUCCESS)
                else:
                    self.message_user(request, "Unknown operation.", messages.ERROR)
            except DomainError as exc:
                message_domain_error(self, request, exc)
            return HttpResponseRedirect(safe_next(request, results_url))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Results: {activity}",
            "opts": self.opts,
            "original": activity,
            "session": activity.session,
            "panel": activity_panel(
                activity, can_moderate=can_moderate, can_edit=self.has_change_permission(request, activity)
            ),
            "next_url": results_url,
        }
        return TemplateResponse(request, "admin/activities/activity/results.html", context)
