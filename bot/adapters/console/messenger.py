"""The console's Messenger: what the core says unprompted, printed for the one console user.

The console stands for one channel, so channel posts (the daily question) print like any
other reply. It also keeps the little UI state the run loop needs: the last question card
shown (not to print it twice after a restart) and whether the interview just ended.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import structlog

from bot.adapters.console.inbound import PLATFORM
from bot.adapters.console.render import render_all
from bot.adapters.console.terminal import Terminal
from bot.core.commands import Actor, Place
from bot.core.messenger import ChannelRef, PostPace
from bot.core.replies import DailyCard, QuestionCard, Reply, Summary

log = structlog.get_logger(__name__)


class ConsoleMessenger:
    pace = PostPace(per_second=1000.0, per_channel_per_second=1000.0)

    def __init__(self, actor: Actor, terminal: Terminal) -> None:
        self._actor = actor
        self.terminal = terminal
        self.session_over = asyncio.Event()
        self.last_card: int | None = None
        self._posts = 0
        # While set, deliveries wait here: what the start-up sweep says (a question that ran
        # out while the bot was down) reads better after the "welcome back" than before it.
        self._held: list[list[Reply]] | None = None

    def hold(self) -> None:
        self._held = []

    def release(self) -> None:
        held, self._held = self._held or [], None
        for replies in held:
            self.show(replies)

    async def deliver(self, actor: Actor, place: Place, replies: Sequence[Reply]) -> None:
        if actor.platform != PLATFORM or actor.user_id != self._actor.user_id:
            # Another console user's interview timed out; it is scored, and they see it in
            # their summary/stats when they come back.
            log.info("console.delivery_for_other_user", user_id=actor.user_id)
            return
        if self._held is not None:
            self._held.append(list(replies))
            return
        if replies:
            self._note(replies)
            self.terminal.interrupt(render_all(replies))

    async def post(
        self, channel: ChannelRef, replies: Sequence[Reply], *, thread_of: str | None = None
    ) -> str:
        self._posts += 1
        await self.deliver(self._actor, Place(), replies)
        return f"console-{self._posts}"

    async def find_post(
        self, channel: ChannelRef, replies: Sequence[Reply], *, thread_of: str | None = None
    ) -> str | None:
        return None  # a terminal keeps nothing across a restart: a repeat is the lesser harm

    async def edit(self, channel: ChannelRef, message_id: str, replies: Sequence[Reply]) -> None:
        # A terminal cannot change what it printed: reprinting the card for every new answer
        # would bury the conversation, so only "answers are closed" is shown again.
        closed = [r for r in replies if isinstance(r, DailyCard) and r.closed]
        if closed:
            await self.deliver(self._actor, Place(), closed)

    def show(self, replies: Sequence[Reply]) -> None:
        """Replies to what the member just typed."""
        if replies:
            self._note(replies)
            self.terminal.show(render_all(replies))

    def _note(self, replies: Sequence[Reply]) -> None:
        for reply in replies:
            if isinstance(reply, QuestionCard):
                self.last_card = reply.attempt_id
            if isinstance(reply, Summary):
                self.session_over.set()
