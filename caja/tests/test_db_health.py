"""A persistent connection whose server went away is dropped before a request uses it
(core.db_health), so the first request after a database restart answers normally."""

from __future__ import annotations

import select
import time
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from django.core.signals import request_started
from django.db import connection

from core.db_health import close_gone_connections
from core.testing import assert_error
from sessions_app.tests.factories import SessionFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _kill_this_threads_backend() -> None:
    """Terminate the server side of Django's connection, as a restart does, and wait until the
    termination notice has reached its socket."""
    connection.ensure_connection()
    pid = connection.connection.info.backend_pid
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    with psycopg.connect(**params, autocommit=True) as other:
        assert other.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone() == (True,)
    fd = connection.connection.pgconn.socket
    deadline = time.monotonic() + 5
    while not select.select([fd], [], [], 0.05)[0]:
        assert time.monotonic() < deadline, "the terminated backend's notice never arrived"


@pytest.fixture
def without_the_check() -> Iterator[None]:
    request_started.disconnect(close_gone_connections, dispatch_uid="core.close_gone_connections")
    try:
        yield
    finally:
        connection.close()  # the broken one, so the test's teardown gets a working connection
        request_started.connect(close_gone_connections, dispatch_uid="core.close_gone_connections")


def test_the_first_request_after_a_restart_is_served(org_api: Any, organizer: Any) -> None:
    SessionFactory(owner=organizer, name="Town hall")
    _kill_this_threads_backend()
    old = connection.connection

    resp = org_api.get("/api/v1/sessions")

    assert resp.status_code == 200, resp.content
    assert [s["name"] for s in resp.json()["items"]] == ["Town hall"]
    assert connection.connection is not old  # a new connection served it


def test_without_the_check_that_request_fails(org_api: Any, organizer: Any, without_the_check: None) -> None:
    """The control: what a stale connection does to the first request when nothing drops it."""
    SessionFactory(owner=organizer, name="Town hall")
    _kill_this_threads_backend()

    assert_error(org_api.get("/api/v1/sessions"), 503, "SERVICE_UNAVAILABLE")


def test_a_live_idle_connection_is_kept(org_api: Any) -> None:
    connection.ensure_connection()
    kept = connection.connection

    assert org_api.get("/api/v1/sessions").status_code == 200

    assert connection.connection is kept  # no reconnect (and no extra round trip) for a healthy one
