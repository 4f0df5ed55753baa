"""The grading contract: what every grader returns and the interface the core calls."""

from __future__ import annotations

from typing import Annotated, Literal, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

from content.schema import Question

# Verdict keys, not text: the i18n catalogue turns them into words for each locale.
Verdict = Literal["excellent", "good", "partial", "weak", "empty"]

# Guard keys a grader may report; adapters may explain each one to the member.
GUARD_EMPTY = "empty"
GUARD_DONT_KNOW = "dont-know"
GUARD_REPEATS_QUESTION = "repeats-question"
GUARD_OFF_TOPIC = "off-topic"
GUARD_KEYWORD_LIST = "keyword-list"
# Names many of the question's terms but states few of its claims (stuffing in prose).
GUARD_TERMS_WITHOUT_CLAIMS = "terms-without-claims"
# States a known misconception; the grade is capped and the feedback names the mistake.
GUARD_MISCONCEPTION = "misconception"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class CoveredPoint(_Frozen):
    point: str
    weight: float
    # The member's words that showed the point (the bank alias or the judge's evidence quote).
    matched: list[str] = Field(default_factory=list)


class MissedPoint(_Frozen):
    point: str
    weight: float


class StatedMisconception(_Frozen):
    """A known wrong statement the answer makes, and what is right instead."""

    claim: str
    correct: str
    # The member's words that showed it (the pattern as written in the bank).
    matched: str = ""


class GradeResult(_Frozen):
    score: Annotated[float, Field(ge=0, le=100)] = 0.0
    covered: list[CoveredPoint] = Field(default_factory=list)
    missed: list[MissedPoint] = Field(default_factory=list)
    guards: list[str] = Field(default_factory=list)
    misconceptions: list[StatedMisconception] = Field(default_factory=list)
    verdict: Verdict = "empty"
    grader: str
    version: str


@runtime_checkable
class Grader(Protocol):
    name: str
    version: str

    def grade(self, question: Question, answer: str) -> GradeResult: ...


class AnswerGrading(Protocol):
    """How the core grades a member's answer: awaited, as it may be graded in another process
    (bot.core.grading.pool)."""

    async def grade(self, question: Question, answer: str) -> GradeResult: ...

    async def aclose(self) -> None: ...
