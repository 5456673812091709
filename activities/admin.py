"""Activities and responses in the admin, and the parts of the Session admin that need them.

* Activity: the config is edited through the form of its type (``activities/types/forms.py``,
  picked with ``config_form_for(get_type(key))`` — no switch on the type name); the add page first
  asks for the session and the type (or takes ``?session=<id>&type=<key>``). Saving goes through
  ``activity_create`` / ``activity_update`` (the API's path); validation errors of the type module
  appear next to the field they concern. Lifecycle actions (publish, activate, reveal, reset,
  expire) call the same services as the API. A results page renders ``activity_results`` generically
  with hide/unhide buttons for types that support hidden words.
* Response: read-only.
* Session: re-registered with the activity inline (ordered by ``order``; config edited on the
  activity's own page), the actions that need activities (activate next, duplicate, export CSV/JSON)
  and an overview page (every activity's results, the leaderboard, participants with kick).
"""

from __future__ import annotations

import json
import uuid
from typing import Any, ClassVar, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.options import IS_POPUP_VAR
from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import Count, QuerySet
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString, mark_safe

from caja.errors import DomainError
from participants import services as participant_services
from participants.models import Participant
from sessions_app.admin import (
    ObjectActionsMixin,
    OwnedAdminMixin,
    ReadOnlyAdminMixin,
    SessionAdmin,
    is_organizer,
    run_service,
)
from sessions_app.models import Session

from . import export, services
from .models import Activity, ActivityStatus, Response
from .results import activity_results, leaderboard
from .services import EDITABLE_STATUSES
from .types import all_types, get_type, type_keys
from .types.forms import ConfigForm, config_form_for

CHANGE_FORM_TEMPLATE = "admin/caja_change_form.html"


# ---------------------------------------------------------------------------------------------
# Generic rendering of results dicts as tables (no knowledge of the type).
# ---------------------------------------------------------------------------------------------


def _label(key: Any) -> str:
    return str(key).replace("_", " ").capitalize()


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, dict | list)


def _scalar(value: Any, key: str = "") -> SafeString:
    if value is None:
        return mark_safe("—")
    if isinstance(value, bool):
        return mark_safe("yes" if value else "no")
    if key == "percentage" and isinstance(value, int | float):
        width = max(0.0, min(float(value), 100.0))
        return format_html(
            '<span class="caja-bar"><span style="width:{}%"></span></span> {} %', f"{width:.1f}", value
        )
    return format_html("{}", value)


def render_results(value: Any, key: str = "") -> SafeString:
    """Dicts become key/value tables, lists of dicts become tables with a column per key, lists of
    scalars become comma lists; nested values render recursively."""
    if isinstance(value, dict):
        items = [(k, v) for k, v in value.items() if k != "type"]
        if not items:
            return mark_safe("—")
        rows = format_html_join(
            "", "<tr><th>{}</th><td>{}</td></tr>", ((_label(k), render_results(v, str(k))) for k, v in items)
        )
        return format_html('<table class="caja-results">{}</table>', rows)
    if isinstance(value, list):
        if not value:
            return mark_safe("<em>none</em>")
        if all(isinstance(item, dict) for item in value):
            columns: list[str] = []
            for item in value:
                columns.extend(k for k in item if k not in columns)
            head = format_html_join("", "<th>{}</th>", ((_label(c),) for c in columns))
            body = format_html_join(
                "",
                "<tr>{}</tr>",
                (
                    (
                        format_html_join(
                            "", "<td>{}</td>", ((render_results(item.get(c), c),) for c in columns)
                        ),
                    )
                    for item in value
                ),
            )
            return format_html(
                '<table class="caja-results caja-list"><thead><tr>{}</tr></thead><tbody>{}</tbody></table>',
                head,
                body,
            )
        return format_html_join(", ", "{}", ((render_results(item, key),) for item in value))
    return _scalar(value, key)


def hidden_word_controls(activity: Activity, results: dict[str, Any]) -> dict[str, Any] | None:
    """For types with hidden words: the shown words (to hide) and the hidden ones (to unhide)."""
    if not get_type(activity.type).supports_hidden_words:
        return None
    return {
        "shown": [w.get("text") for w in results.get("words", []) if isinstance(w, dict)],
        "hidden": list(results.get("hidden", [])),
    }


def activity_panel(activity: Activity) -> dict[str, Any]:
    results = activity_results(activity)
    return {
        "activity": activity,
        "type_label": get_type(activity.type).label,
        "results_html": render_results(results),
        "words": hidden_word_controls(activity, results),
        "results_url": reverse("admin:activities_activity_results", args=[activity.pk]),
        "change_url": reverse("admin:activities_activity_change", args=[activity.pk]),
    }


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


def _message_domain_error(modeladmin: admin.ModelAdmin, request: HttpRequest, exc: DomainError) -> None:
    detail = "; ".join(
        f"{k}: {', '.join(map(str, v)) if isinstance(v, list) else v}"
        for k, v in exc.details.items()
        if k not in {"from", "to"}
    )
    modeladmin.message_user(request, f"{exc.message} {detail}".strip(), messages.ERROR)


# ---------------------------------------------------------------------------------------------
# Activity forms: the model part (session, title, order) + the type's config form fields.
# ---------------------------------------------------------------------------------------------


class ActivityAdminForm(forms.ModelForm):
    """Base of the per-type admin forms built by :func:`activity_admin_form`."""

    config_form_class: ClassVar[type[ConfigForm]]
    type_key: ClassVar[str]

    order = forms.IntegerField(
        required=False, min_value=0, help_text="Position in the session; blank puts it last."
    )

    class Meta:
        model = Activity
        fields = ("session", "title", "order")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.config_names = list(self.config_form_class.base_fields)
        self.config_editable = self.instance.pk is None or self.instance.status in EDITABLE_STATUSES
        if self.instance.pk:
            for name, value in self.config_form_class.initial_from_config(self.instance.config).items():
                self.initial.setdefault(name, value)
        if not self.config_editable:
            for name in self.config_names:
                if name in self.fields:
                    self.fields[name].disabled = True
                    self.fields[name].help_text = "Read-only: the activity is no longer draft or published."

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean() or self.cleaned_data
        if not self.config_editable or any(name in self.errors for name in self.config_names):
            return cleaned
        config_form = self.config_form_class(data=self.data, prefix=self.prefix)
        if config_form.is_valid():
            cleaned["config"] = config_form.cleaned_data["config"]
        else:
            for field, errors in config_form.errors.as_data().items():
                if field == NON_FIELD_ERRORS or field not in self.fields:
                    self.add_error(None, errors)
                elif field not in self.errors:
                    self.add_error(field, errors)
        return cleaned


_FORM_CACHE: dict[type[ConfigForm], type[ActivityAdminForm]] = {}


def activity_admin_form(config_form: type[ConfigForm]) -> type[ActivityAdminForm]:
    """The admin form for one type: ``ActivityAdminForm`` + copies of the config form's fields."""
    if config_form not in _FORM_CACHE:
        attrs: dict[str, Any] = {name: field for name, field in config_form.base_fields.items()}
        attrs.update(config_form_class=config_form, type_key=config_form.type_key, __module__=__name__)
        _FORM_CACHE[config_form] = type(f"Activity{config_form.__name__}", (ActivityAdminForm,), attrs)
    return _FORM_CACHE[config_form]


class ChooseTypeForm(forms.Form):
    session = forms.ModelChoiceField(queryset=Session.objects.none())
    type = forms.ChoiceField(choices=())

    def __init__(self, *args: Any, sessions: QuerySet[Session], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ModelChoiceField, self.fields["session"]).queryset = sessions
        cast(forms.ChoiceField, self.fields["type"]).choices = [
            (key, t.label) for key, t in sorted(all_types().items())
        ]


def sessions_for(request: HttpRequest) -> QuerySet[Session]:
    qs = Session.objects.order_by("-created_at")
    if request.user.is_superuser:
        return qs
    return qs.filter(owner_id=request.user.pk)


# ---------------------------------------------------------------------------------------------
# Activity admin
# ---------------------------------------------------------------------------------------------


class ActivityLifecycleActions:
    """The lifecycle actions, shared by the activity changelist and the activity change page."""

    @admin.action(description="Publish selected activities", permissions=["change"])
    def publish_activities(self, request: HttpRequest, queryset: QuerySet[Activity]) -> None:
        run_service(
            self,  # type: ignore[arg-type]
            request,
            queryset,
            lambda a: services.activity_set_status(activity=a, status=ActivityStatus.PUBLISHED),
            done="Published {count} activity(ies).",
        )

    @admin.action(description="Activate selected activity (make it live)", permissions=["change"])
    def activate_activities(self, request: HttpRequest, queryset: QuerySet[Activity]) -> None:
        run_service(
            self,  # type: ignore[arg-type]
            request,
            queryset,
            lambda a: services.activity_set_status(activity=a, status=ActivityStatus.ACTIVE),
            done="Activated {count} activity(ies).",
        )

    @admin.action(description="Reveal results of selected activities", permissions=["change"])
    def reveal_activities(self, request: HttpRequest, queryset: QuerySet[Activity]) -> None:
        run_service(
            self,  # type: ignore[arg-type]
            request,
            queryset,
            lambda a: services.activity_reveal(activity=a),
            done="Revealed {count} activity(ies).",
        )

    @admin.action(description="Reset the round of selected activities (poker)", permissions=["change"])
    def reset_activities(self, request: HttpRequest, queryset: QuerySet[Activity]) -> None:
        run_service(
            self,  # type: ignore[arg-type]
            request,
            queryset,
            lambda a: services.activity_reset(activity=a),
            done="Started a new round in {count} activity(ies).",
        )

    @admin.action(description="Expire selected activities (close answers)", permissions=["change"])
    def expire_activities(self, request: HttpRequest, queryset: QuerySet[Activity]) -> None:
        run_service(
            self,  # type: ignore[arg-type]
            request,
            queryset,
            lambda a: services.activity_set_status(activity=a, status=ActivityStatus.EXPIRED),
            done="Expired {count} activity(ies).",
        )


@admin.register(Activity)
class ActivityAdmin(ActivityLifecycleActions, ObjectActionsMixin, OwnedAdminMixin, admin.ModelAdmin):
    owner_field = "session__owner"
    change_form_template = CHANGE_FORM_TEMPLATE
    list_display = ("__str__", "session", "type", "order", "status", "response_count", "updated_at")
    list_filter = (("session", admin.RelatedOnlyFieldListFilter), "type", "status")
    search_fields = ("title", "session__name", "session__join_code")
    list_select_related = ("session",)
    ordering = ("session", "order", "created_at")
    actions = [
        "publish_activities",
        "activate_activities",
        "reveal_activities",
        "reset_activities",
        "expire_activities",
    ]
    object_actions = [
        ("publish_activities", "Publish"),
        ("activate_activities", "Activate"),
        ("reveal_activities", "Reveal"),
        ("reset_activities", "New round"),
        ("expire_activities", "Expire"),
    ]

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
        if request.GET.get("type") not in type_keys():
            return self.choose_type_view(request)
        label = get_type(request.GET["type"]).label
        extra_context = {**(extra_context or {}), "title": f"Add {label.lower()}"}
        return super().add_view(request, form_url, extra_context)

    def choose_type_view(self, request: HttpRequest) -> HttpResponse:
        if not self.has_add_permission(request):
            raise Http404
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
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request: HttpRequest, obj: Activity | None = None) -> Any:
        key = self._type_key(request, obj)
        activity_type = get_type(key)
        config_fields = tuple(config_form_for(activity_type).base_fields)
        config_title = f"{activity_type.label} configuration"
        if obj is None:
            return [
                (None, {"fields": ("session", "title", "order")}),
                (config_title, {"fields": config_fields}),
            ]
        return [
            (None, {"fields": ("session_link", "type_label", "status", "title", "order")}),
            (config_title, {"fields": config_fields}),
            ("Results", {"fields": ("results_table",)}),
            ("Stored config (JSON)", {"classes": ("collapse",), "fields": ("config_json",)}),
            (
                "Timeline",
                {
                    "classes": ("collapse",),
                    "fields": (
                        "activated_at",
                        "revealed_at",
                        "expired_at",
                        "round",
                        "created_at",
                        "updated_at",
                    ),
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
            "activated_at",
            "revealed_at",
            "expired_at",
            "round",
            "created_at",
            "updated_at",
        )

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "session":
            kwargs["queryset"] = sessions_for(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description="Session")
    def session_link(self, obj: Activity) -> str:
        url = reverse("admin:sessions_app_session_change", args=[obj.session_id])
        return format_html('<a href="{}">{}</a>', url, obj.session)

    @admin.display(description="Type")
    def type_label(self, obj: Activity) -> str:
        return get_type(obj.type).label

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
        return [
            {"label": "Results", "url": reverse("admin:activities_activity_results", args=[obj.pk])},
            {"label": "Session", "url": reverse("admin:sessions_app_session_change", args=[obj.session_id])},
        ]

    # --- saving through the services --------------------------------------------------------
    def save_model(self, request: HttpRequest, obj: Activity, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if not change:
            created = services.activity_create(
                session=data["session"],
                type=form.type_key,
                config=data["config"],
                title=data.get("title") or "",
                order=data.get("order"),
            )
            obj.__dict__.update({k: v for k, v in created.__dict__.items() if k != "_state"})
            obj._state.adding = False
            obj._state.db = created._state.db
            return
        changed = set(form.changed_data)
        config = data.get("config")
        if config is not None and config == obj.config:
            config = None
        order = data.get("order") if "order" in changed else None
        services.activity_update(
            activity=obj,
            title=data.get("title", "") if "title" in changed else None,
            order=order,
            config=config,
        )

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
            _message_domain_error(self, request, exc)
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

    def delete_model(self, request: HttpRequest, obj: Activity) -> None:
        services.activity_delete(activity=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Activity]) -> None:
        for activity in queryset:
            services.activity_delete(activity=activity)

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
        if request.method == "POST":
            if not self.has_change_permission(request, activity):
                raise Http404
            op, text = request.POST.get("op"), request.POST.get("text", "")
            try:
                if op == "hide":
                    services.hidden_word_add(activity=activity, text=text)
                    self.message_user(
                        request, f"“{text}” is hidden from the public results.", messages.SUCCESS
                    )
                elif op == "unhide":
                    services.hidden_word_remove(activity=activity, text=text)
                    self.message_user(request, f"“{text}” is shown again.", messages.SUCCESS)
                else:
                    self.message_user(request, "Unknown operation.", messages.ERROR)
            except DomainError as exc:
                _message_domain_error(self, request, exc)
            return HttpResponseRedirect(_safe_next(request, results_url))
        context = {
            **self.admin_site.each_context(request),
            "title": f"Results: {activity}",
            "opts": self.opts,
            "original": activity,
            "session": activity.session,
            "panel": activity_panel(activity),
            "next_url": results_url,
        }
        return TemplateResponse(request, "admin/activities/activity/results.html", context)


# ---------------------------------------------------------------------------------------------
# Responses: read-only
# ---------------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------------
# Session: the activity inline and the actions that need activities
# ---------------------------------------------------------------------------------------------


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
        formset.caja_add_links = (  # type: ignore[attr-defined]
            [
                {"label": t.label, "url": f"{add_url}?session={obj.pk}&type={key}", "key": key}
                for key, t in sorted(all_types().items())
            ]
            if obj is not None
            else []
        )
        return formset

    @admin.display(description="Type")
    def type_label(self, obj: Activity) -> str:
        return get_type(obj.type).label if obj.type else "-"

    @admin.display(description="Responses")
    def response_count(self, obj: Activity) -> int:
        return getattr(obj, "_response_count", 0)

    @admin.display(description="Config & results")
    def edit_link(self, obj: Activity) -> str:
        if not obj.pk:
            return "-"
        return format_html(
            '<a class="caja-edit-config" href="{}">Edit config</a> · <a href="{}">Results</a>',
            reverse("admin:activities_activity_change", args=[obj.pk]),
            reverse("admin:activities_activity_results", args=[obj.pk]),
        )

    # The parent session's ownership gates the page; any organizer may edit its activities.
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_organizer(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_organizer(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_organizer(request)


class SessionWithActivitiesAdmin(SessionAdmin):
    change_form_template = CHANGE_FORM_TEMPLATE
    inlines = [ActivityInline]
    actions = SessionAdmin.actions + [
        "activate_next_activity",
        "duplicate_sessions",
        "export_results_csv",
        "export_results_json",
    ]
    object_actions = SessionAdmin.object_actions + [
        ("activate_next_activity", "Next activity"),
        ("duplicate_sessions", "Duplicate"),
        ("export_results_csv", "Export CSV"),
        ("export_results_json", "Export JSON"),
    ]

    def get_inlines(self, request: HttpRequest, obj: Any) -> Any:
        return self.inlines if obj is not None else []

    def object_action_buttons(self, request: HttpRequest, obj: Any) -> list[dict[str, str]]:
        if obj is None:
            return []
        hidden = {
            "draft": {"complete_sessions", "activate_next_activity"},
            "active": {"start_sessions"},
            "completed": {"start_sessions", "complete_sessions", "activate_next_activity"},
        }.get(obj.status, set())
        return [b for b in super().object_action_buttons(request, obj) if b["name"] not in hidden]

    def object_links(self, request: HttpRequest, obj: Any) -> list[dict[str, str]]:
        return [
            {
                "label": "Results & participants",
                "url": reverse("admin:sessions_app_session_overview", args=[obj.pk]),
            }
        ] + super().object_links(request, obj)

    # --- actions ----------------------------------------------------------------------------
    @admin.action(description="Activate the next activity of selected sessions", permissions=["change"])
    def activate_next_activity(self, request: HttpRequest, queryset: QuerySet[Session]) -> None:
        for session in queryset:
            try:
                activity = services.activity_activate_next(session=session)
            except DomainError as exc:
                self.message_user(request, f"{session}: {exc.message}", messages.ERROR)
            else:
                self.message_user(request, f"{session}: “{activity}” is now live.", messages.SUCCESS)

    @admin.action(
        description="Duplicate selected sessions (activities only, as a new draft)", permissions=["view"]
    )
    def duplicate_sessions(self, request: HttpRequest, queryset: QuerySet[Session]) -> HttpResponse | None:
        copies = []
        for session in queryset:
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

    def _export(self, request: HttpRequest, queryset: QuerySet[Session], fmt: str) -> HttpResponseBase | None:
        sessions = list(queryset[:2])
        if len(sessions) != 1:
            self.message_user(request, "Select exactly one session to export.", messages.ERROR)
            return None
        session = sessions[0]
        response = StreamingHttpResponse(
            export.iter_session_export(session, fmt), content_type=export.content_type_for(fmt)
        )
        response["Content-Disposition"] = f'attachment; filename="{export.export_filename(session, fmt)}"'
        return response

    @admin.action(description="Export results as CSV (one session)", permissions=["view"])
    def export_results_csv(
        self, request: HttpRequest, queryset: QuerySet[Session]
    ) -> HttpResponseBase | None:
        return self._export(request, queryset, "csv")

    @admin.action(description="Export results as JSON (one session)", permissions=["view"])
    def export_results_json(
        self, request: HttpRequest, queryset: QuerySet[Session]
    ) -> HttpResponseBase | None:
        return self._export(request, queryset, "json")

    # --- overview page: every activity's results, leaderboard, participants with kick ---------
    def get_urls(self) -> list[Any]:
        return [
            path(
                "<path:object_id>/overview/",
                self.admin_site.admin_view(self.overview_view),
                name="sessions_app_session_overview",
            )
        ] + super().get_urls()

    def overview_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        session = self.get_object(request, object_id)
        overview_url = reverse("admin:sessions_app_session_overview", args=[session.pk])
        if request.method == "POST":
            if request.POST.get("op") != "kick":
                raise Http404
            try:
                participant_id = uuid.UUID(request.POST.get("participant", ""))
            except ValueError:
                raise Http404("Unknown participant.") from None
            participant = Participant.objects.filter(session=session, pk=participant_id).first()
            if participant is None:
                raise Http404("Unknown participant.")
            purge = request.POST.get("purge") == "1"
            participant_services.participant_kick(participant=participant, purge=purge)
            self.message_user(
                request,
                f"{participant.nickname} was removed{' with their answers' if purge else ''}.",
                messages.SUCCESS,
            )
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
            "panels": [activity_panel(a) for a in activities],
            "leaderboard_html": render_results(leaderboard(session, None)),
            "participants": participants,
            "next_url": overview_url,
        }
        return TemplateResponse(request, "admin/sessions_app/session/overview.html", context)


admin.site.unregister(Session)
admin.site.register(Session, SessionWithActivitiesAdmin)
