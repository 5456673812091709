"""Self-paced benchmark (`make bench-selfpaced`): N phones (5,000) each answer K activities (8) of a
self-paced session over D seconds (120), every answer a participant's first on that activity, while
all N phones poll the one shared /state every 2 s. Both through nginx with deploy/nginx.conf, in front
of Caja under gunicorn (deploy/gunicorn.conf.py), PostgreSQL (fsync on) and Redis on loopback.

Prints the answers' and the polls' rate, p50 and p99, and the database check: every acknowledged
answer stored once (lost = acknowledged and not stored, duplicated = two rows for one participant
and activity), which must both be 0.

Knobs: BENCH_SP_N (5000), BENCH_SP_K (8), BENCH_SP_DURATION (120 s), BENCH_CONNECTIONS (400 polls),
BENCH_SP_CONNECTIONS (160 answers: wrk waits for each answer before its think time, so it takes
enough connections to reach the rate).
"""

from __future__ import annotations

import json
import os
import shutil
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
    app_env,
    markdown_table,
    out_dir,
    row,
    sh,
    wait_http,
    wrk,
)


def db_check(db_url: str, session_id: str) -> tuple[int, int]:
    """(rows, distinct (participant, activity) pairs) of the session's answers."""
    import psycopg

    with psycopg.connect(db_url, autocommit=True) as conn:
        found = conn.execute(
            "SELECT count(*), count(DISTINCT (r.participant_id, r.activity_id)) FROM activities_response r "
            "JOIN activities_activity a ON a.id = r.activity_id WHERE a.session_id = %s",
            (session_id,),
        ).fetchone()
    assert found is not None
    return int(found[0]), int(found[1])


def main() -> int:
    out = out_dir("gunicorn.log", "nginx.log")
    n = int(os.environ.get("BENCH_SP_N", "5000"))
    k = int(os.environ.get("BENCH_SP_K", "8"))
    duration = int(os.environ.get("BENCH_SP_DURATION", "120"))
    poll_conns = min(n, int(os.environ.get("BENCH_CONNECTIONS", "400")))
    answer_conns = int(os.environ.get("BENCH_SP_CONNECTIONS", "160"))
    rate = n * k / duration  # answers per second, to finish the walk within the run
    started = time.time()
    stores = Stores(pg_state_file="/tmp/caja-bench-sp-pg.state", redis_port="63798")  # noqa: S108
    db_url, redis_url = stores.db_url, stores.redis_url
    tmp = Path(tempfile.mkdtemp(prefix="caja-bench-sp-"))
    servers: list[Any] = []
    rows: list[dict[str, Any]] = []
    try:
        env = app_env(db_url, redis_url)
        sh(PY, "manage.py", "migrate", "--noinput", env=env)
        setup = json.loads(
            sh(PY, "bench/setup_session.py", "selfpaced", str(n), str(k), env=env).splitlines()[-1]
        )
        sid = setup["session_id"]
        state = f"/api/v1/sessions/{sid}/state"
        paths = [f"/api/v1/sessions/{sid}/activities/{aid}/responses" for aid in setup["activity_ids"]]
        app = Server(env, "caja.wsgi", "/health")
        servers.append(app)
        static_root = tmp / "static"
        static_root.mkdir()
        nginx = Nginx(tmp, app.port, static_root)
        servers.append(nginx)
        wait_http(nginx.port, state)
        holder: dict[str, Any] = {}
        poller = threading.Thread(
            target=lambda: holder.update(
                wrk(
                    nginx.port,
                    state,
                    connections=poll_conns,
                    duration=duration,
                    delay_ms=int(poll_conns * 2000 / n),
                    tokens=setup["tokens_file"],
                    conditional=True,
                )
            )
        )
        poller.start()
        os.environ["CAJA_PATHS"] = ",".join(paths)
        answers = wrk(
            nginx.port,
            paths[0],
            script="selfpaced.lua",
            connections=answer_conns,
            duration=duration,
            delay_ms=int(answer_conns * 1000 / rate),
            tokens=setup["tokens_file"],
        )
        poller.join()
        # The 503s of load shedding (by design: the phone sends the answer again after Retry-After)
        # apart from the real 5xx, which are errors (bench/selfpaced.lua; their causes are in
        # bench/out/gunicorn.log and nginx.log).
        statuses = (
            f"2xx: {answers['s2xx']}, 409: {answers['s409']}, 429: {answers['s429']}, "
            f"503 shed by Caja: {answers['shed_app']}, 503 busy from nginx: {answers['shed_proxy']}, "
            f"other 5xx: {answers['s5xx']}"
            + (f" (first: {answers['first_5xx']})" if answers["s5xx"] else "")
            + f", other: {answers['sother']}, socket errors: {answers['socket_errors']}"
        )
        rows.append(
            row(f"answers, {n} phones × {k} activities (intended {rate:.0f}/s)", answers, statuses=statuses)
        )
        statuses = f"200: {holder['s200']}, 304: {holder['s304']}, other: {holder['sother']}"
        rows.append(
            row(f"/state polls of {n} phones through nginx", holder, intended=round(n / 2), statuses=statuses)
        )
        stored, distinct = db_check(db_url, sid)
        acked = answers["s2xx"]
        rows.append(
            {
                "measure": "database check",
                "acknowledged": acked,
                "intended": n * k,
                "stored": stored,
                "lost": max(0, acked - stored),
                "duplicated": stored - distinct,
                "refused_409": answers["s409"],
            }
        )
        rows.append({"measure": "peak RSS per worker (MB)", "workers": app.worker_peak_mb()})
    finally:
        for server in reversed(servers):
            server.stop()
        stores.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    (out / "selfpaced.json").write_text(json.dumps(rows, indent=2))
    columns = [("measure", "measure"), ("rps", "req/s"), ("p50_ms", "p50 ms"), ("p99_ms", "p99 ms")]
    columns += [("errors", "errors")]
    print(markdown_table(rows, columns, notes=True))
    print(f"\nJSON: {out / 'selfpaced.json'}   ({time.time() - started:.0f} s; PostgreSQL fsync=on)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
