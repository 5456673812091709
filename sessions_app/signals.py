"""Signals for the layers above: this app must not import them (imports flow one way)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent by session_complete inside its transaction, with ``session`` and ``now``: the activities
# app expires the session's live activity (activities.services.activities_expire_live).
session_completed = Signal()

# Sent by session_delete inside its transaction, before the rows go, with ``session_id``: the
# participants app revokes the session's participant tokens (cached on every worker's shared cache).
session_deleting = Signal()

# Sent by session_set_series inside its transaction, before the session joins ``series`` (a Series),
# with ``session``: the activities app refuses (ValidationFailed) a session whose tracked activity
# uses a track key the series already uses for another activity type.
session_series_changing = Signal()
