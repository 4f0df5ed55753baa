"""Records of the weekly digest the Store hands out: its claim, and the week's figures."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict

from storage.daily_models import ChannelKey

DigestState = Literal["claimed", "posted", "empty", "failed"]


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True)


class NewDigest(_Record):
    """A claim: one channel's digest of the week before `week_start` (a Monday, local)."""

    config_id: int
    platform: str
    workspace_id: str
    channel_id: str
    week_start: str
    timezone: str
    locale: str
    due_at: AwareDatetime
    closes_at: AwareDatetime

    @property
    def channel(self) -> ChannelKey:
        return ChannelKey(
            platform=self.platform, workspace_id=self.workspace_id, channel_id=self.channel_id
        )


class DigestRecord(NewDigest):
    id: int
    state: DigestState
    lease_until: AwareDatetime | None
    tries: int
    message_id: str | None
    error: str | None
    posted_at: AwareDatetime | None


class MemberWeek(_Record):
    """One member's finished attempts in a week: points, how many, and their scores' sum."""

    member_id: int
    user_id: str
    display_name: str | None
    show_name: bool  # `config me show-name=on`: the digest may name them
    points: float
    attempts: int
    score_sum: float  # unanswered (skipped, timed out) attempts count as 0, as in stats
    last_at: AwareDatetime  # their last finished attempt: who reached a tied total first


class PostWeek(_Record):
    """One daily post of the channel in a week, with its answers' count and average score."""

    post_id: int
    local_date: str
    question_id: str
    topic: str
    difficulty: int
    answers: int
    average_score: float


class MemberWeeks(_Record):
    """A workspace's members in a digest's week and in the week before it (for "improved")."""

    week: list[MemberWeek]
    week_before: list[MemberWeek]
