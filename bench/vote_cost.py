"""Where a saturated vote's CPU goes: `make bench-vote-cost` (about 1 minute; not part of make test).

Starts PostgreSQL (fsync on) and Redis on loopback, Caja and the ceiling C2 under the shipped gunicorn
config, then, for each round, measures C2 and saturated votes (wrk -t2 -c64, as `make bench`) and reads
the CPU counters of every process involved, so a vote's cost is split across the machine:

  worker   the gunicorn workers (user + kernel) per vote, and per C2 request
  pg       every PostgreSQL process (backends, WAL writer, checkpointer) per vote
  redis    redis-server per vote
  wrk      the load generator per request

plus PostgreSQL's own counters per vote (commits, rows, WAL records and bytes, WAL syncs) from
pg_stat_database and pg_stat_wal. BENCH_PYSPY=1 also records a GIL profile of each worker during the
votes (py-spy --nonblocking --gil, raw format, in bench/out/vote_cost_spy<N>.txt).

Knobs: BENCH_ROUNDS (2), BENCH_DURATION (8 s per phase), BENCH_WORKERS / BENCH_THREADS.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import PY, ROOT, Server, Stores, app_env, out_dir, setup_session, sh, tokens_file, wrk  # noqa: E402

_CLOCK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of ``pids`` so far (processes that are gone count nothing)."""
    ticks = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += int(fields[11]) + int(fields[12])
    return ticks / _CLOCK


def pids_of(pattern: str) -> list[int]:
    out = subprocess.run(["pgrep", "-f", pattern], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def pg_counters(db_url: str) -> dict[str, float]:
    import psycopg

    with psycopg.connect(db_url, autocommit=True) as conn:
        db = conn.execute(
            "SELECT sessions, xact_commit, tup_inserted, tup_updated, tup_returned, blks_hit"
            " FROM pg_stat_database WHERE datname = current_database()"
        ).fetchone()
        wal = conn.execute("SELECT wal_records, wal_bytes, wal_sync FROM pg_stat_wal").fetchone()
    assert db is not None and wal is not None
    names = ["connections", "commits", "inserted", "updated", "returned", "blocks_hit"]
    names += ["wal_records", "wal_bytes", "wal_syncs"]
    return dict(zip(names, (float(v) for v in (*db, *wal)), strict=True))


def per(total: float, n: int, scale: float = 1e6) -> float:
    return round(total / max(n, 1) * scale, 1)


def main() -> int:
    out = out_dir()
    rounds = int(os.environ.get("BENCH_ROUNDS", "2"))
    duration = int(os.environ.get("BENCH_DURATION", "8"))
    stores = Stores(pg_state_file="/tmp/caja-vote-cost-pg.state", redis_port="63798", fsync="on")  # noqa: S108
    db_url, redis_url = stores.db_url, stores.redis_url
    servers: list[Any] = []
    try:
        env = app_env(db_url, redis_url)
        sh(PY, "manage.py", "migrate", "--noinput", env=env)
        sessions = [setup_session(env, 20_000) for _ in range(rounds)]
        app = Server(env, "caja.wsgi", "/health")
        ceiling = Server(env, "bench.ceiling_app:application", "/bench/constant/10")
        servers += [app, ceiling]
        redis_pids = pids_of(f"redis-server.*{stores.redis_env['REDIS_TEST_PORT']}")
        # Not measured: right after the setup (40,000 joins) PostgreSQL's autovacuum and the fresh
        # workers take the cores for a few seconds, and the first C2 came out at half its rate.
        wrk(ceiling.port, "/bench/constant/1500", duration=5)
        for i, session in enumerate(sessions, 1):
            before = cpu_seconds(ceiling.worker_pids())
            c2 = wrk(ceiling.port, "/bench/constant/1500", duration=duration)
            c2_worker = cpu_seconds(ceiling.worker_pids()) - before

            spies = []
            if os.environ.get("BENCH_PYSPY"):
                spy = str(Path(PY).parent / "py-spy")
                for k, pid in enumerate(app.worker_pids()):
                    spy_out = out / f"vote_cost_spy{k}.txt"
                    cmd = [spy, "record", "--nonblocking", "--gil", "-p", str(pid), "-r", "200"]
                    cmd += ["-d", str(max(1, duration - 2)), "-f", "raw", "-o", str(spy_out)]
                    spies.append(subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
            counters = pg_counters(db_url)
            cpu = [cpu_seconds(app.worker_pids()), cpu_seconds(pids_of("postgres")), cpu_seconds(redis_pids)]
            tokens = tokens_file(session["tokens"])
            votes = wrk(app.port, session["responses"], script="vote.lua", duration=duration, tokens=tokens)
            cpu = [
                cpu_seconds(app.worker_pids()) - cpu[0],
                cpu_seconds(pids_of("postgres")) - cpu[1],
                cpu_seconds(redis_pids) - cpu[2],
            ]
            after = pg_counters(db_url)
            for spy_proc in spies:
                spy_proc.wait()
            n, m = votes["requests"], c2["requests"]
            print(
                json.dumps(
                    {
                        "round": i,
                        "c2_rps": c2["rps"],
                        "votes_rps": votes["rps"],
                        "ratio": round(votes["rps"] / c2["rps"], 3),
                        "votes_2xx": votes["s2xx"],
                        "votes_p99_ms": votes["p99_ms"],
                        "c2_us": {"worker": per(c2_worker, m), "wrk": per(c2["generator_cpu_s"], m)},
                        "vote_us": {
                            "worker": per(cpu[0], n),
                            "pg": per(cpu[1], n),
                            "redis": per(cpu[2], n),
                            "wrk": per(votes["generator_cpu_s"], n),
                        },
                        "pg_per_vote": {k: per(after[k] - counters[k], n, 1) for k in counters},
                    }
                ),
                flush=True,
            )
    finally:
        for server in servers:
            server.stop()
        stores.stop(check=True)
    print(f"(PostgreSQL fsync=on; {ROOT})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
