"""`make run` keeps the README's promise on another port: join URLs and QR codes point where it serves.

Conformance (issue 12 item 8): `make run PORT=8011` served on 8011 while the join URL and QR code
still pointed at :8000. Runs the real Makefile target against a throwaway SQLite file.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def dotenv_sets_base_url() -> bool:
    dotenv = REPO / ".env"
    return dotenv.exists() and any(
        line.strip().startswith("PUBLIC_BASE_URL") for line in dotenv.read_text().splitlines()
    )


def post_json(url: str, body: dict[str, str]) -> dict[str, str]:
    request = urllib.request.Request(  # noqa: S310 (loopback)
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=5) as reply:  # noqa: S310 (loopback)
        return dict(json.load(reply))


@pytest.mark.skipif(dotenv_sets_base_url(), reason="this checkout's .env sets PUBLIC_BASE_URL, which wins")
def test_make_run_on_another_port_puts_that_port_in_join_urls(tmp_path: Path) -> None:
    port = free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PUBLIC_BASE_URL", "MAKEFLAGS", "MAKELEVEL", "MFLAGS")
    }
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'run.sqlite3'}"
    env.pop("REDIS_URL", None)
    env.pop("CACHE_URL", None)
    log = (tmp_path / "run.log").open("wb")
    proc = subprocess.Popen(  # noqa: S603 (fixed argv)
        ["make", "--no-print-directory", "run", f"PORT={port}", "HOST=127.0.0.1"],  # noqa: S607 (make on PATH)
        cwd=REPO,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # make, manage.py and runserver's reloader die together
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{base}/health", timeout=2) as reply:  # noqa: S310 (loopback)
                    if reply.status == 200:
                        break
            except OSError:
                pass
            assert proc.poll() is None, (tmp_path / "run.log").read_text()[-3000:]
            assert time.monotonic() < deadline, (tmp_path / "run.log").read_text()[-3000:]
            time.sleep(0.3)
        printed = (tmp_path / "run.log").read_text()
        assert f"join URL:      {base}/join/" in printed, printed[-3000:]
        code = printed.split(f"{base}/join/", 1)[1].split()[0]
        username, password = printed.split("organizer:", 1)[1].splitlines()[0].strip().split(" / ")
        access = post_json(f"{base}/api/v1/auth/token", {"username": username, "password": password})[
            "access"
        ]
        with urllib.request.urlopen(f"{base}/api/v1/join/{code}", timeout=5) as reply:  # noqa: S310 (loopback)
            session_id = json.load(reply)["session_id"]
        request = urllib.request.Request(  # noqa: S310 (loopback)
            f"{base}/api/v1/sessions/{session_id}", headers={"Authorization": f"Bearer {access}"}
        )
        with urllib.request.urlopen(request, timeout=5) as reply:  # noqa: S310 (loopback)
            session = json.load(reply)
        # What phones and the QR code are sent to is this server, not :8000.
        assert session["join_url"] == f"{base}/join/{code}"
        assert session["qr_code_url"].startswith(f"{base}/")
        with urllib.request.urlopen(session["qr_code_url"], timeout=5) as reply:  # noqa: S310 (loopback)
            assert reply.status == 200 and reply.headers["Content-Type"] == "image/png"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def test_the_public_base_urls_host_is_served() -> None:
    """`make run HOST=0.0.0.0` sends phones to this machine's LAN address: that Host must not be a 400."""
    import sys

    env = {
        **os.environ,
        "PUBLIC_BASE_URL": "http://192.168.1.5:8011",
        "DJANGO_SETTINGS_MODULE": "caja.settings",
    }
    env.pop("ALLOWED_HOSTS", None)
    script = "import django; django.setup(); from django.conf import settings; print(settings.ALLOWED_HOSTS)"
    printed = subprocess.run(  # noqa: S603 (fixed argv)
        [sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True, check=True
    ).stdout
    assert "'192.168.1.5'" in printed and "'127.0.0.1'" in printed
