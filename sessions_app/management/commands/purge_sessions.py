"""`manage.py purge_sessions`: delete old completed sessions with everything under them."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from sessions_app.services import session_purge_completed


def parse_cutoff(raw: str) -> datetime:
    """A date (midnight UTC that day) or an ISO datetime (naive means UTC)."""
    raw = raw.strip()
    try:
        moment = parse_datetime(raw)
        if moment is None:
            day = parse_date(raw)
            if day is not None:
                moment = datetime.combine(day, time.min)
    except ValueError:
        moment = None
    if moment is None:
        raise CommandError(f"--completed-before: {raw!r} is not a date (YYYY-MM-DD) or ISO datetime.")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, UTC)
    return moment


class Command(BaseCommand):
    help = (
        "Delete completed sessions (with their activities, participants and responses) that ended before "
        "--completed-before DATE or more than --older-than DAYS ago (exactly one). Draft and active sessions "
        "are never touched. --dry-run reports the counts and deletes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        group = parser.add_mutually_exclusive_group(required=True)
        group.add_argument(
            "--completed-before", metavar="DATE", help="YYYY-MM-DD (midnight UTC) or an ISO datetime."
        )
        group.add_argument("--older-than", metavar="DAYS", type=float, help="Completed more than DAYS ago.")
        parser.add_argument("--dry-run", action="store_true", help="Only report what would be deleted.")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["completed_before"] is not None:
            cutoff = parse_cutoff(options["completed_before"])
        else:
            days = options["older_than"]
            if days is None or days < 0:
                raise CommandError("--older-than must be a number of days, 0 or more.")
            cutoff = timezone.now() - timedelta(days=days)
        dry_run = options["dry_run"]
        counts = session_purge_completed(completed_before=cutoff, dry_run=dry_run)
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(
            f"{verb} {counts['sessions']} completed session(s) completed before "
            f"{cutoff.isoformat().replace('+00:00', 'Z')}: {counts['activities']} activities, "
            f"{counts['participants']} participants, {counts['responses']} responses"
            + (" (dry run: nothing deleted)." if dry_run else ".")
        )
