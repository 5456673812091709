"""`manage.py import_session FILE`: create a draft session from a definition written by export_session
(JSON, or the zip of a session with pictures)."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from activities.bundle import bundle_read, is_bundle
from activities.definitions import session_import
from core.errors import DomainError


class Command(BaseCommand):
    help = (
        "Create a draft session from a session definition (JSON from export_session, or its zip with the "
        "pictures, which are checked and re-encoded like uploads; FILE '-' reads stdin). "
        "Every activity is validated by its type before anything is written: a bad file is refused as a "
        "whole, nothing is created, and the error names each bad field (e.g. "
        "session.activities.2.config.options). The new session gets a fresh join code."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", metavar="FILE", help="Definition file (JSON), or - for stdin.")
        parser.add_argument(
            "--owner",
            metavar="USER",
            help="Username of the organizer who owns the new session (default: the only superuser).",
        )

    def _owner(self, username: str | None) -> Any:
        User = get_user_model()
        if username:
            owner = User.objects.filter(**{User.USERNAME_FIELD: username}).first()
            if owner is None:
                raise CommandError(f"No user named {username!r}.")
            return owner
        supers = list(User.objects.filter(is_superuser=True, is_active=True)[:2])
        if len(supers) != 1:
            raise CommandError("Give the owner with --owner USER (there is not exactly one superuser).")
        return supers[0]

    def handle(self, *args: Any, **options: Any) -> None:
        source = options["file"]
        try:
            content = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {source}: {exc.strerror or exc}.") from exc
        files: dict[str, bytes] = {}
        owner = self._owner(options["owner"])
        try:
            if is_bundle(content):
                data, files = bundle_read(io.BytesIO(content))
            else:
                data = self._json(source, content)
            session = session_import(owner=owner, data=data, files=files)
        except DomainError as exc:
            problems = "; ".join(
                f"{field or '(file)'}: {' '.join(str(m) for m in messages)}"
                for field, messages in sorted(exc.details.items())
            )
            raise CommandError(f"Refused {source}, nothing was created. {exc.message} {problems}") from exc
        n = session.activities.count()
        pictures = f", {len(files)} pictures" if files else ""
        self.stdout.write(
            f"Imported session {session.pk} ({session.name!r}, {n} activities{pictures}, "
            f"join code {session.join_code}) "
            f"owned by {owner.get_username()}."
        )

    @staticmethod
    def _json(source: str, content: bytes) -> Any:
        try:
            raw = content.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise CommandError(f"{source} is not UTF-8 text: {exc}.") from exc
        try:
            return json.loads(raw)
        except json.JSONDecodeError as exc:
            raise CommandError(f"{source} is not valid JSON: {exc}.") from exc
