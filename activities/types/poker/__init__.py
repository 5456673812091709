"""Planning poker: everyone picks a card; votes stay hidden until the organizer reveals them.

config        ``{"story": str (may be empty, ≤ 500), "deck": "fibonacci" | "tshirt" |
              "powers_of_two" | [str, 2–20 unique, 1–20 chars], "auto_reveal": bool = false}`` —
              the deck is stored as given (a name stays a name, so the participant-safe config
              also carries ``cards``).
Auto-reveal   with ``auto_reveal`` the round reveals itself once every participant seen in the
              last 60 s has voted (checked after each vote: ``reveal_due``); the organizer can
              still reveal at any time.
response_data ``{"value": card}``
results       hidden ``{"type": "poker", "revealed": false, "vote_count": N}``; revealed adds
              ``distribution`` (deck order, voted cards only), ``average`` and ``median`` (numeric
              cards only) and ``consensus`` (every vote the same card).
Reset         the organizer starts a new round: services store ``full_results`` of the finished
              round in ``activity.history`` and delete its votes.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count
from django.db.models.fields.json import KT
from django.utils.translation import gettext, gettext_noop, ngettext

from core.errors import InvalidTransition
from participants.models import Participant

from ..base import ActivityType, Summary
from ..fields import (
    CONTROL,
    INVALID_ANSWER,
    INVALID_CONFIG,
    NOT_STRING,
    TEXT_MAX,
    at_most_characters,
    clean_bool,
    clean_text,
    config_object,
    has_control_chars,
    response_field,
    response_object,
)
from ..registry import register

if TYPE_CHECKING:
    from activities.models import Activity

DECKS: dict[str, list[str]] = {
    "fibonacci": ["0", "1", "2", "3", "5", "8", "13", "21", "?", "coffee"],
    "tshirt": ["XS", "S", "M", "L", "XL", "?"],
    "powers_of_two": ["0", "1", "2", "4", "8", "16", "32", "?"],
}
DEFAULT_DECK = "fibonacci"
MIN_CARDS = 2
MAX_CARDS = 20
CARD_MAX_LENGTH = 20
# A card counts as numeric for average/median when it reads as a plain decimal number
# ("0", "13", "0.5"); "?", "coffee", "XL" and "½" do not.
NUMERIC_CARD_RE = re.compile(r"-?\d+(\.\d+)?")
# Auto-reveal waits for everyone seen this recently (by polls, heartbeats or answers).
AUTO_REVEAL_SEEN_SECONDS = 60
# Set by on_reset on the instance: the next full_results call is the snapshot stored in history,
# which must not embed the history itself (that would nest every earlier round in each new one).
_SNAPSHOT_FLAG = "_caja_poker_history_snapshot"


def deck_cards(deck: Any) -> list[str]:
    """The cards of a stored deck (a name or a list)."""
    if isinstance(deck, str):
        return list(DECKS.get(deck, []))
    if isinstance(deck, list):
        return [str(card) for card in deck]
    return []


def card_number(card: str) -> Decimal | None:
    return Decimal(card) if NUMERIC_CARD_RE.fullmatch(card) else None


def _plain_number(value: Decimal) -> int | float:
    """5 rather than 5.0 when whole (the contract shows ``"median": 5``)."""
    return int(value) if value == value.to_integral_value() else float(value)


def summarize(distribution: dict[str, int]) -> dict[str, Any]:
    """vote_count, average, median and consensus of a ``{card: count}`` distribution.

    Works on the grouped counts (≤ 20 cards), never on individual votes. Average is rounded half
    up to 2 decimals; median is the middle numeric vote (mean of the two middle ones when even).
    """
    vote_count = sum(distribution.values())
    numeric = sorted(
        (number, count)
        for card, count in distribution.items()
        if count > 0 and (number := card_number(card)) is not None
    )
    n = sum(count for _number, count in numeric)
    average: float | None = None
    median: int | float | None = None
    if n:
        total = sum((number * count for number, count in numeric), Decimal(0))
        average = float((total / n).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))

        def nth(position: int) -> Decimal:  # 0-based position in the sorted numeric votes
            seen = 0
            for number, count in numeric:
                seen += count
                if position < seen:
                    return number
            raise IndexError(position)  # pragma: no cover - position < n always

        middle = (nth((n - 1) // 2) + nth(n // 2)) / 2
        median = _plain_number(middle.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize())
    voted = [card for card, count in distribution.items() if count > 0]
    return {
        "vote_count": vote_count,
        "average": average,
        "median": median,
        "consensus": vote_count > 0 and len(voted) == 1,
    }


def _deck_message() -> str:
    return gettext("Must be one of %(decks)s or a list of cards.") % {"decks": ", ".join(DECKS)}


@register
class PokerType(ActivityType):
    key = "poker"
    label = gettext_noop("Planning poker")
    demo = {
        "title": "Estimate: single sign-on",
        "config": {"story": "As an employee I can sign in with the company account", "deck": "fibonacci"},
    }
    replace_on_reanswer = True  # changing one's vote before the reveal is normal
    supports_reveal = True
    supports_reset = True

    def default_config(self) -> dict[str, Any]:
        return {"story": "", "deck": DEFAULT_DECK, "auto_reveal": False}

    def validate_config(self, config: Any) -> dict[str, Any]:
        data, errors = config_object(config, ("story", "deck", "auto_reveal"))
        auto_reveal = clean_bool(data, "auto_reveal", "config", errors, default=False)
        story = clean_text(data, "story", "config", errors, required=False, min_length=0, max_length=TEXT_MAX)
        deck: str | list[str] = DEFAULT_DECK
        raw = data.get("deck", DEFAULT_DECK)
        if raw is None:
            raw = DEFAULT_DECK
        if isinstance(raw, str):
            if raw not in DECKS:
                errors.add("config.deck", _deck_message())
            deck = raw
        elif isinstance(raw, list):
            if len(raw) < MIN_CARDS:
                errors.add(
                    "config.deck",
                    ngettext(
                        "At least %(n)s card is required.", "At least %(n)s cards are required.", MIN_CARDS
                    )
                    % {"n": MIN_CARDS},
                )
            elif len(raw) > MAX_CARDS:
                errors.add(
                    "config.deck",
                    ngettext("At most %(n)s card is allowed.", "At most %(n)s cards are allowed.", MAX_CARDS)
                    % {"n": MAX_CARDS},
                )
            cards: list[str] = []
            for index, card in enumerate(raw):
                path = f"config.deck.{index}"
                if not isinstance(card, str):
                    errors.add(path, NOT_STRING)
                    continue
                card = card.strip()
                if not card:
                    errors.add(path, gettext("A card may not be blank."))
                elif len(card) > CARD_MAX_LENGTH:
                    errors.add(path, at_most_characters(CARD_MAX_LENGTH))
                elif has_control_chars(card):
                    errors.add(path, CONTROL)
                elif card in cards:
                    errors.add(path, gettext("Duplicate card."))
                else:
                    cards.append(card)
            deck = cards
        else:
            errors.add("config.deck", _deck_message())
        errors.raise_if_any(INVALID_CONFIG)
        return {"story": story, "deck": deck, "auto_reveal": auto_reveal}

    def validate_response(self, activity: Activity, data: Any) -> dict[str, Any]:
        data, errors = response_object(data, ("value",))
        value = response_field(data, "value", str, errors)
        if value is not None and value not in deck_cards(activity.config.get("deck")):
            errors.add("response_data.value", gettext("Not a card of this deck."))
        errors.raise_if_any(INVALID_ANSWER)
        return {"value": value}

    # --- visibility and results ---------------------------------------------------------------
    def is_revealed(self, activity: Activity, now: datetime) -> bool:
        return activity.revealed_at is not None

    def check_answer_allowed(self, activity: Activity, now: datetime) -> None:
        # The distribution on screen must not change under people's eyes: after a reveal, votes
        # wait for the next round (reset).
        if activity.revealed_at is not None:
            raise InvalidTransition(
                from_="revealed",
                to="voted",
                message=gettext(
                    "The cards are revealed; votes reopen when the organizer starts a new round."
                ),
            )

    def reveal_due(self, activity: Activity, now: datetime) -> bool:
        """Auto-reveal: nobody seen in the last minute is still to vote (and someone voted).
        One query, and only for a round that reveals itself and is not revealed yet."""
        if not activity.config.get("auto_reveal") or activity.revealed_at is not None:
            return False
        voters = activity.responses.values("participant_id")
        still_to_vote = Participant.objects.filter(
            session_id=activity.session_id,
            kicked_at__isnull=True,
            last_activity__gte=now - timedelta(seconds=AUTO_REVEAL_SEEN_SECONDS),
        ).exclude(pk__in=voters)
        return activity.responses.exists() and not still_to_vote.exists()

    def public_config(self, activity: Activity, now: datetime) -> dict[str, Any]:
        config = dict(activity.config)
        # Phones need the actual cards even when the deck is stored by name.
        config["cards"] = deck_cards(config.get("deck"))
        return config

    def distribution(self, activity: Activity) -> dict[str, int]:
        """``{card: count}`` in deck order, voted cards only — one GROUP BY query."""
        rows = (
            activity.responses.order_by()  # the model's default ordering would join the GROUP BY
            .values(card=KT("response_data__value"))
            .annotate(n=Count("id"))
            .values_list("card", "n")
        )
        counts = dict(rows)
        cards = deck_cards(activity.config.get("deck"))
        ordered = {card: counts[card] for card in cards if counts.get(card)}
        # A vote for a card no longer in the deck cannot happen (config is frozen once live), but
        # if rows were written directly keep them visible rather than silently losing votes.
        for card, n in counts.items():
            if card not in ordered and card is not None and n:
                ordered[card] = n
        return ordered

    def public_results(self, activity: Activity, now: datetime) -> dict[str, Any] | None:
        if not self.is_revealed(activity, now):
            return {"type": self.key, "revealed": False, "vote_count": activity.responses.count()}
        distribution = self.distribution(activity)
        summary = summarize(distribution)
        return {
            "type": self.key,
            "revealed": True,
            "vote_count": summary["vote_count"],
            "distribution": distribution,
            "average": summary["average"],
            "median": summary["median"],
            "consensus": summary["consensus"],
        }

    def full_results(self, activity: Activity) -> dict[str, Any]:
        """The organizer sees the distribution even before the reveal, plus earlier rounds."""
        distribution = self.distribution(activity)
        summary = summarize(distribution)
        results: dict[str, Any] = {
            "type": self.key,
            "revealed": activity.revealed_at is not None,
            "round": activity.round,
            "story": activity.config.get("story", ""),
            "vote_count": summary["vote_count"],
            "distribution": distribution,
            "average": summary["average"],
            "median": summary["median"],
            "consensus": summary["consensus"],
        }
        if not activity.__dict__.pop(_SNAPSHOT_FLAG, False):
            results["history"] = list(activity.history)
        return results

    def summary(self, activity: Activity) -> Summary:
        # {"median"} of the current round's votes (null when no vote is a number).
        summary = summarize(self.distribution(activity))
        return Summary({"median": summary["median"]}, summary["vote_count"])

    def on_reset(self, activity: Activity) -> None:
        # services.activity_reset calls full_results right after this hook and appends it to
        # history: mark the instance so that one snapshot leaves out the history (one-shot).
        activity.__dict__[_SNAPSHOT_FLAG] = True
