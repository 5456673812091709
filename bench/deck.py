"""Deck import of a 100-page PDF: time and the worker's memory (issue 24: < 30 s, ≤ 200 MB).

    make bench-deck          (or: .venv/bin/python bench/deck.py [--pages 100] [--runs 1])

Generates a PDF of ``--pages`` 16:9 pages, each with a line of text, a coloured band and a
640 × 360 photo-like JPEG drawn over half the page (activities/tests/pdfs.py), then, in a fresh
child process on a throwaway SQLite database and media folder, runs the service behind
``POST /sessions/{id}/deck`` (activities.services.deck.deck_import: render each page at 1920 × 1080
with PDFium, re-encode it as any upload, store it, then the slides in one transaction). Figures: wall
time, the growth of the child's max RSS during the import (the process's own peak, what a gunicorn
worker would grow by), and the tracemalloc peak of a second import (Python allocations only; PDFium's
own buffers are native and only in the RSS figure). Exits 1 past a target.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

TARGET_SECONDS = 30.0
TARGET_MB = 200.0


def child(pdf_path: str) -> None:
    from harness import django_setup

    django_setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from django.contrib.auth import get_user_model

    from activities.services.deck import deck_import
    from sessions_app.services import session_create

    owner = get_user_model().objects.create_user(username="bench-deck", is_staff=True)
    size = os.path.getsize(pdf_path)

    def run() -> tuple[float, float, int]:
        session = session_create(owner=owner, name="Deck bench")
        started, cpu = time.perf_counter(), time.process_time()
        with open(pdf_path, "rb") as source:
            slides = deck_import(session=session, source=source, size=size, actor=owner)
        return time.perf_counter() - started, time.process_time() - cpu, len(slides)

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    seconds, cpu_seconds, count = run()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    run()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        json.dumps(
            {
                "slides": count,
                "seconds": seconds,
                "cpu_seconds": cpu_seconds,
                "load": os.getloadavg()[0],
                "maxrss_before_mb": rss_before / 1024,
                "maxrss_delta_mb": (rss_after - rss_before) / 1024,
                "tracemalloc_peak_mb": peak / 2**20,
            }
        )
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child)
        return 0
    sys.path.insert(0, str(ROOT))
    from activities.tests.pdfs import make_pdf

    with tempfile.TemporaryDirectory(prefix="caja-bench-deck-") as tmp:
        pdf_path = Path(tmp) / "deck.pdf"
        texts = [f"Quarterly update, page {i + 1}: results, plans and questions" for i in range(args.pages)]
        pdf_path.write_bytes(make_pdf(texts, picture=True))
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
            "MEDIA_ROOT": f"{tmp}/media",
            "REDIS_URL": "",
        }
        env.pop("DJANGO_SETTINGS_MODULE", None)
        out = subprocess.run(
            [sys.executable, __file__, "--child", str(pdf_path)],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        if out.returncode != 0:
            print(out.stdout, out.stderr, file=sys.stderr)
            return 2
        figures = json.loads(out.stdout.strip().splitlines()[-1])
        pdf_mb = pdf_path.stat().st_size / 2**20
    print(f"deck import: {args.pages} pages ({pdf_mb:.1f} MB PDF), {os.cpu_count()} cores")
    print("| slides | seconds | CPU seconds | s/page | max RSS growth | tracemalloc peak | RSS before |")
    print("|---|---|---|---|---|---|---|")
    print(
        f"| {figures['slides']} | {figures['seconds']:.1f} | {figures['cpu_seconds']:.1f} "
        f"| {figures['seconds'] / figures['slides']:.2f} "
        f"| {figures['maxrss_delta_mb']:.0f} MB | {figures['tracemalloc_peak_mb']:.0f} MB "
        f"| {figures['maxrss_before_mb']:.0f} MB |"
    )
    # Wall time is the target; on a shared machine it includes waiting for a core (the load average
    # is printed so a reader can tell), the CPU time is the import's own.
    print(f"load average (1 min) during the import: {figures['load']:.1f}")
    ok = figures["seconds"] < TARGET_SECONDS and figures["maxrss_delta_mb"] <= TARGET_MB
    print(f"targets: < {TARGET_SECONDS:.0f} s and ≤ {TARGET_MB:.0f} MB: {'met' if ok else 'MISSED'}")
    if not ok and figures["cpu_seconds"] < TARGET_SECONDS <= figures["seconds"]:
        print("(the wall time includes waiting for a core on a busy machine: run it again when idle)")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
