"""Key-point matching: does the answer say a point, in any of the bank's spellings?

The bank's aliases are the main signal. Each alias is compared in compact form (no separators), so
`KV-Cache`, `kv cache` and `KVCache` all count. Short Latin aliases must sit on word edges (`rag`
is not inside `storage`), and an alias right after a negation (`不是线性增长`, `not RAG`) does not
count: the answer said the opposite.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from bot.core.grading.glossary import Glossary, Glossed, Unit
from bot.core.grading.normalize import Compact, compact_key, is_digit, is_latin_letter
from content.schema import KeyPoint

# Short Latin aliases collide with ordinary words; longer ones rarely do (`attention` inside
# `selfattention` is still the same thing).
_EDGE_CHECK_MAX_LEN = 4
# Negations written directly before a term; a CJK alias that itself starts with one is a
# negative phrase by design (`不释放`) and is exempt.
_CJK_NEGATIONS = (
    "不是",
    "并非",
    "不用",
    "不会",
    "不能",
    "不需要",
    "无需",
    "没有",
    "不",
    "没",
    "无",
    "非",
    "未",
)
_CJK_NEGATION_START = ("不", "没", "无", "非", "未")
_LATIN_NEGATIONS = ("not", "no", "without", "never", "non")
_PLURAL = re.compile(r"(?:s|es)")


@dataclass(frozen=True, slots=True)
class Alias:
    # Reported back as "matched": as written in the bank, or the member's English words when
    # the alias was read through the glossary.
    shown: str
    key: str  # compact, normalised form
    edges: bool  # must start and end on a word edge
    negatable: bool


def compile_alias(alias: str) -> Alias | None:
    key = compact_key(alias)
    if not key:
        return None
    latin_edge = is_latin_letter(key[0]) or is_digit(key[0]) or is_latin_letter(key[-1])
    return Alias(
        shown=alias.strip(),
        key=key,
        edges=latin_edge and len(key) <= _EDGE_CHECK_MAX_LEN,
        negatable=not key.startswith(_CJK_NEGATION_START),
    )


@dataclass(frozen=True, slots=True)
class PointMatcher:
    point: KeyPoint
    aliases: tuple[Alias, ...]

    # Aliases that are words of the question itself ("KV Cache" in "什么是KV Cache？"): saying
    # them back shows the answer is on the subject, not that it makes the point.
    echoes: frozenset[str]
    # Chinese aliases spelled as glossary parts, for reading English answers.
    glossed: tuple[tuple[Alias, tuple[Unit, ...]], ...] = ()

    def matches(self, answer: Compact, english: Glossed | None = None) -> list[Alias]:
        """The aliases of this point the answer contains (each once, in bank order)."""
        text = answer.text
        # `in` first: most aliases are not in the answer at all, and it costs no Python call.
        found = [alias for alias in self.aliases if alias.key in text and _found(alias, answer)]
        if english is not None:
            seen = {alias.key for alias in found}
            shown = {alias.shown for alias in found}
            for alias, units in self.glossed:
                said = english.says(units) if alias.key not in seen else None
                # Reported as the member's own English words, once per phrase.
                if said is not None and said not in shown and compact_key(said) not in seen:
                    shown.add(said)
                    found.append(replace(alias, shown=said))
        return found

    def only_echoes(self, found: list[Alias]) -> bool:
        return all(alias.key in self.echoes for alias in found)


def compile_point(
    point: KeyPoint, asked: tuple[str, ...] = (), glossary: Glossary | None = None
) -> PointMatcher:
    compiled: dict[str, Alias] = {}
    for raw in point.aliases:
        alias = compile_alias(raw)
        if alias is not None:
            compiled.setdefault(alias.key, alias)
    echoes = frozenset(key for key in compiled if any(key in text for text in asked))
    glossed: list[tuple[Alias, tuple[Unit, ...]]] = []
    if glossary is not None:
        for alias in compiled.values():
            units = glossary.units(alias.shown)
            if units:
                glossed.append((alias, units))
    return PointMatcher(point, tuple(compiled.values()), echoes, tuple(glossed))


def _found(alias: Alias, answer: Compact) -> bool:
    return found_at(alias, answer) >= 0


def found_at(alias: Alias, answer: Compact, after: int = 0) -> int:
    """Where the alias first occurs (from `after` on) on word edges and not negated, or -1."""
    text = answer.text
    start = text.find(alias.key, after)
    while start != -1:
        end = start + len(alias.key)
        if _edges_ok(alias, answer, start, end) and not _negated(alias, answer, start):
            return start
        start = text.find(alias.key, start + 1)
    return -1


def _edges_ok(alias: Alias, answer: Compact, start: int, end: int) -> bool:
    if not alias.edges:
        return True
    if not answer.edge_ok(start):
        return False
    if answer.edge_ok(end):
        return True
    # "outliers" still says "outlier".
    plural = _PLURAL.match(answer.text, end)
    return plural is not None and answer.edge_ok(plural.end()) and is_latin_letter(alias.key[-1])


def _negated(alias: Alias, answer: Compact, start: int) -> bool:
    if not alias.negatable or start == 0:
        return False
    before = answer.text[max(0, start - 3) : start]
    if before.endswith(_CJK_NEGATIONS):
        return True
    if start not in answer.breaks:
        return False
    # English negations count only as the whole word right before the term ("not RAG"); looking
    # further back would wrongly cancel "not only RAG but also ...".
    for word in _LATIN_NEGATIONS:
        begin = start - len(word)
        if begin >= 0 and answer.text.startswith(word, begin) and answer.edge_ok(begin):
            return True
    return False
