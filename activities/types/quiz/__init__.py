"""Quiz: one question with a correct option, an optional time limit, and points on a leaderboard.

config        ``{"question": str, "options": [{"id", "label"}, 2–10], "correct_option_id": id,
              "time_limit_seconds": int 5–600 | null = 30, "points": int 1–10000 = 1000,
              "lead_in_seconds": int 0–10 = 3}``
lead-in       answers open at ``opens_at = activated_at + lead_in`` (in ``current_activity`` of the
              state): everyone sees the question first, whatever the phase of their poll, so speed is
              the player's, not the timer's (issue 26). Before it → 409 NOT_OPEN_YET. A config stored
              before the lead-in existed has none (0): no migration, the same quiz as before.
response_data ``{"option_id": id}`` — one answer only; after ``opens_at + time_limit`` → TIME_UP
score         correct: ``round_half_up(points * (1 - 0.5 * elapsed / time_limit))`` with elapsed in
              whole milliseconds from ``opens_at`` clamped to ``[0, time_limit]`` (full points
              without a limit); wrong: 0. Integer arithmetic, so no float surprises at .5.
visibility    the correct option and the per-option counts are secret until the activity is
              revealed, expired, or its time limit has passed (server clock).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.db.models import Count
from django.db.models.fields.json import KT
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from activities.models import ActivityStatus
from core.errors import NotOpenYet, TimeUp

from ..base import ActivityType, Score, Summary
from ..fields import (
    INVALID_ANSWER,
    INVALID_CONFIG,
    NOT_STRING,
    REQUIRED,
    TEXT_MAX,
    UNKNOWN_OPTION,
    clean_int,
    clean_options,
    clean_text,
    config_object,
    percentage,
    response_field,
    response_object,
)
from ..leaderboard import leaderboard, scored_with_teams, team_leaderboard
from ..registry import register

if TYPE_CHECKING:
    from activities.models import Activity

MIN_OPTIONS = 2
MAX_OPTIONS = 10
DEFAULT_TIME_LIMIT = 30
TIME_LIMIT_MIN = 5
TIME_LIMIT_MAX = 600
DEFAULT_POINTS = 1000
POINTS_MAX = 10000
LEADERBOARD_SIZE = 10
# 3 s: a phone polling every 2 s learns of the question at most ~2.9 s after Next through the shipped
# nginx (its poll interval plus nginx's 1 s micro-cache, minus what the phone's own jitter saves), so
# every phone knows it before answers open; the phone's extra poll before opens_at covers the rest
# (docs/performance.md, "A fair quiz start", measured by bench/fairness.py).
DEFAULT_LEAD_IN = 3
LEAD_IN_MAX = 10


def _iso(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def compute_score(points: int, time_limit_seconds: int | None, elapsed_ms: int, correct: bool) -> int:
    """``round(points * (1 - 0.5 * elapsed / limit))``, rounded half up, in exact integers."""
    if not correct:
        return 0
    if not time_limit_seconds:
        return points
    limit_ms = time_limit_seconds * 1000
    elapsed_ms = min(max(elapsed_ms, 0), limit_ms)
    # points * (2*limit - elapsed) / (2*limit), then floor(x + 1/2) == (2*num + den) // (2*den)
    numerator = points * (2 * limit_ms - elapsed_ms)
    denominator = 2 * limit_ms
    return (2 * numerator + denominator) // (2 * denominator)


def _boards(activity: Activity, now: datetime) -> dict[str, Any]:
    """The top 10 and the team board: the eligible questions and the teams in one query, then one
    GROUP BY each (two more for the teams' members and points only when the session has teams)."""
    ids, teams = scored_with_teams(activity.session_id, now)
    return {
        "leaderboard": leaderboard(activity.session_id, LEADERBOARD_SIZE, now=now, ids=ids),
        "teams": team_leaderboard(activity.session_id, now=now, ids=ids, teams=teams or []),
    }


@register
class QuizType(ActivityType):
    key = "quiz"
    label = gettext_noop("Quiz")
    demo = {
        "title": "Company trivia",
        "config": {
            "question": "In which year was the company founded?",
            "options": [
                {"id": "a", "label": "1999"},
                {"id": "b", "label": "2005"},
                {"id": "c", "label": "2012"},
                {"id": "d", "label": "2020"},
            ],
            "correct_option_id": "b",
            "time_limit_seconds": 30,
            "points": 1000,
        },
    }
    replace_on_reanswer = False  # a second answer is 409 ALREADY_ANSWERED
    supports_reveal = True
    scored = True

    def default_config(self) -> dict[str, Any]:
        return {}

    def validate_config(self, config: Any) -> dict[str, Any]:
        data, errors = config_object(
            config,
            ("question", "options", "correct_option_id", "time_limit_seconds", "points", "lead_in_seconds"),
        )
        question = clean_text(data, "question", "config", errors, max_length=TEXT_MAX)
        options = clean_options(data, "config", errors, minimum=MIN_OPTIONS, maximum=MAX_OPTIONS)
        correct = data.get("correct_option_id")
        if correct is None:
            errors.add("config.correct_option_id", REQUIRED)
        elif not isinstance(correct, str):
            errors.add("config.correct_option_id", NOT_STRING)
        elif correct not in {o["id"] for o in options}:
            errors.add("config.correct_option_id", gettext("Must be the id of one of the options."))
        time_limit = clean_int(
            data,
            "time_limit_seconds",
            "config",
            errors,
            minimum=TIME_LIMIT_MIN,
            maximum=TIME_LIMIT_MAX,
            default=DEFAULT_TIME_LIMIT,
            nullable=True,
        )
        points = clean_int(
            data, "points", "config", errors, minimum=1, maximum=POINTS_MAX, default=DEFAULT_POINTS
        )
        lead_in = clean_int(
            data, "lead_in_seconds", "config", errors, minimum=0, maximum=LEAD_IN_MAX, default=DEFAULT_LEAD_IN
        )
        errors.raise_if_any(INVALID_CONFIG)
        return {
            "question": question,
            "options": options,
            "correct_option_id": correct,
            "time_limit_seconds": time_limit,
            "points": points,
            "lead_in_seconds": lead_in,
        }

    # --- answers ------------------------------------------------------------------------------
    def validate_response(self, activity: Activity, data: Any) -> dict[str, Any]:
        data, errors = response_object(data, ("option_id",))
        option_id = response_field(data, "option_id", str, errors)
        if option_id is not None and option_id not in {o["id"] for o in activity.config.get("options", [])}:
            errors.add("response_data.option_id", UNKNOWN_OPTION)
        errors.raise_if_any(INVALID_ANSWER)
        return {"option_id": option_id}

    def opens_at(self, activity: Activity) -> datetime | None:
        """When answers open: the activation plus the lead-in (none in a config stored before it)."""
        if activity.activated_at is None:
            return None
        return activity.activated_at + timedelta(seconds=int(activity.config.get("lead_in_seconds") or 0))

    def deadline(self, activity: Activity) -> datetime | None:
        limit = activity.config.get("time_limit_seconds")
        opens = self.opens_at(activity)
        if not limit or opens is None:
            return None
        return opens + timedelta(seconds=limit)

    def check_answer_allowed(self, activity: Activity, now: datetime) -> None:
        # Once the correct option is on screen, an answer would be a free point.
        if activity.revealed_at is not None:
            raise TimeUp(gettext("The answer was revealed; this question is closed."))
        opens = self.opens_at(activity)
        if opens is not None and now < opens:
            raise NotOpenYet(gettext("Answers open after the countdown."), {"opens_at": _iso(opens)})
        deadline = self.deadline(activity)
        if deadline is not None and now > deadline:
            raise TimeUp()

    def current_fields(self, activity: Activity) -> dict[str, Any]:
        opens = self.opens_at(activity)
        return {"opens_at": _iso(opens)} if opens is not None else {}

    def per_person_seconds(self, activity: Activity) -> int | None:
        # Self-paced: the time limit runs from each participant's own start.
        return activity.config.get("time_limit_seconds") or None

    def own_outcome(self, activity: Activity, response: Any) -> dict[str, Any]:
        # Self-paced: the answer is final, so its verdict can be told to the one who gave it.
        return {
            "correct": bool(response.is_correct),
            "correct_option_id": activity.config.get("correct_option_id"),
            "score": response.score or 0,
        }

    def elapsed_ms(self, activity: Activity, now: datetime) -> int:
        opens = self.opens_at(activity)
        if opens is None:
            return 0
        elapsed = max(now - opens, timedelta(0))
        limit = activity.config.get("time_limit_seconds")
        if limit:
            elapsed = min(elapsed, timedelta(seconds=limit))
        return elapsed // timedelta(milliseconds=1)

    def score(self, activity: Activity, response_data: dict[str, Any], now: datetime) -> Score | None:
        config = activity.config
        correct = response_data.get("option_id") == config.get("correct_option_id")
        elapsed_ms = self.elapsed_ms(activity, now)
        points = int(config.get("points", DEFAULT_POINTS))
        return Score(
            score=compute_score(points, config.get("time_limit_seconds"), elapsed_ms, correct),
            is_correct=correct,
            elapsed_ms=elapsed_ms,
        )

    # --- visibility and results ---------------------------------------------------------------
    def is_revealed(self, activity: Activity, now: datetime) -> bool:
        """Revealed, expired, or past its time limit. Also decides leaderboard eligibility."""
        if activity.revealed_at is not None or activity.status == ActivityStatus.EXPIRED:
            return True
        deadline = self.deadline(activity)
        return deadline is not None and now > deadline

    def next_visibility_change(self, activity: Activity, now: datetime) -> datetime | None:
        # At the deadline the correct answer, the counts and the leaderboard become public.
        deadline = self.deadline(activity)
        if deadline is None or self.is_revealed(activity, now):
            return None
        return deadline

    def public_config(self, activity: Activity, now: datetime) -> dict[str, Any]:
        config = dict(activity.config)
        if not self.is_revealed(activity, now):
            config.pop("correct_option_id", None)
        return config

    def option_counts(self, activity: Activity) -> dict[str, int]:
        """``{option_id: count}`` — one GROUP BY query."""
        rows = (
            activity.responses.order_by()
            .values(choice=KT("response_data__option_id"))
            .annotate(n=Count("id"))
            .values_list("choice", "n")
        )
        return {choice: n for choice, n in rows if choice is not None}

    def _options(self, activity: Activity, counts: dict[str, int]) -> list[dict[str, Any]]:
        correct = activity.config.get("correct_option_id")
        return [
            {
                "id": o["id"],
                "label": o["label"],
                "count": counts.get(o["id"], 0),
                "correct": o["id"] == correct,
            }
            for o in activity.config.get("options", [])
        ]

    def public_results(self, activity: Activity, now: datetime) -> dict[str, Any] | None:
        if not self.is_revealed(activity, now):
            return {"type": self.key, "total_responses": activity.responses.count(), "revealed": False}
        counts = self.option_counts(activity)
        return {
            "type": self.key,
            "total_responses": sum(counts.values()),
            "revealed": True,
            "options": self._options(activity, counts),
            **_boards(activity, now),
        }

    def full_results(self, activity: Activity) -> dict[str, Any]:
        """Everything, at any time: counts per option, the correct option, the top 10."""
        now = timezone.now()
        counts = self.option_counts(activity)
        correct = activity.config.get("correct_option_id")
        return {
            "type": self.key,
            "total_responses": sum(counts.values()),
            "revealed": self.is_revealed(activity, now),
            "correct_option_id": correct,
            "correct_count": counts.get(correct, 0) if correct else 0,
            "options": self._options(activity, counts),
            **_boards(activity, now),
        }

    def summary(self, activity: Activity) -> Summary:
        # {"correct_percentage"}: one aggregate query (no leaderboard).
        counts = self.option_counts(activity)
        total = sum(counts.values())
        correct = activity.config.get("correct_option_id")
        right = counts.get(correct, 0) if correct else 0
        return Summary({"correct_percentage": percentage(right, total)}, total)
