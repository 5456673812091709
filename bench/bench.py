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
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (  # noqa: E402
    PY,
    Nginx,
    Server,
    Stores,
    VisibilityProbe,
    app_env,
    db_count,
    markdown_table,
    out_dir,
    row,
    setup_session,
    sh,
    tokens_file,
    wait_http,
    wrk,
)


def main() -> int:
    out = out_dir("gunicorn.log", "nginx.log")
    ns = [int(x) for x in os.environ.get("BENCH_N", "5000 10000").split()]
    duration = int(os.environ.get("BENCH_DURATION", "10"))
    vote_rate = int(os.environ.get("BENCH_VOTE_RATE", "500"))
    max_conns = int(os.environ.get("BENCH_CONNECTIONS", "400"))
    started = time.time()

    stores = Stores(
        pg_state_file="/tmp/caja-bench-pg.state",  # noqa: S108
        redis_port="63799",
        fsync=os.environ.get("BENCH_FSYNC", "on"),
    )
    db_url, redis_url = stores.db_url, stores.redis_url
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
        stores.stop()
        shutil.rmtree(tmp, ignore_errors=True)

    (out / "results.json").write_text(json.dumps(rows, indent=2))
    columns = [("measure", "measure"), ("rps", "req/s"), ("p50_ms", "p50 ms"), ("p99_ms", "p99 ms")]
    columns += [("ratio", "ratio"), ("errors", "errors")]
    print(markdown_table(rows, columns, notes=True))
    print(f"\nJSON: {out / 'results.json'}   ({time.time() - started:.0f} s; PostgreSQL fsync=on)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
