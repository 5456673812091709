"""Caja venue-scale benchmark: `make bench` prints one table from one run (under 10 minutes).

On this machine it starts PostgreSQL (fsync on: figures about acknowledged votes need a durable
database) and Redis on loopback, Caja under gunicorn with deploy/gunicorn.conf.py, the ceiling C2
(bench/ceiling_app.py: a bare Django app, no middleware, same gunicorn settings) and nginx with
deploy/nginx.conf in front of Caja, and measures with wrk (2 threads, on the same cores):

  C0         nginx serving a static file of the /state body's size (-c64, saturated)
  C2         the bare Django app, constant bytes of the same size (-c64, saturated)
  state 200  /state without If-None-Match, direct to gunicorn
  state 304  /state with a matching If-None-Match, direct to gunicorn
  nginx 304  /state with If-None-Match through the shipped nginx config (micro-cache)
  votes      POST .../responses, every vote a participant's first (insert), saturated (-c64)
  votes@500  the same at about 500 votes/s (think time), for the latency at the target rate
  mixed N    N phones polling /state every 2 s through nginx (If-None-Match, rotating tokens)
             while votes arrive at ~500/s through nginx; N in BENCH_N (5000 10000)
and, during the mixed runs, the time from an acknowledged vote to /state (through nginx) showing
it, peak RSS per gunicorn worker, and the database check: every acknowledged vote stored once
(0 lost, 0 duplicated).

Knobs: BENCH_N ("5000 10000"), BENCH_WORKERS / BENCH_THREADS (default: deploy/gunicorn.conf.py's),
BENCH_DURATION (10 s per phase), BENCH_VOTE_RATE (500), BENCH_CONNECTIONS (400, mixed polls).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
OUT = ROOT / "bench" / "out"


def sh(*args: str, env: dict[str, str] | None = None) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True, env=env, cwd=ROOT).stdout.strip()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_http(port: int, path: str, timeout: float = 30) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", path)
            if c.getresponse().status in (200, 404):
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server on {port} did not answer {path}")


class Server:
    """gunicorn with deploy/gunicorn.conf.py; WEB_CONCURRENCY/GUNICORN_THREADS only when given."""

    def __init__(self, env: dict[str, str], app: str, probe: str) -> None:
        self.port = free_port()
        self.env = {
            **env,
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "GUNICORN_WORKER_CONNECTIONS": "10000",
            "GUNICORN_KEEPALIVE": "30",
            "GUNICORN_LOGLEVEL": "warning",
        }
        self.proc = subprocess.Popen(
            [GUNICORN, "-c", "deploy/gunicorn.conf.py", app],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=open(OUT / "gunicorn.log", "a"),  # noqa: SIM115
            start_new_session=True,
        )
        wait_http(self.port, probe)

    def worker_pids(self) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(self.proc.pid)], capture_output=True, text=True).stdout
        return [int(p) for p in out.split()]

    def worker_peak_mb(self) -> list[float]:
        peaks = []
        for pid in self.worker_pids():
            try:
                status = Path(f"/proc/{pid}/status").read_text()
            except OSError:
                continue
            m = re.search(r"VmHWM:\s+(\d+) kB", status)
            if m:
                peaks.append(round(int(m.group(1)) / 1024, 1))
        return peaks

    def stop(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=20)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.proc.pid, signal.SIGKILL)


class Nginx:
    """deploy/nginx.conf on loopback in front of ``upstream``, static files from ``static_root``."""

    def __init__(self, tmp: Path, upstream: int, static_root: Path) -> None:
        self.port = free_port()
        text = (ROOT / "deploy" / "nginx.conf").read_text()
        replacements = {
            "worker_processes auto;": "worker_processes 1;",
            "pid /tmp/nginx.pid;": f"pid {tmp}/nginx.pid;",
            "error_log /dev/stderr warn;": f"error_log {tmp}/nginx-error.log warn;",
            "/tmp/nginx_": f"{tmp}/nginx_",  # noqa: S108 (the text replaced)
            "server app:8000 ": f"server 127.0.0.1:{upstream} ",
            "listen 80 default_server;": f"listen 127.0.0.1:{self.port} default_server;",
            "alias /app/staticfiles/;": f"alias {static_root}/;",
        }
        for old, new in replacements.items():
            if old not in text:
                raise RuntimeError(f"deploy/nginx.conf changed: {old!r} not found (update bench.py)")
            text = text.replace(old, new)
        if os.geteuid() == 0:
            text = "user root;\n" + text
        self.conf = tmp / "nginx.conf"
        self.conf.write_text(text)
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        self.proc = subprocess.Popen(
            [nginx, "-c", str(self.conf), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL,
            stderr=open(OUT / "nginx.log", "a"),  # noqa: SIM115
            start_new_session=True,
        )
        wait_http(self.port, "/static/c0.json")

    def stop(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGQUIT)
            self.proc.wait(timeout=10)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(self.proc.pid, signal.SIGKILL)


def wrk(
    port: int,
    path: str,
    *,
    script: str = "poll.lua",
    connections: int = 64,
    duration: int = 10,
    delay_ms: int = 0,
    tokens: str = "",
    conditional: bool = False,
    retry_after: bool = False,
) -> dict[str, Any]:
    env = {
        **os.environ,
        "CAJA_RETRY_AFTER": "1" if retry_after else "0",
        "CAJA_PATH": path,
        "CAJA_DELAY_MS": str(delay_ms),
        "CAJA_TOKENS": tokens,
        "CAJA_CONDITIONAL": "1" if conditional else "0",
        "CAJA_THREADS": "2",
    }
    cmd = ["wrk", "-t2", f"-c{connections}", f"-d{duration}s", "--timeout", "5s"]
    cmd += ["-s", str(ROOT / "bench" / script), f"http://127.0.0.1:{port}{path}"]
    ru0 = os.times()
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True).stdout
    ru1 = os.times()
    line = next(ln for ln in out.splitlines() if ln.startswith("WRKJSON "))
    data: dict[str, Any] = json.loads(line[len("WRKJSON ") :])
    secs = data["duration_us"] / 1e6
    data["rps"] = round(data["requests"] / secs, 1)
    data["p50_ms"] = round(data["p50_us"] / 1000, 2)
    data["p99_ms"] = round(data["p99_us"] / 1000, 2)
    data["socket_errors"] = sum(
        data[k] for k in ("errors_connect", "errors_read", "errors_write", "errors_timeout")
    )
    data["generator_cpu_s"] = round(
        (ru1.children_user + ru1.children_system) - (ru0.children_user + ru0.children_system), 1
    )
    return data


def app_env(db_url: str, redis_url: str) -> dict[str, str]:
    """The environment Caja runs with in the benchmarks (production settings on loopback), with
    BENCH_WORKERS / BENCH_THREADS for gunicorn's defaults when given."""
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "CACHE_URL": redis_url.rsplit("/", 1)[0] + "/1",
        "DEBUG": "false",
        "SECRET_KEY": "bench-" + "k" * 50,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "LOG_LEVEL": "WARNING",
        # wrk votes with one token per vote; the per-token answer limit never binds.
        "THROTTLE_ANSWER": "100000/min",
    }
    for knob, var in (("BENCH_WORKERS", "WEB_CONCURRENCY"), ("BENCH_THREADS", "GUNICORN_THREADS")):
        if os.environ.get(knob):
            env[var] = os.environ[knob]
    return env


def setup_session(env: dict[str, str], n: int) -> dict[str, Any]:
    """A session with a live poll and n participants (bench/setup_session.py)."""
    out = sh(PY, "bench/setup_session.py", str(n), env=env)
    data: dict[str, Any] = json.loads(out.splitlines()[-1])
    data["tokens"] = Path(data["tokens_file"]).read_text().split()
    data["responses"] = f"/api/v1/sessions/{data['session_id']}/activities/{data['activity_id']}/responses"
    data["state"] = f"/api/v1/sessions/{data['session_id']}/state"
    return data


def tokens_file(tokens: list[str]) -> str:
    fd, path = tempfile.mkstemp(prefix="caja-bench-tokens-", suffix=".txt")
    with os.fdopen(fd, "w") as f:
        f.write("\n".join(tokens) + "\n")
    return path


def db_count(db_url: str, activity_id: str) -> tuple[int, int]:
    """(rows, distinct participants) of an activity's responses."""
    import psycopg

    with psycopg.connect(db_url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT count(*), count(DISTINCT participant_id) FROM activities_response WHERE activity_id = %s",
            (activity_id,),
        ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


class VisibilityProbe(threading.Thread):
    """During a mixed run: vote with a reserved token through nginx, then poll /state through nginx
    until its response_count reaches the database's count right after the vote was acknowledged."""

    def __init__(self, port: int, setup: dict[str, Any], tokens: list[str], db_url: str) -> None:
        super().__init__(daemon=True)
        self.port, self.setup, self.tokens, self.db_url = port, setup, tokens, db_url
        self.delays_ms: list[float] = []
        self.stop_at = 0.0

    def run(self) -> None:
        import psycopg

        db = psycopg.connect(self.db_url, autocommit=True)
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        for token in self.tokens:
            if time.time() > self.stop_at:
                break
            conn.request(
                "POST",
                self.setup["responses"],
                body=json.dumps({"response_data": {"option_ids": ["a"]}}),
                headers={"Content-Type": "application/json", "X-Participant-Token": token},
            )
            resp = conn.getresponse()
            resp.read()
            acked = time.perf_counter()
            if resp.status != 201:
                continue
            row = db.execute(
                "SELECT count(*) FROM activities_response WHERE activity_id = %s",
                (self.setup["activity_id"],),
            ).fetchone()
            target = int(row[0]) if row else 0
            while time.perf_counter() - acked < 10:
                conn.request("GET", self.setup["state"])
                r = conn.getresponse()
                body = r.read()
                if r.status == 200 and json.loads(body)["current_activity"]["response_count"] >= target:
                    self.delays_ms.append((time.perf_counter() - acked) * 1000)
                    break
                time.sleep(0.02)
            time.sleep(0.4)
        db.close()


def row(name: str, data: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"measure": name}
    if data:
        out.update({"rps": data["rps"], "p50_ms": data["p50_ms"], "p99_ms": data["p99_ms"]})
        out["errors"] = data["socket_errors"] + data.get("sother", 0) + data.get("s5xx", 0)
        out["gen_cpu_s"] = data["generator_cpu_s"]
    out.update(extra)
    return out


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "gunicorn.log").write_text("")
    (OUT / "nginx.log").write_text("")
    ns = [int(x) for x in os.environ.get("BENCH_N", "5000 10000").split()]
    duration = int(os.environ.get("BENCH_DURATION", "10"))
    vote_rate = int(os.environ.get("BENCH_VOTE_RATE", "500"))
    max_conns = int(os.environ.get("BENCH_CONNECTIONS", "400"))
    started = time.time()

    pg_env = {
        **os.environ,
        "PG_STATE_FILE": "/tmp/caja-bench-pg.state",  # noqa: S108
        "PG_FSYNC": os.environ.get("BENCH_FSYNC", "on"),
    }
    redis_env = {**os.environ, "REDIS_TEST_PORT": "63799"}
    db_url = sh("bash", "scripts/pg.sh", "start", env=pg_env).splitlines()[-1]
    redis_url = sh("bash", "scripts/redis.sh", "start", env=redis_env).splitlines()[-1]
    tmp = Path(tempfile.mkdtemp(prefix="caja-bench-"))
    servers: list[Any] = []
    rows: list[dict[str, Any]] = []
    try:
        env = app_env(db_url, redis_url)
        sh(PY, "manage.py", "migrate", "--noinput", env=env)
        sat_votes = setup_session(env, 40_000)
        rate_votes = setup_session(env, vote_rate * duration + 2_000)
        mixed = {n: setup_session(env, n + vote_rate * duration + 2_000) for n in ns}

        app = Server(env, "caja.wsgi", "/health")
        ceiling = Server(env, "bench.ceiling_app:application", "/bench/constant/10")
        servers += [app, ceiling]
        state_path = sat_votes["state"]
        c = http.client.HTTPConnection("127.0.0.1", app.port)
        c.request("GET", state_path)
        r = c.getresponse()
        size = len(r.read())
        etag = r.getheader("ETag") or ""
        static_root = tmp / "static"
        static_root.mkdir()
        (static_root / "c0.json").write_bytes(b"x" * size)
        nginx = Nginx(tmp, app.port, static_root)
        servers.append(nginx)

        c0 = wrk(nginx.port, "/static/c0.json", duration=duration)
        c2 = wrk(ceiling.port, f"/bench/constant/{size}", duration=duration)
        rows.append(row("C0 nginx static file", c0, ratio="1.00 × C0"))
        rows.append(row("C2 bare Django, no middleware", c2, ratio=f"{c2['rps'] / c0['rps']:.2f} × C0"))
        s200 = wrk(app.port, state_path, duration=duration)
        rows.append(row("/state 200 direct", s200, ratio=f"{s200['rps'] / c2['rps']:.2f} × C2"))
        s304 = wrk(app.port, state_path, duration=duration, conditional=True)
        rows.append(row("/state 304 direct", s304, ratio=f"{s304['rps'] / c2['rps']:.2f} × C2"))
        n304 = wrk(nginx.port, state_path, duration=duration, conditional=True)
        rows.append(
            row("/state 304 through nginx", n304, ratio=f"{n304['rps'] / c0['rps']:.2f} × C0", etag=etag)
        )

        checks: list[tuple[str, dict[str, Any], int]] = []
        sat_file = tokens_file(sat_votes["tokens"])
        votes = wrk(app.port, sat_votes["responses"], script="vote.lua", duration=duration, tokens=sat_file)
        rows.append(
            row("votes saturated, direct (-c64)", votes, ratio=f"{votes['rps'] / c2['rps']:.2f} × C2")
        )
        checks.append(("votes saturated", sat_votes, votes["s2xx"]))
        conns = 64
        rate_file = tokens_file(rate_votes["tokens"])
        paced = wrk(
            app.port,
            rate_votes["responses"],
            script="vote.lua",
            connections=conns,
            duration=duration,
            delay_ms=int(conns * 1000 / vote_rate),
            tokens=rate_file,
        )
        rows.append(row(f"votes at ~{vote_rate}/s, direct", paced))
        checks.append((f"votes at {vote_rate}/s", rate_votes, paced["s2xx"]))

        visibility: list[float] = []
        for n, setup in mixed.items():
            poll_tokens = setup["tokens"][:n]
            vote_tokens = setup["tokens"][n : n + vote_rate * duration + 1_000]
            probe_tokens = setup["tokens"][n + vote_rate * duration + 1_000 :]
            poll_conns = min(n, max_conns)
            holder: dict[str, Any] = {}
            poller = threading.Thread(
                target=lambda h=holder, s=setup, t=poll_tokens, c=poll_conns, n=n: h.update(
                    wrk(
                        nginx.port,
                        s["state"],
                        connections=c,
                        duration=duration,
                        delay_ms=int(c * 2000 / n),
                        tokens=tokens_file(t),
                        conditional=True,
                    )
                )
            )
            # The big screen has been polling since the doors opened: the session's first poll
            # (nginx's cache fill, under proxy_cache_lock) is not part of the measurement.
            wait_http(nginx.port, setup["state"])
            probe = VisibilityProbe(nginx.port, setup, probe_tokens, db_url)
            probe.stop_at = time.time() + duration - 1
            poller.start()
            probe.start()
            voted = wrk(
                nginx.port,
                setup["responses"],
                script="vote.lua",
                connections=conns,
                duration=duration,
                delay_ms=int(conns * 1000 / vote_rate),
                tokens=tokens_file(vote_tokens),
            )
            poller.join()
            probe.join(timeout=15)
            polls = holder
            visibility += probe.delays_ms
            statuses = f"200: {polls['s200']}, 304: {polls['s304']}, other: {polls['sother']}"
            rows.append(
                row(
                    f"mixed N={n}: polls through nginx",
                    polls,
                    intended=round(n / 2),
                    statuses=statuses,
                )
            )
            rows.append(row(f"mixed N={n}: votes through nginx", voted))
            checks.append((f"mixed N={n}", setup, voted["s2xx"] + len(probe.delays_ms)))

        vis = sorted(visibility)
        rows.append(
            {
                "measure": "vote → visible on /state through nginx",
                "p50_ms": round(statistics.median(vis), 1) if vis else None,
                "max_ms": round(max(vis), 1) if vis else None,
                "samples": len(vis),
            }
        )
        rows.append({"measure": "peak RSS per worker (MB)", "workers": app.worker_peak_mb()})
        for name, setup, acked in checks:
            stored, distinct = db_count(db_url, setup["activity_id"])
            rows.append(
                {
                    "measure": f"database check, {name}",
                    "acknowledged": acked,
                    "stored": stored,
                    "lost": max(0, acked - stored),
                    "duplicated": stored - distinct,
                    "unacknowledged_stored": max(0, stored - acked),
                }
            )
    finally:
        for server in reversed(servers):
            server.stop()
        subprocess.run(["bash", "scripts/redis.sh", "stop"], env=redis_env, cwd=ROOT, capture_output=True)
        subprocess.run(["bash", "scripts/pg.sh", "stop"], env=pg_env, cwd=ROOT, capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)

    (OUT / "results.json").write_text(json.dumps(rows, indent=2))
    print("| measure | req/s | p50 ms | p99 ms | ratio | errors | notes |")
    print("|---|---|---|---|---|---|---|")
    main_keys = {"measure", "rps", "p50_ms", "p99_ms", "ratio", "errors"}
    for r in rows:
        notes = ", ".join(f"{k}={v}" for k, v in r.items() if k not in main_keys)
        cells = [r.get(k, "") for k in ("measure", "rps", "p50_ms", "p99_ms", "ratio", "errors")]
        print("| " + " | ".join(str(c) for c in cells) + f" | {notes} |")
    print(f"\nJSON: {OUT / 'results.json'}   ({time.time() - started:.0f} s; PostgreSQL fsync=on)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
