"""start / review: a new interview in a private thread of its own (or the member's DMs).

The member is waiting for the question card, so adding them to the new thread runs beside the
core's start (a read and one commit), and the "interview started" line travels in the card's
message (posting.py). Per start that is five requests to Discord — the defer, the thread, the
member, the card, the follow-up saying where it is — and three round trips before the card is
posted (there were six requests and four round trips).

If the member cannot be added to the thread, the session just started there is stopped (a
question open when a session stops counts nowhere), the thread removed, and the interview
starts in their DMs instead; if a card cannot be posted at all, it is stopped and they are
told. Nothing runs unseen.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import discord

from bot.adapters.discord.inbound import (
    channel_id_of,
    interaction_actor,
    is_session_channel,
    place_of,
)
from bot.adapters.discord.texts import d
from bot.adapters.discord.threads import discard_thread, join_thread, open_dm, open_session_place
from bot.core.commands import Actor, Place, Review, Start, Stop
from bot.core.replies import QuestionCard, Reply

if TYPE_CHECKING:
    from bot.adapters.discord.flow import InteractionFlow


async def begin(
    flow: InteractionFlow, interaction: discord.Interaction[Any], command: Start | Review
) -> None:
    if not await flow.in_server(interaction):
        return
    actor = interaction_actor(interaction, str(interaction.guild_id))
    # The defer first and alone: in a burst, database work started beside it (on the
    # store's threads, which hold the GIL while SQLAlchemy runs) delayed every defer.
    await interaction.response.defer(ephemeral=True, thinking=True)
    if await _nothing_to_open(flow, interaction, actor, command):
        # The core refuses (an interview already on, an unknown topic), or the member is
        # already in a private thread of theirs: answer where they are.
        replies = await flow.core.handle(actor, place_of(interaction.channel), command)
        await flow.show(interaction, replies, thinking=True)
        return
    started = await _start(flow, interaction, actor, command)
    if started is None:
        await flow.private(interaction, [d(str(interaction.locale), "thread.dm_closed")])
        return
    place, in_dm, replies = started
    if not any(isinstance(r, QuestionCard) for r in replies):
        await discard_thread(interaction.client, place)
        await flow.show(interaction, replies, thinking=True)
        return
    await _post(flow, interaction, actor, (place, in_dm, replies))


async def _nothing_to_open(
    flow: InteractionFlow, interaction: discord.Interaction[Any], actor: Actor, command: Any
) -> bool:
    return (
        is_session_channel(interaction.channel)
        or (command.topic is not None and flow.bank.find_topic(command.topic) is None)
        or await flow.core.has_active_session(actor)
    )


async def _start(
    flow: InteractionFlow,
    interaction: discord.Interaction[Any],
    actor: Actor,
    command: Start | Review,
) -> tuple[Place, bool, list[Reply]] | None:
    """(where the session lives, whether that is the DMs, the core's replies); None when
    neither a thread nor the DMs can be opened."""
    place, in_dm = await open_session_place(interaction, _thread_name(flow, actor, command))
    if place is None:
        return None
    if in_dm:
        return place, True, await flow.core.handle(actor, place, command)
    joining = asyncio.ensure_future(join_thread(interaction, place))
    try:
        replies = await flow.core.handle(actor, place, command)
    finally:
        joined = await joining
    if joined:
        return place, False, replies
    if any(isinstance(r, QuestionCard) for r in replies):
        await flow.core.handle(actor, place, Stop())
    await discard_thread(interaction.client, place)
    dm = await open_dm(interaction)
    if dm is None:
        return None
    return dm, True, await flow.core.handle(actor, dm, command)


async def _post(
    flow: InteractionFlow,
    interaction: discord.Interaction[Any],
    actor: Actor,
    started: tuple[Place, bool, list[Reply]],
) -> None:
    """The card in the session's place, then where it is, privately."""
    place, in_dm, replies = started
    locale = replies[0].locale
    target = channel_id_of(place)
    assert target is not None
    try:
        await flow.poster.send(target, replies, thread=not in_dm)
    except discord.HTTPException:
        # The DM could be opened but not written to: the interview must not run unseen.
        await flow.core.handle(actor, place, Stop())
        await flow.private(interaction, [d(locale, "thread.dm_closed")])
        return
    note = (
        d(locale, "thread.dm_fallback")
        if in_dm
        else d(locale, "thread.here", thread=f"<#{target}>")
    )
    await flow.private(interaction, [note])


def _thread_name(flow: InteractionFlow, actor: Actor, command: Start | Review) -> str:
    locale = actor.locale_hint or "zh-CN"
    topic = flow.bank.find_topic(command.topic) if command.topic else None
    if topic is not None:
        topic_name = topic.en if locale.startswith("en") else topic.zh
    else:
        topic_name = d(locale, "thread.any_topic")
    return d(locale, "thread.name", name=actor.display_name or actor.user_id, topic=topic_name)
