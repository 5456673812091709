"""`manage.py seed_demo`: a demo organizer and a "Demo town hall" session with one activity per type.

Every write goes through the services (the same path as the API and the admin).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from activities.models import Activity, ActivityStatus
from activities.services import activity_create, activity_set_status, response_submit
from participants.services import participant_join
from sessions_app.models import Session
from sessions_app.services import session_create, session_start

SESSION_NAME = "Demo town hall"

POLL_OPTIONS = [
    {"id": "remote", "label": "Remote"},
    {"id": "office", "label": "Office"},
    {"id": "hybrid", "label": "Hybrid"},
]

ACTIVITIES: list[dict[str, Any]] = [
    {
        "type": "poll",
        "title": "Where do you work best?",
        "config": {"question": "Where do you work best?", "options": POLL_OPTIONS},
    },
    {
        "type": "poker",
        "title": "Estimate: single sign-on",
        "config": {"story": "As an employee I can sign in with the company account", "deck": "fibonacci"},
    },
    {
        "type": "quiz",
        "title": "Company trivia",
        "config": {
            "question": "In which year was the company founded?",
            "options": [
                {"id": "a", "label": "1999"},
                {"id": "b", "label": "2005"},
                {"id": "c", "label": "2012"},
                {"id": "d", "label": "2020"},
            ],
            "correct_option_id": "b",
            "time_limit_seconds": 30,
            "points": 1000,
        },
    },
    {
        "type": "wordcloud",
        "title": "Our culture",
        "config": {"prompt": "Describe our culture in a few words", "max_words": 3, "max_length": 25},
    },
]


class Command(BaseCommand):
    help = (
        "Create a demo organizer (staff user) and a 'Demo town hall' session with one poll, one planning "
        "poker round, one quiz question and one word cloud. With --participants N, start the session and "
        "join N participants; with --answers, also open the poll and let every participant vote. "
        "Use --if-empty to do nothing when a session already exists (what `make run` does)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Do nothing (except print the login) when any session already exists.",
        )
        parser.add_argument(
            "--participants",
            type=int,
            default=0,
            metavar="N",
            help="Start the session and join N participants (default 0).",
        )
        parser.add_argument(
            "--answers",
            action="store_true",
            help="Open the poll and submit one vote per participant (needs --participants).",
        )
        parser.add_argument("--username", default="demo", help="Organizer username (default: demo).")
        parser.add_argument(
            "--password", default="demo-pass-2026", help="Organizer password (default: demo-pass-2026)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        username: str = options["username"]
        password: str = options["password"]
        n_participants: int = options["participants"]
        base = settings.PUBLIC_BASE_URL

        if n_participants < 0:
            n_participants = 0

        if options["if_empty"] and Session.objects.exists():
            self.stdout.write("Sessions already exist: nothing seeded.")
            self._print_login(username, password, base)
            return

        with transaction.atomic():
            organizer = self._organizer(username, password)
            session = session_create(
                owner=organizer,
                name=SESSION_NAME,
                description="A demo session with one activity of each type.",
            )
            activities: list[Activity] = [
                activity_create(
                    session=session, type=spec["type"], title=spec["title"], config=spec["config"]
                )
                for spec in ACTIVITIES
            ]
            n_responses = 0
            if n_participants:
                session = session_start(session=session)
                participants = [
                    participant_join(session=session, nickname=f"Guest {i:03d}")[0]
                    for i in range(1, n_participants + 1)
                ]
                if options["answers"]:
                    poll = activity_set_status(activity=activities[0], status=ActivityStatus.ACTIVE)
                    for i, participant in enumerate(participants):
                        option_id = POLL_OPTIONS[i % len(POLL_OPTIONS)]["id"]
                        response_submit(
                            participant=participant, activity=poll, response_data={"option_ids": [option_id]}
                        )
                        n_responses += 1

        self._print_login(username, password, base)
        self.stdout.write(f"  join URL:      {session.join_url}")
        self.stdout.write(f"  presenter URL: {base}/present/{session.id}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded session '{session.name}' ({session.id}, join code {session.join_code}): "
                f"{len(activities)} activities, {n_participants} participants, {n_responses} responses."
            )
        )

    def _organizer(self, username: str, password: str) -> Any:
        user_model = get_user_model()
        user, _created = user_model.objects.get_or_create(
            username=username, defaults={"is_staff": True, "is_superuser": True}
        )
        user.is_staff = True
        user.is_active = True
        user.set_password(password)
        user.save()
        return user

    def _print_login(self, username: str, password: str, base: str) -> None:
        self.stdout.write(f"  organizer:     {username} / {password}")
        self.stdout.write(f"  admin URL:     {base}/admin/")
