"""Benchmark helper run against the benchmark database (DATABASE_URL from the environment).

setup_session.py N            create an organizer, a session with a live poll, N participants;
                              prints JSON with ids and a tokens file (one token a line)
setup_session.py selfpaced N K  a self-paced session (open) with K published polls, N participants
setup_session.py verify AID   counts responses of an activity
setup_session.py size SID PORT  size in bytes of the /state body
"""

from __future__ import annotations

import http.client
import json
import os
import sys
import tempfile
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


def create(n: int) -> None:
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
    print(json.dumps({"session_id": str(session.pk), "activity_id": str(activity.pk), "tokens_file": path}))


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
    else:
        create(int(sys.argv[1]))
