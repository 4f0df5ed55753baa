"""Claims: does the answer *state* a key point, or only name its terms? And does it state a known
misconception?

A key point's facets are what it says about its concept; the point is stated when every facet
occurs in one sentence of the answer (a spelling may join parts with "+": all parts in that
sentence, in any order). Naming the terms somewhere, or listing them one after another, is not
stating the point. A misconception pattern must occur within one clause (between commas), none of
its parts negated, its parts in the order written ("bf16+精度+更高"), so that a right answer that
mentions the same words elsewhere or the other way round is not caught.

Everything here works on the normalised answer split once into sentences and clauses; the cost
per grade is a few substring searches per spelling.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.grading.glossary import Glossary, Glossed, Unit, english_words
from bot.core.grading.matching import Alias, PointMatcher, compile_alias, compile_point, found_at
from bot.core.grading.normalize import Compact, compact, compact_key, content_size, joined
from content.schema import KeyPoint, Misconception, pattern_parts

# Sentence ends. Arrows end a step of a chain ("KV 存下来 → 不用重算"): a step is a sentence.
_SENTENCE = re.compile(r"[。！？!?；;\n]+|\.(?:\s+|$)|->|=>|→|⇒|⟶")
# Clause ends inside a sentence.
_CLAUSE = re.compile(r"[，,：:（）()]+")
# What separates the items of an enumeration ("低秩、矩阵 A 和 B、冻结", "A, B and C").
_LIST_SPLIT = re.compile(r"[、,，/；;]|\s(?:and|or)\s|以及|或者|还有|和|与|及|跟")
# An item of a bare enumeration is a term, not a clause: at most this many "words".
_ITEM_MAX_SIZE = 8
_MIN_RUN = 3
# What an item may have besides a known term and still be that term ("秩r", "冻结参数").
_TERM_SLACK = 2
# A clause with one of these denies what it says. "是不是" asks, it does not deny.
_CLAUSE_NEGATION = re.compile(
    r"(?<!是)不是|并非|并不|而非|不会|不能|不需要|无需|不用|没有|并没|不再|不必|不一定|未必|无法"
    r"|不可能|不支持|不应|不该|不要|避免|\b(?:not|never|cannot|no)\b|n't"
)
# Vague praise that says nothing about the subject; stuffed answers lean on it.
_FLUFF = re.compile(
    r"非常重要|十分重要|至关重要|很重要|都很关键|非常关键|十分关键|都非常|都是.{0,12}(?:关键|核心|重要)"
    r"|核心技术|关键技术|重要意义|关键作用|重要作用|综合运用|协同配合|共同决定|共同构成|密切相关"
    r"|这些(?:因素|技术|方法|概念|要素|都)|涉及|包括了|起到了"
    r"|(?:very|extremely|really) (?:important|crucial|critical|key)|all (?:important|crucial|key)"
    r"|plays? (?:a|an) (?:key|important|crucial) role"
)


@dataclass(frozen=True, slots=True)
class Part:
    alias: Alias
    units: tuple[Unit, ...] | None  # the Chinese part read through the glossary, for English


@dataclass(frozen=True, slots=True)
class Spelling:
    shown: str
    parts: tuple[Part, ...]
    # Negations the spelling says itself ("没有长度限制"): a clause with no more than these
    # states it; one with more denies it.
    denials: int = 0
    # Its parts' compact keys that must occur literally: all of them for a Chinese answer; for
    # one read as English too, those of parts the glossary cannot say in English words.
    keys: tuple[str, ...] = ()
    literal_keys: tuple[str, ...] = ()


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
    if not parts:
        return None
    return Spelling(
        text.strip(),
        tuple(parts),
        len(_CLAUSE_NEGATION.findall(text)),
        keys=tuple(part.alias.key for part in parts),
        literal_keys=tuple(part.alias.key for part in parts if not part.units),
    )


def _spellings(texts: list[str], glossary: Glossary | None) -> tuple[Spelling, ...]:
    out = [compile_spelling(t, glossary) for t in texts]
    return tuple(s for s in out if s is not None)


@dataclass(frozen=True, slots=True)
class ClaimMatcher:
    """A key point's facets, compiled.

    A point with one facet of plain spellings (no "+") needs no sentences: it is stated where
    any spelling occurs, so it is matched on the whole answer like aliases are (`whole`), and
    when those spellings are the point's aliases the alias match is reused (`same_as_aliases`).
    """

    facets: tuple[tuple[Spelling, ...], ...]
    whole: PointMatcher | None = None
    same_as_aliases: bool = False

    @property
    def has_facets(self) -> bool:
        return bool(self.facets)


def compile_claim(
    point: KeyPoint, glossary: Glossary | None = None, asked: tuple[str, ...] = ()
) -> ClaimMatcher:
    facets = tuple(f for f in (_spellings(facet, glossary) for facet in point.facets) if f)
    if len(facets) != 1 or any(len(s.parts) > 1 for s in facets[0]):
        return ClaimMatcher(facets)
    spellings = point.facets[0]
    whole = compile_point(point.model_copy(update={"aliases": spellings}), asked, glossary)
    return ClaimMatcher(facets, whole, sorted(spellings) == sorted(point.aliases))


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
    # How many negations the clause has ("不是…", "is not …"): each denies what it says.
    denials: int = 0

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
    # The sentences as normalised text, for finding enumerations; and the whole answer.
    texts: tuple[str, ...] = ()
    whole: str = ""
    packed: Compact | None = None
    # Its spans were read as English too (a spelling's part may be said in English words).
    glossed: bool = False

    def may_say(self, spelling: Spelling) -> bool:
        """False when no span of the answer can have the spelling: a part occurs nowhere in the
        whole answer (every span's text is a piece of it) and cannot be said in English."""
        if self.packed is None:
            return True
        whole = self.packed.text
        for key in spelling.literal_keys if self.glossed else spelling.keys:
            if key not in whole:
                return False
        return True


def read_answer(
    normalized: str, english: Glossed | None, packed: Compact | None = None
) -> ReadAnswer:
    """The answer in sentences and clauses. `english` is the glossary reading of the whole
    answer (None for a Chinese one); each span keeps the range of its words in it."""
    sentences: list[Span] = []
    clauses: list[Span] = []
    texts: list[str] = []
    word = 0
    for sentence in _SENTENCE.split(normalized):
        start = word
        pieces: list[Compact] = []
        for clause in _CLAUSE.split(sentence):
            size = _word_count(clause, english)
            packed_clause = compact(clause)
            if packed_clause.text:
                pieces.append(packed_clause)
                denials = len(_CLAUSE_NEGATION.findall(clause))
                clauses.append(Span(packed_clause, english, word, word + size, denials))
            word += size
        if pieces:
            # Clause breaks are separators: the sentence is its clauses, compacted, end to end.
            texts.append(sentence)
            sentences.append(Span(joined(pieces), english, start, word))
    fluff = bool(_FLUFF.search(normalized))
    return ReadAnswer(
        tuple(sentences),
        tuple(clauses),
        fluff,
        tuple(texts),
        normalized,
        packed,
        glossed=english is not None,
    )


def _word_count(text: str, english: Glossed | None) -> int:
    return len(english_words(text)) if english is not None else 0


def spelling_in(spelling: Spelling, span: Span, *, ordered: bool = False) -> bool:
    """All parts of the spelling occur in the span; with `ordered`, in the order written
    ("bf16+精度+更高" is not "fp16 精度比 bf16 更高")."""
    after = 0
    for part in spelling.parts:
        at = found_at(part.alias, span.text, after)
        if at >= 0:
            if ordered:
                after = at + len(part.alias.key)
            continue
        if part.units and span.says(part.units):
            continue
        return False
    return True


def facets_stated(
    claim: ClaimMatcher, answer: ReadAnswer, subject: tuple[str, ...] = ()
) -> tuple[int, list[str]]:
    """The most facets of the point that one sentence states close together, and the words
    that showed them. Close: within FACET_WINDOW characters, so that in "ZeRO-1 切参数，ZeRO-3
    切优化器状态" stage 1 is not credited with the optimizer states of stage 3. A word inside
    the name of the question's subject is not a facet: "KV Cache" says neither "K and V" nor
    "cache" (`subject`: the compact names of the subject)."""
    # Only the spellings the answer may have: the others are in no sentence.
    facets = [[s for s in facet if answer.may_say(s)] for facet in claim.facets]
    if len(facets) == 1:
        # One facet: any sentence that has one of its spellings states it; no window to check.
        if facets[0]:
            for sentence in answer.sentences:
                hit = next((s for s in facets[0] if spelling_in(s, sentence)), None)
                if hit is not None:
                    return 1, [hit.shown]
        return 0, []
    if not any(facets):
        return 0, []
    best = 0
    words: list[str] = []
    for sentence in answer.sentences:
        said: list[str] = []
        starts: list[list[int]] = []
        names = _occurrences(subject, sentence.text.text) if subject else []
        for facet in facets:
            where: list[int] = []
            shown = ""
            for spelling in facet:
                found = _starts(spelling, sentence, names)
                if found:
                    where.extend(found)
                    shown = shown or spelling.shown
            if shown:
                said.append(shown)
                starts.append(where)
        count = len(said)
        if count == len(claim.facets) and count > 1 and not _close(starts):
            count -= 1
        if count > best:
            best, words = count, said
            if best == len(claim.facets):
                break
    return best, words


# How far apart (compact characters) the facets of one claim may start.
FACET_WINDOW = 24


def _starts(spelling: Spelling, span: Span, names: Sequence[tuple[int, int]] = ()) -> list[int]:
    """Where the spelling's first part starts in the span ([-1] when it is said only in English
    words, whose place is not comparable), or [] when the spelling is not all there or only as
    a piece of a name in `names` (start, end)."""
    if span.english is None and any(key not in span.text.text for key in spelling.keys):
        return []  # a part is not in this span at all (the common case, without a call)
    if not spelling_in(spelling, span):
        return []
    first = spelling.parts[0].alias
    size = len(first.key)
    out: list[int] = []
    inside = False
    at = found_at(first, span.text)
    while at >= 0 and len(out) < 8:
        end = at + size
        if any(a <= at and end <= b and (a, b) != (at, end) for a, b in names):
            inside = True
        else:
            out.append(at)
        at = found_at(first, span.text, at + 1)
    if not out and inside:
        return []
    return out or [-1]


def _occurrences(names: tuple[str, ...], text: str) -> list[tuple[int, int]]:
    out = []
    for name in names:
        at = text.find(name)
        while at != -1:
            out.append((at, at + len(name)))
            at = text.find(name, at + 1)
    return out


def _close(starts: list[list[int]]) -> bool:
    """Some choice of one start per facet lies within FACET_WINDOW (English parts always do)."""
    fixed = [[p for p in where if p >= 0] for where in starts]
    fixed = [where for where in fixed if where]
    if len(fixed) < 2:
        return True
    anchors = fixed[0]
    for anchor in anchors:
        if all(any(abs(p - anchor) <= FACET_WINDOW for p in where) for where in fixed[1:]):
            return True
    return False


def stated_misconceptions(
    matchers: tuple[MisconceptionMatcher, ...], answer: ReadAnswer
) -> list[tuple[Misconception, str]]:
    """The misconceptions some clause states. A clause that denies ("不是把注意力矩阵分页",
    "it is not approximate") states the opposite; unless the wrong claim is itself a denial
    ("没有长度限制"), and the clause denies nothing more."""
    if not matchers:
        return []
    out = []
    for matcher in matchers:
        # Only the patterns the answer may have: the others are in no clause.
        patterns = [p for p in matcher.patterns if answer.may_say(p)]
        if not patterns:
            continue
        for clause in answer.clauses:
            hit = next(
                (
                    p
                    for p in patterns
                    if clause.denials <= p.denials and spelling_in(p, clause, ordered=True)
                ),
                None,
            )
            if hit is not None:
                out.append((matcher.misconception, hit.shown))
                break
    return out


def listed_items(answer: ReadAnswer) -> set[str]:
    """The items of the answer's bare enumerations: runs of at least three short segments
    separated only by "、", commas, "和", "and" ("冻结参数、低秩矩阵、梯度和激活值"), compact."""
    items: set[str] = set()
    for sentence in answer.texts:
        run: list[str] = []
        for segment in [*_LIST_SPLIT.split(sentence), ""]:
            key = compact_key(segment)
            short = bool(key) and content_size(segment) <= _ITEM_MAX_SIZE
            if short:
                run.append(key)
                continue
            if len(run) >= _MIN_RUN:
                items.update(run)
            run = []
    return items


def by_list_items(answer: ReadAnswer) -> ReadAnswer:
    """The answer cut at every list separator as well: in "低秩、矩阵 A 和 B、冻结", no claim
    spans two items of the list, so a claim must be stated inside one item to count."""
    pieces = [
        Span(packed, None)
        for sentence in answer.texts
        for piece in _LIST_SPLIT.split(sentence)
        if (packed := compact(piece)).text
    ]
    return ReadAnswer(tuple(pieces), (), answer.fluff, answer.texts, answer.whole, answer.packed)


def listed_terms(items: set[str], terms: frozenset[str]) -> int:
    """How many listed items are known terms (give or take a letter or a short word):
    "偏好数据昂贵、PPO 不稳定、资源消耗大" lists claims, not terms."""
    return sum(1 for item in items if _is_term(item, terms))


def _is_term(item: str, terms: frozenset[str]) -> bool:
    """The item is a term, or a term with at most a short word or a letter besides ("秩r")."""
    if item in terms or item.isascii():
        return True
    size = len(item)
    for start in range(size):
        for end in range(size, start + 1, -1):
            if item[start:end] in terms:
                rest = item[:start] + item[end:]
                return content_size(rest) <= _TERM_SLACK
    return False
