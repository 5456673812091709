"""`manage.py export_session SESSION`: a session's definition (no participants, no responses) as JSON,
or, when the session has pictures, as a zip of the definition and the pictures (activities/bundle.py)."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from activities.bundle import bundle_write, has_media
from activities.definitions import DEFINITION_VERSION, session_definition

from ._common import resolve_session


class Command(BaseCommand):
    help = (
        "Export a session's definition (name, description, activities with type, title, config and order) "
        f"as JSON, format version {DEFINITION_VERSION}: no participants, responses or statuses. "
        "Re-create it anywhere with import_session. SESSION is a session id (uuid) or a join code. "
        "A session with pictures (media: slides, pictures in questions) is written as one zip file: "
        "session.json and the pictures."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("session", metavar="SESSION", help="Session id (uuid) or join code.")
        parser.add_argument("--output", "-o", metavar="FILE", help="Write to FILE instead of stdout.")
        parser.add_argument(
            "--format",
            choices=["auto", "json", "zip"],
            default="auto",
            help="auto (default): zip when the session has pictures, else JSON. json refuses a session "
            "with pictures (they would be lost).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        session = resolve_session(options["session"])
        fmt = options["format"]
        with_media = has_media(session)
        if fmt == "json" and with_media:
            raise CommandError(
                "This session has pictures; a JSON export would lose them. Use --format zip (or auto)."
            )
        if fmt == "zip" or (fmt == "auto" and with_media):
            self._zip(session, options["output"])
            return
        definition = session_definition(session)
        text = json.dumps(definition, ensure_ascii=False, indent=2) + "\n"
        output = options["output"]
        n = len(definition["session"]["activities"])
        if output and output != "-":
            try:
                Path(output).write_text(text, encoding="utf-8")
            except OSError as exc:
                raise CommandError(f"Cannot write {output}: {exc.strerror or exc}.") from exc
            self.stdout.write(
                f"Exported session {session.pk} ({session.name!r}, {n} activities) to {output}."
            )
        else:
            self.stdout.write(text, ending="")
            self.stderr.write(f"Exported session {session.pk} ({session.name!r}, {n} activities).")

    def _zip(self, session: Any, output: str | None) -> None:
        def summary(definition: dict[str, Any]) -> str:
            n, m = len(definition["session"]["activities"]), len(definition["media"])
            return f"session {session.pk} ({session.name!r}, {n} activities, {m} pictures)"

        if output and output != "-":
            try:
                # Straight into the file: a deck's pictures are tens of megabytes.
                with Path(output).open("wb") as target:
                    definition = bundle_write(session, target)
            except OSError as exc:
                raise CommandError(f"Cannot write {output}: {exc.strerror or exc}.") from exc
            self.stdout.write(f"Exported {summary(definition)} to {output} (zip).")
        else:
            buffer = io.BytesIO()  # a zip is written with seeks: stdout may be a pipe
            definition = bundle_write(session, buffer)
            sys.stdout.buffer.write(buffer.getvalue())
            sys.stdout.buffer.flush()
            self.stderr.write(f"Exported {summary(definition)} (zip).")
