"""The outbound port: how what the core says unprompted leaves it.

Commands are answered by returning replies. Everything else goes through a Messenger, which
each front end implements: `deliver` to a member where their session lives (a question's time
ran out, the judge's refined grade), `post` into a channel (the daily question, its reveal in
the post's thread) and `edit` a post made earlier (the answer count, "answers closed").

`deliver` swallows and logs its own failures: the event is already stored. `post` and `edit`
raise `DeliveryError`, because the daily poster records the outcome on its claim row and
decides whether to retry or to disable the channel.

`find_post` closes the one gap a claim row leaves: a process killed after the platform took a
post but before its id was stored. Before the poster sends such a claim again, it asks the
front end whether the post is already among the channel's recent messages.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

from pydantic import BaseModel, ConfigDict

from bot.core.commands import Actor, Place
from bot.core.replies import Reply


class ChannelRef(BaseModel):
    """A channel of one workspace on one platform."""

    model_config = ConfigDict(frozen=True)

    platform: str
    workspace_id: str
    channel_id: str


class DeliveryError(Exception):
    """A post or edit the platform refused.

    permanent: retrying cannot help (the channel is gone, the bot was removed or lacks access);
    otherwise (5xx, 429, a timeout) a later try may work, not before `retry_after_s` if given.
    """

    def __init__(
        self, reason: str, *, permanent: bool = False, retry_after_s: float | None = None
    ) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.retry_after_s = retry_after_s


@dataclass(frozen=True)
class PostPace:
    """How fast a platform lets a bot post: the daily poster keeps under both rates."""

    per_second: float  # over all channels (Discord: 50 requests/s)
    per_channel_per_second: float  # Slack: about 1 message/s per channel


class Messenger(Protocol):
    pace: PostPace

    async def deliver(self, actor: Actor, place: Place, replies: Sequence[Reply]) -> None:
        """Show `replies` to `actor` at `place`. Must not raise for delivery failures it can log."""
        ...

    async def post(
        self, channel: ChannelRef, replies: Sequence[Reply], *, thread_of: str | None = None
    ) -> str:
        """Post into `channel` (under the post `thread_of`, if given); the new message's id."""
        ...

    async def edit(self, channel: ChannelRef, message_id: str, replies: Sequence[Reply]) -> None:
        """Replace what the post `message_id` shows."""
        ...

    async def find_post(
        self, channel: ChannelRef, replies: Sequence[Reply], *, thread_of: str | None = None
    ) -> str | None:
        """The id of a recent post of the bot's in `channel` (under `thread_of`, if given) that
        shows `replies`, or None. Best effort: None when the platform cannot tell."""
        ...


@dataclass
class RecordingMessenger:
    """Keeps everything delivered and posted, in order: for tests and benchmarks."""

    pace: PostPace = field(default_factory=lambda: PostPace(1000.0, 1000.0))
    deliveries: list[tuple[Actor, Place, list[Reply]]] = field(default_factory=list)
    posts: list[tuple[ChannelRef, str, str | None, list[Reply]]] = field(default_factory=list)
    edits: list[tuple[ChannelRef, str, list[Reply]]] = field(default_factory=list)

    async def deliver(self, actor: Actor, place: Place, replies: Sequence[Reply]) -> None:
        self.deliveries.append((actor, place, list(replies)))

    async def post(
        self, channel: ChannelRef, replies: Sequence[Reply], *, thread_of: str | None = None
    ) -> str:
        message_id = f"m{len(self.posts) + 1}"
        self.posts.append((channel, message_id, thread_of, list(replies)))
        return message_id

    async def edit(self, channel: ChannelRef, message_id: str, replies: Sequence[Reply]) -> None:
        self.edits.append((channel, message_id, list(replies)))

    async def find_post(
        self, channel: ChannelRef, replies: Sequence[Reply], *, thread_of: str | None = None
    ) -> str | None:
        wanted = list(replies)
        for posted_in, message_id, under, shown in reversed(self.posts):
            if (posted_in, under, shown) == (channel, thread_of, wanted):
                return message_id
        return None

    def pop(self) -> list[tuple[Actor, Place, list[Reply]]]:
        out, self.deliveries = self.deliveries, []
        return out
