"""Single sign-on over OpenID Connect against a real provider on loopback (caja/tests/oidc.py):
first sign-in, the checks at every sign-in, break glass, and the bad input of issue 23 (an expired
or replayed state, a tampered code or ID token, an issuer that does not answer), each a clear page
with nothing changed. The browser end to end is test_browser_sso.py."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.auth import get_user_model, user_logged_in
from django.test import Client

from core import sso
from core.models import SsoIdentity

from .oidc import CLIENT_ID, CLIENT_SECRET, DOMAIN, GROUP, Provider, free_port, running_provider

pytestmark = pytest.mark.django_db
CALLBACK = "http://testserver/oidc/callback"


@pytest.fixture(scope="module")
def op() -> Iterator[Provider]:
    with running_provider([CALLBACK]) as provider:
        yield provider


def configure(settings: Any, issuer: str, **extra: Any) -> None:
    sso.forget_provider_config()
    settings.OIDC_ISSUER = issuer
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_RP_SCOPES = "openid email profile groups"
    settings.OIDC_ALLOWED_EMAIL_DOMAINS = [DOMAIN]
    settings.OIDC_REQUIRED_GROUP = GROUP
    settings.OIDC_BUTTON_NAME = "Test IdP"
    settings.OIDC_TIMEOUT = 5
    for name, value in extra.items():
        setattr(settings, name, value)


@pytest.fixture
def on(settings: Any, op: Provider) -> Iterator[Provider]:
    """SSO on against the module's provider, with a fresh user "dana" in the group."""
    configure(settings, op.issuer)
    op.set_rogue_jwks(False)
    op.users.clear()
    op.add_user("dana", "dana-pw", name="Dana Scully")
    yield op
    sso.forget_provider_config()


def start(client: Client, next_url: str = "/admin/") -> str:
    response = client.get("/oidc/login", {"next": next_url})
    assert response.status_code == 302, response.content
    return str(response["Location"])


def callback_path(url: str) -> str:
    assert url.startswith(CALLBACK), url
    return url.removeprefix("http://testserver")


def sign_in(client: Client, op: Provider, username: str = "dana", password: str = "dana-pw") -> Any:
    return client.get(callback_path(op.sign_in(start(client), username, password, until=CALLBACK)))


def users() -> int:
    return get_user_model().objects.count()


def assert_page(response: Any, status: int, text: str) -> None:
    assert response.status_code == status, (response.status_code, response.content[:800])
    assert response["Content-Type"].startswith("text/html")
    assert text in response.content.decode(), response.content.decode()[:2000]


# --- off by default -----------------------------------------------------------------------------
def test_off_by_default_no_button_and_the_endpoints_are_404(client: Client) -> None:
    page = client.get("/admin/login/")
    assert page.status_code == 200 and "Sign in with" not in page.content.decode()
    assert 'name="password"' in page.content.decode()
    assert client.get("/oidc/login").status_code == 404
    assert client.get("/oidc/callback", {"code": "x", "state": "y"}).status_code == 404


# --- the happy path -----------------------------------------------------------------------------
def test_first_sign_in_creates_an_active_staff_organizer_with_pkce_and_fires_user_logged_in(
    client: Client, on: Provider
) -> None:
    page = client.get("/admin/login/?next=/admin/")
    assert "Sign in with Test IdP" in page.content.decode()
    assert 'href="/oidc/login?next=%2Fadmin%2F"' in page.content.decode()
    authorize = start(client)
    query = parse_qs(urlsplit(authorize).query)
    assert authorize.startswith(on.issuer + "/auth?")
    assert query["code_challenge_method"] == ["S256"] and len(query["code_challenge"][0]) == 43
    assert query["state"][0] and query["nonce"][0] and query["scope"] == ["openid email profile groups"]

    signals: list[Any] = []

    def received(sender: Any, user: Any, **kwargs: Any) -> None:
        signals.append(user)

    user_logged_in.connect(received)
    try:
        response = client.get(callback_path(on.sign_in(authorize, "dana", "dana-pw", until=CALLBACK)))
    finally:
        user_logged_in.disconnect(received)
    assert response.status_code == 302 and response["Location"] == "/admin/"
    user = get_user_model().objects.get(username="dana")
    assert user.is_active and user.is_staff and not user.is_superuser
    assert user.email == f"dana@{DOMAIN}" and not user.has_usable_password()
    assert signals == [user]
    identity = SsoIdentity.objects.get(user=user)
    assert identity.issuer == on.issuer and identity.subject == "dana" and identity.last_sign_in_at
    assert client.get("/admin/").status_code == 200

    # The next sign-in is the same organizer.
    assert sign_in(Client(), on).status_code == 302
    assert get_user_model().objects.filter(email=f"dana@{DOMAIN}").count() == 1


def test_a_username_taken_by_someone_else_gets_a_suffix(
    client: Client, on: Provider, django_user_model: Any
) -> None:
    django_user_model.objects.create_user(username="dana", email="other@elsewhere.example", is_staff=True)
    assert sign_in(client, on).status_code == 302
    assert SsoIdentity.objects.get(subject="dana").user.username == "dana-2"


def test_an_existing_organizer_with_that_email_is_taken_over_but_never_a_superuser(
    on: Provider, django_user_model: Any
) -> None:
    organizer = django_user_model.objects.create_user(
        username="dscully", email=f"dana@{DOMAIN}", password="pw-dana-123", is_staff=True
    )
    assert sign_in(Client(), on).status_code == 302
    assert SsoIdentity.objects.get(subject="dana").user == organizer

    django_user_model.objects.create_superuser(
        username="root", email=f"rooty@{DOMAIN}", password="pw-root-123"
    )
    on.add_user("rooty", "rooty-pw")
    assert sign_in(Client(), on, "rooty", "rooty-pw").status_code == 302
    assert SsoIdentity.objects.get(subject="rooty").user.username != "root"


def test_an_open_redirect_in_next_goes_to_the_admin_instead(client: Client, on: Provider) -> None:
    authorize = start(client, "https://evil.example/")
    response = client.get(callback_path(on.sign_in(authorize, "dana", "dana-pw", until=CALLBACK)))
    assert response.status_code == 302 and response["Location"] == "/admin/"


# --- who qualifies, at every sign-in ------------------------------------------------------------
def test_leaving_the_group_refuses_the_next_sign_in_and_deactivates_then_rejoining_reactivates(
    on: Provider,
) -> None:
    assert sign_in(Client(), on).status_code == 302
    before = Client()
    assert sign_in(before, on).status_code == 302

    on.update_user("dana", groups=["other"])
    refused = sign_in(Client(), on)
    assert_page(refused, 403, f"members of the group {GROUP}")
    user = get_user_model().objects.get(username="dana")
    assert not user.is_active and SsoIdentity.objects.get(user=user).deactivated_by_sso
    # The session from before the leaving is over too.
    assert before.get("/admin/").status_code == 302

    on.update_user("dana", groups=[GROUP])
    assert sign_in(Client(), on).status_code == 302
    assert get_user_model().objects.get(username="dana").is_active


def test_an_organizer_an_administrator_deactivated_stays_out(on: Provider) -> None:
    assert sign_in(Client(), on).status_code == 302
    get_user_model().objects.filter(username="dana").update(is_active=False)
    assert_page(sign_in(Client(), on), 403, "deactivated by an administrator")
    assert not get_user_model().objects.get(username="dana").is_active


@pytest.mark.parametrize(
    ("changes", "text"),
    [
        ({"email": "dana@elsewhere.example"}, "allowed domain"),
        ({"email_verified": False}, "did not confirm your email address"),
        ({"groups": []}, f"members of the group {GROUP}"),
    ],
)
def test_a_first_sign_in_that_does_not_qualify_is_refused_and_creates_nothing(
    on: Provider, changes: dict[str, Any], text: str
) -> None:
    on.update_user("dana", **changes)
    count = users()
    assert_page(sign_in(Client(), on), 403, text)
    assert users() == count and not SsoIdentity.objects.exists()


def test_the_domain_list_alone_or_the_group_alone_is_enough(settings: Any, on: Provider) -> None:
    settings.OIDC_REQUIRED_GROUP = ""
    on.update_user("dana", groups=[])
    assert sign_in(Client(), on).status_code == 302
    settings.OIDC_REQUIRED_GROUP = GROUP
    settings.OIDC_ALLOWED_EMAIL_DOMAINS = []
    on.add_user("fox", "fox-pw", email="fox@elsewhere.example")
    assert sign_in(Client(), on, "fox", "fox-pw").status_code == 302


# --- bad input: a clear page, nothing changed ------------------------------------------------------
def test_a_replayed_callback_is_refused(client: Client, on: Provider) -> None:
    url = callback_path(on.sign_in(start(client), "dana", "dana-pw", until=CALLBACK))
    assert client.get(url).status_code == 302
    client.logout()
    count = users()
    assert_page(client.get(url), 400, "expired or was already used")
    # Another browser (no state in its session) gets the same.
    assert_page(Client().get(url), 400, "expired or was already used")
    assert users() == count


def test_an_expired_state_is_refused(client: Client, on: Provider) -> None:
    url = callback_path(on.sign_in(start(client), "dana", "dana-pw", until=CALLBACK))
    session = client.session
    for entry in session["oidc_states"].values():
        entry["added_on"] -= 601
    session.save()
    assert_page(client.get(url), 400, "expired or was already used")
    assert users() == 0


def test_an_altered_state_or_code_is_refused(client: Client, on: Provider) -> None:
    url = callback_path(on.sign_in(start(client), "dana", "dana-pw", until=CALLBACK))
    query = parse_qs(urlsplit(url).query)
    code, state = query["code"][0], query["state"][0]
    assert_page(client.get("/oidc/callback", {"code": code, "state": state[:-1] + "x"}), 400, "expired")
    # A code the provider never issued: the provider refuses it (invalid_grant).
    url = callback_path(on.sign_in(start(client), "dana", "dana-pw", until=CALLBACK))
    state = parse_qs(urlsplit(url).query)["state"][0]
    assert_page(
        client.get("/oidc/callback", {"code": "forged-code", "state": state}), 400, "could not be verified"
    )
    assert users() == 0


def test_a_code_from_another_browser_fails_pkce(on: Provider) -> None:
    """Eve's browser starts a sign-in, Dana's code lands in it: the verifier does not match."""
    dana, eve = Client(), Client()
    code = parse_qs(urlsplit(on.sign_in(start(dana), "dana", "dana-pw", until=CALLBACK)).query)["code"][0]
    eve_state = parse_qs(urlsplit(start(eve)).query)["state"][0]
    assert_page(eve.get("/oidc/callback", {"code": code, "state": eve_state}), 400, "could not be verified")
    assert users() == 0


def test_an_answer_naming_another_issuer_is_refused(client: Client, on: Provider) -> None:
    url = callback_path(on.sign_in(start(client), "dana", "dana-pw", until=CALLBACK))
    query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
    query["iss"] = "https://evil.example"
    assert_page(client.get("/oidc/callback", query), 400, "could not be verified")
    assert users() == 0


def test_an_id_token_signed_with_a_key_not_in_the_providers_jwks_is_refused(
    client: Client, on: Provider
) -> None:
    on.set_rogue_jwks(True)
    assert_page(sign_in(client, on), 400, "could not be verified")
    assert users() == 0 and client.get("/admin/").status_code == 302


def test_the_provider_saying_no_is_a_clear_page(client: Client, on: Provider) -> None:
    authorize = start(client)
    state = parse_qs(urlsplit(authorize).query)["state"][0]
    response = client.get("/oidc/callback", {"error": "access_denied", "state": state})
    assert_page(response, 403, "did not sign you in (access_denied)")
    # The state is used up.
    assert_page(client.get("/oidc/callback", {"code": "x", "state": state}), 400, "expired")


def test_an_issuer_that_does_not_answer_is_a_502_page(client: Client, settings: Any) -> None:
    configure(settings, f"http://127.0.0.1:{free_port()}")
    assert_page(client.get("/oidc/login"), 502, "does not answer")
    assert "oidc_states" not in client.session
    # The admin's login page still works (password form and button).
    assert client.get("/admin/login/").status_code == 200
    sso.forget_provider_config()


def test_a_provider_that_goes_away_mid_sign_in_is_a_502_page(client: Client, settings: Any) -> None:
    with running_provider([CALLBACK]) as provider:
        configure(settings, provider.issuer)
        provider.add_user("dana", "dana-pw")
        url = callback_path(provider.sign_in(start(client), "dana", "dana-pw", until=CALLBACK))
    assert_page(client.get(url), 502, "does not answer")
    assert users() == 0
    sso.forget_provider_config()


# --- password login hidden: break glass ------------------------------------------------------------
def test_hidden_password_login_is_for_superusers_only(
    settings: Any, on: Provider, organizer: Any, superuser: Any
) -> None:
    settings.OIDC_HIDE_PASSWORD_LOGIN = True
    page = Client().get("/admin/login/").content.decode()
    assert "Sign in with Test IdP" in page and 'name="password"' not in page
    glass = Client().get("/admin/login/?password=1").content.decode()
    assert 'name="password"' in glass and "for administrators only" in glass

    client = Client()
    refused = client.post("/admin/login/?password=1", {"username": "alice", "password": "pw-alice-123"})
    assert refused.status_code == 200 and 'name="password"' in refused.content.decode()
    assert client.get("/admin/").status_code == 302
    token = Client().post(
        "/api/v1/auth/token",
        {"username": "alice", "password": "pw-alice-123"},
        content_type="application/json",
    )
    assert token.status_code == 401

    admin = Client()
    assert admin.post("/admin/login/", {"username": "root", "password": "pw-root-123"}).status_code == 302
    assert admin.get("/admin/").status_code == 200
    # SSO organizers are unaffected.
    assert sign_in(Client(), on).status_code == 302


def test_password_login_shown_beside_the_button_by_default(on: Provider) -> None:
    page = Client().get("/admin/login/").content.decode()
    assert "Sign in with Test IdP" in page and 'name="password"' in page and "or with a password" in page
