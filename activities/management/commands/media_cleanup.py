"""``manage.py media_cleanup [--dry-run] [--min-age-minutes N]``: delete the stored media files no
media row names (an upload that failed after writing its file; a file a deletion could not remove
at the time). Run it with ``--dry-run`` first to see what would go."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from activities.services.media import media_files_cleanup


class Command(BaseCommand):
    help = "Delete stored media files that no media row refers to (--dry-run lists them)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="List the files; delete nothing.")
        parser.add_argument(
            "--min-age-minutes",
            type=int,
            default=60,
            help="Leave files younger than this alone (an upload writes its file first). Default 60.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        dry_run = options["dry_run"]
        names = media_files_cleanup(
            dry_run=dry_run, min_age=timedelta(minutes=max(options["min_age_minutes"], 0))
        )
        for name in names:
            self.stdout.write(name)
        verb = "would delete" if dry_run else "deleted"
        self.stdout.write(f"{verb} {len(names)} file(s)")
