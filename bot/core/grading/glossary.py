"""Reading an English answer against Chinese aliases through the bilingual glossary.

A Chinese alias is split into glossary concepts (`线性增长` → LINEAR + GROW; `KV缓存` → the word
`kv` + CACHE). An English answer is read into the concepts its words name, with their positions.
The alias counts as said when all its parts occur close together, in any order ("grows
linearly", "linear growth"). Aliases with a part the glossary does not know are left to the
ordinary exact matching.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass

from bot.core.grading.glossary_data import GLOSSARY
from bot.core.grading.normalize import compact_key, is_cjk, normalize, tokens

# A part of an alias: a glossary concept (int) or a literal Latin word stem (str).
Unit = int | str

# Characters that glue Chinese terms together without adding meaning of their own.
_GLUE = frozenset("的和与或及了地得之在是也都把被将会")
_WORD = re.compile(r"[a-z0-9]+")
_LATIN_RUN = re.compile(r"[a-z0-9]+")
# How far apart (in English words) the parts of one alias may be.
WINDOW = 8


_IRREGULAR = {
    "does": "do", "did": "do", "done": "do", "has": "have", "had": "have", "is": "be",
    "are": "be", "was": "be", "were": "be", "been": "be", "made": "make", "grew": "grow",
    "grown": "grow", "kept": "keep", "took": "take", "taken": "take", "gave": "give",
    "given": "give", "wrote": "write", "written": "write", "saw": "see", "seen": "see",
}  # fmt: skip


def stem(word: str) -> str:
    """A light suffix stripper: enough to meet "caches", "cached", "caching" at `cach`."""
    word = _IRREGULAR.get(word, word)
    if len(word) > 5 and word.endswith("ing"):
        word = word[:-3]
    elif len(word) > 4 and word.endswith(("ies", "ied")):
        word = word[:-3] + "y"
    elif len(word) > 4 and word.endswith("ly") or len(word) > 4 and word.endswith("ed"):
        word = word[:-2]
    elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    return word


def english_words(normalized: str) -> list[str]:
    text = normalized.replace("n't", " not").replace("can not", "cannot")
    return _WORD.findall(text)


def english_stems(normalized: str) -> list[str]:
    return [stem(w) for w in english_words(normalized)]


@dataclass(frozen=True, slots=True)
class Glossed:
    """An English answer read into glossary concepts: where each concept and word stands."""

    positions: dict[Unit, list[int]]  # where each concept or word starts, ascending
    ends: dict[tuple[Unit, int], int]  # the last word of a multi-word phrase, by its start
    words: tuple[str, ...]
    # CJK tokens of the Chinese names of every concept found, so that overlap with a Chinese
    # reference can be measured for an English answer too.
    gloss_tokens: frozenset[str]

    def says(self, units: tuple[Unit, ...]) -> str | None:
        """The answer's words that say all parts of an alias within WINDOW words of each other
        (what the member is shown as "matched"), or None."""
        lists = []
        for unit in units:
            found = self.positions.get(unit)
            if not found:
                return None
            lists.append(found)
        first, rest = lists[0], lists[1:]
        if not rest:
            # One concept: show its longest spelling in the answer ("sequence length", not
            # the "length" inside it).
            start = max(first, key=lambda p: self.ends.get((units[0], p), p) - p)
            return " ".join(self.words[start : self.ends.get((units[0], start), start) + 1])
        # Positions are ascending, so each "is there one near the anchor" is a binary search:
        # a long answer repeating the same words stays cheap. The tightest window is shown.
        best: tuple[int, int] | None = None
        for anchor in first:
            near = [_nearest(other, anchor) for other in rest]
            if any(p is None for p in near):
                continue
            parts = [(units[0], anchor)] + [
                (unit, p) for unit, p in zip(units[1:], near, strict=True) if p is not None
            ]
            start = min(p for _, p in parts)
            end = max(self.ends.get(part, part[1]) for part in parts)
            if best is None or end - start < best[1] - best[0]:
                best = (start, end)
        if best is None:
            return None
        return " ".join(self.words[best[0] : best[1] + 1])


def _nearest(positions: list[int], anchor: int) -> int | None:
    i = bisect_left(positions, anchor - WINDOW)
    return positions[i] if i < len(positions) and positions[i] <= anchor + WINDOW else None


class Glossary:
    def __init__(self, source: str = GLOSSARY) -> None:
        self._chinese: dict[str, int] = {}  # compact Chinese form -> concept
        self._names: dict[int, list[str]] = defaultdict(list)  # concept -> Chinese forms
        english: dict[tuple[str, ...], set[int]] = defaultdict(set)
        next_id = 0
        for line in source.splitlines():
            if "|" not in line:
                continue
            left, right = line.split("|", 1)
            forms = [compact_key(f) for f in left.split()]
            forms = [f for f in forms if f]
            if not forms:
                continue
            concept = next((self._chinese[f] for f in forms if f in self._chinese), None)
            if concept is None:
                concept, next_id = next_id, next_id + 1
            for form in forms:
                if form not in self._chinese:
                    self._chinese[form] = concept
                    self._names[concept].append(form)
            for phrase in right.split(","):
                stems = tuple(english_stems(normalize(phrase)))
                if stems:
                    english[stems].add(concept)
        self._longest = max((len(f) for f in self._chinese), default=1)
        # English phrases indexed by their first stem, longest first, for one left-to-right scan.
        self._english: dict[str, list[tuple[tuple[str, ...], frozenset[int]]]] = defaultdict(list)
        for stems, concepts in english.items():
            self._english[stems[0]].append((stems, frozenset(concepts)))
        for options in self._english.values():
            options.sort(key=lambda item: -len(item[0]))

    def units(self, alias: str) -> tuple[Unit, ...] | None:
        """The alias as glossary parts, or None when some part is not in the glossary."""
        key = compact_key(alias)
        if not key or not any(is_cjk(c) for c in key):
            return None  # purely Latin aliases already match English text directly
        out: list[Unit] = []
        i = 0
        while i < len(key):
            for size in range(min(self._longest, len(key) - i), 0, -1):
                concept = self._chinese.get(key[i : i + size])
                if concept is not None:
                    out.append(concept)
                    i += size
                    break
            else:
                latin = _LATIN_RUN.match(key, i)
                if latin:
                    out.append(stem(latin.group()))
                    i = latin.end()
                elif key[i] in _GLUE:
                    i += 1
                else:
                    return None
        return tuple(out) if out else None

    def read(self, normalized: str) -> Glossed:
        originals = english_words(normalized)
        words = [stem(w) for w in originals]
        positions: dict[Unit, list[int]] = defaultdict(list)
        ends: dict[tuple[Unit, int], int] = {}
        names: set[str] = set()
        for index, word in enumerate(words):
            positions[word].append(index)
            for stems, concepts in self._english.get(word, ()):
                if tuple(words[index : index + len(stems)]) == stems:
                    for concept in concepts:
                        if ends.get((concept, index), -1) < index + len(stems) - 1:
                            if (concept, index) not in ends:
                                positions[concept].append(index)
                            ends[(concept, index)] = index + len(stems) - 1
                        names.update(self._names[concept])
        gloss: set[str] = set()
        for name in names:
            gloss |= tokens(name)
        return Glossed(dict(positions), ends, tuple(originals), frozenset(gloss))
