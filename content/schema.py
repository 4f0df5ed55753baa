"""The question bank's schema: what a bank file, a topic and an exclusion look like.

Every bank file under `content/bank/` (and every team folder named in the settings) is
validated against these models before the bot starts; nothing half-valid is ever loaded.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# What the grader ignores when it compares texts; a pattern made only of these can never match.
_NO_CONTENT = re.compile(r"[\W_]+")
# Joins the parts of a facet alias or misconception pattern that must occur in the same sentence
# ("冻结+原权重": both words, in either order).
PART_JOIN = "+"
MIN_KEY_POINTS = 3
MAX_KEY_POINTS = 8


class Strict(BaseModel):
    """Unknown keys are errors: a typo in a bank file must not pass silently."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(Strict):
    """Where a question was asked: a seed file's name and the 1-based line of the question."""

    file: str
    line: Annotated[int, Field(ge=1)]


def pattern_parts(pattern: str) -> list[str]:
    """The parts of a facet alias or a misconception pattern ("冻结+原权重" -> two parts).

    Parts without content are dropped, so a spelling that ends in "+" ("HumanEval+", "C++") is
    one part.
    """
    return [part.strip() for part in pattern.split(PART_JOIN) if _NO_CONTENT.sub("", part)]


def never_matches(pattern: str) -> bool:
    """True when the pattern has no letter, digit or CJK character at all: it can never match."""
    return _NO_CONTENT.fullmatch(pattern) is not None or not pattern


def misconception_problems(question: Question) -> list[tuple[int, str]]:
    """Misconceptions that would mark a right answer wrong: one identical to a key point, or with
    a pattern that is also a key point's spelling. (index, problem) pairs; checked by `content
    validate` rather than on every load, which it would slow by a fifth."""
    if not question.misconceptions:
        return []
    points = {_content_key(p.point) for p in question.key_points}
    spellings = {
        _content_key(s)
        for p in question.key_points
        for s in (*p.aliases, *(s for facet in p.facets for s in facet))
    }
    out: list[tuple[int, str]] = []
    for index, wrong in enumerate(question.misconceptions):
        if _content_key(wrong.claim) in points:
            out.append((index, f"misconception {wrong.claim!r} is identical to a key point"))
            continue
        same = [p for p in wrong.patterns if _content_key(p) in spellings]
        if same:
            out.append(
                (
                    index,
                    f"misconception pattern {same[0]!r} is also a key point's spelling, so a "
                    "right answer would be marked wrong",
                )
            )
    return out


def _content_key(text: str) -> str:
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return _NO_CONTENT.sub("", text.lower())


class KeyPoint(Strict):
    """One thing a good answer must say: the concept, and the claim it makes about it.

    `aliases` name the concept ("KV Cache", "键值缓存"); naming it alone shows the member knows the
    word, not the point. `facets` are what the point says about it: each facet is a list of
    spellings (Chinese, English, colloquial), and the point counts as stated when every facet
    occurs in one sentence of the answer. A spelling may join parts with "+" ("冻结+原权重"):
    all parts in that sentence, in any order.
    """

    point: Annotated[str, Field(min_length=1)]
    # Spellings that count as naming the point, in Chinese and English ("KV Cache", "键值缓存").
    aliases: list[str] = Field(default_factory=list)
    facets: list[list[str]] = Field(default_factory=list)
    weight: Annotated[float, Field(gt=0, le=5)] = 1.0

    @field_validator("facets")
    @classmethod
    def _facets_can_match(cls, value: list[list[str]]) -> list[list[str]]:
        for number, facet in enumerate(value, 1):
            if not facet:
                raise ValueError(f"facet {number} has no spellings")
            for spelling in facet:
                if never_matches(spelling):
                    raise ValueError(
                        f"facet {number}: spelling {spelling!r} can never match "
                        "(empty or only punctuation)"
                    )
        return value


class Misconception(Strict):
    """A wrong statement candidates really make, and how to recognise it in an answer.

    `patterns` use the facet syntax, but all parts must occur in one clause and in the order
    written ("bf16+精度+更高"), none negated: one matching pattern means the answer states the
    misconception. `why` says what is right instead.
    """

    claim: Annotated[str, Field(min_length=2)]
    patterns: Annotated[list[str], Field(min_length=1)]
    why: Annotated[str, Field(min_length=2)]

    @field_validator("patterns")
    @classmethod
    def _patterns_can_match(cls, value: list[str]) -> list[str]:
        for pattern in value:
            if never_matches(pattern):
                raise ValueError(f"pattern {pattern!r} can never match (empty or only punctuation)")
        return value


class Question(Strict):
    id: str
    topic: str
    tags: list[str] = Field(default_factory=list)
    difficulty: Annotated[int, Field(ge=1, le=3)] = 2
    question: Annotated[str, Field(min_length=2)]
    # Other phrasings of the same question found across the seeds.
    variants: list[str] = Field(default_factory=list)
    answer: Annotated[str, Field(min_length=1)]
    key_points: list[KeyPoint]
    # Wrong statements that cap the grade and are named in the feedback.
    misconceptions: list[Misconception] = Field(default_factory=list)
    sources: list[Source] = Field(default_factory=list)
    revised: bool = False
    revision_note: str | None = None
    # Set by the importer on questions it drafted from Markdown; a curator clears it after review.
    needs_review: bool = False

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not SLUG.match(value):
            raise ValueError(f"id {value!r} must be a lowercase slug like 'kv-cache-basics'")
        return value

    @field_validator("answer")
    @classmethod
    def _answer_not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("answer is empty")
        return value

    @field_validator("key_points")
    @classmethod
    def _key_point_count(cls, value: list[KeyPoint]) -> list[KeyPoint]:
        if not MIN_KEY_POINTS <= len(value) <= MAX_KEY_POINTS:
            raise ValueError(
                f"needs {MIN_KEY_POINTS}-{MAX_KEY_POINTS} key points, has {len(value)}"
            )
        return value

    @model_validator(mode="after")
    def _revision_has_reason(self) -> Question:
        if self.revised and not (self.revision_note and self.revision_note.strip()):
            raise ValueError("revised: true needs a one-line revision_note")
        return self


class BankFile(Strict):
    """One YAML file of the bank: every question in it belongs to `topic`."""

    topic: str
    questions: list[Question]

    @model_validator(mode="after")
    def _questions_match_topic(self) -> BankFile:
        for question in self.questions:
            if question.topic != self.topic:
                raise ValueError(
                    f"question {question.id!r} has topic {question.topic!r}, file is {self.topic!r}"
                )
        return self


class Topic(Strict):
    id: str
    zh: str
    en: str
    # Extra names members may type for the topic ("PEFT", "微调").
    aliases: list[str] = Field(default_factory=list)

    @field_validator("id")
    @classmethod
    def _slug(cls, value: str) -> str:
        if not SLUG.match(value):
            raise ValueError(f"topic id {value!r} must be a lowercase slug")
        return value


class Taxonomy(Strict):
    topics: list[Topic]


class Exclusion(Strict):
    """A seed line that looks like a question but is not one, and why."""

    file: str
    line: Annotated[int, Field(ge=1)]
    reason: Annotated[str, Field(min_length=3)]
    text: str | None = None


class ExclusionList(Strict):
    excluded: list[Exclusion]
