"""The core's Messenger on Discord: what the core says later, sent through the same Poster.

- `deliver`: a timeout's feedback and next card, the judge's refined grade: into the session's
  thread (or the member's DMs); the finished question's card is edited to show it closed.
  Failures are logged, never raised (the event is already stored).
- `post` / `edit`: the daily challenge's card in a channel, its reveal in a thread on the post,
  the answer count edited in. Refusals become DeliveryError (403/404 are permanent).
- `find_post`: a post a killed process sent but could not record, among the channel's (or the
  thread's) recent messages by the bot: by its buttons, or by its embed when it has none.

Pace: Discord allows 50 requests a second per bot and about 5 messages per 5 seconds per
channel; discord.py's limiter obeys the rate-limit headers on top of this.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

import discord
import structlog

from bot.adapters.discord.inbound import channel_id_of
from bot.adapters.discord.posting import Poster
from bot.adapters.discord.render import Outgoing, render_all
from bot.core.commands import Actor, Place
from bot.core.messenger import ChannelRef, DeliveryError, PostPace
from bot.core.replies import Reply

log = structlog.get_logger(__name__)

REVEAL_THREAD_NAME = "💡"
THREAD_ARCHIVE_MINUTES: Literal[1440] = 1440
LOOKBACK = 20  # recent messages read for a post a killed process may have sent


class DiscordMessenger:
    pace = PostPace(per_second=40.0, per_channel_per_second=1.0)

    def __init__(self) -> None:
        # Built before the client (the core needs a Messenger); the client attaches itself.
        self._client: discord.Client | None = None
        self._poster: Poster | None = None

    def attach(self, client: discord.Client, poster: Poster) -> None:
        self._client, self._poster = client, poster

    async def deliver(self, actor: Actor, place: Place, replies: Sequence[Reply]) -> None:
        if self._client is None or self._poster is None or not replies:
            log.warning("discord.deliver_before_ready", user_id=actor.user_id)
            return
        try:
            target = channel_id_of(place)
            if target is None:  # no place recorded: the member's DMs
                target = (await self._client.create_dm(discord.Object(int(actor.user_id)))).id
            await self._poster.send(target, replies, thread=place.thread_id is not None)
        except (discord.HTTPException, ValueError) as exc:
            log.warning(
                "discord.deliver_failed",
                user_id=actor.user_id,
                channel_id=place.thread_id or place.channel_id,
                error=f"{type(exc).__name__}: {exc}",
            )

    async def post(
        self, channel: ChannelRef, replies: Sequence[Reply], *, thread_of: str | None = None
    ) -> str:
        client, poster = self._ready()
        target = int(channel.channel_id)
        try:
            if thread_of is not None:
                target = await self._thread_on(target, int(thread_of))
            sent = await poster.send(target, replies, thread=False)
        except discord.HTTPException as exc:
            raise _delivery_error(exc) from exc
        if not sent:
            raise DeliveryError("nothing to post", permanent=True)
        return str(sent[0].id)

    async def edit(self, channel: ChannelRef, message_id: str, replies: Sequence[Reply]) -> None:
        _, poster = self._ready()
        outs = render_all(replies, poster.style)
        if not outs:
            return
        try:
            await poster.edit(int(channel.channel_id), int(message_id), outs[0])
        except discord.HTTPException as exc:
            raise _delivery_error(exc) from exc

    async def find_post(
        self, channel: ChannelRef, replies: Sequence[Reply], *, thread_of: str | None = None
    ) -> str | None:
        client, poster = self._ready()
        outs = render_all(replies, poster.style)
        if not outs or client.user is None:
            return None
        # A thread on a message has the message's id.
        target = int(thread_of) if thread_of is not None else int(channel.channel_id)
        try:
            recent = await client.http.logs_from(target, LOOKBACK)
        except discord.HTTPException as exc:
            log.info("discord.recent_unread", channel_id=target, status=exc.status)
            return None
        for message in recent:
            if int(message["author"]["id"]) == client.user.id and _same(message, outs[0]):
                return str(message["id"])
        return None

    async def _thread_on(self, channel_id: int, message_id: int) -> int:
        """The thread under a post (opened now if it is not there yet): its id is the post's."""
        client, _ = self._ready()
        try:
            await client.http.start_thread_with_message(
                channel_id,
                message_id,
                name=REVEAL_THREAD_NAME,
                auto_archive_duration=THREAD_ARCHIVE_MINUTES,
            )
        except discord.HTTPException as exc:
            if exc.code != 160004:  # "a thread has already been created for this message"
                raise
        return message_id

    def _ready(self) -> tuple[discord.Client, Poster]:
        if self._client is None or self._poster is None:
            raise DeliveryError("the Discord client is not running yet")
        return self._client, self._poster


def _same(message: Any, out: Outgoing) -> bool:
    """Is the posted `message` (a raw payload) what `out` renders? Buttons name what they act
    on (the daily post's id), so they decide when there are any; else the first embed."""
    wanted = _custom_ids(out.view.to_components() if out.view is not None else [])
    if wanted:
        return _custom_ids(message.get("components") or []) == wanted
    embeds = message.get("embeds") or []
    if not out.embeds or not embeds:
        return bool(out.content) and message.get("content") == out.content
    first = out.embeds[0]
    return (embeds[0].get("title"), embeds[0].get("description")) == (
        first.title,
        first.description,
    )


def _custom_ids(components: Sequence[Any]) -> set[str]:
    found: set[str] = set()
    for component in components:
        if component.get("custom_id"):
            found.add(str(component["custom_id"]))
        found |= _custom_ids(component.get("components") or [])
    return found


def _delivery_error(exc: discord.HTTPException) -> DeliveryError:
    retry_after = getattr(exc, "retry_after", None)
    return DeliveryError(
        f"Discord answered {exc.status}: {exc.text}",
        permanent=exc.status in (403, 404),
        retry_after_s=float(retry_after) if retry_after is not None else None,
    )
