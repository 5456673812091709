"""Signals for the layers above: this app must not import them (imports flow one way)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent by participant_kick with ``purge`` inside its transaction, before the rows are deleted, with
# ``participant_ids``: the activities app takes back their Q&A upvotes from the questions' counts.
participants_purging = Signal()
