"""Where a new interview lives: a private thread in the channel for the member, or their DMs
when the bot may not create threads there (no permission, or not a text channel)."""

from __future__ import annotations

from typing import Any, Literal

import discord
import structlog

from bot.core.commands import Place

log = structlog.get_logger(__name__)

THREAD_NAME_MAX = 100
# Discord archives the thread after an hour without messages; the bot archives it at once
# when the summary is posted.
AUTO_ARCHIVE_MINUTES: Literal[60] = 60


async def open_session_place(
    interaction: discord.Interaction[Any], name: str
) -> tuple[Place | None, bool]:
    """(the place, whether it is the DM fallback); (None, False) if neither works. A new thread
    has no members yet: `join_thread` adds the member (the caller overlaps it with other work).

    Started inside a (public) thread, the private thread opens in that thread's channel."""
    channel = interaction.channel
    parent_id = (
        channel.id
        if isinstance(channel, discord.TextChannel)
        else channel.parent_id
        if isinstance(channel, discord.Thread)
        and channel.type != discord.ChannelType.private_thread
        else None
    )
    if parent_id is not None:
        try:
            thread = await interaction.client.http.start_thread_without_message(
                parent_id,
                name=name[:THREAD_NAME_MAX],
                auto_archive_duration=AUTO_ARCHIVE_MINUTES,
                type=discord.ChannelType.private_thread.value,
                invitable=False,
            )
            return Place(channel_id=str(parent_id), thread_id=str(thread["id"])), False
        except discord.HTTPException as exc:
            log.info("discord.thread_refused", channel_id=parent_id, status=exc.status)
    dm = await open_dm(interaction)
    return (dm, True) if dm is not None else (None, False)


async def join_thread(interaction: discord.Interaction[Any], place: Place) -> bool:
    """Add the member to their new private thread; False if Discord refuses."""
    assert place.thread_id is not None
    try:
        await interaction.client.http.add_user_to_thread(place.thread_id, interaction.user.id)
    except discord.HTTPException as exc:
        log.info("discord.thread_join_refused", thread_id=place.thread_id, status=exc.status)
        return False
    return True


async def open_dm(interaction: discord.Interaction[Any]) -> Place | None:
    """The member's DMs as a place, or None if Discord refuses."""
    try:
        dm = await interaction.user.create_dm()
    except discord.HTTPException as exc:
        log.info("discord.dm_refused", user_id=interaction.user.id, status=exc.status)
        return None
    return Place(channel_id=str(dm.id))


async def discard_thread(client: discord.Client, place: Place) -> None:
    """A thread opened for an interview the core then refused: remove it (best effort)."""
    if place.thread_id is None:
        return
    try:
        await client.http.delete_channel(int(place.thread_id))
    except discord.HTTPException as exc:
        log.info("discord.thread_not_deleted", thread_id=place.thread_id, status=exc.status)


async def archive_thread(client: discord.Client, thread_id: int) -> None:
    try:
        await client.http.edit_channel(thread_id, archived=True)
    except discord.HTTPException as exc:
        log.info("discord.thread_not_archived", thread_id=thread_id, status=exc.status)
