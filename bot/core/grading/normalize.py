"""Text normalisation shared by the answer and the bank: one form, so that spellings compare equal.

`KV-Cache`, `ｋｖ　ｃａｃｈｅ` and `kv_cache` must all meet `KV Cache`; `線性增長` must meet `线性增长`.
Everything here is total: any string (emoji, HTML, control characters) normalises without raising.
"""

from __future__ import annotations

import importlib.util
import json
import re
import sys
import unicodedata
from itertools import accumulate
from pathlib import Path
from types import ModuleType

# Anything that is not a letter, digit or CJK character separates words; `_` and `-` too.
_SEPARATORS = re.compile(r"[\W_]+")
_WORD_RUN = re.compile(r"[^\W_]+")
_LATIN_WORD = re.compile(r"[a-z0-9]+(?:\.[0-9]+)?")
_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
# What `is_cjk` and `is_latin_letter` accept, for counting in one pass of the regex engine.
_CJK_CHAR = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN_LETTER = re.compile(r"[a-z]")
# Markup tags carry no answer; chat front ends may pass them through.
_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9-]*(?:\s[^<>]{0,200})?/?>")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]")

# The converter is imported only when a text really needs it (see `_zhconv`).
_ZHCONV_DICT = "zhcdict.json"


def _traditional_only() -> frozenset[str]:
    """Characters that exist only in traditional script, read from zhconv's own dictionary
    without importing zhconv. Empty (meaning: always convert) if the file cannot be found."""
    try:
        spec = importlib.util.find_spec("zhconv")
        locations = list(spec.submodule_search_locations or []) if spec else []
        for folder in locations:
            path = Path(folder) / _ZHCONV_DICT
            if path.is_file():
                return frozenset(json.loads(path.read_text(encoding="utf-8"))["TRADONLY"])
    except (OSError, ValueError, KeyError, ImportError):
        pass
    return frozenset()


_TRADITIONAL = _traditional_only()


def to_simplified(text: str) -> str:
    # Converting costs ~30-60 µs per answer even when there is nothing to convert, so convert only
    # when a character that exists only in traditional script is present.
    if _TRADITIONAL and _TRADITIONAL.isdisjoint(text):
        return text
    try:
        return str(_zhconv().convert(text, "zh-cn"))
    except Exception:  # zhconv on odd input must not fail a grade; keep the text as it was
        return text


def _zhconv() -> ModuleType:
    """zhconv, imported without pkg_resources: that import alone costs ~100 ms, and zhconv falls
    back to opening its dictionary file directly when it is unavailable."""
    loaded = sys.modules.get("zhconv")
    if loaded is not None:
        return loaded
    hide = "pkg_resources" not in sys.modules
    if hide:
        sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # makes the import fail
    try:
        import zhconv
    finally:
        if hide:
            sys.modules.pop("pkg_resources", None)
    module: ModuleType = zhconv
    return module


def normalize(text: str) -> str:
    """NFKC (full width → half width), lower case, simplified Chinese, no control characters
    or markup tags."""
    text = unicodedata.normalize("NFKC", text)
    text = _CONTROL.sub(" ", _TAG.sub(" ", text))
    return to_simplified(text.lower())


def is_cjk(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or "\uf900" <= char <= "\ufaff"


def is_latin_letter(char: str) -> bool:
    return "a" <= char <= "z"


def content_size(text: str) -> int:
    """Length in "words": a CJK character counts one, a Latin word two."""
    size = 0
    in_word = False
    for char in text:
        if is_cjk(char):
            size += 1
            in_word = False
        elif is_latin_letter(char) or char.isdigit():
            if not in_word:
                size += 2
            in_word = True
        else:
            in_word = False
    return size


def is_digit(char: str) -> bool:
    return "0" <= char <= "9"


class Compact:
    """A normalised text with every separator removed, remembering where the separators were.

    Matching runs on `text`, so `kv-cache`, `kv cache` and `kvcache` are the same; `breaks` lets
    short Latin aliases insist on word edges (`rag` must not match inside `storage`). Read-only
    after construction; `breaks` is worked out the first time it is asked for (most texts a grade
    splits an answer into never are).
    """

    __slots__ = ("text", "_parts", "_breaks")

    def __init__(
        self, text: str, breaks: frozenset[int] | None = None, parts: list[str] | None = None
    ) -> None:
        self.text = text
        self._breaks = breaks
        self._parts = parts

    @property
    def parts(self) -> list[str]:
        """The runs of word characters `text` is made of, in order."""
        if self._parts is None:
            raise ValueError("a Compact made with explicit breaks has no parts")
        return self._parts

    @property
    def breaks(self) -> frozenset[int]:
        """Where a separator was: the start of every run of word characters after the first."""
        if self._breaks is None:
            parts = self._parts or []
            self._breaks = frozenset(accumulate(map(len, parts[:-1])))
        return self._breaks

    def edge_ok(self, index: int) -> bool:
        """True when `index` (a position between two characters) is a word edge."""
        if index <= 0 or index >= len(self.text) or index in self.breaks:
            return True
        left, right = self.text[index - 1], self.text[index]
        if is_latin_letter(left) and is_latin_letter(right):
            return False
        return not (is_digit(left) and is_digit(right))


def compact(normalized: str) -> Compact:
    # The runs between separators; `breaks` follows from their lengths when it is needed.
    parts = _WORD_RUN.findall(normalized)
    return Compact("".join(parts), parts=parts)


def joined(pieces: list[Compact]) -> Compact:
    """The compact form of texts that followed one another, separated (what `compact` gives for
    the whole, without reading it again)."""
    parts = [part for piece in pieces for part in piece.parts]
    return Compact("".join(parts), parts=parts)


def compact_key(text: str) -> str:
    """The comparison key of a bank string (an alias, a question): normalised, no separators."""
    return _SEPARATORS.sub("", normalize(text))


def tokens(normalized: str) -> set[str]:
    """Content units for overlap: CJK character bigrams and whole Latin words.

    Words rather than character n-grams on the Latin side, so that an English answer is compared
    word for word with the English terms of a Chinese reference instead of being punished for
    being in English.
    """
    out: set[str] = set()
    for run in _CJK_RUN.findall(normalized):
        if len(run) == 1:
            out.add(run)
            continue
        out.update(map(str.__add__, run[:-1], run[1:]))
    out.update(w for w in _LATIN_WORD.findall(normalized) if len(w) > 1)
    return out


def latin_share(normalized: str) -> float:
    """The share of letters that are Latin rather than CJK (0 for Chinese, 1 for English)."""
    latin = len(normalized) - len(_LATIN_LETTER.sub("", normalized))
    # One CJK character carries about as much as a short English word's letters.
    cjk = 3 * (len(normalized) - len(_CJK_CHAR.sub("", normalized)))
    total = cjk + latin
    return latin / total if total else 0.0
