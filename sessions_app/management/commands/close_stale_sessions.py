"""`manage.py close_stale_sessions`: complete active sessions nobody has used for a while."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from sessions_app.services import session_close_stale


class Command(BaseCommand):
    help = (
        "Complete active sessions idle for --idle-hours (default 12): no session update, join, presence "
        "or answer since. Their live activity expires with them. --dry-run lists them and changes nothing. "
        "Safe to run from cron."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--idle-hours",
            type=float,
            default=12.0,
            help="Idle time before a session is completed (default 12).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Only list what would be completed.")

    def handle(self, *args: Any, **options: Any) -> None:
        hours = options["idle_hours"]
        if not hours > 0:
            raise CommandError("--idle-hours must be a positive number.")
        dry_run = options["dry_run"]
        now = timezone.now()
        rows = session_close_stale(idle_hours=hours, dry_run=dry_run, now=now)
        verb = "Would complete" if dry_run else "Completed"
        for session, seen in rows:
            idle = (now - seen).total_seconds() / 3600
            self.stdout.write(
                f"{verb} {session.pk} {session.join_code} {session.name!r}: idle {idle:.1f} h "
                f"(last seen {seen:%Y-%m-%d %H:%M} UTC)"
            )
        suffix = " (dry run: nothing changed)" if dry_run else ""
        self.stdout.write(f"{verb} {len(rows)} stale session(s) idle for at least {hours:g} h{suffix}.")
