"""Every write to activities, responses and hidden words. Type rules come from the registry.

Split by concern: ``activities`` (the lifecycle), ``answers`` (storing answers), ``hidden``
(hidden answers and words), ``sessions`` (session-level operations on activities). Callers import
from here (``from activities import services``); a test that replaces a function patches it where
it is used."""

from .activities import (
    ACTIVITY_TRANSITIONS,
    EDITABLE_STATUSES,
    activities_expire_live,
    activity_activate_next,
    activity_activate_previous,
    activity_create,
    activity_delete,
    activity_reset,
    activity_reveal,
    activity_set_status,
    activity_update,
)
from .answers import StoredAnswer, response_store, response_submit, response_submit_fast
from .hidden import hidden_word_add, hidden_word_remove, response_set_hidden
from .selfpaced import activity_start
from .sessions import session_duplicate, session_duplicate_into_series, session_rehearsal_end
from .summaries import activity_set_track_key, summaries_refresh_stale, summaries_store

__all__ = [
    "ACTIVITY_TRANSITIONS",
    "EDITABLE_STATUSES",
    "StoredAnswer",
    "activities_expire_live",
    "activity_activate_next",
    "activity_activate_previous",
    "activity_create",
    "activity_delete",
    "activity_reset",
    "activity_reveal",
    "activity_set_track_key",
    "activity_set_status",
    "activity_start",
    "activity_update",
    "hidden_word_add",
    "hidden_word_remove",
    "response_set_hidden",
    "response_store",
    "response_submit",
    "response_submit_fast",
    "session_duplicate",
    "session_duplicate_into_series",
    "session_rehearsal_end",
    "summaries_refresh_stale",
    "summaries_store",
]
