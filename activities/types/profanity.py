"""The profanity filter shared by the types that take free text (word cloud, Q&A).

``data/profanity_en.txt`` + ``settings.CAJA_PROFANITY_EXTRA``; matching is on whole words of the
normalized text, so an entry never matches inside a longer word."""

from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path

from django.conf import settings

from .fields import collapse_whitespace

PROFANITY_FILE = Path(__file__).resolve().parent / "data" / "profanity_en.txt"
_TOKEN_RE = re.compile(r"\w+")


def normalize(text: str) -> str:
    """The comparison form of a word: NFKC, whitespace trimmed and collapsed, case-folded.

    NFKC first so that full-width letters and ligatures ("ｃｏｆｆｅｅ", "ﬁsh") meet their plain
    forms; casefold rather than lower so "Straße" and "STRASSE" are one word."""
    return collapse_whitespace(unicodedata.normalize("NFKC", str(text))).casefold()


def _tokens(normalized: str) -> tuple[str, ...]:
    # Whole-word matching: punctuation separates words ("shit!" → "shit"), so an entry never
    # matches inside a longer word ("class" does not contain "ass").
    return tuple(_TOKEN_RE.findall(normalized))


@functools.cache
def _file_entries() -> tuple[str, ...]:
    lines = PROFANITY_FILE.read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#"))


@functools.lru_cache(maxsize=8)
def _compile(entries: tuple[str, ...]) -> tuple[frozenset[str], tuple[tuple[str, ...], ...]]:
    single: set[str] = set()
    phrases: set[tuple[str, ...]] = set()
    for entry in entries:
        tokens = _tokens(normalize(entry))
        if len(tokens) == 1:
            single.add(tokens[0])
        elif tokens:
            phrases.add(tokens)
    return frozenset(single), tuple(sorted(phrases))


def blocklist() -> tuple[frozenset[str], tuple[tuple[str, ...], ...]]:
    """(single words, multi-word phrases); read per call so settings overrides take effect."""
    extra = tuple(str(e) for e in getattr(settings, "CAJA_PROFANITY_EXTRA", ()) or ())
    return _compile(_file_entries() + extra)


def is_blocked(normalized: str) -> bool:
    tokens = _tokens(normalized)
    if not tokens:
        return False
    single, phrases = blocklist()
    if not single.isdisjoint(tokens):
        return True
    for phrase in phrases:
        size = len(phrase)
        if any(tokens[i : i + size] == phrase for i in range(len(tokens) - size + 1)):
            return True
    return False
