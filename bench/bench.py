"""Caja live-state benchmark: one command (`make bench`), one table, one JSON file.

On this machine it starts PostgreSQL and Redis on loopback (scripts/pg.sh, scripts/redis.sh),
runs Caja under gunicorn (gthread, W workers), creates a session with a live poll and N joined
participants, and measures with wrk:

  (a) state polls/s and p50/p99 latency for N participants polling every INTERVAL s
      (If-None-Match, rotating participant tokens, think time) — achieved vs intended rate;
  (b) votes/s accepted while the polls run, then checks that the database holds exactly one
      response per participant who got a 2xx;
  (c) the time from an accepted vote until /state shows it (median, p95, max);
  (d) the ceiling C2: a bare Django view returning constant bytes of the same size under the
      same gunicorn config, saturated, versus our /state saturated (ours / C2);
  (e) peak memory (VmHWM) per gunicorn worker.

Environment knobs: BENCH_N ("1000 5000"), BENCH_WORKERS (2), BENCH_THREADS (8),
BENCH_DURATION (15 s per load phase), BENCH_INTERVAL (2 s), BENCH_CONNECTIONS (max 400).
"""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
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


def wait_http(port: int, path: str = "/health", timeout: float = 30) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", path)
            if c.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"server on {port} did not answer {path}")


class Server:
    def __init__(self, env: dict[str, str], workers: int, threads: int) -> None:
        self.port = free_port()
        self.env = {
            **env,
            "GUNICORN_BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": str(workers),
            "GUNICORN_THREADS": str(threads),
            "GUNICORN_WORKER_CONNECTIONS": "10000",
            "GUNICORN_KEEPALIVE": "30",
            "GUNICORN_LOGLEVEL": "warning",
        }
        self.proc = subprocess.Popen(
            [GUNICORN, "-c", "deploy/gunicorn.conf.py", "caja.wsgi"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=open(OUT / "gunicorn.log", "a"),  # noqa: SIM115
            start_new_session=True,
        )
        wait_http(self.port)

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


def wrk(
    port: int, path: str, *, connections: int, duration: int, delay_ms: int, tokens: str, conditional: bool
) -> dict[str, Any]:
    env = {
        **os.environ,
        "CAJA_PATH": path,
        "CAJA_DELAY_MS": str(delay_ms),
        "CAJA_TOKENS": tokens,
        "CAJA_CONDITIONAL": "1" if conditional else "0",
    }
    threads = max(1, min(2, connections))
    cmd = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "5s",
        "-s",
        str(ROOT / "bench" / "poll.lua"),
        f"http://127.0.0.1:{port}{path}",
    ]
    started = time.process_time()
    ru0 = os.times()
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True).stdout
    ru1 = os.times()
    del started
    line = next(ln for ln in out.splitlines() if ln.startswith("WRKJSON "))
    data: dict[str, Any] = json.loads(line[len("WRKJSON ") :])
    secs = data["duration_us"] / 1e6
    data["rps"] = round(data["requests"] / secs, 1)
    data["p50_ms"] = round(data["p50_us"] / 1000, 2)
    data["p99_ms"] = round(data["p99_us"] / 1000, 2)
    data["errors"] = (
        sum(data[k] for k in ("errors_connect", "errors_read", "errors_write", "errors_timeout"))
        + data["sother"]
        + data["s429"]
    )
    data["generator_cpu_s"] = round(
        (ru1.children_user + ru1.children_system) - (ru0.children_user + ru0.children_system), 1
    )
    return data


def setup_data(env: dict[str, str], n: int) -> dict[str, Any]:
    out = sh(PY, "bench/setup_session.py", str(n), env=env)
    return json.loads(out.splitlines()[-1])


def vote_storm(port: int, setup: dict[str, Any], tokens: list[str], n_threads: int = 8) -> dict[str, Any]:
    """Every participant votes once (keep-alive connections, several threads)."""
    path = f"/api/v1/sessions/{setup['session_id']}/activities/{setup['activity_id']}/responses"
    ok: list[str] = []
    failed: dict[int, int] = {}
    lock = threading.Lock()

    def run(chunk: list[str]) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        for i, tok in enumerate(chunk):
            body = json.dumps({"response_data": {"option_ids": ["ab"[i % 2]]}})
            try:
                conn.request(
                    "POST",
                    path,
                    body=body,
                    headers={"Content-Type": "application/json", "X-Participant-Token": tok},
                )
                r = conn.getresponse()
                r.read()
                status = r.status
            except OSError:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                status = 0
            with lock:
                if 200 <= status < 300:
                    ok.append(tok)
                else:
                    failed[status] = failed.get(status, 0) + 1

    chunks = [tokens[i::n_threads] for i in range(n_threads)]
    t0 = time.perf_counter()
    threads = [threading.Thread(target=run, args=(c,)) for c in chunks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    return {
        "accepted": len(ok),
        "refused": failed,
        "seconds": round(elapsed, 2),
        "votes_per_s": round(len(ok) / elapsed, 1),
        "ok_tokens": ok,
    }


def vote_visibility(port: int, setup: dict[str, Any], tokens: list[str], samples: int = 15) -> dict[str, Any]:
    """Time from an accepted vote until /state's response_count shows it."""
    sid, aid = setup["session_id"], setup["activity_id"]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)

    def count() -> int:
        conn.request("GET", f"/api/v1/sessions/{sid}/state")
        r = conn.getresponse()
        return int(json.loads(r.read())["current_activity"]["response_count"])

    delays = []
    for tok in tokens[:samples]:
        before = count()
        vconn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        vconn.request(
            "POST",
            f"/api/v1/sessions/{sid}/activities/{aid}/responses",
            body=json.dumps({"response_data": {"option_ids": ["a"]}}),
            headers={"Content-Type": "application/json", "X-Participant-Token": tok},
        )
        resp = vconn.getresponse()
        resp.read()
        t0 = time.perf_counter()
        if resp.status != 201:
            continue
        while count() <= before and time.perf_counter() - t0 < 5:
            time.sleep(0.005)
        delays.append((time.perf_counter() - t0) * 1000)
        time.sleep(0.3)
    delays.sort()
    return {
        "samples": len(delays),
        "median_ms": round(statistics.median(delays), 1) if delays else None,
        "p95_ms": round(delays[int(0.95 * (len(delays) - 1))], 1) if delays else None,
        "max_ms": round(max(delays), 1) if delays else None,
    }


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "gunicorn.log").write_text("")
    ns = [int(x) for x in os.environ.get("BENCH_N", "1000 5000").split()]
    workers = int(os.environ.get("BENCH_WORKERS", "2"))
    threads = int(os.environ.get("BENCH_THREADS", "8"))
    duration = int(os.environ.get("BENCH_DURATION", "15"))
    interval = float(os.environ.get("BENCH_INTERVAL", "2"))
    max_conns = int(os.environ.get("BENCH_CONNECTIONS", "400"))

    pg_env = {**os.environ, "PG_STATE_FILE": "/tmp/caja-bench-pg.state"}  # noqa: S108
    redis_env = {**os.environ, "REDIS_TEST_PORT": "63799"}
    db_url = sh("bash", "scripts/pg.sh", "start", env=pg_env).splitlines()[-1]
    redis_url = sh("bash", "scripts/redis.sh", "start", env=redis_env).splitlines()[-1]
    server: Server | None = None
    rows: list[dict[str, Any]] = []
    try:
        env = {
            **os.environ,
            "DATABASE_URL": db_url,
            "CACHE_URL": redis_url.rsplit("/", 1)[0] + "/1",
            "DEBUG": "false",
            "SECRET_KEY": "bench-" + "k" * 50,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "CAJA_BENCH_CEILING": "1",
            "LOG_LEVEL": "WARNING",
            # The benchmark polls harder than phones would; the fast-poller limit is per token.
            "THROTTLE_ANSWER": "100000/min",
        }
        sh(PY, "manage.py", "migrate", "--noinput", env=env)
        server = Server(env, workers, threads)
        for n in ns:
            setup = setup_data(env, n)
            tokens = Path(setup["tokens_file"]).read_text().split()
            state_path = f"/api/v1/sessions/{setup['session_id']}/state"
            connections = min(n, max_conns)
            delay_ms = int(connections * interval * 1000 / n)
            intended = n / interval

            result: dict[str, Any] = {
                "N": n,
                "workers": workers,
                "threads": threads,
                "connections": connections,
            }
            # (a)+(b): polls with think time while every participant votes once.
            holder: dict[str, Any] = {}
            poll_kwargs = {
                "connections": connections,
                "duration": duration,
                "delay_ms": delay_ms,
                "tokens": setup["tokens_file"],
                "conditional": True,
            }
            poll_thread = threading.Thread(
                target=lambda h=holder, p=state_path, kw=poll_kwargs: h.update(wrk(server.port, p, **kw))
            )
            poll_thread.start()
            time.sleep(min(3, duration / 4))
            votes = vote_storm(server.port, setup, tokens[: n - 20])
            poll_thread.join()
            polls = holder
            verify = json.loads(
                sh(PY, "bench/setup_session.py", "verify", setup["activity_id"], env=env).splitlines()[-1]
            )
            ok_set = set(votes.pop("ok_tokens"))
            result.update(
                {
                    "intended_polls_per_s": round(intended, 1),
                    "achieved_polls_per_s": polls["rps"],
                    "poll_p50_ms": polls["p50_ms"],
                    "poll_p99_ms": polls["p99_ms"],
                    "poll_errors": polls["errors"],
                    "poll_200": polls["s200"],
                    "poll_304": polls["s304"],
                    "poll_429": polls["s429"],
                    "generator_cpu_s": polls["generator_cpu_s"],
                    "votes_accepted": votes["accepted"],
                    "votes_refused": votes["refused"],
                    "votes_per_s": votes["votes_per_s"],
                    "db_responses": verify["responses"],
                    "db_matches_2xx": verify["responses"] == len(ok_set)
                    and verify["distinct_participants"] == len(ok_set),
                }
            )
            # (c) vote -> visible in /state
            result.update(
                {f"visible_{k}": v for k, v in vote_visibility(server.port, setup, tokens[n - 20 :]).items()}
            )
            # (d) ceilings, saturated (no think time), same connections
            size = int(
                json.loads(
                    sh(
                        PY, "bench/setup_session.py", "size", setup["session_id"], str(server.port), env=env
                    ).splitlines()[-1]
                )["bytes"]
            )
            sat_conns = min(connections, 64)
            ours_200 = wrk(
                server.port,
                state_path,
                connections=sat_conns,
                duration=max(5, duration // 2),
                delay_ms=0,
                tokens="",
                conditional=False,
            )
            ours_304 = wrk(
                server.port,
                state_path,
                connections=sat_conns,
                duration=max(5, duration // 2),
                delay_ms=0,
                tokens="",
                conditional=True,
            )
            c2 = wrk(
                server.port,
                f"/bench/constant/{size}",
                connections=sat_conns,
                duration=max(5, duration // 2),
                delay_ms=0,
                tokens="",
                conditional=False,
            )
            result.update(
                {
                    "state_bytes": size,
                    "ours_200_rps": ours_200["rps"],
                    "ours_304_rps": ours_304["rps"],
                    "c2_rps": c2["rps"],
                    "ours_200_over_c2": round(ours_200["rps"] / c2["rps"], 2),
                    "ours_304_over_c2": round(ours_304["rps"] / c2["rps"], 2),
                    "worker_peak_mb": server.worker_peak_mb(),
                }
            )
            rows.append(result)
            print(json.dumps(result), file=sys.stderr)
    finally:
        if server:
            server.stop()
        subprocess.run(["bash", "scripts/redis.sh", "stop"], env=redis_env, cwd=ROOT, capture_output=True)
        subprocess.run(["bash", "scripts/pg.sh", "stop"], env=pg_env, cwd=ROOT, capture_output=True)

    (OUT / "results.json").write_text(json.dumps(rows, indent=2))
    cols = [
        ("N", "N"),
        ("connections", "conns"),
        ("intended_polls_per_s", "intended/s"),
        ("achieved_polls_per_s", "achieved/s"),
        ("poll_p50_ms", "p50 ms"),
        ("poll_p99_ms", "p99 ms"),
        ("poll_errors", "errors"),
        ("votes_per_s", "votes/s"),
        ("votes_accepted", "votes ok"),
        ("db_matches_2xx", "db=2xx"),
        ("visible_median_ms", "vote→state p50 ms"),
        ("visible_max_ms", "max ms"),
        ("ours_304_rps", "ours304/s"),
        ("ours_200_rps", "ours200/s"),
        ("c2_rps", "C2/s"),
        ("ours_200_over_c2", "200÷C2"),
        ("ours_304_over_c2", "304÷C2"),
        ("worker_peak_mb", "peak MB/worker"),
    ]
    print("| " + " | ".join(h for _, h in cols) + " |")
    print("|" + "---|" * len(cols))
    for row in rows:
        print("| " + " | ".join(str(row.get(k)) for k, _ in cols) + " |")
    print(f"\nJSON: {OUT / 'results.json'}")
    print(f"(workers={workers}, threads={threads}, duration={duration}s, interval={interval}s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
