"""The benchmarks' shared harness: what every entry point (bench.py, overload.py, vote_cost.py,
results_bench.py, export_memory.py, setup_session.py) imports, none of them a main itself.

Starting PostgreSQL and Redis on loopback (scripts/pg.sh, scripts/redis.sh), Caja or the ceiling
under gunicorn with deploy/gunicorn.conf.py, nginx with deploy/nginx.conf; wrk runs (bench/*.lua)
and their parsed figures; the benchmark session (setup_session.py) and its database checks; Django
set up in-process for the scripts that measure without a server; the Markdown tables.

An entry point runs as a script (``python bench/NAME.py``: bench/ is on sys.path) and imports
``from harness import ...``.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import socket
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
        # stdout too: Caja logs to stdout (settings.LOGGING), gunicorn to stderr; an error of the app
        # (a 500's traceback) must land in the log next to gunicorn's own.
        log = open(OUT / "gunicorn.log", "a")  # noqa: SIM115
        self.proc = subprocess.Popen(
            [GUNICORN, "-c", "deploy/gunicorn.conf.py", app],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=log,
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
                raise RuntimeError(f"deploy/nginx.conf changed: {old!r} not found (update bench/harness.py)")
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
        # Kept: its error log (the temporary directory is removed) says why nginx answered a 5xx.
        error_log = self.conf.parent / "nginx-error.log"
        if error_log.exists():
            with open(OUT / "nginx.log", "a") as out:
                out.write(error_log.read_text())


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


class Stores:
    """A throwaway PostgreSQL (scripts/pg.sh) and Redis (scripts/redis.sh) on loopback."""

    def __init__(self, *, pg_state_file: str, redis_port: str, fsync: str = "on") -> None:
        # BENCH_PG_STATE_FILE / BENCH_REDIS_PORT: two people benchmarking on one machine each take
        # their own (the defaults are per script, so two runs of one script would stop each other's).
        pg_state_file = os.environ.get("BENCH_PG_STATE_FILE") or pg_state_file
        redis_port = os.environ.get("BENCH_REDIS_PORT") or redis_port
        self.pg_env = {**os.environ, "PG_STATE_FILE": pg_state_file, "PG_FSYNC": fsync}
        self.redis_env = {**os.environ, "REDIS_TEST_PORT": redis_port}
        self.db_url = sh("bash", "scripts/pg.sh", "start", env=self.pg_env).splitlines()[-1]
        self.redis_url = sh("bash", "scripts/redis.sh", "start", env=self.redis_env).splitlines()[-1]

    def stop(self, *, check: bool = False) -> None:
        """Stop both; ``check``: a failing stop raises (else it is ignored)."""
        if check:
            sh("bash", "scripts/redis.sh", "stop", env=self.redis_env)
            sh("bash", "scripts/pg.sh", "stop", env=self.pg_env)
            return
        subprocess.run(
            ["bash", "scripts/redis.sh", "stop"], env=self.redis_env, cwd=ROOT, capture_output=True
        )
        subprocess.run(["bash", "scripts/pg.sh", "stop"], env=self.pg_env, cwd=ROOT, capture_output=True)


def out_dir(*logs: str) -> Path:
    """bench/out, created, with the named log files emptied."""
    OUT.mkdir(parents=True, exist_ok=True)
    for name in logs:
        (OUT / name).write_text("")
    return OUT


def django_setup() -> None:
    """Django in this process, for the scripts that measure without a server (the repository on
    sys.path, caja.settings unless DJANGO_SETTINGS_MODULE says otherwise)."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caja.settings")
    import django

    django.setup()


def markdown_table(
    rows: list[dict[str, Any]], columns: list[tuple[str, str]] | None = None, *, notes: bool = False
) -> str:
    """Rows as a Markdown table: ``columns`` are (key, header) pairs (default: the first row's
    keys); ``notes`` adds a last column with every other key=value of the row."""
    columns = columns or [(k, k) for k in (rows[0] if rows else {})]
    headers = [h for _, h in columns] + (["notes"] if notes else [])
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    keys = {k for k, _ in columns}
    for r in rows:
        cells = [str(r.get(k, "")) for k, _ in columns]
        if notes:
            cells.append(", ".join(f"{k}={v}" for k, v in r.items() if k not in keys))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
