"""Admin pieces shared by every Caja ModelAdmin (sessions_app, participants, activities).

Permission model (a deliberate choice, documented in docs/architecture.md): any *active staff* user (an
organizer: core.permissions.user_is_organizer) may use the Caja admin pages, with no per-model
Django permissions to grant. What hangs off a session (the session, its activities, participants,
responses) is scoped by the session's team: sessions_app/admin_roles.py asks sessions_app.roles per
object (core may not import it). :class:`OwnedAdminMixin` scopes what is simply a user's own (their
API keys). Objects outside the caller's queryset answer 404 (not Django's usual "doesn't exist"
redirect).

Every write goes through the services, like the API; a refused one (a ``DomainError``) becomes an
admin error message, never a 500 (:func:`run_service`, :func:`service_action`). Actions name the
permissions they need (Django's ``@admin.action(permissions=[...])``: ``has_<name>_permission``);
besides Django's check on the whole list (``has_<name>_permission(request)``), each object is
checked again (``has_<name>_permission(request, obj)``) before its service runs: a selection may mix
sessions where the caller's role differs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from core import api_keys
from core.errors import DomainError, Forbidden
from core.models import OrganizerApiKey
from core.permissions import user_is_organizer

# The change page with the action buttons and links of ObjectActionsMixin.
CHANGE_FORM_TEMPLATE = "admin/caja_change_form.html"


def is_organizer(request: HttpRequest) -> bool:
    return user_is_organizer(request.user)


class OwnedAdminMixin:
    """Scope a ModelAdmin to what is the organizer's own (their API keys; what hangs off a session
    is scoped by its team instead: sessions_app/admin_roles.py).

    ``owner_field`` is the lookup from the model to the owning user (``user``)."""

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


def has_object_permissions(
    modeladmin: Any, request: HttpRequest, obj: Any, permissions: Iterable[str]
) -> bool:
    """Whether ``modeladmin.has_<p>_permission(request, obj)`` holds for every ``p``."""
    return all(getattr(modeladmin, f"has_{p}_permission")(request, obj) for p in permissions)


def require_object_permissions(
    modeladmin: Any, request: HttpRequest, obj: Any, permissions: Iterable[str]
) -> None:
    """Raise Forbidden (a DomainError: an error message in :func:`run_service`) unless the caller
    holds every permission on ``obj``; the ModelAdmin's ``permission_denied_message`` says why."""
    if not has_object_permissions(modeladmin, request, obj, permissions):
        message = getattr(modeladmin, "permission_denied_message", "") or Forbidden.default_message
        raise Forbidden(str(message))


def run_service(
    modeladmin: admin.ModelAdmin,
    request: HttpRequest,
    objects: Iterable[Any],
    call: Callable[[Any], Any],
    *,
    done: str,
    permissions: Sequence[str] = (),
) -> int:
    """Call ``call(obj)`` for each object the caller holds ``permissions`` on; a DomainError (or a
    missing permission) becomes an error message naming the object. ``done`` (with ``{count}``) is
    the success message. Returns the success count."""
    count = 0
    for obj in objects:
        try:
            require_object_permissions(modeladmin, request, obj, permissions)
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
    one-object queryset) and returns its response, or redirects back to the change page. A button
    shows only when the caller holds the action's permissions on that object; posting one anyway
    is a 403 (PermissionDenied), nothing done."""

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
        if action not in dict(self.object_actions):
            raise Http404("Unknown action.")
        actions = self.get_actions(request)  # type: ignore[attr-defined]
        if action not in actions:  # the caller holds its permission on no object at all
            raise PermissionDenied
        func = actions[action][0]
        if not has_object_permissions(self, request, obj, getattr(func, "allowed_permissions", ())):
            raise PermissionDenied
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
            and has_object_permissions(
                self, request, obj, getattr(available[name][0], "allowed_permissions", ())
            )
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


def service_action(
    *,
    description: str,
    service: Callable[[Any, Any], Any],
    done: str,
    permissions: Sequence[str] = ("change",),
    select: Callable[[QuerySet[Any]], Iterable[Any]] = lambda queryset: queryset,
) -> Callable[[admin.ModelAdmin, HttpRequest, QuerySet[Any]], None]:
    """A changelist action calling ``service(obj, actor)`` (``actor``: the signed-in user, for the
    audit log) for each object ``select`` picks from the selection that the caller holds
    ``permissions`` on (through :func:`run_service`); assign it to a ModelAdmin attribute and name
    it in ``actions``."""

    @admin.action(description=description, permissions=list(permissions))
    def action(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        run_service(
            modeladmin,
            request,
            select(queryset),
            lambda obj: service(obj, request.user),
            done=done,
            permissions=permissions,
        )

    return action


def adopt_created(obj: Model, created: Model) -> None:
    """Make the admin's unsaved ``obj`` the row a service ``created`` (the admin keeps using ``obj``
    after save_model: inlines, messages, the redirect)."""
    obj.__dict__.update({k: v for k, v in created.__dict__.items() if k != "_state"})
    obj._state.adding = False
    obj._state.db = created._state.db


# --- the organizer's own API keys --------------------------------------------------------------


def _revoke_keys(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Any]) -> None:
    run_service(
        modeladmin,
        request,
        queryset,
        lambda key: api_keys.api_key_revoke(user=request.user, key_id=key.prefix),
        done=str(_("{count} API key(s) revoked: they stop working at once.")),
    )


_revoke_keys.short_description = _("Revoke the selected API keys")  # type: ignore[attr-defined]


@admin.register(OrganizerApiKey)
class OrganizerApiKeyAdmin(OwnedAdminMixin, admin.ModelAdmin):
    """An organizer's own keys (a superuser's too: keys are personal). A new key is shown once, in
    the message after saving; afterwards only its prefix. Keys are revoked, never edited."""

    owner_field = "user"
    list_display = ("name", "prefix", "created", "last_used_at")
    list_display_links = None  # nothing to open: the change page's URL would carry the stored hash
    fields = ("name",)
    actions = [_revoke_keys]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super(OwnedAdminMixin, self).get_queryset(request).filter(user=request.user, revoked=False)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        created, key = api_keys.api_key_create(user=request.user, name=obj.name)
        adopt_created(obj, created)
        messages.warning(
            request,
            _("The API key “%(name)s” is %(key)s — copy it now: it is not shown again.")
            % {"name": created.name, "key": key},
        )
