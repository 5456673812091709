"""Where the knee is: votes through the shipped nginx at rising concurrency, shedding off and on.

`make bench-overload` (a few minutes; not part of `make test`). Each phase sends votes (every vote
a participant's first: an insert) through deploy/nginx.conf to gunicorn with deploy/gunicorn.conf.py
defaults, with wrk holding C connections open and sending the next vote as soon as the previous
one is answered: C phones pressing "send" at once, again and again. Past the knee the answers
queue in front of the busy workers; with shedding (CAJA_SHED_QUEUE_SECONDS, caja/shedding.py) a
vote that waited longer than the limit is refused at once with 503 + Retry-After (the phone sends
it again later) instead of waiting on.

Prints one table: offered concurrency, stored votes/s, 503s/s, p50/p99/max latency of all answers,
and wrk's timeouts (> 5 s). PostgreSQL runs with fsync on (BENCH_FSYNC=off to change).
Knobs: BENCH_OVERLOAD_CONNECTIONS ("64 512 2048"), BENCH_OVERLOAD_SHED ("0 2"), BENCH_DURATION (8).
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
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
    setup_session,
    sh,
    tokens_file,
    wrk,
)


def main() -> int:
    out_dir("gunicorn.log")
    conns = [int(x) for x in os.environ.get("BENCH_OVERLOAD_CONNECTIONS", "64 512 2048").split()]
    sheds = [float(x) for x in os.environ.get("BENCH_OVERLOAD_SHED", "0 2").split()]
    duration = int(os.environ.get("BENCH_DURATION", "8"))
    started = time.time()
    fsync = os.environ.get("BENCH_FSYNC", "on")
    stores = Stores(pg_state_file="/tmp/caja-bench-pg.state", redis_port="63799", fsync=fsync)  # noqa: S108
    db_url, redis_url = stores.db_url, stores.redis_url
    tmp = Path(tempfile.mkdtemp(prefix="caja-overload-"))
    rows: list[dict[str, Any]] = []
    try:
        env = app_env(db_url, redis_url)
        sh(PY, "manage.py", "migrate", "--noinput", env=env)
        per_phase = 2_000 * duration  # more than the server can store in a phase
        setup = setup_session(env, per_phase * len(conns) * len(sheds))
        slices = iter(range(0, len(setup["tokens"]), per_phase))
        static_root = tmp / "static"
        static_root.mkdir()
        for shed in sheds:
            app = Server({**env, "CAJA_SHED_QUEUE_SECONDS": str(shed)}, "caja.wsgi", "/health")
            nginx = Nginx(tmp, app.port, static_root)
            try:
                for c in conns:
                    first = next(slices)
                    tokens = tokens_file(setup["tokens"][first : first + per_phase])
                    data = wrk(
                        nginx.port,
                        setup["responses"],
                        script="vote.lua",
                        connections=c,
                        duration=duration,
                        tokens=tokens,
                        retry_after=True,
                    )
                    secs = data["duration_us"] / 1e6
                    rows.append(
                        {
                            "shedding": f"{shed:g} s" if shed else "off",
                            "connections": c,
                            "stored/s": round(data["s2xx"] / secs),
                            "503/s": round(data["s5xx"] / secs),
                            "p50 ms": data["p50_ms"],
                            "p99 ms": data["p99_ms"],
                            "max ms": round(data["max_us"] / 1000),
                            "timeouts": data["errors_timeout"],
                            "other": data["sother"] + data["s409"] + data["s429"],
                        }
                    )
                    print(rows[-1], flush=True)
                    time.sleep(2)  # let the queue drain between phases
            finally:
                nginx.stop()
                app.stop()
    finally:
        stores.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    print(markdown_table(rows))
    print(f"\n({time.time() - started:.0f} s; PostgreSQL fsync={fsync}; through deploy/nginx.conf)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
