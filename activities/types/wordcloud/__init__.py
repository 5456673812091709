"""Word cloud: each participant sends 1–5 short words; the public sees them counted, live.

config        ``{"prompt": str, "max_words": int 1–5 = 3, "max_length": int 1–40 = 25}``
response_data ``{"words": [str, 1..max_words]}``, stored as typed after trimming and collapsing
              inner whitespace (their spelling is what the cloud displays).
results       ``{"type": "wordcloud", "total_responses": N, "words": [{"text", "count"}]}`` — words
              grouped by their normalized form (NFKC, whitespace collapsed, case-folded), shown in
              their most common spelling (ties: alphabetical), top 100 by count (ties: alphabetical
              by normalized form), without the words an organizer hid or the profanity filter blocks.
moderation    ``static/moderation.js``: the moderation page's panel (``type_renderers("moderation")``
              finds it): the words and the hidden words, with Hide / Show again (``.../hidden-words``).
profanity     ``types/profanity.py`` (shared with the Q&A); a blocked word is refused
              with 400 VALIDATION_ERROR at ``response_data.words.N`` (never silently dropped).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db.models import Count
from django.db.models.fields.json import KT
from django.utils.translation import gettext, gettext_noop, ngettext
from django.utils.translation import gettext_lazy as _

from core.text import is_blank

from ..base import ActivityType, Summary
from ..fields import (
    CONTROL,
    INVALID_ANSWER,
    INVALID_CONFIG,
    NOT_STRING,
    TEXT_MAX,
    at_most_characters,
    clean_int,
    clean_text,
    collapse_whitespace,
    config_object,
    has_control_chars,
    response_field,
    response_object,
)
from ..profanity import is_blocked, normalize
from ..registry import register

if TYPE_CHECKING:
    from activities.models import Activity

MAX_WORDS_LIMIT = 5
MAX_LENGTH_LIMIT = 40
DEFAULT_MAX_WORDS = 3
DEFAULT_MAX_LENGTH = 25
TOP_WORDS = 100
BLOCKED_MESSAGE = _("This word is not allowed.")


def rank_words(
    spellings: Iterable[tuple[str, int]], excluded: set[str], limit: int = TOP_WORDS
) -> list[dict[str, Any]]:
    """Merge ``(spelling, count)`` groups into normalized words and rank them.

    ``count`` of a word is the sum over its spellings; its ``text`` is the spelling with the most
    votes (ties: alphabetical). Words are ordered by count, then by normalized form."""
    by_key: dict[str, dict[str, int]] = {}
    for spelling, count in spellings:
        if spelling is None or not count:
            continue
        key = normalize(spelling)
        if not key or key in excluded or is_blocked(key):
            continue
        variants = by_key.setdefault(key, {})
        variants[spelling] = variants.get(spelling, 0) + count
    ranked = []
    for key, variants in by_key.items():
        text = min(variants, key=lambda s: (-variants[s], s))
        ranked.append((-sum(variants.values()), key, text))
    ranked.sort()
    return [{"text": text, "count": -neg} for neg, _key, text in ranked[:limit]]


@register
class WordCloudType(ActivityType):
    key = "wordcloud"
    label = gettext_noop("Word cloud")
    demo = {
        "title": "Our culture",
        "config": {"prompt": "Describe our culture in a few words", "max_words": 3, "max_length": 25},
    }
    replace_on_reanswer = True
    supports_hidden_words = True

    def default_config(self) -> dict[str, Any]:
        return {}

    def validate_config(self, config: Any) -> dict[str, Any]:
        data, errors = config_object(config, ("prompt", "max_words", "max_length"))
        prompt = clean_text(data, "prompt", "config", errors, max_length=TEXT_MAX)
        max_words = clean_int(
            data, "max_words", "config", errors, minimum=1, maximum=MAX_WORDS_LIMIT, default=DEFAULT_MAX_WORDS
        )
        max_length = clean_int(
            data,
            "max_length",
            "config",
            errors,
            minimum=1,
            maximum=MAX_LENGTH_LIMIT,
            default=DEFAULT_MAX_LENGTH,
        )
        errors.raise_if_any(INVALID_CONFIG)
        return {"prompt": prompt, "max_words": max_words, "max_length": max_length}

    def normalize_word(self, text: str) -> str:
        return normalize(text)

    def validate_response(self, activity: Activity, data: Any) -> dict[str, Any]:
        data, errors = response_object(data, ("words",))
        max_words = int(activity.config.get("max_words", DEFAULT_MAX_WORDS))
        max_length = int(activity.config.get("max_length", DEFAULT_MAX_LENGTH))
        raw = response_field(data, "words", list, errors)
        words: list[str] = []
        if raw is not None:
            if not raw:
                errors.add("response_data.words", gettext("Send at least one word."))
            elif len(raw) > max_words:
                errors.add(
                    "response_data.words",
                    ngettext("At most %(n)s word.", "At most %(n)s words.", max_words) % {"n": max_words},
                )
            seen: set[str] = set()
            for index, item in enumerate(raw):
                path = f"response_data.words.{index}"
                if not isinstance(item, str):
                    errors.add(path, NOT_STRING)
                    continue
                word = collapse_whitespace(item)
                key = normalize(word)
                if not word or is_blank(word):
                    errors.add(path, gettext("A word may not be blank."))
                elif has_control_chars(word):
                    errors.add(path, CONTROL)
                elif len(word) > max_length:
                    errors.add(path, at_most_characters(max_length))
                elif is_blocked(key):
                    errors.add(path, BLOCKED_MESSAGE)
                elif key in seen:
                    continue  # the same word twice in one answer counts once (no scolding)
                else:
                    seen.add(key)
                    words.append(word)
        errors.raise_if_any(INVALID_ANSWER)
        return {"words": words}

    # --- results ------------------------------------------------------------------------------
    def is_revealed(self, activity: Activity, now: datetime) -> bool:
        return True  # word clouds are live

    def spelling_counts(self, activity: Activity) -> list[tuple[str, int]]:
        """``(spelling, responses)`` groups — one UNION ALL of one GROUP BY per word position.

        Each response holds at most ``MAX_WORDS_LIMIT`` words with distinct normalized forms
        (validation refuses duplicates), so counting each position counts a word once per
        participant. Grouping on the exact spelling in SQL and folding spellings into normalized
        words in Python keeps the normalization identical to validation (SQLite's LOWER only folds
        ASCII), while the rows fetched scale with distinct spellings, not with responses."""
        queries = [
            activity.responses.order_by()
            .annotate(w=KT(f"response_data__words__{position}"))
            .filter(w__isnull=False)
            .values("w")
            .annotate(n=Count("id"))
            .values_list("w", "n")
            # The config is frozen once the activity is live, so no stored answer has more than
            # max_words words: scanning fewer positions saves whole passes over the responses.
            for position in range(
                min(int(activity.config.get("max_words", MAX_WORDS_LIMIT)), MAX_WORDS_LIMIT)
            )
        ]
        first, rest = queries[0], queries[1:]
        return list(first.union(*rest, all=True))

    def hidden_words(self, activity: Activity) -> list[str]:
        return sorted(activity.hidden_words.values_list("text", flat=True))

    def public_results(self, activity: Activity, now: datetime) -> dict[str, Any] | None:
        hidden = set(self.hidden_words(activity))
        return {
            "type": self.key,
            "total_responses": activity.responses.count(),
            "words": rank_words(self.spelling_counts(activity), hidden),
        }

    def full_results(self, activity: Activity) -> dict[str, Any]:
        """Public results plus the organizer's hidden words (normalized, to show them again)."""
        hidden = self.hidden_words(activity)
        return {
            "type": self.key,
            "total_responses": activity.responses.count(),
            "words": rank_words(self.spelling_counts(activity), set(hidden)),
            "hidden": hidden,
        }

    def summary(self, activity: Activity) -> Summary:
        # {"top": up to 10 words}, as the public sees them (hidden and blocked words left out).
        words = rank_words(self.spelling_counts(activity), set(self.hidden_words(activity)), limit=10)
        return Summary({"top": [w["text"] for w in words]}, activity.responses.count())
