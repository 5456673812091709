"""The activity-type plug-in interface.

An activity type is one module in this package registered by key. It owns its config schema, its
response schema, its answer policy, its aggregation into results, what the public may see and when,
and (quiz) its scoring. Nothing outside the type modules switches on the type name.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar

from django.utils.translation import gettext_lazy as _

from core.errors import ValidationFailed

from .fields import INVALID_CONFIG, Errors, clean_image

if TYPE_CHECKING:
    from activities.models import Activity


NOT_OBJECT = _("Must be a JSON object.")


@dataclass(frozen=True)
class Score:
    score: int
    is_correct: bool
    elapsed_ms: int


Validate = Callable[[Any, Any], dict[str, Any]]


def _with_config_image(validate: Validate) -> Validate:
    """``validate_config`` that also takes the optional ``image`` of the config (contract v1.2: "a
    picture with the question" on every type), so that no type repeats it: the reference is checked
    here, the rest of the config by the type, and their errors are reported together."""

    @functools.wraps(validate)
    def validate_config(self: ActivityType, config: Any) -> dict[str, Any]:
        if not self.config_image or not isinstance(config, dict) or "image" not in config:
            return validate(self, config)
        errors = Errors()
        image = clean_image(config, "image", "config", errors)
        try:
            clean = validate(self, {k: v for k, v in config.items() if k != "image"})
        except ValidationFailed as exc:
            raise ValidationFailed({**exc.details, **errors.details}, exc.message) from None
        errors.raise_if_any(INVALID_CONFIG)
        if image is not None:
            clean["image"] = image
        return clean

    validate_config._caja_with_image = True  # type: ignore[attr-defined]
    return validate_config


@dataclass(frozen=True)
class Summary:
    """What a tracked activity's trend keeps of it (contract v1.2, "Series and trends"): ``values``
    is the contract's summary for the type, ``count`` the number of answers behind it (a summary of
    fewer than settings.SERIES_MIN_RESPONSES is shown as too few), ``labels`` the labels of the ids
    ``values`` is keyed by (options, statements, items) as they were, for charts and exports."""

    values: dict[str, Any]
    count: int
    labels: dict[str, str] = field(default_factory=dict)


class ActivityType:
    key: ClassVar[str]
    label: ClassVar[str]
    # The config may carry an optional ``image`` reference ({"media_id", "alt"}), taken care of for
    # the type (``_with_config_image``). False: the type validates ``image`` itself (the slide).
    config_image: ClassVar[bool] = True
    # True: a second answer replaces the first (200). False: one answer only (409 ALREADY_ANSWERED).
    replace_on_reanswer: ClassVar[bool] = True
    supports_reveal: ClassVar[bool] = False
    supports_reset: ClassVar[bool] = False
    supports_hidden_words: ClassVar[bool] = False
    # The organizer may take single answers off the public results (open text's wall).
    supports_hidden_answers: ClassVar[bool] = False
    # Audience questions the organizer moderates (the admin's questions page): the Q&A.
    has_questions: ClassVar[bool] = False
    # Whether answers earn points on the session leaderboard.
    scored: ClassVar[bool] = False
    # Whether a participant answers it (a Response row): what a self-paced session's progress and
    # completion count. False for what people only read or ask in (the Q&A).
    takes_answers: ClassVar[bool] = True
    # A top-level key this type adds to every state snapshot of a session (null when it has
    # nothing to say), e.g. the Q&A that stays open beside the live activity.
    state_key: ClassVar[str | None] = None
    # What ``manage.py seed_demo`` creates of this type: ``{"title": ..., "config": ...}``, and the
    # status it leaves it in (None: draft).
    demo: ClassVar[dict[str, Any] | None] = None
    demo_status: ClassVar[str | None] = None

    def label_for(self, config: dict[str, Any]) -> str:
        """The label of one activity of this type in the admin's lists (a variant may say more,
        e.g. a poll with several choices)."""
        return self.label

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        own = cls.__dict__.get("validate_config")
        if own is not None and not getattr(own, "_caja_with_image", False):
            cls.validate_config = _with_config_image(own)  # type: ignore[method-assign,assignment]

    # --- config -------------------------------------------------------------------------------
    def default_config(self) -> dict[str, Any]:
        return {}

    def validate_config(self, config: Any) -> dict[str, Any]:
        """Return the normalized config (defaults filled in) or raise ValidationFailed with
        dotted paths starting at ``config`` (e.g. ``config.options.1.label``)."""
        if not isinstance(config, dict):
            raise ValidationFailed({"config": [NOT_OBJECT]})
        return config

    # --- answers ------------------------------------------------------------------------------
    def validate_response(self, activity: Activity, data: Any) -> dict[str, Any]:
        """Return the normalized response_data or raise ValidationFailed (paths start at
        ``response_data``)."""
        if not isinstance(data, dict):
            raise ValidationFailed({"response_data": [NOT_OBJECT]})
        return data

    def check_answer_allowed(self, activity: Activity, now: datetime) -> None:
        """Raise a DomainError (e.g. TimeUp) if an answer at ``now`` is refused."""

    def score(self, activity: Activity, response_data: dict[str, Any], now: datetime) -> Score | None:
        return None

    def per_person_seconds(self, activity: Activity) -> int | None:
        """In a self-paced session: the time each participant has from their own start (the start
        endpoint) to answer, or None when the type is not timed (no start needed). The type's own
        rules then see ``activated_at`` = that participant's start."""
        return None

    def own_outcome(self, activity: Activity, response: Any) -> dict[str, Any]:
        """In a self-paced session: what a participant learns about their own stored answer at once
        (``responses/mine``), e.g. whether a quiz answer was right. Never in the public state."""
        return {}

    def reveal_due(self, activity: Activity, now: datetime) -> bool:
        """After an answer is stored: whether the activity reveals itself now (poker's
        auto-reveal). Must cost nothing for a type or config that never does, and must not
        change ``activity``: it is this process's shared copy (activities.services.answers._reveal_if_due)."""
        return False

    # --- visibility and results ---------------------------------------------------------------
    def is_revealed(self, activity: Activity, now: datetime) -> bool:
        return activity.revealed_at is not None

    def next_visibility_change(self, activity: Activity, now: datetime) -> datetime | None:
        """When what the public may see changes by the clock alone (no write), e.g. a quiz's
        deadline: the live snapshot is rebuilt at that moment. None: only writes change it."""
        return None

    def public_config(self, activity: Activity, now: datetime) -> dict[str, Any]:
        return dict(activity.config)

    def current_fields(self, activity: Activity) -> dict[str, Any]:
        """Fields of the type's own in ``current_activity`` of the state (a quiz's ``opens_at``)."""
        return {}

    def public_results(self, activity: Activity, now: datetime) -> dict[str, Any] | None:
        return self.full_results(activity)

    def full_results(self, activity: Activity) -> dict[str, Any]:
        return {"type": self.key, "total_responses": activity.responses.count()}

    def normalize_word(self, text: str) -> str:
        """The comparison form of a free-text answer (word cloud); used for hidden words."""
        return " ".join(str(text).split()).casefold()

    def demo_fill(self, activity: Activity, participants: list[Any]) -> int:
        """``seed_demo --participants N``: what the demo participants add to this type's demo
        activity beyond answers (the Q&A's questions). Returns how many entries were made."""
        return 0

    def session_state(self, session_id: Any) -> Any:
        """The value of ``state_key`` in the session's snapshot (built with it, never per poll)."""
        return None

    # --- series and trends ------------------------------------------------------------------------
    def summary(self, activity: Activity) -> Summary:
        """The activity's summary for trends, computed from its responses in a bounded number of
        aggregate queries; stored when a tracked activity ends (activities.services.summaries).
        Every type says what it keeps; this default is a count of answers."""
        count = activity.responses.count()
        return Summary({"count": count}, count)

    # --- exports ------------------------------------------------------------------------------
    # The name of the entries this type stores beside responses (the Q&A's "question"): the
    # results export writes one CSV row per entry with this record name and, in JSON, a list
    # under "<name>s" in the activity. None: the type has no such entries.
    export_record: ClassVar[str | None] = None

    def export_entries(self, activity: Activity, *, chunk_size: int) -> Iterator[dict[str, Any]]:
        """The entries of ``activity`` for the results export, in a stable order, read in a
        constant number of queries whatever their number (streamed). Keys: ``participant_id``
        (str or None), ``nickname``, ``text``, ``upvotes``, ``status``, ``pinned``,
        ``created_at``, ``updated_at``."""
        return iter(())

    # --- lifecycle hooks ----------------------------------------------------------------------
    def on_reset(self, activity: Activity) -> None:
        """Called inside the reset transaction before the round's responses are deleted."""
