"""`manage.py seed_demo`: a demo organizer and a "Demo town hall" session with one activity per type.

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

from activities.models import Activity, ActivityStatus, QuestionStatus
from activities.services import activity_create, activity_set_status, response_submit
from activities.types import TYPE_PACKAGES, get_type
from activities.types.qna.services import question_moderate, question_post, question_upvote
from participants.services import participant_join
from sessions_app.models import Session
from sessions_app.services import session_create, session_start

SESSION_NAME = "Demo town hall"

# One activity per type, in the order of TYPE_PACKAGES, with the demo each type package declares.
ACTIVITIES: list[dict[str, Any]] = [
    {"type": key, **demo} for key in TYPE_PACKAGES if (demo := get_type(key).demo) is not None
]
POLL_INDEX = next(i for i, spec in enumerate(ACTIVITIES) if spec["type"] == "poll")
POLL_OPTIONS = ACTIVITIES[POLL_INDEX]["config"]["options"]
QNA_INDEX = next(i for i, spec in enumerate(ACTIVITIES) if spec["type"] == "qna")

# (text, anonymous, approved): the last one stays pending for the organizer to moderate.
QUESTIONS: list[tuple[str, bool, bool]] = [
    ("When will the new office open?", False, True),
    ("Are we hiring in the support team this year?", True, True),
    ("Can we keep the Friday demos?", False, True),
    ("Will there be a summer party?", False, False),
]


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
            # Published: it takes questions all event long, beside whatever is live.
            qna = activities[QNA_INDEX] = activity_set_status(
                activity=activities[QNA_INDEX], status=ActivityStatus.PUBLISHED
            )
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
                n_questions = self._questions(qna, participants)

        self._print_login(username, password, base)
        self.stdout.write(f"  join URL:      {session.join_url}")
        self.stdout.write(f"  presenter URL: {base}/present/{session.id}")
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded session '{session.name}' ({session.id}, join code {session.join_code}): "
                f"{len(activities)} activities, {n_participants} participants, {n_responses} responses, "
                f"{n_questions} questions."
            )
        )

    def _questions(self, qna: Activity, participants: list[Any]) -> int:
        """The participants ask in turn; the approved questions get upvotes, the first the most
        (participant j upvotes questions 0..j mod n), so "top" sorting shows in the demo."""
        approved = []
        for i, (text, anonymous, approve) in enumerate(QUESTIONS):
            asker = participants[i % len(participants)]
            question = question_post(participant=asker, activity=qna, text=text, anonymous=anonymous)
            if approve:
                approved.append(question_moderate(question=question, status=QuestionStatus.VISIBLE))
        for j, participant in enumerate(participants):
            for question in approved[: j % len(approved) + 1]:
                question_upvote(participant=participant, activity=qna, question_id=question.pk)
        return len(QUESTIONS)

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
