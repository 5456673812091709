"""Organizer API keys (contract v1.2): shown once, stored hashed, act as their user, revoked at
once; last_used_at at most once a minute; the admin page creates and revokes them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from conftest import participant_client
from core.models import OrganizerApiKey
from core.testing import assert_error
from participants.tests.factories import ParticipantFactory
from sessions_app.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db


def key_client(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    return client


def create_key(client: APIClient, name: str = "CI script") -> dict[str, Any]:
    resp = client.post("/api/v1/auth/keys", {"name": name}, format="json")
    assert resp.status_code == 201, resp.content
    return resp.json()


def test_a_key_is_shown_once_stored_hashed_and_acts_as_its_user(org_api, organizer, other_organizer):
    mine = SessionFactory(owner=organizer)
    SessionFactory(owner=other_organizer)
    created = create_key(org_api)
    assert set(created) == {"id", "name", "key", "created_at"}
    stored = OrganizerApiKey.objects.get(prefix=created["id"])
    assert created["key"].startswith(created["id"] + ".")
    assert stored.user == organizer
    assert created["key"] not in stored.hashed_key and stored.hashed_key.startswith("sha512$$")

    client = key_client(created["key"])
    listed = client.get("/api/v1/sessions")
    assert listed.status_code == 200
    assert [s["id"] for s in listed.json()["items"]] == [str(mine.pk)]
    made = client.post("/api/v1/sessions", {"name": "From a script"}, format="json")
    assert made.status_code == 201 and made.json()["admin_id"] == "alice"

    keys = org_api.get("/api/v1/auth/keys").json()
    assert keys["total"] == 1
    assert set(keys["items"][0]) == {"id", "name", "created_at", "last_used_at"}
    assert keys["items"][0]["id"] == created["id"]
    assert stored.hashed_key not in str(keys) and stored.pk not in str(keys)
    assert keys["items"][0]["last_used_at"] is not None


def test_a_revoked_key_stops_working_at_once(org_api):
    created = create_key(org_api)
    client = key_client(created["key"])
    assert client.get("/api/v1/sessions").status_code == 200
    assert org_api.delete(f"/api/v1/auth/keys/{created['id']}").status_code == 204
    assert_error(client.get("/api/v1/sessions"), 401, "NOT_AUTHENTICATED")
    assert OrganizerApiKey.objects.get(prefix=created["id"]).revoked is True
    # Revoking twice, or someone else's key, is a 404 and changes nothing.
    assert_error(org_api.delete(f"/api/v1/auth/keys/{created['id']}"), 404, "NOT_FOUND")
    assert org_api.get("/api/v1/auth/keys").json()["total"] == 0


def test_another_organizers_key_cannot_be_listed_or_revoked(org_api, other_api):
    theirs = create_key(other_api, "theirs")
    assert org_api.get("/api/v1/auth/keys").json()["total"] == 0
    assert_error(org_api.delete(f"/api/v1/auth/keys/{theirs['id']}"), 404, "NOT_FOUND")
    assert OrganizerApiKey.objects.get(prefix=theirs["id"]).revoked is False


def test_a_deactivated_users_key_stops_working(org_api, organizer):
    created = create_key(org_api)
    organizer.is_active = False
    organizer.save(update_fields=["is_active"])
    assert_error(key_client(created["key"]).get("/api/v1/sessions"), 401, "NOT_AUTHENTICATED")


@pytest.mark.parametrize(
    "header",
    ["Api-Key nope.nothing", "Api-Key", "Api-Key a b", "Api-Key \u00e9t\u00e9"],
)
def test_a_bad_key_is_401_and_nothing_is_created(header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header.encode("utf-8").decode("latin-1"))
    resp = client.post("/api/v1/sessions", {"name": "x"}, format="json")
    assert_error(resp, 401, "NOT_AUTHENTICATED")


def test_a_tampered_key_is_refused(org_api):
    created = create_key(org_api)
    prefix, _, secret = created["key"].partition(".")
    tampered = f"{prefix}.{secret[:-1]}{'A' if secret[-1] != 'A' else 'B'}"
    assert_error(key_client(tampered).get("/api/v1/sessions"), 401, "NOT_AUTHENTICATED")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "x" * 51}, "name"),
        ({"name": "ok", "extra": 1}, "extra"),
    ],
)
def test_create_validates_with_the_envelope(org_api, body, field):
    resp = org_api.post("/api/v1/auth/keys", body, format="json")
    assert_error(resp, 400, "VALIDATION_ERROR")
    assert field in resp.json()["error"]["details"]
    assert OrganizerApiKey.objects.count() == 0


def test_keys_need_an_organizer(api):
    assert_error(api.get("/api/v1/auth/keys"), 401, "NOT_AUTHENTICATED")
    assert_error(api.post("/api/v1/auth/keys", {"name": "x"}, format="json"), 401, "NOT_AUTHENTICATED")
    participant = ParticipantFactory()
    resp = participant_client(participant.token).get("/api/v1/auth/keys")
    assert resp.status_code in (401, 403)
    assert OrganizerApiKey.objects.count() == 0


def test_last_used_at_is_written_at_most_once_a_minute(org_api, django_assert_num_queries):
    created = create_key(org_api)
    client = key_client(created["key"])
    client.get("/api/v1/auth/keys")
    first = OrganizerApiKey.objects.get(prefix=created["id"]).last_used_at
    assert first is not None
    client.get("/api/v1/auth/keys")
    assert OrganizerApiKey.objects.get(prefix=created["id"]).last_used_at == first
    # A minute later the next use moves it.
    OrganizerApiKey.objects.filter(prefix=created["id"]).update(
        last_used_at=timezone.now() - timedelta(minutes=2)
    )
    client.get("/api/v1/auth/keys")
    assert OrganizerApiKey.objects.get(prefix=created["id"]).last_used_at > first - timedelta(minutes=1)
    assert OrganizerApiKey.objects.get(prefix=created["id"]).last_used_at > timezone.now() - timedelta(
        seconds=30
    )


def test_the_admin_creates_a_key_shown_once_and_revokes_it(client, organizer, other_organizer):
    OrganizerApiKey.objects.create_key(user=other_organizer, name="theirs")
    client.force_login(organizer)
    resp = client.post("/admin/core/organizerapikey/add/", {"name": "laptop"}, follow=True)
    assert resp.status_code == 200
    key = OrganizerApiKey.objects.get(user=organizer)
    shown = [str(m) for m in resp.context["messages"]]
    assert any(key.prefix in m and "not shown again" in m for m in shown), shown
    listing = client.get("/admin/core/organizerapikey/")
    assert b"laptop" in listing.content and b"theirs" not in listing.content
    resp = client.post(
        "/admin/core/organizerapikey/",
        {"action": "_revoke_keys", "_selected_action": [key.pk]},
        follow=True,
    )
    assert resp.status_code == 200
    key.refresh_from_db()
    assert key.revoked is True
    assert OrganizerApiKey.objects.get(name="theirs").revoked is False
