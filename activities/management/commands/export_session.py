"""`manage.py export_session SESSION`: a session's definition (no participants, no responses) as JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from activities.definitions import DEFINITION_VERSION, session_definition

from ._common import resolve_session


class Command(BaseCommand):
    help = (
        "Export a session's definition (name, description, activities with type, title, config and order) "
        f"as JSON, format version {DEFINITION_VERSION}: no participants, responses or statuses. "
        "Re-create it anywhere with import_session. SESSION is a session id (uuid) or a join code."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("session", metavar="SESSION", help="Session id (uuid) or join code.")
        parser.add_argument("--output", "-o", metavar="FILE", help="Write to FILE instead of stdout.")

    def handle(self, *args: Any, **options: Any) -> None:
        session = resolve_session(options["session"])
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
