"""What a gunicorn worker imports: the WSGI application and the hot paths must not load the libraries
only an upload, a deck import or a QR code needs (each worker paid ~8 MB of resident memory for them,
above the 80 MB target: docs/performance.md "Worker memory").

Checked in a fresh interpreter (this test process has imported everything already): it imports
caja.wsgi as gunicorn does, creates a live poll on a throwaway SQLite database, then through the
WSGI application polls the state, votes and asks for /health (which loads the full URLconf, as any
organizer request or health check does in a worker) and reports which heavy modules are loaded.
"""

# ruff: noqa: S603  (runs the interpreter with a fixed argument list)
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Imported lazily, inside the functions that need them (activities.imaging, activities.deck,
# sessions_app.qr). A top-level module is enough: each pulls in the rest of its package.
HEAVY = ("PIL", "pypdfium2", "pypdfium2_raw", "qrcode")

SCRIPT = r"""
import io, json, os, sys

import caja.wsgi
from caja.wsgi import application
from django.core.management import call_command

call_command("migrate", verbosity=0)

from django.contrib.auth import get_user_model
from django.utils import timezone

from activities import services as activity_services
from participants import services as participant_services
from sessions_app import services as session_services

user = get_user_model().objects.create_user(username="org", password="x" * 12)
session = session_services.session_create(owner=user, name="Worker imports")
activity = activity_services.activity_create(
    session=session,
    type="poll",
    title="Lunch",
    config={"question": "Lunch?", "options": [{"id": "a", "label": "Pizza"}, {"id": "b", "label": "Salad"}]},
)
session_services.session_start(session=session)
activity_services.activity_set_status(activity=activity, status="active")
_, token = participant_services.participant_join(session=session, nickname="Ana")


def call(method, path, body=b"", **headers):
    environ = {
        "REQUEST_METHOD": method, "PATH_INFO": path, "SERVER_NAME": "localhost", "SERVER_PORT": "80",
        "HTTP_HOST": "localhost", "wsgi.url_scheme": "http", "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr, "CONTENT_LENGTH": str(len(body)), "CONTENT_TYPE": "application/json",
    }
    environ.update(headers)
    seen = []
    b"".join(application(environ, lambda status, _headers, _exc=None: seen.append(status)))
    return int(seen[0].split()[0])


statuses = [
    call("GET", f"/api/v1/sessions/{session.pk}/state"),
    call(
        "POST",
        f"/api/v1/sessions/{session.pk}/activities/{activity.pk}/responses",
        b'{"response_data": {"option_ids": ["a"]}}',
        HTTP_X_PARTICIPANT_TOKEN=token,
    ),
    call("GET", "/health"),
]
heavy = json.loads(sys.argv[1])
print(json.dumps({"statuses": statuses, "loaded": [name for name in heavy if name in sys.modules]}))
"""


def test_the_worker_and_its_hot_paths_leave_the_heavy_libraries_unloaded(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CACHE_URL", "REDIS_URL")}
    env.update(
        DJANGO_SETTINGS_MODULE="caja.settings",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DEBUG="false",
        SECRET_KEY="test-" + "k" * 50,
        ALLOWED_HOSTS="localhost",
        MEDIA_ROOT=str(tmp_path / "media"),
    )
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(HEAVY)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    # The requests were served (a 404 or 500 would not have run the hot paths' code).
    assert report["statuses"][:2] == [200, 201], report
    assert report["statuses"][2] in (200, 503), report  # /health: 503 only when Redis is not up
    assert report["loaded"] == [], f"imported by a worker that serves only the hot paths: {report['loaded']}"
