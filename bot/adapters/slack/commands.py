"""`/interview <subcommand> …`: ack at once, then run the shared grammar through the core.

An interview (start, review) runs in the member's DM by default; with `here` it runs in a
thread under a card the bot posts in the channel. The card is posted first, since its thread
is where the session lives; if the core then refuses to start (one already runs, an unknown
topic), the card is deleted again and the refusal is shown privately.
"""

from __future__ import annotations

from typing import Any

import structlog
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError

from bot.adapters.slack.frontend import FrontEnd
from bot.adapters.slack.inbound import PLACED_COMMANDS, SlashRequest, slash_request
from bot.adapters.slack.people import Person
from bot.adapters.slack.replying import answer, ephemeral
from bot.adapters.slack.texts import st
from bot.core.commands import Actor, Place
from bot.core.replies import ErrorNotice, QuestionCard

log = structlog.get_logger(__name__)

SLASH_COMMAND = "/interview"


class SlashCommands:
    def __init__(self, front: FrontEnd) -> None:
        self._front = front

    async def __call__(self, ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()
        request = slash_request(body)
        actor, person = await self._front.people.actor(request.team_id, request.user_id)
        if request.command_word in PLACED_COMMANDS:
            await self._begin(actor, person, request, respond)
            return
        core = self._front.core
        place = await core.session_place(actor) or Place(channel_id=request.channel_id)
        replies = await core.handle_text(actor, place, request.text, free_text_answers=False)
        await answer(self._front.messenger, respond, actor, person, place, replies)

    async def _begin(
        self, actor: Actor, person: Person, request: SlashRequest, respond: AsyncRespond
    ) -> None:
        front = self._front
        parent: str | None = None
        if request.here and not request.in_dm:
            parent = await self._post_parent(actor, person, request, respond)
            if parent is None:
                return
            place = Place(channel_id=request.channel_id, thread_id=parent)
        elif request.in_dm:
            place = Place(channel_id=request.channel_id)
        else:
            place = Place(channel_id=await front.messenger.dm_channel(request.user_id))
        replies = await front.core.handle_text(actor, place, request.text, free_text_answers=False)
        started = any(isinstance(reply, QuestionCard) for reply in replies)
        if parent is not None and not started:
            await self._delete_parent(request.channel_id, parent)
        shown = await answer(front.messenger, respond, actor, person, place, replies)
        if started and shown and place.channel_id != request.channel_id:
            locale = await front.core.locale_of(actor)
            key = "start.in_dm" if parent is None else "start.in_thread"
            await respond(text=st(locale, key), response_type="ephemeral", replace_original=False)

    async def _post_parent(
        self, actor: Actor, person: Person, request: SlashRequest, respond: AsyncRespond
    ) -> str | None:
        locale = await self._front.core.locale_of(actor)
        try:
            posted = await self._front.client.chat_postMessage(
                channel=request.channel_id,
                text=st(locale, "start.here_card", user=request.user_id),
            )
        except SlackApiError as exc:
            log.info("slack.here_card_failed", error=exc.response.get("error"))
            refusal = ErrorNotice(
                locale=locale, code="cannot_post_here", text=st(locale, "start.cannot_post_here")
            )
            await ephemeral(respond, person, [refusal])
            return None
        return str(posted.get("ts"))

    async def _delete_parent(self, channel: str, ts: str) -> None:
        try:
            await self._front.client.chat_delete(channel=channel, ts=ts)
        except SlackApiError as exc:
            log.info("slack.here_card_delete_failed", error=exc.response.get("error"))
