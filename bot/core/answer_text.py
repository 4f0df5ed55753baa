"""What an answer really says: terminal escape sequences and control characters removed.

A line made only of control characters or spaces is empty (refused, nothing saved), and an
escape sequence typed or pasted into an answer is never stored or echoed back raw, where it
could move a terminal's cursor or recolour what follows.
"""

from __future__ import annotations

import re
import unicodedata

from bot.core.commands import ANSWER_MAX_CHARS, Locale
from bot.core.notices import error
from bot.core.replies import ErrorNotice

# CSI (ESC [ … final), OSC (ESC ] … BEL/ST), and two-character escapes (ESC x).
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?")
_KEEP = frozenset("\n\t")


def clean_answer(text: str) -> str:
    """The answer without escape sequences or control characters, trimmed."""
    if text.replace("\n", "").replace("\t", "").isprintable():
        # Nothing to remove (an escape starts with ESC, a control character): the common case,
        # at the cost of one pass in C instead of a category lookup per character.
        return text.strip()
    without_escapes = _ESCAPES.sub("", text)
    kept = "".join(
        ch
        for ch in without_escapes
        if ch in _KEEP
        or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn")
        or ch == "\u200d"  # the zero-width joiner inside emoji sequences
    )
    return kept.strip()


def refused(locale: Locale, text: str) -> ErrorNotice | None:
    """Why a cleaned answer cannot be graded (too long, or nothing left), or None: the same
    refusal for an interview answer and a daily one."""
    if len(text) > ANSWER_MAX_CHARS:
        return error(locale, "answer_too_long", length=len(text), limit=ANSWER_MAX_CHARS)
    if not text:
        return error(locale, "missing_text")
    return None
