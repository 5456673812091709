"""`manage.py export_results SESSION`: every activity's results and every response, streamed."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from activities.export import FORMATS, iter_session_export, session_response_count
from core.errors import DomainError

from ._common import Progress, resolve_session


class Command(BaseCommand):
    help = (
        "Export a session's results: each activity's full results and every response (participant id, "
        "nickname, activity, response_data as JSON, score, timestamps; never tokens), and every Q&A question "
        "(text, nickname or 'anonymous', upvotes, status, pinned, timestamps). Streams: memory "
        "stays flat for 100,000+ responses. SESSION is a session id (uuid) or a join code. CSV cells that "
        "start with =, +, -, @ are prefixed with a single quote against spreadsheet formula injection."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("session", metavar="SESSION", help="Session id (uuid) or join code.")
        parser.add_argument(
            "--format",
            choices=FORMATS,
            default=None,
            help="Output format (default: from the --output extension, else csv).",
        )
        parser.add_argument("--output", "-o", metavar="FILE", help="Write to FILE instead of stdout.")
        parser.add_argument(
            "--chunk-size",
            type=int,
            default=2000,
            help="Rows fetched per database round trip (default 2000).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        session = resolve_session(options["session"])
        output: str | None = options["output"]
        fmt = options["format"]
        if fmt is None:
            suffix = Path(output).suffix.lower().lstrip(".") if output else ""
            fmt = suffix if suffix in FORMATS else "csv"
        if options["chunk_size"] < 1:
            raise CommandError("--chunk-size must be at least 1.")
        total = session_response_count(session)
        # The raw stream under Django's OutputWrapper (which would end every write with a newline).
        progress = Progress("responses exported", total, stream=getattr(self.stderr, "_out", sys.stderr))
        started = time.monotonic()
        try:
            chunks = iter_session_export(session, fmt, chunk_size=options["chunk_size"], on_progress=progress)
        except DomainError as exc:
            raise CommandError(exc.message) from None
        if output and output != "-":
            count = self._to_file(output, chunks)
        else:
            for chunk in chunks:
                self.stdout.write(chunk, ending="")
            self.stdout.flush()
            count = total
        progress.done()
        summary = (
            f"Exported {total:,} responses of session {session.pk} ({session.join_code}) as {fmt} "
            f"to {output or 'stdout'} in {time.monotonic() - started:.1f}s ({count:,} characters)."
            if output and output != "-"
            else f"Exported {total:,} responses of session {session.pk} ({session.join_code}) as {fmt}."
        )
        # On stdout the summary would corrupt the export: it goes to stderr then.
        (self.stdout if output and output != "-" else self.stderr).write(summary)

    def _to_file(self, output: str, chunks: Any) -> int:
        path = Path(output)
        created = not path.exists()
        written = 0
        try:
            with path.open("w", encoding="utf-8", newline="") as fh:
                for chunk in chunks:
                    fh.write(chunk)
                    written += len(chunk)
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc.strerror or exc}.") from exc
        except BaseException:
            # Never leave a half-written export behind that looks complete.
            if created and path.is_file():
                os.unlink(path)
            raise
        return written
