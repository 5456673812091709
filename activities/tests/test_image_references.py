"""Image references on every type's config and on options (contract v1.2 "Media, slides and decks"):
checked against the session's media, shown in /state as {url, width, height, alt}, keeping a media
in use."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from PIL import Image

from activities.models import Activity
from activities.tests.factories import CONFIGS
from activities.types import get_type, type_keys
from core.testing import assert_error
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


def upload(client: Any, session: Session) -> dict[str, Any]:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 20), (200, 10, 10)).save(buffer, format="PNG")
    buffer.seek(0)
    buffer.name = "p.png"
    resp = client.post(f"/api/v1/sessions/{session.pk}/media", {"file": buffer}, format="multipart")
    assert resp.status_code == 201, resp.content
    body: dict[str, Any] = resp.json()
    return body


def create(client: Any, session: Session, type: str, config: Any) -> Any:
    return client.post(
        f"/api/v1/sessions/{session.pk}/activities", {"type": type, "config": config}, format="json"
    )


POLL = {"question": "Which logo?", "options": [{"id": "a", "label": "Round"}, {"id": "b", "label": "Square"}]}


@pytest.mark.parametrize("key", [k for k in type_keys() if k != "slide"])
def test_every_type_takes_a_picture_with_its_question(org_api, session, key):
    media = upload(org_api, session)
    ready = CONFIGS.get(key) or (get_type(key).demo or {})["config"]
    config = {**ready, "image": {"media_id": media["id"], "alt": "A"}}
    resp = create(org_api, session, key, config)
    assert resp.status_code == 201, resp.content
    assert resp.json()["config"]["image"] == {"media_id": media["id"], "alt": "A"}


def test_poll_options_take_pictures_and_state_shows_them(org_api, api, session):
    logo_a, logo_b = upload(org_api, session), upload(org_api, session)
    config = {
        **POLL,
        "image": {"media_id": logo_a["id"], "alt": "Both logos side by side"},
        "options": [
            {"id": "a", "label": "Round", "image": {"media_id": logo_a["id"], "alt": "A round logo"}},
            {"id": "b", "label": "Square", "image": {"media_id": logo_b["id"], "alt": "A square logo"}},
        ],
    }
    resp = create(org_api, session, "poll", config)
    assert resp.status_code == 201, resp.content
    activity = Activity.objects.get(pk=resp.json()["id"])
    assert activity.config["options"][1]["image"] == {"media_id": logo_b["id"], "alt": "A square logo"}
    Activity.objects.filter(pk=activity.pk).update(status="active", activated_at=timezone.now())
    Session.objects.filter(pk=session.pk).update(current_activity=activity)
    state = api.get(f"/api/v1/sessions/{session.pk}/state").json()
    public = state["current_activity"]["config"]
    assert public["image"] == {
        "url": logo_a["url"],
        "width": 40,
        "height": 20,
        "alt": "Both logos side by side",
    }
    assert [o["image"] for o in public["options"]] == [
        {"url": logo_a["url"], "width": 40, "height": 20, "alt": "A round logo"},
        {"url": logo_b["url"], "width": 40, "height": 20, "alt": "A square logo"},
    ]
    assert "media_id" not in str(public)
    # In use through an option: not deletable.
    assert_error(org_api.delete(f"/api/v1/sessions/{session.pk}/media/{logo_b['id']}"), 409, "MEDIA_IN_USE")


@pytest.mark.parametrize(
    ("mutate", "path"),
    [
        (lambda c, m: c["options"][1].update(image={"media_id": m}), "config.options.1.image.alt"),
        (
            lambda c, m: c["options"][0].update(image={"media_id": m, "alt": " "}),
            "config.options.0.image.alt",
        ),
        (
            lambda c, m: c["options"][0].update(image={"media_id": m, "alt": "x" * 301}),
            "config.options.0.image.alt",
        ),
        (lambda c, m: c["options"][0].update(image={"alt": "A"}), "config.options.0.image.media_id"),
        (lambda c, m: c.update(image={"media_id": m, "alt": "A", "src": "x"}), "config.image.src"),
        (lambda c, m: c.update(image={"media_id": m}), "config.image.alt"),
    ],
)
def test_bad_references_are_400_with_their_path(org_api, session, mutate, path):
    media = upload(org_api, session)
    config = {**POLL, "options": [dict(o) for o in POLL["options"]]}
    mutate(config, media["id"])
    err = assert_error(create(org_api, session, "poll", config), 400, "VALIDATION_ERROR")
    assert path in err["details"], err
    assert not Activity.objects.filter(session=session).exists()


def test_a_media_of_another_session_is_refused_in_an_option_and_the_config(org_api, organizer, session):
    foreign = upload(org_api, SessionFactory(owner=organizer))
    config = {
        **POLL,
        "image": {"media_id": foreign["id"], "alt": "Not ours"},
        "options": [
            POLL["options"][0],
            {"id": "b", "label": "B", "image": {"media_id": foreign["id"], "alt": "B"}},
        ],
    }
    err = assert_error(create(org_api, session, "poll", config), 400, "VALIDATION_ERROR")
    assert {"config.image.media_id", "config.options.1.image.media_id"} <= set(err["details"])
    assert not Activity.objects.filter(session=session).exists()


def test_type_errors_and_image_errors_come_together(org_api, session):
    err = assert_error(
        create(
            org_api, session, "poll", {"question": "Q", "options": [], "image": {"media_id": "x", "alt": ""}}
        ),
        400,
        "VALIDATION_ERROR",
    )
    assert {"config.options", "config.image.media_id", "config.image.alt"} <= set(err["details"])


def test_editing_in_the_admin_keeps_the_pictures_set_through_the_api(org_api, organizer, session):
    from django.test import Client
    from django.urls import reverse

    Session.objects.filter(pk=session.pk).update(status="draft")
    logo = upload(org_api, session)
    config = {
        **POLL,
        "image": {"media_id": logo["id"], "alt": "Both"},
        "options": [
            {"id": "a", "label": "Round", "image": {"media_id": logo["id"], "alt": "Round one"}},
            {"id": "b", "label": "Square"},
        ],
    }
    activity_id = create(org_api, session, "poll", config).json()["id"]
    client = Client()
    client.force_login(organizer)
    url = reverse("admin:activities_activity_change", args=[activity_id])
    resp = client.post(
        url, {"title": "", "question": "Which logo now?", "options": "a | Round\nb | Square\nc | Star"}
    )
    assert resp.status_code == 302, resp.content[:3000]
    stored = Activity.objects.get(pk=activity_id).config
    assert stored["question"] == "Which logo now?"
    assert stored["image"] == {"media_id": logo["id"], "alt": "Both"}
    assert [o.get("image") for o in stored["options"]] == [
        {"media_id": logo["id"], "alt": "Round one"},
        None,
        None,
    ]
