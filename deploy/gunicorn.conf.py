"""gunicorn settings for Caja: `gunicorn -c deploy/gunicorn.conf.py caja.wsgi`.

Everything is read from the environment so the same file serves a laptop and a container.
gthread workers keep client connections alive (sync workers close after each response).
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from typing import Any

# Imported here, when the master reads this file, not in child_exit: child_exit runs in the master's
# SIGCHLD handler, and when two workers exit at once (a HUP reload) the second signal arrived while
# the first handler was still importing prometheus_client. The re-entered import failed ("partially
# initialized module"), the master died, and the server answered nothing (found by the HUP of
# live/tests/test_stack.py).
from prometheus_client import multiprocess as prometheus_multiprocess


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
# Defaults chosen by measurement on a 2-core host with PostgreSQL, Redis and the load generator on
# the same cores (2026-11-22; votes = POST .../responses, wrk -t2 -c64, 6 s each, one run):
#   workers x threads   5x4   4x2   2x8   2x2   3x2   4x1
#   votes/s             888   906   946   945  1039  1067
# Both the votes and the polls are CPU-bound Python: more threads per worker only queue on the
# GIL (5x4, the former 2 x cores + 1 with 4 threads, was the slowest), and a worker per core
# leaves the database and Redis without a core. cores + 1 workers with 2 threads each is within
# noise of the best and keeps a second thread per worker for a slow request (an export, an
# admin page) so it does not stall that worker's polls.
workers = _int("WEB_CONCURRENCY", min(multiprocessing.cpu_count() + 1, 12))
worker_class = "gthread"
threads = _int("GUNICORN_THREADS", 2)
# gthread: open keep-alive connections per worker (phones idle between polls hold one each).
worker_connections = _int("GUNICORN_WORKER_CONNECTIONS", 1000)
keepalive = _int("GUNICORN_KEEPALIVE", 5)
timeout = _int("GUNICORN_TIMEOUT", 30)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
max_requests = _int("GUNICORN_MAX_REQUESTS", 0)
max_requests_jitter = _int("GUNICORN_MAX_REQUESTS_JITTER", 0)
# Django logs requests itself (JSON with LOG_FORMAT=json); set GUNICORN_ACCESSLOG=- to add gunicorn's.
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proxy_allow_ips = forwarded_allow_ips
# /dev/shm keeps worker heartbeats off slow container filesystems.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108


def _shared_cache_problem(n_workers: int) -> str | None:
    cache_url = os.environ.get("CACHE_URL", "").strip()
    if n_workers > 1 and (not cache_url or cache_url.startswith("locmem")):
        return (
            f"Caja refuses to start {n_workers} workers with a per-process cache "
            f"(CACHE_URL={cache_url or 'unset'}): several workers need a shared cache: "
            "set CACHE_URL=redis://..., or run one worker with WEB_CONCURRENCY=1."
        )
    return None


def on_starting(server: Any) -> None:
    problem = _shared_cache_problem(int(server.cfg.workers))
    if problem:
        server.log.error(problem)
        sys.stderr.write(problem + "\n")
        sys.exit(1)


# --- Prometheus multiprocess mode (caja/metrics.py) ---------------------------------------------
# With PROMETHEUS_MULTIPROC_DIR set, every worker writes its metrics to files there and /metrics
# merges them. Stale files from a previous run would be counted again: the master empties the
# directory once, when it is ready and before the first worker forks.
def when_ready(server: Any) -> None:
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "").strip()
    if not directory:
        return
    os.makedirs(directory, exist_ok=True)
    for name in os.listdir(directory):
        if name.endswith(".db"):
            os.unlink(os.path.join(directory, name))


def child_exit(server: Any, worker: Any) -> None:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR", "").strip():
        prometheus_multiprocess.mark_process_dead(worker.pid)
