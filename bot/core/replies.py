"""Replies: what the core answers with. Front ends render them; they never see records.

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


class _Reply(BaseModel):
    model_config = ConfigDict(frozen=True)

    locale: Locale


class QuestionCard(_Reply):
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


class HintCard(_Reply):
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


class Feedback(_Reply):
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
    # Set when this is the feedback on a daily question's answer (the post's id).
    daily_post_id: int | None = None
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


class Summary(_Reply):
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


class Board(_Reply):
    kind: Literal["board"] = "board"
    period: Period
    since: datetime | None
    rows: list[BoardRowView]
    # The asking member's own row when they are not among `rows` (None: they are, or have no
    # points in the period).
    you: BoardRowView | None = None


class TopicStatView(BaseModel):
    model_config = ConfigDict(frozen=True)

    topic_name: str
    attempts: int
    average_score: float


class StatsView(_Reply):
    kind: Literal["stats"] = "stats"
    attempts: int
    answered: int
    average_score: float
    points: float
    by_topic: list[TopicStatView]  # weakest first
    reviews_due: int = 0
    next_review_in_s: int | None = None  # when nothing is due yet but something is scheduled
    # Daily challenge: consecutive scheduled days answered with at least STREAK_MIN_SCORE.
    current_streak: int = 0
    best_streak: int = 0
    of_member: str | None = None  # another member's name; None: the asker's own stats


class TopicItem(BaseModel):
    model_config = ConfigDict(frozen=True)

    id: str
    name: str  # in the view's language
    other_name: str  # in the other language
    questions: int
    by_difficulty: dict[int, int]


class TopicsView(_Reply):
    kind: Literal["topics"] = "topics"
    topics: list[TopicItem]


class HelpView(_Reply):
    kind: Literal["help"] = "help"
    command: str | None
    text: str


class DailyCard(_Reply):
    """A channel's daily question: the post itself, its later edits, and `daily`'s answer."""

    kind: Literal["daily_card"] = "daily_card"
    post_id: int  # for the Answer button: ids.DailyAnswerAction(post_id)
    local_date: str  # the channel's day this question is for, YYYY-MM-DD
    question_id: str
    question: str
    topic_id: str
    topic_name: str
    difficulty: int
    closes_at: AwareDatetime
    answers: int  # how many members have answered so far
    closed: bool  # answers are closed (the reveal is out or on its way)
    # Only in the reply to `daily`, for the member who asked: their score, if they answered.
    your_score: float | None = None


class ScoreBand(BaseModel):
    model_config = ConfigDict(frozen=True)

    low: int  # inclusive
    high: int  # inclusive
    count: int


class RevealEntry(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str | None  # None: the member did not opt in (`config me show-name=on`): "a member"
    score: float


class DailyReveal(_Reply):
    """Posted in reply to the daily post when its window closes."""

    kind: Literal["daily_reveal"] = "daily_reveal"
    post_id: int
    local_date: str
    question: str
    topic_name: str
    difficulty: int
    reference_answer: str  # Markdown, as in the bank
    answers: int
    distribution: list[ScoreBand]  # 0–19 … 80–100, lowest first
    best: list[RevealEntry]  # best scores first, ties by who answered first


class DigestRow(BaseModel):
    model_config = ConfigDict(frozen=True)

    rank: int  # equal points share a rank
    name: str | None  # None: the member did not opt in (`config me show-name=on`): "a member"
    points: float
    attempts: int


class DigestImproved(BaseModel):
    model_config = ConfigDict(frozen=True)

    name: str | None  # as in DigestRow
    before: float  # average score the week before
    after: float  # average score last week


class DigestHardest(BaseModel):
    model_config = ConfigDict(frozen=True)

    local_date: str
    question: str
    topic_name: str
    difficulty: int
    average_score: float
    answers: int


class WeeklyDigest(_Reply):
    """Posted in a channel on Monday (`config daily digest=on`): the week before, Mon–Sun."""

    kind: Literal["weekly_digest"] = "weekly_digest"
    first_day: str  # that Monday, YYYY-MM-DD in the channel's zone
    last_day: str  # that Sunday
    members: int  # members of the workspace who finished a question that week
    attempts: int  # questions they finished
    top: list[DigestRow]  # by points, at most five, only members who earned points
    improved: DigestImproved | None  # None: nobody qualified
    improved_min: int  # questions needed in each of the two weeks to qualify
    hardest: DigestHardest | None  # None: no daily question here had enough answers
    hardest_min: int  # answers a daily question needs to count


class ConfigView(_Reply):
    """A channel's daily settings (`config show`, and the reply to `config daily …`)."""

    kind: Literal["config"] = "config"
    configured: bool  # False: this channel has no daily challenge
    enabled: bool
    channel_id: str | None
    time: str | None  # "09:00"
    timezone: str | None
    days: list[int]  # 0 = Monday
    topics: list[str]  # topic display names; empty = all topics
    difficulty: int | None
    window_s: int | None  # None: answers open until the next post
    digest: bool
    next_post_at: AwareDatetime | None
    disabled_reason: str | None  # set when the bot turned it off (the channel is gone)
    show_name: bool  # the asking member's own setting
    text: str | None = None  # a localized sentence saying what just changed, if anything


class ForgetConfirm(_Reply):
    """The "are you sure" step of forget-me: what would be deleted."""

    kind: Literal["forget_confirm"] = "forget_confirm"
    attempts: int
    sessions: int
    review_cards: int
    daily_answers: int
    text: str  # the localized question, naming what will be removed (front ends say how to answer)


class Notice(_Reply):
    kind: Literal["notice"] = "notice"
    code: str
    text: str


class ErrorNotice(_Reply):
    kind: Literal["error"] = "error"
    code: str
    text: str


Reply = Annotated[
    QuestionCard
    | HintCard
    | Feedback
    | Summary
    | Board
    | StatsView
    | TopicsView
    | HelpView
    | DailyCard
    | DailyReveal
    | WeeklyDigest
    | ConfigView
    | ForgetConfirm
    | Notice
    | ErrorNotice,
    Field(discriminator="kind"),
]
