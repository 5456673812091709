"""Pictures in the admin's type forms (issue 24): the config's picture and the options', items' and
statements' pictures are picked among the session's media or uploaded, each with its alt text
(required as soon as a picture is set); what the admin stores is the contract's image reference."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from activities.models import Activity, Media
from activities.services.media import media_upload
from activities.tests.test_admin import add_url, change_url, form_errors, login
from sessions_app.models import Session
from sessions_app.services import session_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media-root"
    return Path(settings.MEDIA_ROOT)


def _png(color: tuple[int, int, int] = (200, 30, 30), size: tuple[int, int] = (40, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture
def a_session(organizer: Any) -> Session:
    return session_create(owner=organizer, name="Badge vote")


@pytest.fixture
def logo(a_session: Session) -> Media:
    return media_upload(session=a_session, data=_png())


def _poll(a_session: Session, **extra: Any) -> dict[str, Any]:
    return {
        "session": str(a_session.pk),
        "title": "Logo",
        "question": "Which logo?",
        "options": "Round\nSquare",
        **extra,
    }


def test_add_a_poll_with_a_picked_question_picture_and_option_pictures_one_uploaded(
    organizer: Any, a_session: Session, logo: Media
) -> None:
    client = login(organizer)
    page = client.get(add_url(a_session, "poll"))
    assert page.status_code == 200
    html = page.content.decode()
    # The form uploads files, and offers the session's media in each picker, with named inputs.
    assert 'enctype="multipart/form-data"' in html
    assert f'<option value="{logo.pk}">' in html
    assert 'for="id_option_pictures_1_alt"' in html and 'for="id_image_media"' in html

    response = client.post(
        add_url(a_session, "poll"),
        _poll(
            a_session,
            image_media=str(logo.pk),
            image_alt="  Both   logos on a badge ",
            option_pictures_0_media=str(logo.pk),
            option_pictures_0_alt="A round logo",
            option_pictures_1_upload=SimpleUploadedFile("square.png", _png((0, 90, 200)), "image/png"),
            option_pictures_1_alt="A square logo",
        ),
    )
    assert response.status_code == 302, form_errors(response)
    activity = Activity.objects.get(type="poll")
    uploaded = Media.objects.exclude(pk=logo.pk).get(session=a_session)
    assert activity.config["image"] == {"media_id": str(logo.pk), "alt": "Both logos on a badge"}
    assert activity.config["options"] == [
        {"id": "a", "label": "Round", "image": {"media_id": str(logo.pk), "alt": "A round logo"}},
        {"id": "b", "label": "Square", "image": {"media_id": str(uploaded.pk), "alt": "A square logo"}},
    ]
    assert (uploaded.width, uploaded.height) == (40, 30)

    # The change page shows them picked, with their alt texts; clearing one removes it.
    shown = client.get(change_url(activity)).content.decode()
    assert f'<option value="{uploaded.pk}" selected>' in shown
    assert 'value="A square logo"' in shown
    response = client.post(
        change_url(activity),
        _poll(
            a_session,
            image_media="",
            image_alt="",
            option_pictures_0_media="",
            option_pictures_0_alt="",
            option_pictures_1_media=str(uploaded.pk),
            option_pictures_1_alt="A square logo",
        ),
    )
    assert response.status_code == 302, form_errors(response)
    activity.refresh_from_db()
    assert "image" not in activity.config
    assert [o.get("image") for o in activity.config["options"]] == [
        None,
        {"media_id": str(uploaded.pk), "alt": "A square logo"},
    ]


@pytest.mark.parametrize(
    "extra",
    [
        {"image_alt": "   "},
        {"option_pictures_1_alt": ""},
    ],
)
def test_a_picture_without_alt_text_is_a_form_error_and_nothing_is_stored(
    organizer: Any, a_session: Session, logo: Media, extra: dict[str, str]
) -> None:
    data = _poll(a_session, image_media=str(logo.pk), image_alt="Logos")
    data.update(
        option_pictures_1_upload=SimpleUploadedFile("s.png", _png(), "image/png"),
        option_pictures_1_alt="Square",
    )
    data.update(extra)
    response = login(organizer).post(add_url(a_session, "poll"), data)
    assert response.status_code == 200
    errors = form_errors(response)
    field = "image" if "image_alt" in extra else "option_pictures"
    prefix = "" if field == "image" else "Line 2: "
    assert errors[field] == [
        f"{prefix}Describe the picture in its alt text: it is required when a picture is set."
    ]
    assert not Activity.objects.exists()
    assert list(Media.objects.values_list("pk", flat=True)) == [logo.pk]  # the upload was not stored


def test_pictures_refused_a_media_of_another_session_a_line_without_text_and_a_fake_image(
    organizer: Any, a_session: Session, logo: Media
) -> None:
    other = session_create(owner=organizer, name="Other")
    theirs = media_upload(session=other, data=_png((1, 2, 3)))
    client = login(organizer)
    response = client.post(
        add_url(a_session, "poll"), _poll(a_session, image_media=str(theirs.pk), image_alt="Theirs")
    )
    assert form_errors(response)["image"] == ["Choose a picture of this session."]
    response = client.post(
        add_url(a_session, "poll"),
        _poll(a_session, option_pictures_2_media=str(logo.pk), option_pictures_2_alt="A third logo"),
    )
    assert form_errors(response)["option_pictures"] == ["Line 3 has a picture but no text."]
    fake = SimpleUploadedFile("logo.png", b"<svg onload='alert(1)'></svg>", "image/png")
    response = client.post(
        add_url(a_session, "poll"), _poll(a_session, image_upload=fake, image_alt="A logo")
    )
    assert response.status_code == 200
    assert "image" in form_errors(response)
    assert not Activity.objects.exists()
    assert Media.objects.filter(session=a_session).count() == 1


def test_quiz_ranking_rating_and_slide_forms_take_pictures(
    organizer: Any, a_session: Session, logo: Media
) -> None:
    client: Client = login(organizer)
    ref = {"media_id": str(logo.pk), "alt": "The logo"}
    posts: dict[str, dict[str, Any]] = {
        "quiz": {
            "question": "Ours?",
            "options": "Round\nSquare",
            "correct_option": "a",
            "points": 1000,
            "lead_in_seconds": 0,
            "option_pictures_1_media": str(logo.pk),
            "option_pictures_1_alt": "The logo",
        },
        "ranking": {
            "question": "Order them",
            "items": "One\nTwo\nThree",
            "item_pictures_2_media": str(logo.pk),
            "item_pictures_2_alt": "The logo",
        },
        "rating": {
            "question": "Rate",
            "statements": "Colour\nShape",
            "scale_min": 1,
            "scale_max": 5,
            "statement_pictures_0_media": str(logo.pk),
            "statement_pictures_0_alt": "The logo",
            "image_media": str(logo.pk),
            "image_alt": "The logo",
        },
        "slide": {
            "title": "Welcome",
            "show_on_phones": "on",
            "image_upload": SimpleUploadedFile("w.png", _png((9, 9, 9), (300, 200)), "image/png"),
            "image_alt": "Our office",
        },
    }
    for kind, data in posts.items():
        response = client.post(add_url(a_session, kind), {"session": str(a_session.pk), "title": "", **data})
        assert response.status_code == 302, (kind, form_errors(response))
    config = {a.type: a.config for a in Activity.objects.filter(session=a_session)}
    assert config["quiz"]["options"][1]["image"] == ref and "image" not in config["quiz"]["options"][0]
    assert [i.get("image") for i in config["ranking"]["items"]] == [None, None, ref]
    assert config["rating"]["statements"][0]["image"] == ref and config["rating"]["image"] == ref
    slide_media = Media.objects.get(session=a_session, width=300)
    assert config["slide"]["image"] == {"media_id": str(slide_media.pk), "alt": "Our office"}
    # The stored pictures come back as the form's initial values (a round trip keeps them).
    ranking = Activity.objects.get(type="ranking")
    form = client.get(change_url(ranking)).context["adminform"].form
    assert form.initial["item_pictures"] == {2: ref}


def test_a_session_of_another_team_shows_none_of_its_media_and_gets_no_upload(
    organizer: Any, other_organizer: Any, a_session: Session
) -> None:
    theirs = session_create(owner=other_organizer, name="Bob's retro")
    secret = media_upload(session=theirs, data=_png((5, 5, 5)))
    client = login(organizer)
    upload = SimpleUploadedFile("x.png", _png(), "image/png")
    response = client.post(
        add_url(a_session, "poll"),
        {**_poll(theirs), "image_upload": upload, "image_alt": "Mine", "image_media": ""},
    )
    assert response.status_code == 200
    assert "session" in form_errors(response)
    assert str(secret.pk) not in response.content.decode()
    assert list(Media.objects.filter(session=theirs).values_list("pk", flat=True)) == [secret.pk]
    assert not Activity.objects.exists()


def test_an_upload_with_a_config_the_type_refuses_stores_nothing(
    organizer: Any, a_session: Session, logo: Media, media_root: Path
) -> None:
    # The picture is fine, the form's fields too, but the type refuses the config (a poll of one
    # option): the form says so and neither a media row nor a file is left behind.
    files_before = sorted(p.name for p in media_root.rglob("*") if p.is_file())
    data = _poll(
        a_session,
        options="Round",
        image_upload=SimpleUploadedFile("new.png", _png((10, 200, 90)), "image/png"),
        image_alt="A new logo",
    )
    response = login(organizer).post(add_url(a_session, "poll"), data)
    assert response.status_code == 200
    assert "options" in form_errors(response)
    assert not Activity.objects.exists()
    assert list(Media.objects.values_list("pk", flat=True)) == [logo.pk]
    assert sorted(p.name for p in media_root.rglob("*") if p.is_file()) == files_before
