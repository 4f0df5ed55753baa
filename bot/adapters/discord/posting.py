"""Posting a session's replies into its thread (or DM), and closing question cards.

Used for what answers an interaction in the session's thread and for what the core says later
(the Messenger). A question card posted here is remembered by (session, position) so that when
its feedback or the summary arrives, the card is edited to show it closed and loses its
buttons. That memory is this process's only: after a restart an old card keeps its buttons,
and pressing one is answered by the core as "closed", changing nothing.

Fewer requests: a message without buttons travels in the next one when both fit (the
"interview started" line with the first card). The finished card is closed after the feedback
and the next card are posted: what the member waits for comes a round trip sooner, and under
the global limit the edit waits its turn behind other members' cards (pace.py). (Beside the
posts it also saved the round trip, but in a burst every request side by side opened a
connection of its own.)
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import discord
import structlog
from discord.utils import MISSING

from bot.adapters.discord.render import (
    Outgoing,
    Style,
    closed_question,
    fewer_messages,
    render_all,
)
from bot.adapters.discord.threads import archive_thread
from bot.core.replies import Feedback, QuestionCard, Reply, Summary

log = structlog.get_logger(__name__)

CARDS_REMEMBERED = 10_000


@dataclass(frozen=True)
class PostedCard:
    channel_id: int
    message_id: int
    card: QuestionCard
    lead: tuple[discord.Embed, ...] = ()  # what came before the card in its message


class Poster:
    def __init__(self, client: discord.Client, style: Style) -> None:
        self._client = client
        self.style = style
        self._cards: OrderedDict[tuple[str, int], PostedCard] = OrderedDict()

    async def send(
        self,
        channel_id: int,
        replies: Sequence[Reply],
        *,
        thread: bool,
        reference: discord.Message | None = None,
    ) -> list[discord.Message]:
        """Post `replies` in order (a thread is archived after the summary); raises
        discord.HTTPException if Discord refuses."""
        sent = await self._post(channel_id, replies, reference)
        await self.close_finished(replies)
        if thread and any(isinstance(r, Summary) for r in replies):
            await archive_thread(self._client, channel_id)
        return sent

    async def _post(
        self, channel_id: int, replies: Sequence[Reply], reference: discord.Message | None
    ) -> list[discord.Message]:
        channel = self._client.get_partial_messageable(channel_id)
        sent: list[discord.Message] = []
        for number, out in enumerate(fewer_messages(render_all(replies, self.style))):
            extra: dict[str, Any] = {}
            if reference is not None and number == 0:
                extra["reference"] = reference  # a typed answer: the feedback replies to it
            message = await channel.send(
                content=out.content or None,
                embeds=out.embeds,
                view=out.view or MISSING,
                mention_author=False,
                **extra,
            )
            sent.append(message)
            self._remember(channel_id, message.id, out)
        return sent

    async def edit(self, channel_id: int, message_id: int, out: Outgoing) -> None:
        message = self._client.get_partial_messageable(channel_id).get_partial_message(message_id)
        await message.edit(content=out.content or None, embeds=out.embeds, view=out.view)

    async def close_finished(self, replies: Sequence[Reply]) -> None:
        """Grey out the cards whose question these replies finish."""
        done: list[tuple[str, int]] = []
        for reply in replies:
            if isinstance(reply, Feedback) and not reply.refined:
                done.append((reply.session_id, reply.position))
            elif isinstance(reply, Summary):
                done += [key for key in self._cards if key[0] == reply.session_id]
        for key in done:
            posted = self._cards.pop(key, None)
            if posted is None:
                continue
            closed = closed_question(posted.card, self.style)
            closed.embeds[:0] = posted.lead
            try:
                await self.edit(posted.channel_id, posted.message_id, closed)
            except discord.HTTPException as exc:
                log.info("discord.card_not_closed", message_id=posted.message_id, status=exc.status)

    def _remember(self, channel_id: int, message_id: int, out: Outgoing) -> None:
        if isinstance(out.source, QuestionCard):
            key = (out.source.session_id, out.source.position)
            lead = tuple(out.embeds[: len(out.embeds) - 1])
            self._cards[key] = PostedCard(channel_id, message_id, out.source, lead)
            while len(self._cards) > CARDS_REMEMBERED:
                self._cards.popitem(last=False)
