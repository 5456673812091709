"""The session admin shows the team, the pending invitations and the audit log, read-only."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth import get_user_model

from sessions_app import members
from sessions_app import services as session_services

pytestmark = pytest.mark.django_db


def test_owner_sees_team_invitations_and_audit_read_only(client: Any, settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    users = get_user_model().objects
    owner = users.create_user("alice", password="pw-alice-123", is_staff=True)
    users.create_user("mona", password="pw-mona-123", is_staff=True)
    session = session_services.session_create(owner=owner, name="Town hall")
    members.member_add(session=session, username="mona", role="moderator", actor=owner)
    members.member_add(session=session, email="guest@example.com", role="presenter", actor=owner)
    client.force_login(owner)
    page = client.get(f"/admin/sessions_app/session/{session.pk}/change/")
    assert page.status_code == 200
    text = page.content.decode()
    for expected in ("Members and pending invitations", "Audit log", "guest@example.com (invited, pending)"):
        assert expected in text
    assert "member.add" in text and "invitation.add" in text and "moderator" in text
    # Read-only: nothing about the team is posted with the form.
    assert 'name="team' not in text and 'name="audit' not in text
