"""Drop persistent database connections whose server has gone, before a request uses them.

A persistent connection (CONN_MAX_AGE) outlives a PostgreSQL restart or failover. Its first query
after that fails, and with ATOMIC_REQUESTS the request answers 503 although the database is back.
Django's CONN_HEALTH_CHECKS would catch it with a ``SELECT 1`` before each request's first query,
which doubles the round trips of a vote. This check costs no round trip: an idle connection's socket
has nothing to read unless the server wrote to it, and a server that goes away writes its
termination notice (57P01 on a fast or smart shutdown) or the kernel closes the socket (a crash,
an immediate shutdown, a killed backend). Caja never LISTENs, so anything readable on an idle
connection means it is dead; the connection is closed and Django opens a new one on first use.
(Were the server ever to send something else unprompted, the cost would be one reconnect.)

What this cannot see is a peer that vanished without a word (a network partition); the vote path
still retries once on a new connection (activities.services.response_submit_fast) for that.
"""

from __future__ import annotations

import select
from typing import Any

from django.db import connections


def _socket_readable(fd: int) -> bool:
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLPRI)
    return bool(poller.poll(0))


def connection_is_gone(wrapper: Any) -> bool:
    """Whether ``wrapper``'s open PostgreSQL connection has heard from its server while idle."""
    raw = wrapper.connection
    if raw is None or wrapper.vendor != "postgresql" or wrapper.in_atomic_block:
        return False
    if not hasattr(raw, "broken"):  # psycopg 3's Connection (closed, broken, fileno())
        return False
    if raw.closed or raw.broken:
        return True
    try:
        return _socket_readable(raw.fileno())
    except Exception:  # noqa: BLE001 (no socket at all: the connection is unusable)
        return True


def close_gone_connections(sender: Any = None, **_: Any) -> None:
    """``request_started`` receiver: close every connection of this thread that ``connection_is_gone``.

    Not for a handler that says ``checks_gone_connections = False``: the lean handler of the hot
    paths (caja.wsgi), whose database work already copes with one dead connection (a vote retries on
    a new one; a poll whose rebuild fails serves its last snapshot, or a 503 the phone retries) and
    where these microseconds would be paid by every poll."""
    if not getattr(sender, "checks_gone_connections", True):
        return
    for wrapper in connections.all(initialized_only=True):
        if connection_is_gone(wrapper):
            wrapper.close()
