"""The slide type (contract v1.2): its config through the API, image references of the session
only, answers refused, notes never in /state, the image in its public form."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from PIL import Image

from activities import services
from activities.models import Activity, Media, Response
from conftest import participant_client
from core.testing import assert_error
from participants.tests.factories import ParticipantFactory
from sessions_app.models import Session
from sessions_app.tests.factories import SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media-root"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def session(organizer: Any) -> Session:
    return SessionFactory(owner=organizer, status="active")


def upload(client: Any, session: Session, size: tuple[int, int] = (64, 48)) -> dict[str, Any]:
    buffer = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(buffer, format="PNG")
    buffer.seek(0)
    buffer.name = "p.png"
    resp = client.post(f"/api/v1/sessions/{session.pk}/media", {"file": buffer}, format="multipart")
    assert resp.status_code == 201, resp.content
    body: dict[str, Any] = resp.json()
    return body


def create(client: Any, session: Session, config: Any) -> Any:
    return client.post(
        f"/api/v1/sessions/{session.pk}/activities", {"type": "slide", "config": config}, format="json"
    )


def test_a_slide_is_created_with_its_defaults(org_api, session):
    resp = create(org_api, session, {"title": "Welcome", "body": "Intro\n\n- one\n- two"})
    assert resp.status_code == 201, resp.content
    assert resp.json()["config"] == {
        "title": "Welcome",
        "body": "Intro\n\n- one\n- two",
        "show_on_phones": True,
        "notes": "",
    }


@pytest.mark.parametrize(
    ("config", "path"),
    [
        ({}, "config"),
        ({"title": "", "body": "  "}, "config"),
        ({"title": "x" * 201}, "config.title"),
        ({"body": "x" * 3001}, "config.body"),
        ({"title": "t", "notes": "x" * 5001}, "config.notes"),
        ({"title": "t", "show_on_phones": "yes"}, "config.show_on_phones"),
        ({"title": "t", "html": "<b>"}, "config.html"),
        ({"title": "t", "image": "abc"}, "config.image"),
        ({"title": "t", "image": {"media_id": "not-a-uuid", "alt": "A"}}, "config.image.media_id"),
    ],
)
def test_bad_configs_are_400_with_their_path(org_api, session, config, path):
    err = assert_error(create(org_api, session, config), 400, "VALIDATION_ERROR")
    assert path in err["details"], err
    assert not Activity.objects.filter(session=session).exists()


def test_an_image_reference_needs_alt_text_of_1_to_300_characters(org_api, session):
    media = upload(org_api, session)
    for ref in (
        {"media_id": media["id"]},
        {"media_id": media["id"], "alt": ""},
        {"media_id": media["id"], "alt": "x" * 301},
    ):
        err = assert_error(create(org_api, session, {"image": ref}), 400, "VALIDATION_ERROR")
        assert "config.image.alt" in err["details"], err
    assert not Activity.objects.filter(session=session).exists()


def test_a_media_of_another_session_is_refused(org_api, organizer, session):
    other = SessionFactory(owner=organizer)
    media = upload(org_api, other)
    err = assert_error(
        create(org_api, session, {"image": {"media_id": media["id"], "alt": "A chart"}}),
        400,
        "VALIDATION_ERROR",
    )
    assert "config.image.media_id" in err["details"]
    assert not Activity.objects.filter(session=session).exists()
    # Nor through an edit.
    ok = create(org_api, session, {"title": "Hi"}).json()
    resp = org_api.patch(
        f"/api/v1/sessions/{session.pk}/activities/{ok['id']}",
        {"config": {"title": "Hi", "image": {"media_id": media["id"], "alt": "A chart"}}},
        format="json",
    )
    assert_error(resp, 400, "VALIDATION_ERROR")
    assert "image" not in Activity.objects.get(pk=ok["id"]).config


def _go_live(session: Session, activity_id: str) -> Activity:
    activity = Activity.objects.get(pk=activity_id)
    Activity.objects.filter(pk=activity.pk).update(status="active", activated_at=timezone.now())
    Session.objects.filter(pk=session.pk).update(current_activity=activity)
    activity.refresh_from_db()
    return activity


def test_state_has_the_image_in_its_public_form_and_never_the_notes(org_api, api, session):
    media = upload(org_api, session, (3000, 1500))
    config = {
        "title": "Q3",
        "body": "Revenue up",
        "image": {"media_id": media["id"], "alt": "A rising chart"},
        "notes": "Do not mention the layoffs",
        "show_on_phones": False,
    }
    created = create(org_api, session, config)
    assert created.status_code == 201, created.content
    assert created.json()["config"]["notes"] == "Do not mention the layoffs"  # the organizer's view
    _go_live(session, created.json()["id"])
    resp = api.get(f"/api/v1/sessions/{session.pk}/state")
    assert resp.status_code == 200
    assert b"layoffs" not in resp.content and "notes" not in resp.content.decode()
    current = resp.json()["current_activity"]
    assert current["config"] == {
        "title": "Q3",
        "body": "Revenue up",
        "show_on_phones": False,
        "image": {"url": media["url"], "width": 2560, "height": 1280, "alt": "A rising chart"},
    }
    assert current["results"] is None


def test_answers_are_refused_with_answers_not_accepted(org_api, session):
    created = create(org_api, session, {"title": "Break"}).json()
    activity = _go_live(session, created["id"])
    participant = ParticipantFactory(session=session)
    url = f"/api/v1/sessions/{session.pk}/activities/{activity.pk}/responses"
    bodies: list[dict[str, Any]] = [{"response_data": {}}, {"response_data": {"option_ids": ["a"]}}]
    for body in bodies:
        assert_error(
            participant_client(participant.token).post(url, body, format="json"), 409, "ANSWERS_NOT_ACCEPTED"
        )
    assert not Response.objects.filter(activity=activity).exists()


def test_the_media_of_a_slide_is_in_use(org_api, session):
    media = upload(org_api, session)
    create(org_api, session, {"image": {"media_id": media["id"], "alt": "Logo"}})
    assert_error(org_api.delete(f"/api/v1/sessions/{session.pk}/media/{media['id']}"), 409, "MEDIA_IN_USE")
    assert Media.objects.filter(pk=media["id"]).exists()


def test_a_duplicate_carries_the_images_and_refers_to_its_own_copies(org_api, organizer, session, media_root):
    media = upload(org_api, session)
    create(org_api, session, {"image": {"media_id": media["id"], "alt": "Logo"}})
    copy_id = services.session_duplicate(session=session, owner=organizer).pk
    copied = Media.objects.get(session_id=copy_id)
    assert str(copied.pk) != media["id"] and copied.name == Media.objects.get(pk=media["id"]).name
    assert Activity.objects.get(session_id=copy_id).config["image"] == {
        "media_id": str(copied.pk),
        "alt": "Logo",
    }
    assert len([p for p in media_root.rglob("*") if p.is_file()]) == 1  # the file is shared


# --- the admin's form ---------------------------------------------------------------------------


def test_the_admin_form_reproduces_a_stored_config_with_its_image(org_api, session):
    from activities.types import get_type
    from activities.types.forms import config_form_for

    media = upload(org_api, session)
    clean = get_type("slide").validate_config(
        {
            "title": "T",
            "body": "B\n\n- x",
            "image": {"media_id": media["id"], "alt": "A"},
            "show_on_phones": False,
        }
    )
    form_class = config_form_for(get_type("slide"))
    initial = form_class.initial_from_config(clean)
    # The picture's picker posts its media and its alt text (activities/types/form_pictures.py); the
    # admin offers the session's media in it.
    image = initial.pop("image")
    form = form_class(data={**initial, "image_media": image["media_id"], "image_alt": image["alt"]})
    form.fields["image"].widget.choices = [(media["id"], "the picture")]
    assert form.is_valid(), form.errors
    assert form.cleaned_data["config"] == clean


def test_the_admin_adds_a_slide_and_refuses_a_media_of_another_session(organizer, org_api, session):
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(organizer)
    url = reverse("admin:activities_activity_add") + f"?session={session.pk}&type=slide"
    other = upload(org_api, SessionFactory(owner=organizer))
    data = {
        "session": str(session.pk),
        "title": "",
        "body": "Welcome",
        "image_media": other["id"],
        "image_alt": "Logo",
        "show_on_phones": "on",
        "notes": "Smile",
    }
    response = client.post(url, data, follow=True)
    # Back to the form: the picker offers this session's media only.
    assert "Choose a picture of this session." in response.content.decode()
    assert not Activity.objects.filter(session=session).exists()
    response = client.post(url, {**data, "image_media": "", "image_alt": ""})
    assert response.status_code == 302, response.content[:2000]
    assert Activity.objects.get(session=session).config == {
        "title": "",
        "body": "Welcome",
        "show_on_phones": True,
        "notes": "Smile",
    }
