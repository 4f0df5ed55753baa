"""Claims: does the answer *state* a key point, or only name its terms? And does it state a known
misconception?

A key point's facets are what it says about its concept; the point is stated when every facet
occurs in one sentence of the answer (a spelling may join parts with "+": all parts in that
sentence, in any order). Naming the terms somewhere, or listing them one after another, is not
stating the point. A misconception pattern must occur within one clause (between commas), none of
its parts negated, so that a right answer that mentions the same words elsewhere is not caught.

Everything here works on the normalised answer split once into sentences and clauses; the cost
per grade is a few substring searches per spelling.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass

from bot.core.grading.glossary import Glossary, Glossed, Unit, english_words
from bot.core.grading.matching import Alias, compile_alias, found_at
from bot.core.grading.normalize import Compact, compact, is_cjk, is_latin_letter
from content.schema import KeyPoint, Misconception, pattern_parts

# Sentence ends. Arrows end a step of a chain ("KV 存下来 → 不用重算"): a step is a sentence.
_SENTENCE = re.compile(r"[。！？!?；;\n]+|\.(?:\s+|$)|->|=>|→|⇒|⟶")
# Clause ends inside a sentence.
_CLAUSE = re.compile(r"[，,：:（）()]+")
# What may stand between two terms of a bare enumeration ("低秩、矩阵A和B、冻结"), compact form.
_LIST_GLUE = frozenset(
    {"", "和", "与", "及", "以及", "或", "或者", "还有", "跟", "and", "or", "以及其"}
)
# A clause with one of these denies what it says (compact form: no spaces).
_CLAUSE_NEGATION = re.compile(
    r"不是|并非|并不|而非|不会|不能|不需要|无需|不用|没有|并没|不再|不必"
    r"|\b(?:not|never|cannot|no)\b|n't"
)
# Vague praise that says nothing about the subject; stuffed answers lean on it.
_FLUFF = re.compile(
    r"非常重要|十分重要|至关重要|很重要|都很关键|非常关键|十分关键|都非常|都是.{0,12}(?:关键|核心|重要)"
    r"|核心技术|关键技术|重要意义|关键作用|重要作用|综合运用|协同配合|共同决定|共同构成|密切相关"
    r"|这些(?:因素|技术|方法|概念|要素|都)|涉及|包括了|起到了"
    r"|(?:very|extremely|really) (?:important|crucial|critical|key)|all (?:important|crucial|key)"
    r"|plays? (?:a|an) (?:key|important|crucial) role|involves?"
)


@dataclass(frozen=True, slots=True)
class Part:
    alias: Alias
    units: tuple[Unit, ...] | None  # the Chinese part read through the glossary, for English


@dataclass(frozen=True, slots=True)
class Spelling:
    shown: str
    parts: tuple[Part, ...]


def compile_spelling(text: str, glossary: Glossary | None) -> Spelling | None:
    parts: list[Part] = []
    for raw in pattern_parts(text):
        alias = compile_alias(raw)
        if alias is None:
            return None
        units = glossary.units(raw) if glossary is not None else None
        if units is not None and not any(isinstance(u, int) for u in units):
            units = None  # only Latin words ("把LoRA的A" -> lora, a): literal matching covers it
        parts.append(Part(alias, units))
    return Spelling(text.strip(), tuple(parts)) if parts else None


def _spellings(texts: list[str], glossary: Glossary | None) -> tuple[Spelling, ...]:
    out = [compile_spelling(t, glossary) for t in texts]
    return tuple(s for s in out if s is not None)


@dataclass(frozen=True, slots=True)
class ClaimMatcher:
    """A key point's facets, compiled."""

    facets: tuple[tuple[Spelling, ...], ...]

    @property
    def has_facets(self) -> bool:
        return bool(self.facets)


def compile_claim(point: KeyPoint, glossary: Glossary | None = None) -> ClaimMatcher:
    facets = tuple(_spellings(facet, glossary) for facet in point.facets)
    return ClaimMatcher(tuple(f for f in facets if f))


@dataclass(frozen=True, slots=True)
class MisconceptionMatcher:
    misconception: Misconception
    patterns: tuple[Spelling, ...]


def compile_misconception(
    wrong: Misconception, glossary: Glossary | None = None
) -> MisconceptionMatcher:
    return MisconceptionMatcher(wrong, _spellings(wrong.patterns, glossary))


@dataclass(frozen=True, slots=True)
class Span:
    """A sentence or clause of the answer: compact for matching and, when the answer is read as
    English, the range of its words in the answer's glossary reading."""

    text: Compact
    english: Glossed | None
    first_word: int = 0
    end_word: int = 0
    # The clause denies something ("不是…", "is not …").
    negated: bool = False

    def says(self, units: tuple[Unit, ...]) -> bool:
        """Every glossary part of a Chinese spelling is said by the English words of this span."""
        if self.english is None:
            return False
        for unit in units:
            positions = self.english.positions.get(unit)
            if not positions:
                return False
            i = bisect_left(positions, self.first_word)
            if i >= len(positions) or positions[i] >= self.end_word:
                return False
        return True


@dataclass(frozen=True, slots=True)
class ReadAnswer:
    sentences: tuple[Span, ...]
    clauses: tuple[Span, ...]
    fluff: bool


def read_answer(normalized: str, english: Glossed | None) -> ReadAnswer:
    """The answer in sentences and clauses. `english` is the glossary reading of the whole
    answer (None for a Chinese one); each span keeps the range of its words in it."""
    sentences: list[Span] = []
    clauses: list[Span] = []
    word = 0
    for sentence in _SENTENCE.split(normalized):
        packed = compact(sentence)
        if not packed.text:
            word += _word_count(sentence, english)
            continue
        start = word
        for clause in _CLAUSE.split(sentence):
            size = _word_count(clause, english)
            packed_clause = compact(clause)
            if packed_clause.text:
                denied = bool(_CLAUSE_NEGATION.search(clause))
                clauses.append(Span(packed_clause, english, word, word + size, denied))
            word += size
        sentences.append(Span(packed, english, start, word))
    return ReadAnswer(tuple(sentences), tuple(clauses), bool(_FLUFF.search(normalized)))


def _word_count(text: str, english: Glossed | None) -> int:
    return len(english_words(text)) if english is not None else 0


def spelling_in(spelling: Spelling, span: Span) -> bool:
    for part in spelling.parts:
        if found_at(part.alias, span.text) >= 0:
            continue
        if part.units and span.says(part.units):
            continue
        return False
    return True


def facets_stated(claim: ClaimMatcher, answer: ReadAnswer) -> tuple[int, list[str]]:
    """The most facets of the point that one sentence states, and the words that showed them."""
    best = 0
    words: list[str] = []
    for sentence in answer.sentences:
        said = []
        for facet in claim.facets:
            hit = next((s for s in facet if spelling_in(s, sentence)), None)
            if hit is not None:
                said.append(hit.shown)
        if len(said) > best:
            best, words = len(said), said
            if best == len(claim.facets):
                break
    return best, words


def stated_misconceptions(
    matchers: tuple[MisconceptionMatcher, ...], answer: ReadAnswer
) -> list[tuple[Misconception, str]]:
    """The misconceptions some clause states. A clause that denies ("不是把注意力矩阵分页",
    "it is not approximate") states the opposite and is skipped."""
    if not matchers:
        return []
    clauses = [c for c in answer.clauses if not c.negated]
    out = []
    for matcher in matchers:
        for clause in clauses:
            hit = next((p for p in matcher.patterns if spelling_in(p, clause)), None)
            if hit is not None:
                out.append((matcher.misconception, hit.shown))
                break
    return out


def list_joints(keys: list[str], answer: ReadAnswer) -> tuple[int, int, set[str]]:
    """How many of the question's terms the answer uses, how many of them stand in a bare
    enumeration (right next to another term, only "、", "和", "and" between them), and which."""
    hits = 0
    listed = 0
    listed_keys: set[str] = set()
    for clause in answer.clauses:
        text = clause.text.text
        spans: list[tuple[int, int]] = []
        for key in keys:
            start = text.find(key)
            while start != -1:
                spans.append((start, start + len(key)))
                start = text.find(key, start + 1)
        if not spans:
            continue
        spans = _outermost(spans)
        hits += len(spans)
        in_list = [False] * len(spans)
        for i in range(1, len(spans)):
            gap = text[spans[i - 1][1] : spans[i][0]]
            if gap in _LIST_GLUE or _short_filler(gap):
                in_list[i - 1] = in_list[i] = True
        listed += sum(in_list)
        listed_keys.update(text[a:b] for (a, b), flag in zip(spans, in_list, strict=True) if flag)
    return hits, listed, listed_keys


def _short_filler(gap: str) -> bool:
    """A one-letter gap ("矩阵 A 和 B" leaves "a和b") is still a list joint."""
    if len(gap) > 3:
        return False
    rest = gap
    for glue in ("以及", "或者", "还有", "和", "与", "及", "或", "跟"):
        rest = rest.replace(glue, "")
    return all(is_latin_letter(c) or c.isdigit() for c in rest) and len(rest) <= 2


def _outermost(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    spans.sort(key=lambda s: (s[0], -s[1]))
    out: list[tuple[int, int]] = []
    for start, end in spans:
        if out and start < out[-1][1]:
            continue
        out.append((start, end))
    return out


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
