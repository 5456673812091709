"""Languages: the phone page follows its person (switcher cookie, else Accept-Language), the
presenter screen its session, the scripts' words come from Django's JavaScript catalog, and the
error messages a phone shows arrive in its language, without splitting the cached poll."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from core.testing import assert_error, translated
from participants.services import participant_join
from sessions_app import services as session_services
from sessions_app.models import Session

pytestmark = pytest.mark.django_db


@pytest.fixture
def session(organizer: Any) -> Session:
    return session_services.session_create(owner=organizer, name="Team sync")


def _catalog_src(html: str) -> str:
    match = re.search(r'<script src="(/jsi18n/[a-z]+\.js\?v=[0-9a-f]+)"></script>', html)
    assert match, "the page loads its JavaScript catalog before its modules"
    return match.group(1)


def test_the_phone_page_follows_accept_language(client: Client, session: Session) -> None:
    html = client.get(
        f"/join/{session.join_code}", HTTP_ACCEPT_LANGUAGE="es-ES,es;q=0.9,en;q=0.5"
    ).content.decode()
    assert '<html lang="es" dir="ltr">' in html
    assert translated("es", "Code") in html
    assert _catalog_src(html).startswith("/jsi18n/es.js?v=")
    # The switcher offers the four languages, the current one selected, each named in itself.
    assert '<option value="es" lang="es" selected>Español</option>' in html
    for code, name in settings.LANGUAGES:
        assert f'value="{code}" lang="{code}"' in html and name in html


def test_without_a_known_language_the_page_is_english(client: Client, session: Session) -> None:
    html = client.get(f"/join/{session.join_code}", HTTP_ACCEPT_LANGUAGE="ja,zh;q=0.8").content.decode()
    assert '<html lang="en" dir="ltr">' in html
    assert "Rehearsal — answers will be deleted" in html and _catalog_src(html).startswith("/jsi18n/en.js")


def test_the_switcher_sticks_and_beats_accept_language(client: Client, session: Session) -> None:
    page = f"/join/{session.join_code}"
    html = client.get(page, HTTP_ACCEPT_LANGUAGE="de").content.decode()
    assert '<form class="language-switcher" action="/i18n/setlang/" method="post">' in html
    assert f'name="next" type="hidden" value="{page}"' in html
    response = client.post("/i18n/setlang/", {"language": "fr", "next": page}, HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 302 and response["Location"] == page
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "fr" and int(cookie["max-age"]) >= 300 * 24 * 3600
    # Later visits, whatever the browser asks for, are in French.
    for _ in range(2):
        html = client.get(page, HTTP_ACCEPT_LANGUAGE="de").content.decode()
        assert '<html lang="fr"' in html and translated("fr", "Send a reaction") in html
    # A language Caja does not speak is refused by set_language (the cookie stays French).
    client.post("/i18n/setlang/", {"language": "xx", "next": page})
    assert '<html lang="fr"' in client.get(page).content.decode()


def test_the_presenter_speaks_the_sessions_language(client: Client, session: Session) -> None:
    session_services.session_update(session=session, language="de")
    response = client.get(f"/present/{session.pk}", HTTP_ACCEPT_LANGUAGE="fr")
    html = response.content.decode()
    assert '<html lang="de"' in html and response["Content-Language"] == "de"
    assert translated("de", "Join at") in html and translated("de", "Draft") in html
    assert _catalog_src(html).startswith("/jsi18n/de.js?v=")
    # The types' labels in the page's registry are translated too (the API's stay English).
    assert translated("de", "Poll") in html


@pytest.mark.parametrize("language", ["es", "de", "fr"])
def test_the_javascript_catalog(client: Client, language: str) -> None:
    response = client.get(f"/jsi18n/{language}.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert "immutable" in response["Cache-Control"]
    body = response.content.decode()
    assert "django.gettext" in body and "django.ngettext" in body and "django.interpolate" in body
    match = re.search(r"const newcatalog = (\{.*?\});\n", body, re.S)
    assert match, "the catalog's entries"
    catalog = json.loads(match.group(1))
    assert catalog["Answer sent. Thank you!"] == translated(language, "Answer sent. Thank you!", js=True)
    # Only the scripts' words (domain djangojs), each translated; plurals as a list of forms.
    assert "Session code" not in catalog and len(catalog) > 100
    forms = catalog["%(n)s answer so far"]
    assert isinstance(forms, list) and len(forms) == 2 and all("%(n)s" in form for form in forms)
    # Plural forms as the language has them.
    assert "pluralidx" in body


def test_an_unknown_catalog_is_404(client: Client) -> None:
    assert client.get("/jsi18n/xx.js").status_code == 404
    assert client.get("/jsi18n/en-GB.js").status_code == 404


def test_the_catalog_url_changes_when_a_catalog_changes(client: Client, session: Session) -> None:
    from live import pages

    src = _catalog_src(client.get(f"/join/{session.join_code}").content.decode())
    assert src.endswith(f"v={pages.catalog_version()}")


# --- error messages in the phone's language --------------------------------------------------------


def test_a_taken_nickname_is_refused_in_the_phones_language(client: Client, session: Session) -> None:
    session_services.session_start(session=session)
    participant_join(session=session, nickname="Ana")
    body = {"join_code": session.join_code, "nickname": "ana"}
    resp = client.post("/api/v1/join", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="fr")
    error = assert_error(resp, 409, "NICKNAME_TAKEN")
    assert error["message"] == translated("fr", "This nickname is already taken in this session.")
    # A field's message too (DRF's own and ours), and English without a language.
    resp = client.post(
        "/api/v1/join",
        {"join_code": session.join_code, "nickname": "x" * 31},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="de",
    )
    error = assert_error(resp, 400, "VALIDATION_ERROR")
    assert error["message"] == translated("de", "Invalid input.")
    assert error["details"]["nickname"] != ["At most 30 characters."]
    resp = client.post("/api/v1/join", body, content_type="application/json")
    assert (
        assert_error(resp, 409, "NICKNAME_TAKEN")["message"]
        == "This nickname is already taken in this session."
    )


def test_a_thread_does_not_carry_the_last_requests_language(client: Client, session: Session) -> None:
    """Django keeps the active language per thread: a message written before the language
    middleware runs (the body limit) must not come in the previous request's language."""
    client.get(f"/join/{session.join_code}", HTTP_ACCEPT_LANGUAGE="es")
    big = "x" * (settings.MAX_REQUEST_BODY_BYTES + 1)
    resp = client.post("/api/v1/join", big, content_type="application/json")
    error = assert_error(resp, 413, "PAYLOAD_TOO_LARGE")
    assert error["message"].startswith("The request body is larger than")
    # ... and a phone that speaks another language gets it in its own.
    resp = client.post("/api/v1/join", big, content_type="application/json", HTTP_ACCEPT_LANGUAGE="de")
    error = assert_error(resp, 413, "PAYLOAD_TOO_LARGE")
    limit = settings.MAX_REQUEST_BODY_BYTES
    expected = translated("de", "The request body is larger than %(limit)s bytes.") % {"limit": limit}
    assert error["message"] == expected
