"""The question bank's schema: what a bank file, a topic and an exclusion look like.

Every bank file under `content/bank/` (and every team folder named in the settings) is
validated against these models before the bot starts; nothing half-valid is ever loaded.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MIN_KEY_POINTS = 3
MAX_KEY_POINTS = 8


class Strict(BaseModel):
    """Unknown keys are errors: a typo in a bank file must not pass silently."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Source(Strict):
    """Where a question was asked: a seed file's name and the 1-based line of the question."""

    file: str
    line: Annotated[int, Field(ge=1)]


class KeyPoint(Strict):
    """One thing a good answer must say, with the words that show it was said."""

    point: Annotated[str, Field(min_length=1)]
    # Spellings that count as covering the point, in Chinese and English ("KV Cache", "键值缓存").
    aliases: list[str] = Field(default_factory=list)
    weight: Annotated[float, Field(gt=0, le=5)] = 1.0


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
