"""Benchmark helper run against the benchmark database (DATABASE_URL from the environment).

setup_session.py N            create an organizer, a session with a live poll, N participants;
                              prints JSON with ids and a tokens file (one token a line)
setup_session.py selfpaced N K  a self-paced session (open) with K published polls, N participants
setup_session.py verify AID   counts responses of an activity
setup_session.py size SID PORT  size in bytes of the /state body
setup_session.py quiz N LEAD  like N, plus a quiz (lead_in_seconds LEAD) next after the live poll
setup_session.py next SID     the organizer's Next (the same service as POST .../next); prints the
                              activated quiz's activated_at and opens_at (epoch seconds)
"""

from __future__ import annotations

import http.client
import json
import os
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import django_setup  # noqa: E402

django_setup()

from django.contrib.auth import get_user_model  # noqa: E402

from activities import services as activity_services  # noqa: E402
from activities.models import Response  # noqa: E402
from participants.models import Participant  # noqa: E402
from participants.services import hash_token  # noqa: E402
from sessions_app import services as session_services  # noqa: E402


def create(n: int, lead_in: int | None = None) -> None:
    import secrets

    user, _ = get_user_model().objects.get_or_create(username="bench", defaults={"is_staff": True})
    session = session_services.session_create(owner=user, name=f"Bench {n}")
    activity = activity_services.activity_create(
        session=session,
        type="poll",
        title="Lunch",
        config={
            "question": "Lunch?",
            "options": [{"id": "a", "label": "Pizza"}, {"id": "b", "label": "Salad"}],
        },
    )
    session_services.session_start(session=session)
    activity_services.activity_set_status(activity=activity, status="active")
    quiz = None
    if lead_in is not None:
        quiz = activity_services.activity_create(
            session=session,
            type="quiz",
            title="Trivia",
            config={
                "question": "In which year was the company founded?",
                "options": [{"id": "a", "label": "1999"}, {"id": "b", "label": "2005"}],
                "correct_option_id": "b",
                "time_limit_seconds": 20,
                "lead_in_seconds": lead_in,
            },
        )
    tokens = [secrets.token_urlsafe(32) for _ in range(n)]
    Participant.objects.bulk_create(
        [
            Participant(session=session, nickname=f"p{i}", nickname_key=f"p{i}", token_hash=hash_token(t))
            for i, t in enumerate(tokens)
        ],
        batch_size=5000,
    )
    from django.core.cache import cache

    from core import state_version
    from participants.selectors import TOKEN_TTL, token_cache_entry, token_cache_key

    # What participant_join leaves in the cache for each phone (the bench skips the joins).
    entries = Participant.objects.filter(session=session).values_list("pk", "token_hash")
    cache.set_many(
        {token_cache_key(h): token_cache_entry(pk, session.pk) for pk, h in entries}, timeout=TOKEN_TTL
    )

    state_version.bump_now(session.pk)
    fd, path = tempfile.mkstemp(prefix="caja-bench-tokens-", suffix=".txt")
    with os.fdopen(fd, "w") as f:
        f.write("\n".join(tokens) + "\n")
    out = {"session_id": str(session.pk), "activity_id": str(activity.pk), "tokens_file": path}
    if quiz is not None:
        out["quiz_id"] = str(quiz.pk)
    print(json.dumps(out))


def next_activity(session_id: str) -> None:
    from activities.types import get_type
    from sessions_app.models import Session

    session = Session.objects.get(pk=session_id)
    activity = activity_services.activity_activate_next(session=session)
    assert activity.activated_at is not None
    opens = get_type(activity.type).current_fields(activity)["opens_at"]  # what the phones get
    print(
        json.dumps(
            {
                "activity_id": str(activity.pk),
                "activated_at": activity.activated_at.timestamp(),
                "opens_at": datetime.fromisoformat(opens.replace("Z", "+00:00")).timestamp(),
            }
        )
    )


def create_selfpaced(n: int, k: int) -> None:
    """A self-paced session, open, with ``k`` published polls and ``n`` participants."""
    user, _ = get_user_model().objects.get_or_create(username="bench", defaults={"is_staff": True})
    session = session_services.session_create(owner=user, name=f"Bench self-paced {n}", pace="self")
    activity_ids = []
    for order in range(1, k + 1):
        activity = activity_services.activity_create(
            session=session,
            type="poll",
            title=f"Q{order}",
            order=order,
            config={
                "question": f"Question {order}?",
                "options": [{"id": "a", "label": "Yes"}, {"id": "b", "label": "No"}],
            },
        )
        activity_services.activity_set_status(activity=activity, status="published")
        activity_ids.append(str(activity.pk))
    session_services.session_start(session=session)
    path = _participants(session, n)
    print(json.dumps({"session_id": str(session.pk), "activity_ids": activity_ids, "tokens_file": path}))


def _participants(session: Any, n: int) -> str:
    import secrets

    from django.core.cache import cache

    from core import state_version
    from participants.selectors import TOKEN_TTL, token_cache_entry, token_cache_key

    tokens = [secrets.token_urlsafe(32) for _ in range(n)]
    Participant.objects.bulk_create(
        [
            Participant(session=session, nickname=f"p{i}", nickname_key=f"p{i}", token_hash=hash_token(t))
            for i, t in enumerate(tokens)
        ],
        batch_size=5000,
    )
    entries = Participant.objects.filter(session=session).values_list("pk", "token_hash")
    cache.set_many(
        {token_cache_key(h): token_cache_entry(pk, session.pk) for pk, h in entries},
        timeout=TOKEN_TTL,
    )
    state_version.bump_now(session.pk)
    fd, path = tempfile.mkstemp(prefix="caja-bench-tokens-", suffix=".txt")
    with os.fdopen(fd, "w") as f:
        f.write("\n".join(tokens) + "\n")
    return path


def verify(activity_id: str) -> None:
    qs = Response.objects.filter(activity_id=activity_id)
    print(
        json.dumps(
            {"responses": qs.count(), "distinct_participants": qs.values("participant").distinct().count()}
        )
    )


def size(session_id: str, port: str) -> None:
    c = http.client.HTTPConnection("127.0.0.1", int(port))
    c.request("GET", f"/api/v1/sessions/{session_id}/state")
    print(json.dumps({"bytes": len(c.getresponse().read())}))


if __name__ == "__main__":
    if sys.argv[1] == "selfpaced":
        create_selfpaced(int(sys.argv[2]), int(sys.argv[3]))
    elif sys.argv[1] == "verify":
        verify(sys.argv[2])
    elif sys.argv[1] == "size":
        size(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "quiz":
        create(int(sys.argv[2]), int(sys.argv[3]))
    elif sys.argv[1] == "next":
        next_activity(sys.argv[2])
    else:
        create(int(sys.argv[1]))
