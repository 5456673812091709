"""The one text rule for every free-text field (nicknames, session names and descriptions, activity
titles, questions, open-text answers, words, config texts): trimmed, no control characters, and
not empty once the invisible characters are removed.

- trimmed: leading and trailing whitespace goes (``str.strip``);
- control characters: Unicode ``Cc`` (``\\x07``, ``\\x00`` ...), except tab, newline and carriage
  return in multi-line fields, and the bidi embeddings/overrides/isolates (which can show the words
  in another order than they were typed). Other format characters (``Cf``: the emoji joiner, the
  Persian ZWNJ, the right-to-left marks) are welcome inside a text; fields that name a person
  (nicknames) refuse them too;
- invisible: whitespace, format characters (zero-width spaces and joiners, ``U+FEFF``) and the
  blank "letters" (Hangul fillers, the Braille blank): a text made only of these is blank.

``text_problem`` answers which rule a text breaks (None when it keeps them all); the callers say
it in their own field's words and translate it.
"""

from __future__ import annotations

import unicodedata

BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Letters (Lo/So) that render as nothing: used to fake an empty name or question.
BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
MULTILINE_WHITESPACE = frozenset("\t\n\r")

BLANK = "blank"
CONTROL = "control"


def is_invisible(ch: str) -> bool:
    return ch.isspace() or ch in BLANK_LETTERS or unicodedata.category(ch) in {"Cf", "Zs", "Zl", "Zp"}


def is_blank(text: str) -> bool:
    """True when nothing visible is left once whitespace and invisible characters are removed."""
    return all(is_invisible(ch) for ch in text)


def has_control(text: str, *, multiline: bool = False, formats: bool = False) -> bool:
    """True if ``text`` holds a control character (``Cc``; tab/newline/CR allowed when
    ``multiline``), a bidi control, or, when ``formats``, any other format (``Cf``) character."""
    for ch in text:
        if ch in BIDI_CONTROLS:
            return True
        category = unicodedata.category(ch)
        if category == "Cc" and not (multiline and ch in MULTILINE_WHITESPACE):
            return True
        if formats and category == "Cf":
            return True
    return False


def text_problem(text: str, *, multiline: bool = False, formats: bool = False) -> str | None:
    """``BLANK``, ``CONTROL`` or None for an already trimmed ``text``."""
    if is_blank(text):
        return BLANK
    if has_control(text, multiline=multiline, formats=formats):
        return CONTROL
    return None


def clean_text(text: str) -> str:
    """The stored form of a free text: trimmed (the checks above run on this form)."""
    return text.strip()
