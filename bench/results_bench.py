"""Time ``activity_results`` per activity type over a large session.

Usage (against an already migrated database; migrating is not this script's job)::

    DATABASE_URL=postgres://user@host:5432/caja .venv/bin/python bench/results_bench.py \
        [--participants 5000] [--runs 20]

Creates one session with one activity per type and N participants, each answering every activity
once (bulk_create), times ``activities.results.activity_results`` ``--runs`` times per type, prints
median and p95 in milliseconds, and deletes everything it created (also on failure).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import django_setup  # noqa: E402

django_setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from activities.models import Activity, Response  # noqa: E402
from activities.results import activity_results  # noqa: E402
from activities.types import get_type  # noqa: E402
from participants.models import Participant  # noqa: E402
from sessions_app.models import Session  # noqa: E402

WORDS = [
    "coffee",
    "Coffee",
    "tea",
    "focus",
    "meetings",
    "Meetings",
    "sleep",
    "music",
    "deadline",
    "ice cream",
]
CONFIGS: dict[str, dict[str, Any]] = {
    "poll": {
        "question": "Lunch?",
        "options": [{"id": f"o{i}", "label": f"Option {i}"} for i in range(6)],
        "multiple": True,
        "max_choices": 3,
    },
    "poker": {"story": "Checkout", "deck": "fibonacci"},
    "quiz": {
        "question": "Capital of France?",
        "options": [
            {"id": "a", "label": "Paris"},
            {"id": "b", "label": "Lyon"},
            {"id": "c", "label": "Nice"},
        ],
        "correct_option_id": "a",
        "time_limit_seconds": 30,
        "points": 1000,
    },
    "wordcloud": {"prompt": "One word?", "max_words": 3, "max_length": 25},
}


def answer(type: str, rng: random.Random) -> tuple[dict[str, Any], dict[str, Any]]:
    """(response_data, scoring columns) of a plausible random answer."""
    if type == "poll":
        return {"option_ids": rng.sample([f"o{i}" for i in range(6)], rng.randint(1, 3))}, {}
    if type == "poker":
        return {"value": rng.choice(["1", "2", "3", "5", "8", "13", "?"])}, {}
    if type == "quiz":
        choice = rng.choice("aabc")
        elapsed = rng.randint(0, 30000)
        correct = choice == "a"
        score = round(1000 * (1 - 0.5 * elapsed / 30000)) if correct else 0
        return {"option_id": choice}, {"score": score, "is_correct": correct, "elapsed_ms": elapsed}
    # word cloud: mostly common words plus a long tail of rare ones
    words: list[str] = []
    seen: set[str] = set()
    for _ in range(rng.randint(1, 3)):
        word = rng.choice(WORDS) if rng.random() < 0.8 else f"word{rng.randint(0, 2000)}"
        if word.casefold() not in seen:
            seen.add(word.casefold())
            words.append(word)
    return {"words": words}, {}


def setup(participants: int, seed: int) -> tuple[Session, dict[str, Activity], Any]:
    rng = random.Random(seed)
    user, _ = get_user_model().objects.get_or_create(username=f"bench-{uuid.uuid4().hex[:8]}")
    now = timezone.now()
    session = Session.objects.create(
        name="results bench", owner=user, join_code=uuid.uuid4().hex[:6].upper(), status="completed"
    )
    activities = {
        type: Activity.objects.create(
            session=session,
            type=type,
            title=type,
            order=i + 1,
            config=get_type(type).validate_config(config),
            status="expired",
            activated_at=now,
            expired_at=now,
            revealed_at=now,
        )
        for i, (type, config) in enumerate(CONFIGS.items())
    }
    people = Participant.objects.bulk_create(
        [
            Participant(session=session, nickname=f"p{i}", nickname_key=f"p{i}", token_hash=uuid.uuid4().hex)
            for i in range(participants)
        ],
        batch_size=1000,
    )
    for type, activity in activities.items():
        rows = []
        for person in people:
            data, scored = answer(type, rng)
            rows.append(Response(activity=activity, participant=person, response_data=data, **scored))
        Response.objects.bulk_create(rows, batch_size=1000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE activities_response")
    return session, activities, user


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))  # nearest rank
    return ordered[index]


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--participants", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()

    print(f"database: {connection.vendor}; participants: {args.participants}; runs: {args.runs}")
    started = time.perf_counter()
    session, activities, user = setup(args.participants, args.seed)
    print(f"setup: {time.perf_counter() - started:.1f}s")
    try:
        print(f"{'type':<10} {'median ms':>10} {'p95 ms':>10} {'max ms':>10}")
        for type, activity in activities.items():
            activity_results(activity)  # warm-up (connection, statement caches)
            timings = []
            for _ in range(args.runs):
                t0 = time.perf_counter()
                activity_results(activity)
                timings.append((time.perf_counter() - t0) * 1000)
            print(
                f"{type:<10} {statistics.median(timings):>10.2f} {percentile(timings, 95):>10.2f} "
                f"{max(timings):>10.2f}"
            )
    finally:
        session.delete()  # cascades to activities, participants and responses
        user.delete()
    return 0


if __name__ == "__main__":
    sys.exit(main())
