"""The built-in pages render, find their session, escape user text and gate the controls."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

import pytest
from django.test import Client

from participants.services import participant_join
from sessions_app import services as session_services

pytestmark = pytest.mark.django_db

EVIL = '<script>alert("x")</script>'


@pytest.fixture
def session(organizer: Any) -> Any:
    return session_services.session_create(owner=organizer, name="Team sync")


def _config(html: str) -> dict[str, Any]:
    match = re.search(r'<script id="caja-config" type="application/json">(.*?)</script>', html, re.S)
    assert match, "the page carries its config as json_script"
    return json.loads(match.group(1))


# --- participant page ---------------------------------------------------------------------------


def test_join_page_renders_session_name_and_code(client: Client, session: Any) -> None:
    response = client.get(f"/join/{session.join_code}")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 id="session-name" class="session-name" dir="auto">Team sync</h1>' in html
    assert f'<span class="code" id="join-code">{session.join_code}</span>' in html
    assert "live/join.js" in html and "live/caja.css" in html
    config = _config(html)
    assert config == {
        "join_code": session.join_code,
        "session_id": str(session.pk),
        "session_name": "Team sync",
        "session_status": "draft",
    }


def test_join_page_code_is_case_insensitive(client: Client, session: Any) -> None:
    response = client.get(f"/join/{session.join_code.lower()}")
    assert response.status_code == 302
    assert response["Location"] == f"/join/{session.join_code}"


def test_join_page_unknown_code_is_404_page(client: Client) -> None:
    response = client.get("/join/ZZZZZZ")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Session not found" in html
    assert _config(html)["session_id"] is None


def test_join_page_finds_completed_session(client: Client, session: Any) -> None:
    session_services.session_start(session=session)
    session_services.session_complete(session=session)
    response = client.get(f"/join/{session.join_code}")
    assert response.status_code == 200
    assert _config(response.content.decode())["session_status"] == "completed"


def test_the_bare_address_leads_to_the_join_page(client: Client) -> None:
    # People type the host from the slide: they must land on the code form, not on a 404.
    response = client.get("/", follow=True)
    assert response.redirect_chain == [("/join", 302)]
    assert 'name="code"' in response.content.decode()


def test_join_start_page_and_redirect(client: Client) -> None:
    response = client.get("/join")
    assert response.status_code == 200
    assert 'name="code"' in response.content.decode()
    redirect = client.get("/join", {"code": " k7mx2q "})
    assert redirect.status_code == 302
    assert redirect["Location"] == "/join/K7MX2Q"


def test_join_page_escapes_session_name(client: Client, organizer: Any) -> None:
    evil = session_services.session_create(owner=organizer, name=EVIL)
    html = client.get(f"/join/{evil.join_code}").content.decode()
    assert EVIL not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    # json_script escapes <, > and & inside the JSON block, so it cannot close the script tag.
    assert _config(html)["session_name"] == EVIL
    assert html.count("</script>") == html.count("<script")


# --- presenter page -----------------------------------------------------------------------------


def test_present_page_anonymous_has_no_controls(client: Client, session: Any) -> None:
    participant_join(session=session, nickname="Ana")
    response = client.get(f"/present/{session.pk}")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 id="session-name" class="session-name" dir="auto">Team sync</h1>' in html
    assert f'<span id="join-code" class="code">{session.join_code}</span>' in html
    # The join URL breaks after a slash only (<wbr>), never mid-word.
    scheme, rest = session.join_url.split("//")
    host, path = rest.split("/", 1)
    *dirs, code = path.split("/")
    joined = "<wbr>".join([f"{scheme}//", f"{host}/", *[f"{d}/" for d in dirs], code])
    assert f'<span id="join-url" class="join-url">{joined}</span>' in html
    assert f'src="/api/v1/sessions/{session.pk}/qr.svg"' in html
    assert '<span id="participant-count" class="big-number">1</span>' in html
    assert 'id="controls"' not in html
    assert 'id="btn-next"' not in html
    assert 'id="btn-rehearse"' not in html
    assert 'id="btn-moderate"' not in html  # moderating questions is the organizer's
    config = _config(html)
    assert config["can_control"] is False
    assert config["csrf_token"] is None


def test_present_page_owner_gets_controls_and_csrf(client: Client, session: Any, organizer: Any) -> None:
    client.force_login(organizer)
    html = client.get(f"/present/{session.pk}").content.decode()
    for control in (
        "btn-next",
        "btn-reveal",
        "btn-reset",
        "btn-complete",
        "btn-start",
        "btn-rehearse",
        "btn-end-rehearsal",
        "btn-moderate",
    ):
        assert f'id="{control}"' in html
    config = _config(html)
    assert config["can_control"] is True
    assert config["csrf_token"]


def test_present_page_other_organizer_has_no_controls(
    client: Client, session: Any, other_organizer: Any
) -> None:
    client.force_login(other_organizer)
    html = client.get(f"/present/{session.pk}").content.decode()
    assert 'id="controls"' not in html
    assert 'id="btn-moderate"' not in html
    assert _config(html)["can_control"] is False


def test_present_page_superuser_gets_controls(client: Client, session: Any, superuser: Any) -> None:
    client.force_login(superuser)
    html = client.get(f"/present/{session.pk}").content.decode()
    assert 'id="controls"' in html


def test_moderation_page_is_the_teams_alone(
    client: Client, session: Any, organizer: Any, other_organizer: Any, superuser: Any
) -> None:
    """/present/<id>/moderate: off the shared screen, for the session's team (the moderation right) or a
    superuser; the presenter links to it; nobody else sees it."""
    url = f"/present/{session.pk}/moderate"
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")
    client.force_login(other_organizer)
    assert client.get(url).status_code == 404  # not on the team: as in the API, no such session
    assert client.get(f"/present/{uuid.uuid4()}/moderate").status_code == 404
    for user in (organizer, superuser):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        assert _config(html)["csrf_token"]
        # The types' moderation modules (the Q&A's), loaded by a page that names no type.
        types = _types(html)
        assert types["qna"]["module"] == "/static/caja-types/qna/moderation.js"
        assert types["poll"]["module"] is None
        assert f'href="{url}"' in client.get(f"/present/{session.pk}").content.decode()


def test_moderation_page_follows_the_moderation_right(
    client: Client, session: Any, other_organizer: Any
) -> None:
    """A team member whose role has the moderation right (sessions_app.roles) gets the moderation page,
    a moderator included; the same organizer without a membership gets 404."""
    from sessions_app.models import SessionMember

    url = f"/present/{session.pk}/moderate"
    client.force_login(other_organizer)
    assert client.get(url).status_code == 404
    member = SessionMember.objects.create(session=session, user=other_organizer, role="moderator")
    response = client.get(url)
    assert response.status_code == 200
    assert _config(response.content.decode())["csrf_token"]
    # The slides' speaker notes are the presenter's (the lifecycle right), not a moderator's.
    assert _config(response.content.decode())["can_control"] is False
    # A moderator has no lifecycle right: the big screen's control bar is the moderation link alone.
    html = client.get(f"/present/{session.pk}").content.decode()
    assert 'id="btn-moderate"' in html and 'id="btn-next"' not in html and 'id="btn-complete"' not in html
    member.role = "presenter"
    member.save()
    response = client.get(url)
    assert response.status_code == 200
    assert _config(response.content.decode())["can_control"] is True


def test_present_page_unknown_session_is_404(client: Client) -> None:
    assert client.get(f"/present/{uuid.uuid4()}").status_code == 404
    assert client.get("/present/not-a-uuid").status_code == 404


def test_present_page_escapes_session_name(client: Client, organizer: Any) -> None:
    evil = session_services.session_create(owner=organizer, name=EVIL)
    html = client.get(f"/present/{evil.pk}").content.decode()
    assert EVIL not in html
    assert "&lt;script&gt;" in html
    assert _config(html)["session_name"] == EVIL
    assert html.count("</script>") == html.count("<script")


def test_static_modules_never_use_inner_html() -> None:
    from pathlib import Path

    static = Path(__file__).resolve().parents[1] / "static" / "live"
    for name in ("common.js", "join.js", "present.js"):
        source = (static / name).read_text()
        assert "innerHTML" not in source, name
        assert "insertAdjacentHTML" not in source, name
        assert "document.write" not in source, name


STYLESHEETS = ["caja.css", "caja-phone.css", "caja-results.css", "caja-screen.css", "caja-modes.css"]


def test_pages_link_the_stylesheets_in_cascade_order(client: Client, session: Any) -> None:
    # caja.css was split by concern (runtime files stay under 400 lines): every page links the parts in
    # the order of the one file they were, so the cascade, and what people see, is the same.
    from pathlib import Path

    static = Path(__file__).resolve().parents[1] / "static" / "live"
    for url in (f"/join/{session.join_code}", f"/present/{session.pk}"):
        html = client.get(url).content.decode()
        linked = re.findall(r'<link rel="stylesheet" href="/static/live/([\w.-]+\.css)">', html)
        assert linked == STYLESHEETS, url
    for name in STYLESHEETS:
        assert len((static / name).read_text().splitlines()) <= 400, name
    assert sorted(p.name for p in static.glob("*.css")) == sorted(STYLESHEETS)


# --- the activity types' renderers --------------------------------------------------------------


def _types(html: str) -> dict[str, Any]:
    match = re.search(r'<script id="caja-types" type="application/json">(.*?)</script>', html, re.S)
    assert match, "the page carries the types' registry as json_script"
    return json.loads(match.group(1))


@pytest.mark.parametrize(("url", "page"), [("/join/{code}", "phone"), ("/present/{pk}", "presenter")])
def test_pages_list_every_type_with_its_label_and_renderer(
    client: Client, session: Any, url: str, page: str
) -> None:
    from django.contrib.staticfiles import finders

    from activities.types import TYPE_PACKAGES, get_type

    html = client.get(url.format(code=session.join_code, pk=session.pk)).content.decode()
    types = _types(html)
    assert list(types) == list(TYPE_PACKAGES)
    for key, info in types.items():
        t = get_type(key)
        assert info["label"] == t.label
        assert info["supports_reveal"] is t.supports_reveal
        assert info["supports_reset"] is t.supports_reset
        assert info["state_key"] == t.state_key
        # Served from the type's own package under caja-types/<key>/ (activities/staticfinders.py).
        assert info["module"] == f"/static/caja-types/{key}/{page}.js"
        found = finders.find(f"caja-types/{key}/{page}.js")
        assert found and f"/activities/types/{key}/static/" in str(found)


def test_page_scripts_name_no_activity_type() -> None:
    """The pages dispatch on the registry's keys: no type name in their code (comments aside)."""
    from pathlib import Path

    from activities.types import TYPE_PACKAGES

    root = Path(__file__).resolve().parents[1] / "static" / "live"
    for name in ("join.js", "present.js", "common.js", "moderate.js"):
        code = "\n".join(line.split("//")[0] for line in (root / name).read_text().splitlines())
        code = code.replace('.get("poll")', "")  # ?poll=: the polling interval override, not a type
        for key in TYPE_PACKAGES:
            assert not re.search(rf"""["'`]{key}["'`]""", code), f"{name} names the type {key!r}"
