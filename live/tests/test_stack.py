"""The production stack, for real: nginx in front of two gunicorn servers (2 workers each) sharing
PostgreSQL and Redis, with Prometheus metrics in multiprocess mode.

Skipped unless DATABASE_URL is PostgreSQL and REDIS_URL points at a live redis (see conftest.py).
The servers use the pytest test database (a transactional test, so what this test writes is
committed and visible to them) and the redis of REDIS_URL under a key prefix of their own.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from django.db import connection

from activities.models import Response
from activities.services import activity_create, activity_set_status
from participants.services import participant_join
from sessions_app.services import session_create, session_start

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
    pytest.mark.slow,
]

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
TOKEN = "x"
HEALTH_KEY = ("caja_http_requests_total", (("method", "GET"), ("route", "health"), ("status", "200")))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def request(
    port: int, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        payload = json.dumps(body).encode() if body is not None else None
        hdrs = {"Content-Type": "application/json"} if payload is not None else {}
        conn.request(method, path, body=payload, headers={**hdrs, **(headers or {})})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def database_url() -> str:
    s = connection.settings_dict
    auth = quote(s["USER"] or "", safe="")
    if s["PASSWORD"]:
        auth += ":" + quote(s["PASSWORD"], safe="")
    host = s["HOST"] or "127.0.0.1"
    port = f":{s['PORT']}" if s["PORT"] else ""
    return f"postgres://{auth}@{host}{port}/{quote(s['NAME'], safe='')}"


SERVER_LINE = "server app:8000 max_fails=3 fail_timeout=2s max_conns=64;"


def nginx_conf(tmp: Path, port: int, upstreams: list[int], static_root: Path) -> str:
    """deploy/nginx.conf on loopback: the same locations and headers, tmp paths, our upstreams."""
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    replacements = {
        "worker_processes auto;": "worker_processes 1;",
        "pid /tmp/nginx.pid;": f"pid {tmp}/nginx.pid;",
        "error_log /dev/stderr warn;": f"error_log {tmp}/nginx-error.log warn;",
        "/tmp/nginx_": f"{tmp}/nginx_",  # noqa: S108 (the text replaced, not a path used)
        SERVER_LINE: " ".join(SERVER_LINE.replace("app:8000", f"127.0.0.1:{p}") for p in upstreams),
        "listen 80 default_server;": f"listen 127.0.0.1:{port} default_server;",
        "alias /app/staticfiles/;": f"alias {static_root}/;",
    }
    for old, new in replacements.items():
        assert old in text, f"deploy/nginx.conf changed: {old!r} not found (update test_stack.py)"
        text = text.replace(old, new)
    if os.geteuid() == 0:
        # Workers would run as nobody and could not read the tmp static root.
        text = "user root;\n" + text
    return text


def wait_ready(port: int, proc: subprocess.Popen[bytes], log: Path, timeout: float = 40) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"server on :{port} exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        try:
            if request(port, "GET", "/health")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    pytest.fail(f"server on :{port} not ready after {timeout}s:\n{log.read_text()[-3000:]}")


def per_pid_health_counts(directory: Path) -> dict[str, float]:
    """Health-route request counts per worker pid, straight from the multiprocess files."""
    from prometheus_client.mmap_dict import MmapedDict

    counts: dict[str, float] = {}
    for path in directory.glob("counter_*.db"):
        pid = path.stem.split("_", 1)[1]
        for key, value, *_ in MmapedDict.read_all_values_from_file(str(path)):
            _, sample, labels, *_ = json.loads(key)
            if sample == HEALTH_KEY[0] and tuple(sorted(labels.items())) == HEALTH_KEY[1]:
                counts[pid] = counts.get(pid, 0) + value
    return counts


def scrape(port: int) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    from prometheus_client.parser import text_string_to_metric_families

    status, _, body = request(port, "GET", "/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert status == 200, body[:500]
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(body.decode())
        for s in family.samples
    }


def test_nginx_two_gunicorns_postgres_redis(tmp_path: Path, django_user_model: Any) -> None:
    tmp_path.chmod(0o755)
    static_root = tmp_path / "static"
    base_env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CACHE_URL": os.environ["REDIS_URL"],
        "CACHE_KEY_PREFIX": f"stack-{uuid.uuid4().hex[:8]}",
        "DEBUG": "false",
        "METRICS_ENABLED": "true",
        "METRICS_TOKEN": TOKEN,
        "STATIC_ROOT": str(static_root),
        "WEB_CONCURRENCY": "2",
        "GUNICORN_THREADS": "4",
        "LOG_LEVEL": "WARNING",
        "CONN_MAX_AGE": "0",
        "THROTTLE_ANSWER": "100000/min",  # section 5 votes fast with few participants
    }
    base_env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=base_env, check=True
    )
    assert (static_root / "admin" / "css" / "base.css").is_file()

    # A live poll, committed (transactional test) so the servers see it.
    owner = django_user_model.objects.create_user(
        username="stack-owner", password="pw-stack-123", is_staff=True
    )
    session = session_create(owner=owner, name="Stack town hall")
    poll = activity_create(
        session=session,
        type="poll",
        title="Lunch?",
        config={
            "question": "Lunch?",
            "options": [{"id": "a", "label": "Pizza"}, {"id": "b", "label": "Salad"}],
        },
    )
    session_start(session=session)
    activity_set_status(activity=poll, status="active")

    procs: list[subprocess.Popen[bytes]] = []
    logs: list[Any] = []
    ports = [free_port(), free_port()]
    nginx_port = free_port()
    prom_dirs = [tmp_path / "prom-a", tmp_path / "prom-b"]

    def start_gunicorn(port: int, prom: Path) -> subprocess.Popen[bytes]:
        log = (tmp_path / f"gunicorn-{port}.log").open("ab")
        logs.append(log)
        env = {**base_env, "GUNICORN_BIND": f"127.0.0.1:{port}", "PROMETHEUS_MULTIPROC_DIR": str(prom)}
        return subprocess.Popen(  # noqa: S603 (fixed argv)
            [str(VENV_BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py", "caja.wsgi"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def restart_server(index: int) -> None:
        """Stop one server gracefully (SIGTERM: in-flight requests finish), start it again."""
        procs[index].terminate()
        procs[index].wait(timeout=40)
        procs[index] = start_gunicorn(ports[index], prom_dirs[index])
        wait_ready(ports[index], procs[index], tmp_path / f"gunicorn-{ports[index]}.log")

    try:
        for port, prom in zip(ports, prom_dirs, strict=True):
            prom.mkdir()
            procs.append(start_gunicorn(port, prom))
        for port, proc in zip(ports, procs, strict=True):
            wait_ready(port, proc, tmp_path / f"gunicorn-{port}.log")
        conf = tmp_path / "nginx.conf"
        conf.write_text(nginx_conf(tmp_path, nginx_port, ports, static_root))
        nginx_log = tmp_path / "nginx.out"
        log = nginx_log.open("wb")
        logs.append(log)
        procs.append(
            subprocess.Popen(  # noqa: S603 (fixed argv)
                [
                    shutil.which("nginx") or "/usr/sbin/nginx",
                    "-c",
                    str(conf),
                    "-p",
                    str(tmp_path),
                    "-g",
                    "daemon off;",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
        wait_ready(nginx_port, procs[-1], nginx_log)
        a, b = ports

        # 1. Health and an admin static file through nginx (served by nginx: its cache header).
        status, _, body = request(nginx_port, "GET", "/health")
        assert status == 200 and json.loads(body)["status"] == "healthy"
        status, headers, body = request(nginx_port, "GET", "/static/admin/css/base.css")
        assert status == 200 and b"{" in body
        assert "immutable" in headers.get("cache-control", "")

        # 2. A poll with If-None-Match answers 304 through nginx.
        state_path = f"/api/v1/sessions/{session.pk}/state"
        status, headers, body = request(nginx_port, "GET", state_path)
        assert status == 200 and json.loads(body)["current_activity"]["id"] == str(poll.pk)
        etag = headers["etag"]
        status, headers, body = request(nginx_port, "GET", state_path, headers={"If-None-Match": etag})
        assert status == 304 and body == b""

        # 3. A vote through one gunicorn is visible in /state through the other within 1 s.
        status, _, body = request(
            a, "POST", "/api/v1/join", {"join_code": session.join_code, "nickname": "Ana"}
        )
        assert status == 201, body
        token = json.loads(body)["token"]
        status, _, body = request(
            a,
            "POST",
            f"/api/v1/sessions/{session.pk}/activities/{poll.pk}/responses",
            {"response_data": {"option_ids": ["a"]}},
            {"X-Participant-Token": token},
        )
        assert status == 201, body
        voted = time.monotonic()
        seen = None
        while time.monotonic() - voted < 1.0:
            status, _, body = request(b, "GET", state_path)
            current = json.loads(body)["current_activity"]
            if current["response_count"] == 1:
                seen = time.monotonic() - voted
                break
            time.sleep(0.05)
        assert seen is not None, f"the vote was not visible through the other server within 1 s: {current}"
        assert current["results"]["options"][0]["count"] == 1

        # 4. /metrics of one server: the request counts of its two workers add up.
        status, _, body = request(a, "GET", "/metrics")
        assert status == 401 and json.loads(body)["error"]["code"] == "NOT_AUTHENTICATED"
        assert request(a, "GET", "/metrics", headers={"Authorization": "Bearer wrong"})[0] == 401
        before = scrape(a).get(HEALTH_KEY, 0.0)
        before_pids = per_pid_health_counts(prom_dirs[0])
        sent = 0
        lock = threading.Lock()

        def burst(n: int) -> None:
            nonlocal sent
            for _ in range(n):
                assert request(a, "GET", "/health")[0] == 200
                with lock:
                    sent += 1

        for _ in range(10):  # until both workers have served some (new connections, spread by the kernel)
            threads = [threading.Thread(target=burst, args=(10,)) for _ in range(8)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            per_pid = per_pid_health_counts(prom_dirs[0])
            served = {pid for pid, v in per_pid.items() if v > before_pids.get(pid, 0)}
            if len(served) >= 2:
                break
        after = scrape(a)
        assert after[HEALTH_KEY] - before == sent
        assert len(served) >= 2, f"one worker served everything: {per_pid}"
        assert sum(per_pid.values()) == after[HEALTH_KEY]
        assert after[("caja_active_sessions", ())] >= 1
        assert after[("caja_participants_joined", ())] >= 1
        assert after.get(("caja_answers_total", (("code", "CREATED"), ("result", "accepted"))), 0) == 1
        # Server B counted its polls (the 200s above) separately.
        assert scrape(b)[("caja_polls_total", (("status", "200"),))] >= 1

        # 5. Restarts under load: a graceful reload (HUP) of A, then a rolling restart of B, while
        # phones poll and vote through nginx. No poll fails; every acknowledged vote is stored.
        restart = restarts_under_load(
            nginx_port=nginx_port,
            session=session,
            poll=poll,
            reload_a=lambda: os.kill(procs[0].pid, signal.SIGHUP),
            restart_b=lambda: restart_server(1),
        )
        print(f"\n[stack:restarts] {restart}")
        assert restart["polls"] >= 100 and restart["votes_acknowledged"] >= 50, restart
        assert restart["polls_failed"] == 0, restart
        assert restart["acknowledged_lost"] == 0, restart
        # Both masters lived through it (a HUP once killed the master: deploy/gunicorn.conf.py).
        assert procs[0].poll() is None and procs[1].poll() is None, "a gunicorn master died"
        # Hardly refused: a vote whose connection died with a stopping worker goes to the other server
        # (deploy/nginx.conf: proxy_next_upstream error non_idempotent on the votes). What is refused
        # is the 503 envelope the phone sends again after Retry-After (a vote that waited too long
        # while workers restarted on a busy machine), never a 502 or a timeout.
        assert set(restart["statuses"]) <= {200, 201, 503}, restart
        assert restart["votes_refused"] <= restart["votes"] // 10, restart

        # 6. Overload: past max_conns requests in flight, nginx answers the API's 503 envelope at
        # once, with a Retry-After of 1-4 s, instead of queueing them. A second nginx with room
        # for one request at a time in front of A, and 24 phones voting at the same moment.
        busy_port = free_port()
        busy_dir = tmp_path / "busy"
        busy_dir.mkdir()
        busy_conf = busy_dir / "nginx.conf"
        busy_conf.write_text(
            nginx_conf(busy_dir, busy_port, [ports[0]], static_root).replace("max_conns=64", "max_conns=1")
        )
        procs.append(
            subprocess.Popen(  # noqa: S603 (fixed argv)
                [
                    shutil.which("nginx") or "/usr/sbin/nginx",
                    "-c",
                    str(busy_conf),
                    "-p",
                    str(busy_dir),
                    "-g",
                    "daemon off;",
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.STDOUT,
            )
        )
        wait_ready(busy_port, procs[-1], busy_dir / "nginx-error.log")
        overload = overload_burst(busy_port, session=session, poll=poll, phones=24)
        print(f"\n[stack:overload] {overload['counts']}")
        assert set(overload["counts"]) <= {201, 503}, overload["counts"]
        assert overload["counts"].get(503, 0) >= 1 and overload["counts"].get(201, 0) >= 1, overload["counts"]
        for headers, body in overload["busy"]:
            assert 1 <= int(headers["retry-after"]) <= 4, headers
            assert json.loads(body)["error"]["code"] == "SERVICE_UNAVAILABLE", body
        assert overload["stored"] == overload["counts"][201]
    finally:
        for proc in reversed(procs):
            if proc.poll() is None:
                proc.terminate()
        for proc in reversed(procs):
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
        for log in logs:
            log.close()


def restarts_under_load(
    *,
    nginx_port: int,
    session: Any,
    poll: Any,
    reload_a: Callable[[], None],
    restart_b: Callable[[], None],
) -> dict[str, Any]:
    """Four pollers and four voters through nginx while A reloads and B restarts. Each voter owns
    its participants, so for each one the last acknowledged answer (or a later attempt that got no
    answer) must be what the database holds."""
    tokens = {}
    for i in range(20):
        participant, token = participant_join(session=session, nickname=f"load-{i}")
        tokens[participant.pk] = token
    owned = [list(tokens.items())[i::4] for i in range(4)]
    stop = threading.Event()
    lock = threading.Lock()
    poll_statuses: dict[int, int] = {}
    vote_statuses: dict[int, int] = {}
    # participant id -> (last acknowledged option, options attempted after it without an answer)
    outcome: dict[Any, tuple[str | None, set[str]]] = {pid: (None, set()) for pid in tokens}
    state_path = f"/api/v1/sessions/{session.pk}/state"
    vote_path = f"/api/v1/sessions/{session.pk}/activities/{poll.pk}/responses"

    def count(table: dict[int, int], status: int) -> None:
        with lock:
            table[status] = table.get(status, 0) + 1

    def poller() -> None:
        while not stop.is_set():
            try:
                status = request(nginx_port, "GET", state_path)[0]
            except OSError:
                status = 0
            count(poll_statuses, status)
            time.sleep(0.02)

    def voter(mine: list[tuple[Any, str]]) -> None:
        n = 0
        while not stop.is_set():
            pid, token = mine[n % len(mine)]
            option = "ab"[(n // len(mine)) % 2]
            n += 1
            try:
                status = request(
                    nginx_port,
                    "POST",
                    vote_path,
                    {"response_data": {"option_ids": [option]}},
                    {"X-Participant-Token": token},
                )[0]
            except OSError:
                status = 0
            count(vote_statuses, status)
            acked, later = outcome[pid]
            outcome[pid] = (option, set()) if status in (200, 201) else (acked, later | {option})
            time.sleep(0.01)

    threads = [threading.Thread(target=poller) for _ in range(4)]
    threads += [threading.Thread(target=voter, args=(mine,)) for mine in owned]
    for t in threads:
        t.start()
    try:
        time.sleep(1.5)
        reload_a()
        time.sleep(3)
        restart_b()
        time.sleep(1.5)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=30)
    stored = {
        r.participant_id: r.response_data["option_ids"][0]
        for r in Response.objects.filter(activity=poll, participant_id__in=list(tokens))
    }
    lost = 0
    for pid, (acked, later) in outcome.items():
        if acked is not None and stored.get(pid) != acked and stored.get(pid) not in later:
            lost += 1
    return {
        "polls": sum(poll_statuses.values()),
        "polls_failed": sum(v for k, v in poll_statuses.items() if k not in (200, 304)),
        "votes": sum(vote_statuses.values()),
        "votes_acknowledged": sum(v for k, v in vote_statuses.items() if k in (200, 201)),
        "votes_refused": sum(v for k, v in vote_statuses.items() if k not in (200, 201)),
        "acknowledged_lost": lost,
        "statuses": sorted(vote_statuses),
        **{f"vote_{k}": v for k, v in sorted(vote_statuses.items()) if k not in (200, 201)},
        **{f"poll_{k}": v for k, v in sorted(poll_statuses.items()) if k not in (200, 304)},
    }


def overload_burst(port: int, *, session: Any, poll: Any, phones: int) -> dict[str, Any]:
    """``phones`` new participants vote at the same moment through nginx on ``port``."""
    tokens = [participant_join(session=session, nickname=f"burst-{i}")[1] for i in range(phones)]
    path = f"/api/v1/sessions/{session.pk}/activities/{poll.pk}/responses"
    gate = threading.Barrier(phones)
    results: list[tuple[int, dict[str, str], bytes]] = []
    lock = threading.Lock()

    def phone(token: str) -> None:
        gate.wait()
        answer = request(
            port, "POST", path, {"response_data": {"option_ids": ["b"]}}, {"X-Participant-Token": token}
        )
        with lock:
            results.append(answer)

    threads = [threading.Thread(target=phone, args=(t,)) for t in tokens]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    counts: dict[int, int] = {}
    for status, _, _ in results:
        counts[status] = counts.get(status, 0) + 1
    burst_ids = [p.pk for p in session.participants.filter(nickname__startswith="burst-")]
    return {
        "counts": counts,
        "busy": [(h, b) for s, h, b in results if s == 503],
        "stored": Response.objects.filter(activity=poll, participant_id__in=burst_ids).count(),
    }
