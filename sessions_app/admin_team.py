"""The session admin's read-only "Team" and "Audit log" sections: the owner and the members with
their roles, the pending invitations, and the newest audit entries. Read-only fields (not inlines:
a change form's POST stays what it was); changes go through the API for now (sessions_app.members).
Shown to those with the "members" right (sessions_app.roles)."""

from __future__ import annotations

from typing import Any

from django.utils.html import format_html, format_html_join

from . import members
from .audit import audit_entries_for
from .models import Session

AUDIT_SHOWN = 100


def team_html(session: Session) -> Any:
    rows = []
    for entry in members.team_of(session):
        who = entry.user.get_username() if entry.user is not None else f"{entry.email} (invited, pending)"
        rows.append((who, entry.role, entry.at.strftime("%Y-%m-%d %H:%M")))
    body = format_html_join("", "<tr><td>{}</td><td>{}</td><td>{}</td></tr>", rows)
    return format_html(
        '<table class="caja-team"><thead><tr><th>who</th><th>role</th><th>since</th></tr></thead>'
        "<tbody>{}</tbody></table>",
        body,
    )


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
