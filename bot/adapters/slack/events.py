"""Events: a member's message in the DM or the session's thread, and the App Home tab.

In the DM the bot reads lines like the console does (a command word, or else an answer); in a
channel it only reads replies in the thread of the member's own running interview, never other
channel chatter.
"""

from __future__ import annotations

from typing import Any

import structlog
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.adapters.slack.frontend import FrontEnd
from bot.adapters.slack.home import home_view
from bot.adapters.slack.inbound import message_request
from bot.adapters.slack.replying import split_flow
from bot.core.commands import Leaderboard, Place, Stats

log = structlog.get_logger(__name__)


class Messages:
    def __init__(self, front: FrontEnd) -> None:
        self._front = front

    async def __call__(self, body: dict[str, Any], request: AsyncBoltRequest) -> None:
        retry = request.headers.get("x-slack-retry-num")
        bot_user = request.context.bot_user_id
        found = message_request(body, retry, bot_user)
        if found is None:
            return
        front = self._front
        actor, person = await front.people.actor(found.team_id, found.user_id)
        session = await front.core.session_place(actor)
        if found.in_dm:
            place = session or Place(channel_id=found.channel_id)
        elif found.thread_ts and session == Place(
            channel_id=found.channel_id, thread_id=found.thread_ts
        ):
            place = session
        else:
            return
        replies = await front.core.handle_text(actor, place, found.text, free_text_answers=True)
        flow, private = split_flow(replies)
        if flow:
            await front.messenger.deliver(actor, place, flow)
        if private and found.in_dm:
            await front.messenger.deliver(actor, Place(channel_id=found.channel_id), private)
        elif private:
            here = Place(channel_id=found.channel_id, thread_id=found.thread_ts)
            await front.messenger.whisper(actor, here, private)


class HomeTab:
    def __init__(self, front: FrontEnd) -> None:
        self._front = front

    async def __call__(self, body: dict[str, Any], event: dict[str, Any]) -> None:
        if event.get("tab") not in (None, "home"):
            return
        front = self._front
        actor, _ = await front.people.actor(str(body.get("team_id") or ""), str(event["user"]))
        replies = [
            *await front.core.handle(actor, Place(), Stats()),
            *await front.core.handle(actor, Place(), Leaderboard(period="week")),
        ]
        locale = await front.core.locale_of(actor)
        await front.client.views_publish(user_id=actor.user_id, view=home_view(locale, replies))
