# ruff: noqa: S603, S607  (starts node and npm from PATH with fixed argument lists)
"""A real OpenID Connect provider on loopback for the SSO tests: panva's oidc-provider (OpenID
Certified) run by node from caja/tests/oidc_op/ (its package-lock.json pins it; `npm ci` runs here
once when node_modules is missing or older than the lock file). No mocked HTTP: Caja talks to it
over TCP like to any provider, and a test drives its login form like a person."""

from __future__ import annotations

import fcntl
import json
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
import requests

OP_DIR = Path(__file__).resolve().parent / "oidc_op"
CLIENT_ID = "caja-test"
CLIENT_SECRET = "caja-test-secret-0123456789"
GROUP = "caja-organizers"
DOMAIN = "example.com"


def node_missing() -> str | None:
    for tool in ("node", "npm"):
        if shutil.which(tool) is None:
            return f"needs {tool} (apt-get install nodejs npm) for the test identity provider"
    return None


def _install() -> None:
    """`npm ci` once (under a file lock: parallel test workers share the folder)."""
    stamp = OP_DIR / "node_modules" / ".installed"
    lock = OP_DIR / "package-lock.json"
    with open(tempfile.gettempdir() + "/caja-oidc-op.lock", "w") as guard:
        fcntl.flock(guard, fcntl.LOCK_EX)
        if stamp.exists() and stamp.stat().st_mtime >= lock.stat().st_mtime:
            return
        subprocess.run(
            ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
            cwd=OP_DIR,
            check=True,
            timeout=300,
        )
        stamp.touch()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Provider:
    """One running provider; its users and the rogue-JWKS switch are files it reads per request."""

    def __init__(self, redirect_uris: list[str]) -> None:
        self.state = Path(tempfile.mkdtemp(prefix="caja-oidc-op-"))
        self.users: dict[str, dict[str, Any]] = {}
        self.set_rogue_jwks(False)
        self._write_users()
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.log = open(self.state / "op.log", "w+")  # noqa: SIM115 (closed in stop)
        self.process = subprocess.Popen(
            [
                "node",
                "server.mjs",
                str(self.port),
                str(self.state),
                CLIENT_ID,
                CLIENT_SECRET,
                ",".join(redirect_uris),
            ],
            cwd=OP_DIR,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while "oidc-op ready" not in (self.state / "op.log").read_text():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the test identity provider did not start:\n{self.output()}")
            time.sleep(0.05)

    def output(self) -> str:
        return (self.state / "op.log").read_text()

    def _write_users(self) -> None:
        (self.state / "users.json").write_text(json.dumps(self.users))

    def add_user(
        self,
        username: str,
        password: str,
        *,
        email: str | None = None,
        email_verified: bool = True,
        groups: list[str] | None = None,
        name: str = "",
    ) -> None:
        self.users[username] = {
            "password": password,
            "email": email or f"{username}@{DOMAIN}",
            "email_verified": email_verified,
            "groups": [GROUP] if groups is None else groups,
            "name": name or username.title(),
        }
        self._write_users()

    def update_user(self, username: str, **changes: Any) -> None:
        self.users[username].update(changes)
        self._write_users()

    def set_rogue_jwks(self, rogue: bool) -> None:
        """True: the JWKS endpoint publishes another key under the signing key's kid."""
        (self.state / "mode.json").write_text(json.dumps({"rogue_jwks": rogue}))

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
        shutil.rmtree(self.state, ignore_errors=True)

    # --- a person at the provider, without a browser ------------------------------------------
    def sign_in(self, authorize_url: str, username: str, password: str, *, until: str) -> str:
        """Follow the authorization request through the provider's login form, as a browser
        would, and return the redirect back to Caja (a URL starting with ``until``), unvisited."""
        person = requests.Session()
        url, form_seen = authorize_url, False
        for _ in range(10):
            response = person.get(url, allow_redirects=False, timeout=10)
            if response.status_code == 200 and 'name="password"' in response.text:
                action = unescape(re.search(r'<form method="post" action="([^"]+)"', response.text)[1])  # type: ignore[index]
                response = person.post(
                    urljoin(url, action),
                    data={"username": username, "password": password},
                    allow_redirects=False,
                    timeout=10,
                )
                form_seen = True
            assert response.status_code in (302, 303), (response.status_code, response.text[:500])
            url = urljoin(url, response.headers["Location"])
            if url.startswith(until):
                assert form_seen, "the provider never showed its login form"
                return url
        raise AssertionError(f"no redirect back to {until}")


@contextmanager
def running_provider(redirect_uris: list[str]) -> Iterator[Provider]:
    reason = node_missing()
    if reason:
        pytest.skip(reason)
    _install()
    provider = Provider(redirect_uris)
    try:
        yield provider
    finally:
        provider.stop()
