"""What an answer really says: terminal escape sequences and control characters removed.

A line made only of control characters or spaces is empty (refused, nothing saved), and an
escape sequence typed or pasted into an answer is never stored or echoed back raw, where it
could move a terminal's cursor or recolour what follows.
"""

from __future__ import annotations

import re
import unicodedata

# CSI (ESC [ … final), OSC (ESC ] … BEL/ST), and two-character escapes (ESC x).
_ESCAPES = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]?")
_KEEP = frozenset("\n\t")


def clean_answer(text: str) -> str:
    """The answer without escape sequences or control characters, trimmed."""
    without_escapes = _ESCAPES.sub("", text)
    kept = "".join(
        ch
        for ch in without_escapes
        if ch in _KEEP
        or unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Co", "Cn")
        or ch == "\u200d"  # the zero-width joiner inside emoji sequences
    )
    return kept.strip()
