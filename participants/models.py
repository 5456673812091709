from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone


class Participant(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    session = models.ForeignKey("sessions_app.Session", on_delete=models.CASCADE, related_name="participants")
    nickname = models.CharField(max_length=30)
    # The nickname as compared: NFKC + casefold, so "Ana" and "ANA " collide on every database
    # (SQLite's lower() only folds ASCII, hence a stored key rather than a functional index).
    nickname_key = models.CharField(max_length=120, editable=False)
    # sha256 of the participant's token; the token itself is never stored. Cleared on kick.
    token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    # The id of one of the session's teams (Session.teams), "" without teams.
    team_id = models.CharField(max_length=32, blank=True, default="", db_default="", editable=False)
    joined_at = models.DateTimeField(default=timezone.now, editable=False)
    last_activity = models.DateTimeField(default=timezone.now, editable=False)
    kicked_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        ordering = ["joined_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "nickname_key"], name="participant_nickname_unique_per_session"
            )
        ]
        indexes = [
            models.Index(fields=["session", "joined_at"], name="participant_session_joined"),
            models.Index(fields=["session", "last_activity"], name="participant_session_seen"),
        ]

    def __str__(self) -> str:
        return self.nickname

    @property
    def is_kicked(self) -> bool:
        return self.kicked_at is not None
