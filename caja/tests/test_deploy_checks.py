"""Production configuration: ``check --deploy`` is clean, security headers and cookies come from
the environment, and no client IP address is ever stored in the database or written to the logs."""

# ruff: noqa: S603  (runs manage.py with a fixed argument list)
from __future__ import annotations

import json
import logging
import os
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib.sessions.models import Session as DjangoSession
from django.db import models
from django.test import Client

from activities import services as activity_services
from activities.tests.factories import CONFIGS
from sessions_app import services as session_services

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(60),
    "ALLOWED_HOSTS": "caja.example.com",
    "SECURE_SSL_REDIRECT": "true",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "true",
    "SECURE_HSTS_PRELOAD": "true",
    "SESSION_COOKIE_SECURE": "true",
    "CSRF_COOKIE_SECURE": "true",
}


def _manage(*args: str, extra_env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "SESSION_COOKIE", "CSRF_COOKIE"))
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.update(PRODUCTION_ENV)
    env.update(extra_env or {})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_production_settings() -> None:
    result = _manage("check", "--deploy", "--fail-level", "WARNING")
    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues" in output, output
    assert "WARNING" not in output and "?: (security" not in output, output


def test_check_deploy_fails_on_insecure_defaults() -> None:
    """The check is not vacuous: without the production variables it warns."""
    insecure = {k: "" for k in PRODUCTION_ENV if k.startswith(("SECURE_", "SESSION_", "CSRF_"))}
    insecure |= {"SECURE_SSL_REDIRECT": "false", "SECURE_HSTS_SECONDS": "0"}
    result = _manage("check", "--deploy", "--fail-level", "WARNING", extra_env=insecure)
    assert result.returncode != 0
    assert "security.W004" in result.stdout + result.stderr  # HSTS not set


def test_security_settings_come_from_the_environment() -> None:
    code = (
        "import json; from django.conf import settings as s; print(json.dumps({k: getattr(s, k) for k in "
        "['DEBUG', 'SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', "
        "'SECURE_HSTS_PRELOAD', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', "
        "'SECURE_CONTENT_TYPE_NOSNIFF', 'X_FRAME_OPTIONS', 'ALLOWED_HOSTS']}))"
    )
    result = _manage("shell", "-c", code)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout.strip().splitlines()[-1])
    assert values == {
        "DEBUG": False,
        "SECURE_SSL_REDIRECT": True,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_HSTS_PRELOAD": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "X_FRAME_OPTIONS": "DENY",
        "ALLOWED_HOSTS": ["caja.example.com"],
    }


@pytest.mark.django_db
def test_security_headers_on_responses(settings: Any) -> None:
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    response = Client().get("/health", secure=True)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    api = Client().get("/api/v1/sessions", secure=True)
    assert api["X-Content-Type-Options"] == "nosniff"
    assert api["X-Frame-Options"] == "DENY"


# --- no IP addresses stored -----------------------------------------------------------------------

IP = "203.0.113.77"
IP6 = "2001:db8::7:77"


def _text_fields(model: type[models.Model]) -> list[str]:
    kinds = (models.CharField, models.TextField, models.JSONField, models.GenericIPAddressField)
    return [f.attname for f in model._meta.concrete_fields if isinstance(f, kinds)]


@pytest.mark.django_db
def test_no_ip_address_is_stored_or_logged(
    organizer: Any, caplog: pytest.LogCaptureFixture, settings: Any
) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    organizer.set_password("pw-alice-123")
    organizer.save()
    session = session_services.session_create(owner=organizer, name="Privacy")
    session_services.session_set_status(session=session, status="active")
    poll = activity_services.activity_create(session=session, type="poll", config=dict(CONFIGS["poll"]))
    activity_services.activity_set_status(activity=poll, status="active")
    caplog.set_level(logging.DEBUG)
    for n, ip in enumerate((IP, IP6)):
        client = Client(REMOTE_ADDR=ip, HTTP_X_FORWARDED_FOR=ip, HTTP_X_REAL_IP=ip)
        login = client.post(
            "/api/v1/auth/token",
            {"username": "alice", "password": "pw-alice-123"},
            content_type="application/json",
        )
        assert login.status_code == 200
        bad_login = client.post(
            "/api/v1/auth/token", {"username": "alice", "password": "wrong"}, content_type="application/json"
        )
        assert bad_login.status_code == 401
        joined = client.post(
            f"/api/v1/sessions/{session.pk}/participants",
            {"nickname": f"private{n}"},
            content_type="application/json",
        )
        assert joined.status_code == 201
        by_code = client.post(
            "/api/v1/join",
            {"join_code": session.join_code, "nickname": f"code{n}"},
            content_type="application/json",
        )
        assert by_code.status_code == 201
        token = joined.json()["token"]
        answer = client.post(
            f"/api/v1/sessions/{session.pk}/activities/{poll.pk}/responses",
            {"response_data": {"option_ids": ["a"]}},
            content_type="application/json",
            HTTP_X_PARTICIPANT_TOKEN=token,
        )
        assert answer.status_code == 201
        assert (
            client.get(f"/api/v1/sessions/{session.pk}/state", HTTP_X_PARTICIPANT_TOKEN=token).status_code
            == 200
        )
        assert client.get("/api/v1/me", HTTP_X_PARTICIPANT_TOKEN=token).status_code == 200
        # The admin login (Django session, last_login, admin log).
        client.post("/admin/login/", {"username": "alice", "password": "pw-alice-123"})
        client.get("/admin/")
        client.get("/api/v1/sessions/not-a-uuid")  # a 404 is logged, if anything

    scanned = 0
    for model in apps.get_models():
        fields = _text_fields(model)
        if not fields:
            continue
        for row in model._default_manager.values_list(*fields):
            scanned += 1
            text = json.dumps(row, default=str)
            assert IP not in text and IP6 not in text, f"{model._meta.label} stores a client IP: {text[:300]}"
    for stored in DjangoSession.objects.all():
        decoded = json.dumps(stored.get_decoded(), default=str)
        assert IP not in decoded and IP6 not in decoded
    assert scanned > 5
    for record in caplog.records:
        line = record.getMessage() + json.dumps(vars(record), default=str)
        assert IP not in line and IP6 not in line, f"a log record holds the client IP: {line[:300]}"


def test_the_images_static_storage_hashes_module_imports_too(tmp_path: Path) -> None:
    """The Docker image's storage: every hashed page module imports hashed modules, so nginx's
    30-day immutable cache can never pair a new page with an old ``common.js`` or ``results.js``."""
    import re
    import subprocess
    import sys

    env = {
        **os.environ,
        "STATIC_ROOT": str(tmp_path),
        "STATICFILES_BACKEND": "core.storage.CajaStaticFilesStorage",
        "DJANGO_SETTINGS_MODULE": "caja.settings",
    }
    subprocess.run(  # noqa: S603 (fixed argv)
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    hashed = [p for p in tmp_path.rglob("*.js") if re.search(r"\.[0-9a-f]{12}\.js$", p.name)]
    assert any(p.parent.name == "live" and p.name.startswith("join.") for p in hashed)
    checked = 0
    for module in hashed:
        for target in re.findall(
            r'^\s*(?:import|export)\b[^"\n]*?from\s+"(\.[^"]+)"', module.read_text(), re.M
        ):
            assert re.search(r"\.[0-9a-f]{12}\.js$", target), (
                f"{module.name} imports {target} by its plain name"
            )
            assert (module.parent / target).resolve().exists(), f"{module.name} imports missing {target}"
            checked += 1
    assert checked >= 10  # join/present → common, every type's renderers → results
