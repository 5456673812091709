"""`manage.py seed_demo`: a demo organizer and a "Demo town hall" session with one activity per type,
and a second demo organizer who moderates that session (a member with the moderator role).

The Q&A is published, so it is open beside the other activities once the session is active; with
participants, they ask a few questions (one still awaiting approval) and upvote them.

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
from activities.types import TYPE_PACKAGES, get_type
from participants.services import participant_join
from sessions_app.members import MemberExists, member_add
from sessions_app.models import Session
from sessions_app.services import session_create, session_start

SESSION_NAME = "Demo town hall"

# One activity per type, in the order of TYPE_PACKAGES, with the demo each type package declares.
ACTIVITIES: list[dict[str, Any]] = [
    {"type": key, **demo} for key in TYPE_PACKAGES if (demo := get_type(key).demo) is not None
]
POLL_INDEX = next(i for i, spec in enumerate(ACTIVITIES) if spec["type"] == "poll")
POLL_OPTIONS = ACTIVITIES[POLL_INDEX]["config"]["options"]


class Command(BaseCommand):
    help = (
        "Create a demo organizer (staff user) and a 'Demo town hall' session with one activity of each "
        "type (poll, planning poker, quiz, word cloud, open text, rating, ranking) and a published "
        "(moderated) Q&A. With "
        "--participants N, start the session, join N participants and let them ask and upvote a few "
        "questions; with --answers, also open the poll and let every participant vote. "
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
        parser.add_argument(
            "--moderator-username",
            default="moderator",
            help="Second demo organizer, moderator of the demo session (default: moderator).",
        )
        parser.add_argument(
            "--moderator-password",
            default="moderator-pass-2026",
            help="Its password (default: moderator-pass-2026).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        username: str = options["username"]
        password: str = options["password"]
        n_participants: int = options["participants"]
        base = settings.PUBLIC_BASE_URL

        if n_participants < 0:
            n_participants = 0

        moderator = (options["moderator_username"], options["moderator_password"])
        if options["if_empty"] and Session.objects.exists():
            self.stdout.write("Sessions already exist: nothing seeded.")
            # A database seeded before the team existed gets its moderator now.
            demo = Session.objects.filter(name=SESSION_NAME, owner__username=username).first()
            if demo is not None:
                with transaction.atomic():
                    self._moderator(demo, *moderator)
            self._print_login(username, password, base, moderator if demo is not None else None)
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
            self._moderator(session, *moderator)
            # A type may leave its demo in another status (the Q&A published: open all event long).
            for index, spec in enumerate(ACTIVITIES):
                status = get_type(spec["type"]).demo_status
                if status is not None:
                    activities[index] = activity_set_status(activity=activities[index], status=status)
            n_responses = n_questions = 0
            if n_participants:
                session = session_start(session=session)
                participants = [
                    participant_join(session=session, nickname=f"Guest {i:03d}")[0]
                    for i in range(1, n_participants + 1)
                ]
                if options["answers"]:
                    poll = activity_set_status(activity=activities[POLL_INDEX], status=ActivityStatus.ACTIVE)
                    for i, participant in enumerate(participants):
                        option_id = POLL_OPTIONS[i % len(POLL_OPTIONS)]["id"]
                        response_submit(
                            participant=participant, activity=poll, response_data={"option_ids": [option_id]}
                        )
                        n_responses += 1
                n_questions = sum(get_type(a.type).demo_fill(a, participants) for a in activities)

        self._print_login(username, password, base, moderator)
        self.stdout.write(f"  join URL:      {session.join_url}")
        self.stdout.write(f"  presenter URL: {base}/present/{session.id}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded session '{session.name}' ({session.id}, join code {session.join_code}): "
                f"{len(activities)} activities, {n_participants} participants, {n_responses} responses, "
                f"{n_questions} questions."
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

    def _moderator(self, session: Session, username: str, password: str) -> Any:
        """A plain organizer (staff, not superuser) on the demo session's team as its moderator."""
        user, _created = get_user_model().objects.get_or_create(
            username=username, defaults={"is_staff": True}
        )
        user.is_staff = True
        user.is_active = True
        user.set_password(password)
        user.save()
        try:
            member_add(session=session, username=username, role="moderator")
        except MemberExists:
            pass
        return user

    def _print_login(
        self, username: str, password: str, base: str, moderator: tuple[str, str] | None = None
    ) -> None:
        self.stdout.write(f"  organizer:     {username} / {password}")
        if moderator is not None:
            self.stdout.write(
                f"  moderator:     {moderator[0]} / {moderator[1]}  (moderates '{SESSION_NAME}')"
            )
        self.stdout.write(f"  admin URL:     {base}/admin/")
