"""The vote upsert's cost by cursor (``python bench/upsert_cost.py``, DATABASE_URL=postgres://...;
about 20 s; not part of make test).

Runs the one statement a vote costs (activities.services.answers: INSERT ... ON CONFLICT DO UPDATE
on a poll, in autocommit) N times per block through Django's own cursor (client-side binding: the
values quoted into the text, parsed and planned by PostgreSQL every time) and through the upsert's
cursor (server-side binding, prepared once per connection), in alternating blocks, and prints the
CPU per statement of this process and of its PostgreSQL backend (/proc, so PostgreSQL on this
machine). Other work on the machine moves both alike: compare the two lines of one run.

Knobs: BENCH_UPSERTS (3000 per block), BENCH_BLOCKS (4 per cursor).
"""

from __future__ import annotations

import json
import os
import sys
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import django_setup  # noqa: E402

django_setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402
from psycopg.types.json import Jsonb  # noqa: E402

from activities.services import answers  # noqa: E402
from activities.tests.factories import ActivityFactory  # noqa: E402
from participants.models import Participant  # noqa: E402
from sessions_app.tests.factories import SessionFactory  # noqa: E402

_CLOCK = os.sysconf("SC_CLK_TCK")


def backend_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _CLOCK


def client_binding(sql: str, params: list[Any]) -> Any:
    with connection.cursor() as cursor:  # what the upsert used before: Django's ClientCursor
        cursor.execute(sql, params)
        return cursor.fetchone()


def server_binding(sql: str, params: list[Any]) -> Any:
    with answers._server_binding_cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def main() -> int:
    n = int(os.environ.get("BENCH_UPSERTS", "3000"))
    blocks = int(os.environ.get("BENCH_BLOCKS", "4"))
    if connection.vendor != "postgresql":
        print("bench/upsert_cost.py: needs DATABASE_URL=postgres://...", file=sys.stderr)
        return 1
    session = SessionFactory(status="active")
    activity = ActivityFactory(
        session=session,
        status="active",
        config={"question": "Lunch?", "options": [{"id": "a", "label": "A"}, {"id": "b", "label": "B"}]},
    )
    people = Participant.objects.bulk_create(
        [
            Participant(session=session, nickname=f"p{i}", nickname_key=f"p{i}", token_hash=uuid.uuid4().hex)
            for i in range(500)
        ]
    )
    sql = answers._upsert_sql(True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = int(cursor.fetchone()[0])
    totals: dict[str, list[float]] = {"client": [0.0, 0.0, 0.0], "server": [0.0, 0.0, 0.0]}
    try:
        for block in range(blocks * 2):
            name, run = ("client", client_binding) if block % 2 == 0 else ("server", server_binding)
            cpu0, pg0, wall0 = time.process_time(), backend_cpu(pid), time.perf_counter()
            for i in range(n):
                now = timezone.now()
                params = [uuid.uuid4(), activity.pk, people[i % len(people)].pk]
                params += [Jsonb({"option_ids": ["ab"[i % 2]]}), None, None, None, now, now]
                run(sql, params)
            totals[name][0] += time.process_time() - cpu0
            totals[name][1] += backend_cpu(pid) - pg0
            totals[name][2] += time.perf_counter() - wall0
    finally:
        session.delete()
    count = n * blocks
    for name, (cpu, pg, wall) in totals.items():
        print(
            json.dumps(
                {
                    "cursor": name,
                    "statements": count,
                    "python_us": round(cpu / count * 1e6, 1),
                    "postgres_us": round(pg / count * 1e6, 1),
                    "wall_us": round(wall / count * 1e6, 1),
                }
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
