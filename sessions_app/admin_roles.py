"""The admin scoped by a session's team: every Caja ModelAdmin of something that hangs off a session
(the session, its activities, participants, responses) mixes in :class:`TeamScopedAdminMixin`.

* The lists show the sessions the caller owns or is a member of (all of them for a superuser);
  anything else answers 404, as the API does.
* Each of Django's permissions is a right of sessions_app.roles (the one place of the rule):
  ``view`` is ``read``, ``change`` and ``delete`` are the ModelAdmin's ``change_right`` and
  ``delete_right``; the actions name the rights themselves (``permissions=["lifecycle"]`` asks
  ``has_lifecycle_permission``). A member whose role lacks the right gets Django's read-only page
  (no change form) or a 403 when posting anyway, nothing changed.
* Without an object (a changelist: which actions to offer, whether to link "Add"), a permission
  holds when the caller holds the right on at least one session; each object is checked again
  before its service runs (core.admin.run_service, ObjectActionsMixin).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Case, CharField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy

from core.admin import is_organizer

from . import roles
from .models import Session, SessionMember

# Per request: {right: whether the caller holds it on some session} (the changelist asks often).
_ANYWHERE_CACHE = "_caja_rights_anywhere"


def team_filter(user: Any, session_field: str) -> Q:
    """The rows whose session ``user`` owns or is a member of (``session_field``: the lookup from
    the model to its session, "" for the Session itself)."""
    prefix = f"{session_field}__" if session_field else ""
    member_of = SessionMember.objects.filter(user_id=user.pk).values("session_id")
    return Q(**{f"{prefix}owner_id": user.pk}) | Q(**{f"{prefix}pk__in": member_of})


def sessions_for(request: HttpRequest, right: str = "read") -> QuerySet[Session]:
    """The sessions the caller holds ``right`` on, newest first (the activity form's choices)."""
    qs = Session.objects.order_by("-created_at")
    if not is_organizer(request):
        return qs.none()
    user: Any = request.user  # an organizer: a saved user
    if user.is_superuser:
        return qs
    member_of = SessionMember.objects.filter(user_id=user.pk, role__in=roles.RIGHTS[right])
    return qs.filter(Q(owner_id=user.pk) | Q(pk__in=member_of.values("session_id")))


def with_my_role(queryset: QuerySet[Session], user: Any) -> QuerySet[Session]:
    """Sessions annotated with ``my_role``: the caller's role (None for a superuser who is not on
    the team), read by :func:`remember_my_role` and the list's "Your role" column."""
    member_role = SessionMember.objects.filter(session=OuterRef("pk"), user_id=user.pk).values("role")[:1]
    return queryset.annotate(
        my_role=Case(
            When(owner_id=user.pk, then=Value(roles.OWNER)),
            default=Subquery(member_role),
            output_field=CharField(),
        )
    )


def remember_my_role(session: Session, user: Any) -> None:
    """Hand the annotated role to sessions_app.roles (no second query for each check)."""
    if "my_role" in session.__dict__:
        roles.remember_role(session, user, session.__dict__["my_role"])


def holds_anywhere(request: HttpRequest, right: str) -> bool:
    """Whether the caller holds ``right`` on at least one session (a superuser always)."""
    user: Any = request.user
    if not is_organizer(request):
        return False
    if user.is_superuser:
        return True
    cache: dict[str, bool] = request.__dict__.setdefault(_ANYWHERE_CACHE, {})
    if right not in cache:
        # The owner holds every right (roles.RIGHTS: each right's roles include the owner).
        cache[right] = (
            Session.objects.filter(owner_id=user.pk).exists()
            or SessionMember.objects.filter(user_id=user.pk, role__in=roles.RIGHTS[right]).exists()
        )
    return cache[right]


class TeamScopedAdminMixin:
    """Scope a ModelAdmin to the caller's sessions and gate it by their role (module docstring)."""

    # The lookup from the model to its Session: "" (the Session), "session", "activity__session".
    session_field: str = "session"
    change_right: str = "edit"
    delete_right: str = "edit"
    add_right: str = "edit"
    # The message of a refused object in an action (core.admin.require_object_permissions); the
    # API's words for the same refusal.
    permission_denied_message = gettext_lazy("Your role on this session does not allow this.")

    def session_of(self, obj: Any) -> Session:
        target = obj
        for part in self.session_field.split("__") if self.session_field else ():
            target = getattr(target, part)
        return target

    def holds(self, request: HttpRequest, obj: Any, right: str) -> bool:
        """Whether the caller holds ``right`` on ``obj``'s session (on some session, without one)."""
        if obj is None:
            return holds_anywhere(request, right)
        return is_organizer(request) and roles.can(request.user, self.session_of(obj), right)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)  # type: ignore[misc]
        if not is_organizer(request):
            return qs.none()
        if request.user.is_superuser:
            return qs
        return qs.filter(team_filter(request.user, self.session_field))

    def get_object(self, request: HttpRequest, object_id: str, from_field: str | None = None) -> Any:
        # A session of another team (or a malformed id) is a plain 404, never a hint it exists.
        obj = super().get_object(request, object_id, from_field)  # type: ignore[misc]
        if obj is None:
            raise Http404("Not found.")
        remember_my_role(self.session_of(obj), request.user)
        return obj

    # --- Django's permissions, as rights ----------------------------------------------------
    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_organizer(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Every organizer may open the lists (empty until they are on a team).
        if obj is None:
            return is_organizer(request)
        return self.holds(request, obj, "read")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return holds_anywhere(request, self.add_right)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.holds(request, obj, self.change_right)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.holds(request, obj, self.delete_right)

    # --- the rights the actions and pages name ---------------------------------------------
    def has_lifecycle_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.holds(request, obj, "lifecycle")

    def has_moderation_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.holds(request, obj, "moderation")

    def has_exports_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.holds(request, obj, "exports")

    def has_edit_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.holds(request, obj, "edit")

    def has_members_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.holds(request, obj, "members")

    def has_ownership_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.holds(request, obj, "ownership")
