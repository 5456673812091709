"""Single sign-on end to end in a real browser against a real OpenID Connect provider (issue 23
item 7): the admin login page's button, the provider's login form, the redirect back, the admin;
then the organizer leaves the allowed group at the provider, and the next sign-in is refused and
the organizer deactivated.

Debian's Chromium through Playwright against pytest-django's ``live_server``; the provider is
panva's oidc-provider on loopback (caja/tests/oidc.py)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.contrib.auth import get_user_model

from core import sso
from core.models import SsoIdentity
from core.testing import assert_axe_clean

from .oidc import CLIENT_ID, CLIENT_SECRET, DOMAIN, GROUP, Provider, running_provider

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TIMEOUT = 15_000


@pytest.fixture
def op(_serial_live_server: None, live_server: Any, settings: Any) -> Iterator[Provider]:
    with running_provider([f"{live_server.url}/oidc/callback"]) as provider:
        sso.forget_provider_config()
        settings.OIDC_ISSUER = provider.issuer
        settings.OIDC_RP_CLIENT_ID = CLIENT_ID
        settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
        settings.OIDC_RP_SCOPES = "openid email profile groups"
        settings.OIDC_ALLOWED_EMAIL_DOMAINS = [DOMAIN]
        settings.OIDC_REQUIRED_GROUP = GROUP
        settings.OIDC_BUTTON_NAME = "Example Corp"
        settings.OIDC_HIDE_PASSWORD_LOGIN = True
        provider.add_user("mulder", "trust-no-1", name="Fox Mulder")
        yield provider
        sso.forget_provider_config()


def sign_in_at_the_provider(page: Any, live_server: Any, password: str = "trust-no-1") -> None:
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}/admin/")
    # Password login is hidden: the button is the way in.
    expect(page.locator("#login-form")).to_have_count(0)
    page.get_by_role("link", name="Sign in with Example Corp").click()
    expect(page.get_by_role("heading", name="Test identity provider: sign in")).to_be_visible()
    page.get_by_label("Username").fill("mulder")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in to the provider").click()


def test_sso_sign_in_end_to_end_then_a_leaver_is_refused_and_deactivated(
    live_server: Any, browser: Any, op: Provider
) -> None:
    from playwright.sync_api import expect

    expect.set_options(timeout=TIMEOUT)
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    expect(page.get_by_role("link", name="Sign in with Example Corp")).to_be_visible()
    assert_axe_clean(page, "admin login with SSO")

    # A wrong password at the provider stays at the provider.
    sign_in_at_the_provider(page, live_server, password="wrong")
    expect(page.get_by_role("alert")).to_have_text("Wrong username or password.")
    assert get_user_model().objects.count() == 0

    sign_in_at_the_provider(page, live_server)
    expect(page).to_have_url(f"{live_server.url}/admin/")
    expect(page.locator("#site-name")).to_be_visible()
    expect(page.locator("#user-tools")).to_contain_text("mulder")
    user = get_user_model().objects.get(username="mulder")
    assert user.is_active and user.is_staff and user.email == f"mulder@{DOMAIN}"
    assert SsoIdentity.objects.get(user=user).subject == "mulder"

    # Mulder leaves the group at the provider. His next sign-in (another browser, the next day)
    # is refused with a clear page, and his account is deactivated: also the open session above.
    op.update_user("mulder", groups=["x-files"])
    later = browser.new_context()
    second = later.new_page()
    second.set_default_timeout(TIMEOUT)
    sign_in_at_the_provider(second, live_server)
    expect(second.locator("h1")).to_have_text("Sign-in failed")
    expect(second.get_by_role("alert")).to_contain_text(f"members of the group {GROUP}")
    assert_axe_clean(second, "SSO refused")
    user.refresh_from_db()
    assert not user.is_active and user.sso_identity.deactivated_by_sso
    second.get_by_role("link", name="Back to the sign-in page").click()
    expect(second.get_by_role("link", name="Sign in with Example Corp")).to_be_visible()

    page.goto(f"{live_server.url}/admin/")
    expect(page).to_have_url(f"{live_server.url}/admin/login/?next=/admin/")
    later.close()
    context.close()
