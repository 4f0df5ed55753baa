"""Records of the daily challenge the Store hands out: frozen, datetimes aware UTC."""

from __future__ import annotations

from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict

DailyPostState = Literal["claimed", "posted", "failed"]


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True)


class ChannelKey(_Record):
    platform: str
    workspace_id: str
    channel_id: str


class _InChannel(_Record):
    """A record of one channel's daily challenge."""

    platform: str
    workspace_id: str
    channel_id: str

    @property
    def channel(self) -> ChannelKey:
        return ChannelKey(
            platform=self.platform, workspace_id=self.workspace_id, channel_id=self.channel_id
        )


class DailyConfigValues(_Record):
    """What `config daily` sets (validated by the core)."""

    enabled: bool
    post_hour: int
    post_minute: int
    timezone: str
    days: str  # weekday digits, 0 = Monday
    topics: list[str] | None
    difficulty: int | None
    window_s: int | None
    digest: bool
    locale: str
    set_by_member_id: int | None


class DailyConfigRecord(DailyConfigValues, _InChannel):
    id: int
    disabled_reason: str | None
    updated_at: AwareDatetime


class NewDailyPost(_InChannel):
    """A claim: the channel's day, the question chosen for it, and when it closes."""

    config_id: int
    local_date: str
    question_id: str
    topic: str
    difficulty: int
    locale: str
    due_at: AwareDatetime
    closes_at: AwareDatetime


class DailyPostRecord(NewDailyPost):
    id: int
    state: DailyPostState
    lease_until: AwareDatetime | None
    tries: int
    message_id: str | None
    error: str | None
    posted_at: AwareDatetime | None
    answers: int
    reveal_lease_until: AwareDatetime | None
    revealed_at: AwareDatetime | None
    reveal_message_id: str | None


class DailyAnswerRow(_Record):
    """One member's graded answer to a daily post, with what the reveal may say about them."""

    member_id: int
    attempt_id: int
    score: float
    answered_at: AwareDatetime
    display_name: str | None
    user_id: str
    show_name: bool


class StreakDay(_Record):
    """One posted day of a channel, and the member's score on it (None: not answered)."""

    platform: str
    workspace_id: str
    channel_id: str
    local_date: str
    closes_at: AwareDatetime
    score: float | None


class ForgetCounts(_Record):
    attempts: int
    sessions: int
    review_cards: int
    daily_answers: int
