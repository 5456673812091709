"""The session admin's team: the read-only "Team" and "Audit log" sections of the change page, and
the "Manage the team" page (``<session id>/team/``) where those with the ``members`` right add a
member by username or email (an email no organizer has yet becomes a pending invitation), change a
role, remove a member and cancel an invitation, and the owner transfers ownership.

Every change goes through sessions_app.members (the API's services, audited there); a refusal is
an admin error message with the service's words, nothing changed. The small forms only carry what
was posted: the rules (roles, the owner's membership, emails, duplicates) stay the services'.
Who may open the page is sessions_app.roles' (``members``; ``ownership`` for a transfer)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError

from . import members, roles
from .audit import audit_entries_for
from .models import MEMBER_ROLE_VALUES, Session, SessionInvitation, SessionRole

AUDIT_SHOWN = 100

# The roles offered in the forms (a posted value outside them still reaches the service, which
# refuses it: one place of the rule).
ROLE_CHOICES = [(value, SessionRole(value).label) for value in MEMBER_ROLE_VALUES]


def team_url(session: Session) -> str:
    return reverse("admin:sessions_app_session_team", args=[session.pk])


def team_html(session: Session, *, manage: bool = False) -> Any:
    rows = []
    for entry in members.team_of(session):
        who = entry.user.get_username() if entry.user is not None else f"{entry.email} (invited, pending)"
        rows.append((who, _label(entry.role), entry.at.strftime("%Y-%m-%d %H:%M")))
    body = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", rows)
    table = format_html(
        '<table class="caja-team"><thead><tr><th>who</th><th>role</th><th>since</th></tr></thead>'
        "<tbody>{}</tbody></table>",
        body,
    )
    if not manage:
        return table
    link = format_html(
        '<a class="caja-manage-team" href="{}">{}</a>', team_url(session), _("Manage the team")
    )
    return format_html("{}<p>{}</p>", table, link)


def audit_html(session: Session) -> Any:
    rows = [
        (
            entry.at.strftime("%Y-%m-%d %H:%M:%S"),
            entry.actor_username or "system",
            entry.action,
            f"{entry.target_type} {entry.target_id}".strip(),
            entry.details,
        )
        for entry in audit_entries_for(session)[:AUDIT_SHOWN]
    ]
    body = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>", rows)
    return format_html(
        '<table class="caja-audit"><thead><tr><th>at</th><th>actor</th><th>action</th><th>target</th>'
        "<th>details</th></tr></thead><tbody>{}</tbody></table>",
        body,
    )


# --- the "Manage the team" page ----------------------------------------------------------------


def _role_field() -> forms.CharField:
    return forms.CharField(label=_("Role"), max_length=32, widget=forms.Select(choices=ROLE_CHOICES))


class MemberAddForm(forms.Form):
    who = forms.CharField(label=_("Username or email"), max_length=254)
    role = _role_field()


class MemberRoleForm(forms.Form):
    user_id = forms.CharField(widget=forms.HiddenInput)
    role = _role_field()


class MemberRemoveForm(forms.Form):
    user_id = forms.CharField(widget=forms.HiddenInput)


class InvitationCancelForm(forms.Form):
    email = forms.CharField(widget=forms.HiddenInput, max_length=254)


class TransferForm(forms.Form):
    username = forms.CharField(label=_("New owner"), max_length=150)

    def __init__(self, *args: Any, usernames: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if usernames is not None:  # the page offers the members; a posted name goes to the service
            self.fields["username"].widget = forms.Select(choices=[(u, u) for u in usernames])


def _label(role: str) -> str:
    return str(SessionRole(role).label) if role in SessionRole.values else role


def _add(session: Session, data: dict[str, Any], actor: Any) -> str:
    who = data["who"].strip()
    # A username wins (usernames may hold an "@"); otherwise an address is an email: a pending
    # invitation when no organizer has it yet.
    if "@" in who and not members.organizers().filter(username=who).exists():
        result = members.member_add(session=session, email=who, role=data["role"], actor=actor)
        if isinstance(result, SessionInvitation):
            return gettext("%(email)s is invited as %(role)s (pending until they first sign in).") % {
                "email": result.email,
                "role": _label(result.role),
            }
        return _now(result.user.get_username(), result.role)
    member = members.member_add(session=session, username=who, role=data["role"], actor=actor)
    return _now(who, member.role)


def _now(who: str, role: str) -> str:
    # Translators: the admin's team page after a change, e.g. "mona is now Moderator."
    return gettext("%(who)s is now %(role)s.") % {"who": who, "role": _label(role)}


def _set_role(session: Session, data: dict[str, Any], actor: Any) -> str:
    member = members.member_set_role(session=session, user_id=data["user_id"], role=data["role"], actor=actor)
    return _now(member.user.get_username(), member.role)


def _remove(session: Session, data: dict[str, Any], actor: Any) -> str:
    members.member_remove(session=session, user_id=data["user_id"], actor=actor)
    return gettext("The member is removed from the team.")


def _cancel(session: Session, data: dict[str, Any], actor: Any) -> str:
    members.invitation_delete(session=session, email=data["email"], actor=actor)
    return gettext("The invitation is cancelled.")


def _transfer(session: Session, data: dict[str, Any], actor: Any) -> str:
    members.session_transfer(session=session, username=data["username"].strip(), actor=actor)
    return gettext("%(who)s owns the session now; you stay on as co-organizer.") % {"who": data["username"]}


# op -> (its form, the service call, the right it needs beyond ``members``)
OPS: dict[str, tuple[type[forms.Form], Any, str | None]] = {
    "add": (MemberAddForm, _add, None),
    "role": (MemberRoleForm, _set_role, None),
    "remove": (MemberRemoveForm, _remove, None),
    "cancel": (InvitationCancelForm, _cancel, None),
    "transfer": (TransferForm, _transfer, "ownership"),
}


def error_text(exc: DomainError) -> str:
    """A refusal's words: its field messages when it has some, else its message."""
    details = [
        str(message)
        for value in exc.details.values()
        for message in (value if isinstance(value, list) else [value])
    ]
    return " ".join(details) or str(exc.message)


def team_view(modeladmin: admin.ModelAdmin, request: HttpRequest, object_id: str) -> HttpResponse:
    """GET: the team with a form per change; POST ``op``: one change, then back here."""
    session: Session = modeladmin.get_object(request, object_id)  # type: ignore[assignment]  # 404 if not
    if not roles.can(request.user, session, "members"):
        raise PermissionDenied
    here = team_url(session)
    if request.method == "POST":
        return _post(modeladmin, request, session, here)
    entries = members.team_of(session)
    can_transfer = roles.can(request.user, session, "ownership")
    context = {
        **modeladmin.admin_site.each_context(request),
        "title": gettext("Team: %(name)s") % {"name": session.name},
        "opts": modeladmin.opts,
        "original": session,
        "session": session,
        "owner": entries[0],
        "members": [e for e in entries[1:] if e.user is not None],
        "role_choices": ROLE_CHOICES,
        "invitations": [e for e in entries if e.user is None],
        # The least right by default: a role is raised on purpose.
        "add_form": MemberAddForm(initial={"role": roles.MODERATOR}),
        "transfer_form": (
            TransferForm(usernames=[e.user.get_username() for e in entries[1:] if e.user is not None])
            if can_transfer and len(entries) > 1 and any(e.user is not None for e in entries[1:])
            else None
        ),
        "can_transfer": can_transfer,
        "here": here,
    }
    return TemplateResponse(request, "admin/sessions_app/session/team.html", context)


def _post(modeladmin: admin.ModelAdmin, request: HttpRequest, session: Session, here: str) -> HttpResponse:
    op = request.POST.get("op", "")
    if op not in OPS:
        modeladmin.message_user(request, gettext("Unknown operation."), messages.ERROR)
        return HttpResponseRedirect(here)
    form_class, call, extra_right = OPS[op]
    if extra_right is not None and not roles.can(request.user, session, extra_right):
        raise PermissionDenied
    form = form_class(request.POST)
    if not form.is_valid():
        errors = "; ".join(
            f"{form.fields[f].label or f}: {' '.join(map(str, e))}" for f, e in form.errors.items()
        )
        modeladmin.message_user(request, errors, messages.ERROR)
        return HttpResponseRedirect(here)
    try:
        done = call(session, form.cleaned_data, request.user)
    except DomainError as exc:
        modeladmin.message_user(request, error_text(exc), messages.ERROR)
        return HttpResponseRedirect(here)
    modeladmin.message_user(request, done, messages.SUCCESS)
    fresh = Session.objects.get(pk=session.pk)
    if not roles.is_member(request.user, fresh):
        # They removed themselves: the session is no longer theirs to see.
        return HttpResponseRedirect(reverse("admin:sessions_app_session_changelist"))
    if not roles.can(request.user, fresh, "members"):
        # They gave themselves a role without the members right: back to the session's page.
        return HttpResponseRedirect(reverse("admin:sessions_app_session_change", args=[session.pk]))
    return HttpResponseRedirect(here)


def team_urls(modeladmin: admin.ModelAdmin) -> list[Any]:
    def view(request: HttpRequest, object_id: str) -> HttpResponse:
        return team_view(modeladmin, request, object_id)

    return [
        path(
            "<path:object_id>/team/", modeladmin.admin_site.admin_view(view), name="sessions_app_session_team"
        )
    ]
