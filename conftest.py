"""Shared pytest fixtures: API clients for each role, and a clean cache per test."""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from django.conf import settings
from django.core.cache import cache
from rest_framework.test import APIClient

# Detailed assertion messages inside the shared test helpers too.
pytest.register_assert_rewrite("core.testing")

CHROMIUM = Path("/usr/bin/chromium")


def _redis_reachable() -> str | None:
    """None when REDIS_URL points at a live server, else why not."""
    url = os.environ.get("REDIS_URL", "")
    if not url:
        return "REDIS_URL is not set (make test starts a redis-server)"
    parsed = urlparse(url)
    try:
        with socket.create_connection(
            (parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=1
        ) as sock:
            sock.sendall(b"PING\r\n")
            if not sock.recv(16).startswith(b"+PONG"):
                return f"no PONG from {url}"
    except OSError as exc:
        return f"redis at {url} unreachable: {exc}"
    return None


def _xdist_worker_index(config: pytest.Config) -> int | None:
    """0, 1, ... inside a pytest-xdist worker (gw0, gw1, ...), None when not distributed."""
    workerinput = getattr(config, "workerinput", None)  # set by pytest-xdist on its workers
    worker = str(workerinput.get("workerid", "")) if workerinput else ""
    return int(worker[2:]) if worker.startswith("gw") and worker[2:].isdigit() else None


def pytest_configure(config: pytest.Config) -> None:
    # Users made in tests (fixtures, factories, logins) hash with MD5: PBKDF2's deliberate cost was
    # most of many tests' setup. The servers the fault and stack tests start keep the real hasher.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Under pytest-xdist each worker gets a Redis database of its own (1..15; make test's redis has
    # the default 16): a test that clears its cache (FLUSHDB) must not empty another worker's.
    # pytest-django already gives each worker its own test database (test_<name>_gw<N>).
    index = _xdist_worker_index(config)
    url = os.environ.get("REDIS_URL", "")
    if index is not None and url:
        os.environ["REDIS_URL"] = urlparse(url)._replace(path=f"/{index % 15 + 1}").geturl()


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the xdist_group marks added here
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip tests whose backing service is missing, with the reason in the report. Under
    ``--dist loadgroup`` the browser tests run one after another on one worker while the others
    take the rest: one Chromium and one live server at a time, as the tests' timeouts were set
    for (they wait on polls and timers)."""
    engine = settings.DATABASES["default"]["ENGINE"]
    skip_pg = (
        None
        if engine == "django.db.backends.postgresql"
        else pytest.mark.skip(reason=f"needs PostgreSQL (DATABASE_URL=postgres://...), DB engine is {engine}")
    )
    redis_reason = _redis_reachable() if any(i.get_closest_marker("redis") for i in items) else None
    skip_redis = pytest.mark.skip(reason=f"needs redis: {redis_reason}") if redis_reason else None
    skip_browser = (
        None
        if CHROMIUM.exists()
        else pytest.mark.skip(reason=f"needs Chromium at {CHROMIUM} (apt-get install chromium)")
    )
    for item in items:
        if skip_pg and item.get_closest_marker("postgres"):
            item.add_marker(skip_pg)
        if skip_redis and item.get_closest_marker("redis"):
            item.add_marker(skip_redis)
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.xdist_group("browser"))
            if skip_browser:
                item.add_marker(skip_browser)


@pytest.fixture(autouse=True)
def _clear_cache() -> Any:
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _presence_written_at_once(settings: Any) -> None:
    # Tests read last_activity right after a request: flush presence marks at once
    # (participants.presence buffers them for up to a second in production).
    settings.CAJA_PRESENCE_FLUSH_SECONDS = 0


@pytest.fixture
def api() -> APIClient:
    return APIClient()


@pytest.fixture
def organizer(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user(username="alice", password="pw-alice-123", is_staff=True)


@pytest.fixture
def other_organizer(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user(username="bob", password="pw-bob-123", is_staff=True)


@pytest.fixture
def superuser(django_user_model: Any) -> Any:
    return django_user_model.objects.create_superuser(username="root", password="pw-root-123")


@pytest.fixture
def org_api(organizer: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(organizer)
    return client


@pytest.fixture
def other_api(other_organizer: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(other_organizer)
    return client


@pytest.fixture
def super_api(superuser: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(superuser)
    return client


def participant_client(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_X_PARTICIPANT_TOKEN=token)
    return client


# --- browser tests (Playwright + Debian's Chromium) -------------------------------------------
@pytest.fixture(scope="session")
def _serial_live_server(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """On in-memory SQLite the live server shares the test's one connection across its request
    threads, which fails under concurrent requests ("database table is locked"). There, serve
    requests one at a time (browsers then get ``Connection: close``); other databases keep the
    threaded server. Must be requested before ``live_server`` (session-scoped, started once), and
    the test database must exist first, or the server threads open their own connections."""
    from django.core.servers.basehttp import WSGIServer
    from django.db import connection
    from django.db.backends.sqlite3.creation import DatabaseCreation as SQLiteCreation
    from django.test.testcases import LiveServerThread

    # The test's own thread uses that connection too (a browser test writes with the ORM while
    # the page polls): its statements wait for the request in flight, and a request waits for the
    # test's statement, or a write meets the other thread's open read ("table is locked").
    one_at_a_time = threading.RLock()

    class SerialWSGIServer(WSGIServer):
        def __init__(self, *args: Any, connections_override: Any = None, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.connections_override = connections_override

        def process_request(self, request: Any, client_address: Any) -> None:
            with one_at_a_time:
                super().process_request(request, client_address)

    def in_turn(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        with one_at_a_time:  # re-entered by the server thread's own statements
            return execute(sql, params, many, context)

    if connection.vendor != "sqlite" or not SQLiteCreation.is_in_memory_db(connection.settings_dict["NAME"]):
        yield
        return
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(LiveServerThread, "server_class", SerialWSGIServer)
        connection.execute_wrappers.append(in_turn)
        try:
            yield
        finally:
            connection.execute_wrappers.remove(in_turn)


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    # Playwright's sync API runs an event loop in this thread; the ORM calls of the test itself
    # are still plain synchronous calls.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    from core.testing import CHROMIUM_ARGS  # after register_assert_rewrite above

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
