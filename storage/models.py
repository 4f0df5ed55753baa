"""The records the Store hands out: frozen pydantic models, all datetimes aware UTC."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict

SessionState = Literal["active", "finished", "stopped"]
EndedSessionState = Literal["finished", "stopped"]
AttemptState = Literal["asking", "answered", "skipped", "expired", "stopped"]
FinishedAttemptState = Literal["answered", "skipped", "expired", "stopped"]
SelfAssessment = Literal["too_low", "too_high"]


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True)


class MemberKey(_Record):
    """Who someone is on one platform, in one workspace (Discord guild / Slack team)."""

    platform: str
    workspace_id: str
    user_id: str


class Member(_Record):
    id: int
    platform: str
    workspace_id: str
    user_id: str
    display_name: str | None
    locale: str | None
    created_at: AwareDatetime

    @property
    def key(self) -> MemberKey:
        return MemberKey(
            platform=self.platform, workspace_id=self.workspace_id, user_id=self.user_id
        )


class SessionRecord(_Record):
    id: str
    member_id: int
    platform: str
    workspace_id: str
    channel_id: str | None
    thread_id: str | None
    state: SessionState
    topic: str | None
    difficulty: int | None
    question_ids: list[str]
    time_limit_s: int
    current_index: int
    locale: str
    created_at: AwareDatetime
    ended_at: AwareDatetime | None


class AttemptRecord(_Record):
    id: int
    session_id: str
    member_id: int
    question_id: str
    topic: str
    difficulty: int
    position: int
    state: AttemptState
    asked_at: AwareDatetime
    deadline_at: AwareDatetime
    finished_at: AwareDatetime | None
    answer: str | None
    score: float | None
    max_score: float
    hints_used: int
    points: float
    grade: dict[str, Any] | None  # the GradeResult as JSON, grader name and version inside
    self_assessment: SelfAssessment | None


class BoardRow(_Record):
    rank: int  # members with equal points share a rank (1, 1, 3 …)
    member_id: int
    user_id: str
    display_name: str | None
    points: float
    attempts: int  # finished attempts in the period


class TopicStat(_Record):
    topic: str
    attempts: int
    average_score: float


class MemberStats(_Record):
    attempts: int  # finished attempts
    answered: int  # attempts in state 'answered'
    average_score: float  # over finished attempts; no score counts as 0
    points: float
    by_topic: list[TopicStat]  # weakest (lowest average) first


class ReviewCard(_Record):
    member_id: int
    question_id: str
    card: dict[str, Any]  # an fsrs Card as JSON (Card.to_dict())
    due_at: AwareDatetime
    updated_at: AwareDatetime


__all__ = [
    "AttemptRecord",
    "AttemptState",
    "BoardRow",
    "EndedSessionState",
    "FinishedAttemptState",
    "Member",
    "MemberKey",
    "MemberStats",
    "ReviewCard",
    "SelfAssessment",
    "SessionRecord",
    "SessionState",
    "TopicStat",
]
