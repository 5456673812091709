"""Peak memory of `manage.py export_results` on a session with 100,000 responses.

    DATABASE_URL=... .venv/bin/python bench/export_memory.py [--participants 2000] [--activities 50]

Creates (on the configured database) one completed session with ``participants × activities``
poll responses (bulk_create), then runs ``export_results SESSION --output /dev/null`` for csv and
json, each in a fresh child process so the figures are the export's own: the tracemalloc peak
(Python allocations) and the growth of the child's max RSS during the export. Prints a table,
deletes everything it created, and exits 1 if a peak reaches the 100 MB budget.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import django_setup  # noqa: E402

BUDGET_MB = 100.0
BATCH = 5000


def child(fmt: str, session_id: str) -> None:
    """Run one export and print its figures as JSON (runs in a fresh process)."""
    django_setup()
    from django.core.management import call_command

    import activities.export  # noqa: F401  (imports out of the measurement)

    def export() -> float:
        started = time.perf_counter()
        with open(os.devnull, "w") as sink:
            call_command(
                "export_results",
                session_id,
                "--format",
                fmt,
                "--output",
                os.devnull,
                stdout=sink,
                stderr=sink,
            )
        return time.perf_counter() - started

    # First untraced (wall time and max RSS), then under tracemalloc (Python allocation peak).
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    seconds = export()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    export()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(
        json.dumps(
            {
                "format": fmt,
                "seconds": seconds,
                "tracemalloc_peak_mb": peak / 2**20,
                "maxrss_before_mb": rss_before / 1024,
                "maxrss_delta_mb": (rss_after - rss_before) / 1024,
            }
        )
    )


def populate(participants: int, activities: int) -> tuple[str, int]:
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from activities.models import Activity, Response
    from participants.models import Participant
    from sessions_app.models import Session
    from sessions_app.services import generate_join_code

    User = get_user_model()
    owner, _ = User.objects.get_or_create(username="bench-export-memory", defaults={"is_staff": True})
    now = timezone.now()
    session = Session.objects.create(
        owner=owner,
        name="Export memory bench",
        join_code=generate_join_code(),
        status="completed",
        completed_at=now,
    )
    options = [{"id": f"o{i}", "label": f'Option {i}, "quoted"'} for i in range(4)]
    acts = Activity.objects.bulk_create(
        Activity(
            session=session,
            type="poll",
            title=f"Question {i}",
            order=i + 1,
            status="expired",
            config={"question": f"Question {i}?", "options": options, "multiple": False, "max_choices": None},
        )
        for i in range(activities)
    )
    people = Participant.objects.bulk_create(
        Participant(session=session, nickname=f"Player, {i}", nickname_key=f"player, {i}", token_hash=None)
        for i in range(participants)
    )
    rng = random.Random(7)
    batch: list[Response] = []
    total = 0
    for activity in acts:
        for person in people:
            batch.append(
                Response(
                    activity=activity,
                    participant=person,
                    response_data={"option_ids": [f"o{rng.randrange(4)}"]},
                    created_at=now,
                    updated_at=now,
                )
            )
            if len(batch) >= BATCH:
                Response.objects.bulk_create(batch)
                total += len(batch)
                batch.clear()
    Response.objects.bulk_create(batch)
    total += len(batch)
    return str(session.pk), total


def cleanup(session_id: str) -> None:
    from django.contrib.auth import get_user_model

    from sessions_app.models import Session
    from sessions_app.services import session_delete

    session = Session.objects.filter(pk=session_id).first()
    if session is not None:
        session_delete(session=session)
    get_user_model().objects.filter(username="bench-export-memory").delete()


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--participants", type=int, default=2000)
    parser.add_argument("--activities", type=int, default=50)
    parser.add_argument("--child", nargs=2, metavar=("FORMAT", "SESSION"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return 0
    django_setup()
    from django.db import connection

    print(f"database: {connection.vendor} ({connection.settings_dict['NAME']})")
    started = time.perf_counter()
    session_id, total = populate(args.participants, args.activities)
    print(
        f"created {total:,} responses ({args.participants} participants × {args.activities} polls) "
        f"in {time.perf_counter() - started:.1f}s"
    )
    rows = []
    try:
        for fmt in ("csv", "json"):
            out = subprocess.run(
                [sys.executable, __file__, "--child", fmt, session_id],
                check=True,
                capture_output=True,
                text=True,
                env=os.environ.copy(),
            )
            rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    finally:
        cleanup(session_id)
    print()
    print(f"{'format':<7} {'responses':>10} {'seconds':>8} {'tracemalloc peak':>17} {'maxrss delta':>13}")
    for row in rows:
        print(
            f"{row['format']:<7} {total:>10,} {row['seconds']:>8.1f} {row['tracemalloc_peak_mb']:>14.1f} MB"
            f" {row['maxrss_delta_mb']:>10.1f} MB"
        )
    print(
        f"(child baseline max RSS after Django setup: {rows[0]['maxrss_before_mb']:.0f} MB; "
        f"budget {BUDGET_MB:.0f} MB)"
    )
    over = [r for r in rows if max(r["tracemalloc_peak_mb"], r["maxrss_delta_mb"]) >= BUDGET_MB]
    if over:
        print("OVER BUDGET: " + ", ".join(r["format"] for r in over))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
