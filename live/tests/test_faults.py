"""Faults against a real deployment shape: gunicorn + our own throwaway PostgreSQL (+ Redis).

Independent of pytest-django's test database: the module starts its own PostgreSQL server (initdb
in a temporary directory, run as ``postgres`` when we are root), migrates it, and drives a real
``gunicorn -c deploy/gunicorn.conf.py caja.wsgi`` over HTTP. Only the processes started here are
stopped here (by their own pid / process group).

What is promised (and measured; run with ``-s`` to see the numbers):

* PostgreSQL stops: ``/health/ready`` answers 503 naming the database within 2 s; DB-backed API
  calls answer a 503 JSON envelope (``SERVICE_UNAVAILABLE``, ``Retry-After``), never HTML or a
  traceback; ``/state`` keeps answering 200 from the snapshot cache while nothing changes
  (polls with a participant token too: presence is best-effort), and would answer a 503 envelope
  when it has to rebuild. PostgreSQL starts again: a write succeeds within 5 s, without
  restarting gunicorn, and every answer acknowledged with a 2xx before the stop is in the database.
* Redis stops: ``/state`` still answers 200 (rebuilt from the database, at most once a second per
  worker), joins and answers still work (throttles fail open), ``/health/ready`` names the cache.
  Redis returns: a new vote shows in ``/state`` within ~2 s.
* The per-IP join throttle is shared by the workers through Redis: with THROTTLE_JOIN_IP=5/min
  two workers together admit exactly 5 joins, then 429 with Retry-After.
"""

# ruff: noqa: S603, S310  (the tests start their own servers and call them over http://127.0.0.1)
from __future__ import annotations

import contextlib
import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

# One xdist worker runs them all: they share the module's PostgreSQL server (one initdb).
pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.xdist_group("faults")]

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = ROOT / ".venv" / "bin"
PYTHON = str(VENV_BIN / "python") if (VENV_BIN / "python").exists() else "python3"
GUNICORN = (
    str(VENV_BIN / "gunicorn")
    if (VENV_BIN / "gunicorn").exists()
    else (shutil.which("gunicorn") or "gunicorn")
)


def _pg_bindir() -> str | None:
    for initdb in sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True):
        return str(Path(initdb).parent)
    found = shutil.which("initdb")
    return str(Path(found).parent) if found else None


PG_BINDIR = _pg_bindir()
REDIS_SERVER = shutil.which("redis-server")
needs_pg_binaries = pytest.mark.skipif(PG_BINDIR is None, reason="PostgreSQL binaries (initdb) not installed")
needs_redis_binary = pytest.mark.skipif(REDIS_SERVER is None, reason="redis-server not installed")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_port(port: int, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on port {port}")


# --- our own PostgreSQL -----------------------------------------------------------------------


class Postgres:
    def __init__(self) -> None:
        assert PG_BINDIR is not None
        self.bindir = PG_BINDIR
        self.dir = tempfile.mkdtemp(prefix="caja-faults-pg.")
        self.port = free_port()
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.dir, "postgres")
        os.chmod(self.dir, 0o700)
        self._pg(
            "initdb", "-D", f"{self.dir}/data", "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale"
        )
        self.start()

    def _pg(self, tool: str, *args: str) -> subprocess.CompletedProcess[str]:
        cmd = [f"{self.bindir}/{tool}", *args]
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=60)

    def start(self) -> None:
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir} -c fsync=off -c max_connections=100"
        )
        self._pg(
            "pg_ctl",
            "-D",
            f"{self.dir}/data",
            "-l",
            f"{self.dir}/server.log",
            "-w",
            "-t",
            "30",
            "-o",
            options,
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self._pg("pg_ctl", "-D", f"{self.dir}/data", "-m", mode, "-w", "-t", "30", "stop")

    def createdb(self, name: str) -> str:
        self._pg("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)
        return f"postgres://postgres@127.0.0.1:{self.port}/{name}"

    def destroy(self) -> None:
        with contextlib.suppress(Exception):
            self.stop("immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture(scope="module")
def postgres() -> Iterator[Postgres]:
    if PG_BINDIR is None:
        pytest.skip("PostgreSQL binaries (initdb) not installed")
    server = Postgres()
    try:
        yield server
    finally:
        server.destroy()


# --- our own Redis ----------------------------------------------------------------------------


class Redis:
    """A redis-server of our own. With ``data_dir`` it keeps its data across stop(save=True) and
    start(), as a production Redis with persistence (or a failover replica) comes back."""

    def __init__(self, data_dir: Path | None = None) -> None:
        self.port = free_port()
        self.data_dir = data_dir
        self.proc: subprocess.Popen[bytes] | None = None
        self.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        assert REDIS_SERVER is not None
        self.proc = subprocess.Popen(
            [
                REDIS_SERVER,
                "--bind",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--save",
                "",
                "--appendonly",
                "no",
                *(["--dir", str(self.data_dir), "--dbfilename", "dump.rdb"] if self.data_dir else []),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_port(self.port)

    def stop(self, *, save: bool = False) -> None:
        if save and self.proc is not None and self.proc.poll() is None:
            import redis as redis_client

            with contextlib.suppress(redis_client.ConnectionError):  # it closes the connection
                redis_client.Redis(port=self.port).shutdown(save=True)
            self.proc.wait(timeout=10)
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        self.proc = None


# --- a real gunicorn --------------------------------------------------------------------------


@dataclass
class App:
    base: str
    proc: subprocess.Popen[bytes]
    log: Path
    jwt: str = ""
    timings: dict[str, float] = field(default_factory=dict)

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        token: str = "",
        jwt: bool = False,
        timeout: float = 10,
    ) -> tuple[int, dict[str, str], Any]:
        headers = {"Accept": "application/json"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        if token:
            headers["X-Participant-Token"] = token
        if jwt:
            headers["Authorization"] = f"Bearer {self.jwt}"
        req = urllib.request.Request(self.base + path, data=data, method=method.upper(), headers=headers)
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                raw, status, resp_headers = resp.read(), resp.status, dict(resp.headers)
        except urllib.error.HTTPError as exc:
            raw, status, resp_headers = exc.read(), exc.code, dict(exc.headers)
        text = raw.decode("utf-8", "replace")
        try:
            parsed: Any = json.loads(text) if text else None
        except ValueError:
            parsed = text
        return status, resp_headers, parsed


# Never inherited: the test's own servers decide; an empty PROMETHEUS_MULTIPROC_DIR would make
# prometheus_client write its files into the working directory.
_INHERITED_NOT = {
    "DATABASE_URL",
    "REDIS_URL",
    "CACHE_URL",
    "DJANGO_SETTINGS_MODULE",
    "PROMETHEUS_MULTIPROC_DIR",
}


def _env(database_url: str, cache_url: str | None, workers: int, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _INHERITED_NOT}
    env.update(
        DATABASE_URL=database_url,
        DEBUG="false",
        SECRET_KEY="faults-" + "k" * 50,
        ALLOWED_HOSTS="127.0.0.1,localhost",
        WEB_CONCURRENCY=str(workers),
        GUNICORN_THREADS="4",
        GUNICORN_LOGLEVEL="warning",
        LOG_LEVEL="WARNING",
        METRICS_ENABLED="false",
        **extra,
    )
    if cache_url:
        env["CACHE_URL"] = cache_url
    return env


@contextlib.contextmanager
def gunicorn(env: dict[str, str], tmp: Path) -> Iterator[App]:
    subprocess.run(
        [PYTHON, "manage.py", "migrate", "--no-input", "-v", "0"], cwd=ROOT, env=env, check=True, timeout=300
    )
    subprocess.run(
        [
            PYTHON,
            "manage.py",
            "createsuperuser",
            "--no-input",
            "--username",
            "org",
            "--email",
            "org@example.com",
        ],
        cwd=ROOT,
        env={**env, "DJANGO_SUPERUSER_PASSWORD": "pw-org-faults-123"},
        check=True,
        capture_output=True,
        timeout=120,
    )
    port = free_port()
    log = tmp / f"gunicorn-{port}.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [GUNICORN, "-c", "deploy/gunicorn.conf.py", "caja.wsgi"],
            cwd=ROOT,
            env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    app = App(base=f"http://127.0.0.1:{port}", proc=proc, log=log)
    try:
        wait_port(port, timeout=30)
        status, _, body = app.request(
            "post", "/api/v1/auth/token", {"username": "org", "password": "pw-org-faults-123"}
        )
        assert status == 200, body
        app.jwt = body["access"]
        yield app
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def setup_session(app: App, nicknames: list[str]) -> tuple[str, str, list[str]]:
    """A session with an active poll, and participants. Returns (session id, poll id, tokens)."""
    status, _, session = app.request("post", "/api/v1/sessions", {"name": "Faults"}, jwt=True)
    assert status == 201, session
    sid = session["id"]
    config = {"question": "Q?", "options": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}]}
    status, _, poll = app.request(
        "post", f"/api/v1/sessions/{sid}/activities", {"type": "poll", "config": config}, jwt=True
    )
    assert status == 201, poll
    assert app.request("patch", f"/api/v1/sessions/{sid}", {"status": "active"}, jwt=True)[0] == 200
    assert (
        app.request("patch", f"/api/v1/activities/{poll['id']}/status", {"status": "active"}, jwt=True)[0]
        == 200
    )
    tokens = []
    for nickname in nicknames:
        status, _, joined = app.request(
            "post", f"/api/v1/sessions/{sid}/participants", {"nickname": nickname}
        )
        assert status == 201, joined
        tokens.append(joined["token"])
    return sid, poll["id"], tokens


def assert_envelope(status: int, body: Any, expected_status: int, code: str) -> None:
    assert status == expected_status, body
    assert isinstance(body, dict), f"not JSON: {str(body)[:300]}"
    assert body["error"]["code"] == code, body
    text = json.dumps(body)
    assert "Traceback" not in text and "<html" not in text.lower()


def report(name: str, values: dict[str, float]) -> None:
    print(f"\n[faults:{name}] " + " ".join(f"{k}={v:.3f}s" for k, v in values.items()))


# --- PostgreSQL outage ------------------------------------------------------------------------


@needs_pg_binaries
def test_postgres_outage_and_recovery(postgres: Postgres, tmp_path: Path) -> None:
    database_url = postgres.createdb("caja_pg_fault")
    env = _env(database_url, None, workers=1)  # one worker: the local-memory cache is enough
    with gunicorn(env, tmp_path) as app:
        sid, aid, tokens = setup_session(app, [f"p{i}" for i in range(6)])
        answers = f"/api/v1/sessions/{sid}/activities/{aid}/responses"
        acknowledged: set[str] = set()
        for i, token in enumerate(tokens[:5]):
            status, _, body = app.request(
                "post", answers, {"response_data": {"option_ids": ["a" if i % 2 else "b"]}}, token=token
            )
            assert status in (200, 201), body
            acknowledged.add(body["id"])
        status, _, state = app.request("get", f"/api/v1/sessions/{sid}/state")
        assert status == 200 and state["current_activity"]["response_count"] == 5
        # A change right before the outage: the next poll must rebuild, and cannot.
        status, _, body = app.request(
            "post", answers, {"response_data": {"option_ids": ["b"]}}, token=tokens[1]
        )
        assert status == 200, body
        time.sleep(0.3)  # past the rebuild pacing (CAJA_SNAPSHOT_MIN_REBUILD_SECONDS)

        postgres.stop("fast")
        try:
            started = time.monotonic()
            status, headers, body = app.request("get", "/health/ready", timeout=5)
            ready_latency = time.monotonic() - started
            assert status == 503, body
            assert "checks" in body, body
            assert body["checks"]["database"].startswith("error"), body
            assert "database" in body["error"]["message"]
            assert ready_latency < 2.0
            assert app.request("get", "/health", timeout=5)[0] == 200  # liveness: the process is fine

            started = time.monotonic()
            status, headers, body = app.request("get", "/api/v1/sessions", jwt=True, timeout=5)
            api_latency = time.monotonic() - started
            assert_envelope(status, body, 503, "SERVICE_UNAVAILABLE")
            assert headers.get("Retry-After")
            status, _, body = app.request(
                "post", answers, {"response_data": {"option_ids": ["a"]}}, token=tokens[5], timeout=5
            )
            assert_envelope(status, body, 503, "SERVICE_UNAVAILABLE")
            status, _, body = app.request(
                "post", f"/api/v1/sessions/{sid}/participants", {"nickname": "late"}, timeout=5
            )
            assert_envelope(status, body, 503, "SERVICE_UNAVAILABLE")

            # Polling: the rebuild fails, so the last snapshot answers, marked stale (stale-if-error),
            # with or without a token, for as long as the outage lasts.
            started = time.monotonic()
            status, headers, state = app.request("get", f"/api/v1/sessions/{sid}/state", timeout=5)
            poll_latency = time.monotonic() - started
            assert status == 200, state
            assert headers.get("X-Caja-Stale") == "1", headers
            for _ in range(5):
                status, headers, _ = app.request("get", f"/api/v1/sessions/{sid}/status", timeout=5)
                assert status == 200 and headers.get("X-Caja-Stale") == "1"
            assert state["current_activity"]["response_count"] == 5
            status, _, state = app.request("get", f"/api/v1/sessions/{sid}/state", token=tokens[0], timeout=5)
            assert status == 200, state
            # A session this worker never built must come from the database: a 503 envelope.
            status, _, body = app.request(
                "get", "/api/v1/sessions/00000000-0000-0000-0000-000000000000/state", timeout=5
            )
            assert_envelope(status, body, 503, "SERVICE_UNAVAILABLE")
        finally:
            restart_at = time.monotonic()
            postgres.start()
        pg_ready = time.monotonic() - restart_at

        # The app recovers by itself: the first write that succeeds.
        recovered = None
        while time.monotonic() - restart_at < 15:
            status, _, body = app.request(
                "post", answers, {"response_data": {"option_ids": ["a"]}}, token=tokens[5], timeout=5
            )
            if status in (200, 201):
                recovered = time.monotonic() - restart_at
                acknowledged.add(body["id"])
                break
            time.sleep(0.05)
        assert recovered is not None, "no write succeeded within 15 s of restarting PostgreSQL"
        assert recovered < 5.0
        status, _, listing = app.request("get", answers + "?limit=100", jwt=True)
        assert status == 200
        stored = {item["id"] for item in listing["items"]}
        assert acknowledged <= stored, acknowledged - stored
        assert listing["total"] == 6
        status, _, body = app.request("get", "/health/ready")
        assert status == 200, body
        assert app.proc.poll() is None, "gunicorn must not have been restarted"

    report(
        "postgres",
        {
            "ready_503_latency": ready_latency,
            "api_503_latency": api_latency,
            "state_from_cache_latency": poll_latency,
            "pg_restart": pg_ready,
            "first_write_after_restart": recovered,
        },
    )


# --- Redis outage and the shared throttle -----------------------------------------------------


@needs_pg_binaries
@needs_redis_binary
@pytest.mark.redis
def test_redis_outage_degrades_to_database_and_shared_throttle(postgres: Postgres, tmp_path: Path) -> None:
    database_url = postgres.createdb("caja_redis_fault")
    # Redis comes back with its data (the harder case: the old versions and snapshots are there).
    redis = Redis(data_dir=tmp_path)
    env = _env(database_url, redis.url, workers=2, THROTTLE_JOIN_IP="5/min")
    timings: dict[str, float] = {}
    try:
        with gunicorn(env, tmp_path) as app:
            sid, aid, tokens = setup_session(app, ["r0", "r1"])
            answers = f"/api/v1/sessions/{sid}/activities/{aid}/responses"

            # The join throttle counts in Redis, across both workers: 5 joins per minute per IP.
            outcomes = []
            for i in range(8):
                status, headers, body = app.request(
                    "post", f"/api/v1/sessions/{sid}/participants", {"nickname": f"t{i}"}
                )
                outcomes.append(status)
                if status == 201:
                    tokens.append(body["token"])
                else:
                    assert_envelope(status, body, 429, "THROTTLED")
                    assert int(headers["Retry-After"]) >= 1
            assert outcomes == [201, 201, 201, 429, 429, 429, 429, 429], outcomes  # 2 + 3 = 5

            assert (
                app.request("post", answers, {"response_data": {"option_ids": ["a"]}}, token=tokens[0])[0]
                == 201
            )
            status, _, state = app.request("get", f"/api/v1/sessions/{sid}/state")
            assert status == 200 and state["current_activity"]["response_count"] == 1

            redis.stop(save=True)
            started = time.monotonic()
            status, _, state = app.request("get", f"/api/v1/sessions/{sid}/state", timeout=5)
            timings["state_redis_down_latency"] = time.monotonic() - started
            assert status == 200, state
            status, _, body = app.request("get", "/health/ready", timeout=5)
            assert status == 503 and body["checks"]["cache"].startswith("error"), body
            assert body["checks"]["database"] == "ok"
            # Joins (throttle fails open) and answers still work.
            status, _, joined = app.request(
                "post", f"/api/v1/sessions/{sid}/participants", {"nickname": "degraded"}, timeout=5
            )
            assert status == 201, joined
            status, _, body = app.request(
                "post", answers, {"response_data": {"option_ids": ["b"]}}, token=joined["token"], timeout=5
            )
            assert status == 201, body
            # Polling shows it, rebuilt from the database (at most once a second per worker).
            started = time.monotonic()
            seen = None
            while time.monotonic() - started < 5:
                status, _, state = app.request("get", f"/api/v1/sessions/{sid}/state", timeout=5)
                assert status == 200, state
                if state["current_activity"]["response_count"] == 2:
                    seen = time.monotonic() - started
                    break
                time.sleep(0.1)
            assert seen is not None, "a vote made while Redis was down never showed in /state"
            timings["vote_visible_redis_down"] = seen

            redis.start()
            back = time.monotonic()
            # The vote made during the outage stays visible: the versions move as the cache returns,
            # so the snapshot it still holds from before the outage is never served again.
            seen, regressed = None, 0
            while time.monotonic() - back < 3:
                status, _, state = app.request("get", f"/api/v1/sessions/{sid}/state", timeout=5)
                assert status == 200, state
                if state["current_activity"]["response_count"] == 2:
                    seen = time.monotonic() - back if seen is None else seen
                else:
                    regressed += 1
                time.sleep(0.05)
            assert seen is not None and seen < 2.0, "the outage's vote vanished once Redis returned"
            assert regressed == 0, f"{regressed} polls after Redis returned showed the pre-outage state"
            timings["outage_vote_visible_after_redis_back"] = seen
            back = time.monotonic()
            status, _, body = app.request(
                "post", answers, {"response_data": {"option_ids": ["a"]}}, token=tokens[1], timeout=5
            )
            assert status == 201, body
            seen = None
            while time.monotonic() - back < 10:
                status, _, state = app.request("get", f"/api/v1/sessions/{sid}/state", timeout=5)
                assert status == 200, state
                if state["current_activity"]["response_count"] == 3:
                    seen = time.monotonic() - back
                    break
                time.sleep(0.1)
            assert seen is not None, "polling did not recover after Redis returned"
            assert seen < 2.5
            timings["vote_visible_after_redis_back"] = seen
            ready = None
            while time.monotonic() - back < 10:
                if app.request("get", "/health/ready", timeout=5)[0] == 200:
                    ready = time.monotonic() - back
                    break
                time.sleep(0.1)
            assert ready is not None
            timings["ready_after_redis_back"] = ready
    finally:
        redis.stop()
    report("redis", timings)


# --- the phone keeps an answer through a database outage -------------------------------------


@needs_pg_binaries
@pytest.mark.browser
def test_phone_resends_an_answer_refused_during_a_database_outage(
    postgres: Postgres, tmp_path: Path, browser: Any
) -> None:
    """A vote refused with 503 is not gone from the phone: the page says it is still sending,
    retries with backoff, and says "sent" once PostgreSQL is back; the answer is stored once."""
    from playwright.sync_api import expect

    database_url = postgres.createdb("caja_phone_fault")
    env = _env(database_url, None, workers=1, STATIC_ROOT=str(tmp_path / "static"))
    subprocess.run(
        [PYTHON, "manage.py", "collectstatic", "--no-input", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
        timeout=120,
    )
    with gunicorn(env, tmp_path) as app:
        sid, aid, _ = setup_session(app, [])
        status, _, session = app.request("get", f"/api/v1/sessions/{sid}", jwt=True)
        assert status == 200, session
        phone = browser.new_page(viewport={"width": 390, "height": 844})
        phone.set_default_timeout(20_000)
        phone.goto(f"{app.base}/join/{session['join_code']}")
        phone.fill("#nickname", "Ana")
        phone.get_by_role("button", name="Join").click()
        expect(phone.locator("#question")).to_have_text("Q?")
        phone.get_by_label("B").check()

        postgres.stop("fast")
        restarted = False
        try:
            phone.get_by_role("button", name="Send answer").click()
            feedback = phone.locator("#feedback")
            expect(feedback).to_contain_text("Not sent yet")
            expect(phone.locator("#my-answer")).to_contain_text("B (sending…)")
            # The phone keeps trying while the database is down (the page polls stale state meanwhile).
            time.sleep(3)
            expect(feedback).not_to_contain_text("sent. Thank you")
            postgres.start()
            restarted = True
            back = time.monotonic()
            expect(feedback).to_have_text("Answer sent. Thank you!", timeout=30_000)
            resent_after = time.monotonic() - back
            expect(phone.locator("#my-answer")).to_have_text("Your answer: B")
        finally:
            if not restarted:
                postgres.start()
        status, _, listing = app.request(
            "get", f"/api/v1/sessions/{sid}/activities/{aid}/responses?limit=10", jwt=True
        )
        assert status == 200, listing
        assert listing["total"] == 1, listing
        assert listing["items"][0]["response_data"] == {"option_ids": ["b"]}
        phone.close()
    report("phone", {"answer_sent_after_pg_back": resent_after})


# --- a database blip under load, as the room sees it ------------------------------------------


@needs_pg_binaries
@needs_redis_binary
@pytest.mark.redis
def test_postgres_blip_under_load_loses_nothing(postgres: Postgres, tmp_path: Path) -> None:
    """16 phones vote and 4 screens poll (2 workers, Redis up) while PostgreSQL stops for 4 s.
    Polls never fail; every acknowledged vote is stored; refusals are 503 envelopes; votes are
    stored again soon after PostgreSQL is back. Prints the figures (-s)."""
    import threading

    database_url = postgres.createdb("caja_blip")
    redis = Redis()
    env = _env(database_url, redis.url, workers=2, THROTTLE_ANSWER="100000/min")
    try:
        with gunicorn(env, tmp_path) as app:
            sid, aid, tokens = setup_session(app, [f"v{i}" for i in range(64)])
            answers = f"/api/v1/sessions/{sid}/activities/{aid}/responses"
            stop = threading.Event()
            lock = threading.Lock()
            polls: dict[int, int] = {}
            votes: dict[int, int] = {}
            stale_polls = 0
            # token -> (last acknowledged option, options sent after it without an answer)
            outcome: dict[str, tuple[str | None, set[str]]] = {t: (None, set()) for t in tokens}
            acked_at: list[float] = []

            def poller() -> None:
                nonlocal stale_polls
                while not stop.is_set():
                    try:
                        status, headers, _ = app.request("get", f"/api/v1/sessions/{sid}/state", timeout=5)
                    except OSError:
                        status, headers = 0, {}
                    with lock:
                        polls[status] = polls.get(status, 0) + 1
                        stale_polls += headers.get("X-Caja-Stale") == "1"
                    time.sleep(0.05)

            def voter(mine: list[str]) -> None:
                n = 0
                while not stop.is_set():
                    token = mine[n % len(mine)]
                    option = "ab"[(n // len(mine)) % 2]
                    n += 1
                    try:
                        status, _, body = app.request(
                            "post",
                            answers,
                            {"response_data": {"option_ids": [option]}},
                            token=token,
                            timeout=5,
                        )
                    except OSError:
                        status, body = 0, None
                    if status not in (200, 201):
                        assert_envelope(status, body, 503, "SERVICE_UNAVAILABLE")
                    with lock:
                        votes[status] = votes.get(status, 0) + 1
                        if status in (200, 201):
                            acked_at.append(time.monotonic())
                    acked, later = outcome[token]
                    outcome[token] = (option, set()) if status in (200, 201) else (acked, later | {option})
                    time.sleep(0.02)

            threads = [threading.Thread(target=poller) for _ in range(4)]
            threads += [threading.Thread(target=voter, args=(tokens[i::16],)) for i in range(16)]
            for t in threads:
                t.start()
            try:
                time.sleep(1.5)
                postgres.stop("fast")
                stopped = time.monotonic()
                time.sleep(4)
                postgres.start()
                restarted = time.monotonic()
                time.sleep(3)
            finally:
                stop.set()
                for t in threads:
                    t.join(timeout=30)
            status, _, listing = app.request("get", answers + "?limit=100", jwt=True)
            assert status == 200, listing
            stored: dict[str, str] = {}
            page, offset = listing, 0
            while True:
                for item in page["items"]:
                    stored[item["participant_id"]] = item["response_data"]["option_ids"][0]
                offset += len(page["items"])
                if not page["items"] or offset >= page["total"]:
                    break
                page = app.request("get", f"{answers}?limit=100&offset={offset}", jwt=True)[2]
            status, _, participants = app.request(
                "get", f"/api/v1/sessions/{sid}/participants?limit=100", jwt=True
            )
            assert status == 200, participants
            by_nickname = {p["nickname"]: p["id"] for p in participants["items"]}
            lost = 0
            for i, token in enumerate(tokens):
                acked, later = outcome[token]
                value = stored.get(by_nickname[f"v{i}"])
                if acked is not None and value != acked and value not in later:
                    lost += 1
            first_after = min((t for t in acked_at if t > restarted), default=None)
            during = [t for t in acked_at if stopped + 0.5 < t < restarted]
    finally:
        redis.stop()
    figures = {
        "polls": sum(polls.values()),
        "polls_by_status": dict(sorted(polls.items())),
        "polls_stale": stale_polls,
        "votes": sum(votes.values()),
        "votes_by_status": dict(sorted(votes.items())),
        "votes_acknowledged": sum(v for k, v in votes.items() if k in (200, 201)),
        "acknowledged_lost": lost,
        "stored_while_down": len(during),
        "first_vote_stored_after_restart_s": round(first_after - restarted, 3) if first_after else None,
    }
    print(f"\n[faults:blip] {figures}")
    assert set(polls) <= {200, 304}, figures
    assert lost == 0, figures
    assert votes.get(503, 0) >= 1, figures  # the outage was real
    assert first_after is not None and first_after - restarted < 5.0, figures
