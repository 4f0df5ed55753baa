"""View models: what the core answers with. Front ends render them; they never see records.

Sentences (notices, errors, help, the verdict) arrive already localized in `text` fields;
labels around the data ("2/5", "time left") are the renderer's job, through `i18n.t` with the
view's `locale`, so a Discord embed and a console line say the same thing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from bot.core.commands import Locale, Period

Outcome = Literal["answered", "skipped", "expired", "stopped"]


class _View(BaseModel):
    model_config = ConfigDict(frozen=True)

    locale: Locale


class QuestionCard(_View):
    kind: Literal["question"] = "question"
    session_id: str
    attempt_id: int
    position: int  # 1-based
    total: int
    question_id: str
    topic_id: str
    topic_name: str
    difficulty: int
    question: str
    deadline: AwareDatetime
    seconds_left: int
    time_limit_s: int
    hints: list[str]  # key points revealed so far, in order
    max_score: float  # what this question can still score (hints lower it)


class HintCard(_View):
    kind: Literal["hint"] = "hint"
    session_id: str
    position: int
    total: int
    number: int  # 1-based: the how-many-th hint for this question
    available: int  # key points the question has
    point: str
    max_score: float
    seconds_left: int


class CoveredPointView(BaseModel):
    model_config = ConfigDict(frozen=True)

    point: str
    matched: list[str]


class Feedback(_View):
    kind: Literal["feedback"] = "feedback"
    session_id: str
    attempt_id: int  # chat front ends put it on "grade too low/high" buttons
    position: int
    total: int
    question_id: str
    topic_name: str
    difficulty: int
    question: str
    outcome: Outcome
    score: float
    max_score: float
    points: float
    covered: list[CoveredPointView]
    missed: list[str]
    verdict: str  # one localized line
    reference_answer: str  # Markdown, as in the bank
    grader: str | None  # "name version" for answered questions
    time_taken_s: int
    # The question's time ran out while the bot was not running; say so rather than pretend.
    while_offline: bool = False
    # The offline grade, shown at once, while the LLM judge re-reads the answer.
    judge_pending: bool = False
    # Delivered later: the judge's grade has replaced the one shown before.
    refined: bool = False
    # The member's best points on this question before: only what beats it is earned again.
    earlier_points: float = 0.0
    # Known wrong statements in the answer, each one localized "❗ …（正确的是 …）" line.
    misconceptions: list[str] = Field(default_factory=list)


class SummaryItem(BaseModel):
    model_config = ConfigDict(frozen=True)

    position: int
    question: str
    topic_name: str
    outcome: Outcome | Literal["asking"]
    score: float
    max_score: float
    points: float
    time_taken_s: int


class Summary(_View):
    kind: Literal["summary"] = "summary"
    session_id: str
    ended: Literal["finished", "stopped"]
    items: list[SummaryItem]
    asked: int
    planned: int
    total_score: float
    total_possible: float  # 100 per question asked
    average_score: float
    points: float
    weakest_topics: list[str]  # display names, weakest first


class BoardRowView(BaseModel):
    model_config = ConfigDict(frozen=True)

    rank: int
    name: str
    points: float
    attempts: int
    is_you: bool


class Board(_View):
    kind: Literal["board"] = "board"
    period: Period
    since: datetime | None
    rows: list[BoardRowView]


class TopicStatView(BaseModel):
    model_config = ConfigDict(frozen=True)

    topic_name: str
    attempts: int
    average_score: float


class StatsView(_View):
    kind: Literal["stats"] = "stats"
    attempts: int
    answered: int
    average_score: float
    points: float
    by_topic: list[TopicStatView]  # weakest first
    reviews_due: int = 0
    next_review_in_s: int | None = None  # when nothing is due yet but something is scheduled


class TopicItem(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    name: str  # in the view's language
    other_name: str  # in the other language
    questions: int
    by_difficulty: dict[int, int]


class TopicsView(_View):
    kind: Literal["topics"] = "topics"
    topics: list[TopicItem]


class HelpView(_View):
    kind: Literal["help"] = "help"
    command: str | None
    text: str


class Notice(_View):
    kind: Literal["notice"] = "notice"
    code: str
    text: str


class ErrorNotice(_View):
    kind: Literal["error"] = "error"
    code: str
    text: str


View = Annotated[
    QuestionCard
    | HintCard
    | Feedback
    | Summary
    | Board
    | StatsView
    | TopicsView
    | HelpView
    | Notice
    | ErrorNotice,
    Field(discriminator="kind"),
]
