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
    """(the place, whether it is the DM fallback); (None, False) if neither works."""
    channel = interaction.channel
    if isinstance(channel, discord.TextChannel):
        try:
            thread = await channel.create_thread(
                name=name[:THREAD_NAME_MAX],
                type=discord.ChannelType.private_thread,
                invitable=False,
                auto_archive_duration=AUTO_ARCHIVE_MINUTES,
            )
            await thread.add_user(interaction.user)
            return Place(channel_id=str(channel.id), thread_id=str(thread.id)), False
        except discord.HTTPException as exc:
            log.info("discord.thread_refused", channel_id=channel.id, status=exc.status)
    try:
        dm = await interaction.user.create_dm()
    except discord.HTTPException as exc:
        log.info("discord.dm_refused", user_id=interaction.user.id, status=exc.status)
        return None, False
    return Place(channel_id=str(dm.id)), True


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
