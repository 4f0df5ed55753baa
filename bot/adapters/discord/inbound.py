"""Discord events → who (Actor), where (Place) and what (Command).

A member is `(discord, server id, user id)`: standings are per server. Administrators are those
with Manage Server, read from the member's permissions in the interaction (never cached).
Typed slash-command options become the core's Commands; a value out of range becomes the same
ParseError the text grammar would give, so the core words it.
"""

from __future__ import annotations

from typing import Any

import discord
from pydantic import ValidationError

from bot.adapters.discord import PLATFORM
from bot.core.commands import (
    COUNT_MAX,
    COUNT_MIN,
    DIFFICULTY_MAX,
    DIFFICULTY_MIN,
    TIME_MAX_S,
    TIME_MIN_S,
    Actor,
    ConfigDaily,
    ConfigMe,
    ConfigShow,
    ParseError,
    ParseErrorCode,
    Place,
    Review,
    Start,
)

# Where a session's messages are public: a private thread (only the member and the bot) or a DM.
SESSION_CHANNEL_TYPES = (discord.ChannelType.private_thread, discord.ChannelType.private)


def interaction_actor(interaction: discord.Interaction[Any], workspace_id: str) -> Actor:
    """The member behind an interaction. Admin: Discord's resolved permissions for them in this
    interaction say Manage Server (read every time, never cached)."""
    in_server = interaction.guild_id is not None
    return Actor(
        platform=PLATFORM,
        workspace_id=workspace_id,
        user_id=str(interaction.user.id),
        display_name=interaction.user.display_name,
        is_admin=in_server and interaction.permissions.manage_guild,
        locale_hint=str(interaction.locale),
    )


def place_of(channel: Any) -> Place:
    """A thread is (its parent, itself); any other channel is itself; a DM has no thread."""
    if channel is None:
        return Place()
    if isinstance(channel, discord.Thread):
        return Place(channel_id=str(channel.parent_id), thread_id=str(channel.id))
    return Place(channel_id=str(channel.id))


def is_session_channel(channel: Any) -> bool:
    """Whether a session's cards may be posted here for everyone present to see."""
    kind = getattr(channel, "type", None)
    return kind in SESSION_CHANNEL_TYPES


def channel_id_of(place: Place) -> int | None:
    """The channel a place's messages go to: the thread when there is one."""
    target = place.thread_id or place.channel_id
    return int(target) if target else None


def config_command(
    *,
    time: str | None,
    timezone: str | None,
    days: str | None,
    topics: str | None,
    difficulty: str | None,
    window: str | None,
    digest: bool | None,
    off: bool,
    show_name: bool | None,
) -> ConfigDaily | ConfigMe | ConfigShow:
    """`/interview config`: daily settings when any is given (the core checks the member is an
    admin and every value), else the member's own show-name setting, else the settings."""
    values = {
        "time": time,
        "timezone": timezone,
        "days": days,
        "topics": topics,
        "difficulty": difficulty,
        "window": window,
        "digest": digest,
    }
    if off or any(value is not None for value in values.values()):
        return ConfigDaily(**values, off=off)
    if show_name is not None:
        return ConfigMe(show_name=show_name)
    return ConfigShow()


def start_command(
    *,
    topic: str | None,
    count: int | None,
    time_s: int | None,
    difficulty: int | None,
    review: bool = False,
) -> Start | Review | ParseError:
    """The Start (or Review) the options ask for, or why they cannot be one."""
    checks: list[tuple[int | None, int, int, ParseErrorCode]] = [
        (count, COUNT_MIN, COUNT_MAX, "count_range"),
        (time_s, TIME_MIN_S, TIME_MAX_S, "time_range"),
        (difficulty, DIFFICULTY_MIN, DIFFICULTY_MAX, "difficulty_range"),
    ]
    for value, low, high, code in checks:
        if value is not None and not low <= value <= high:
            return ParseError(
                code=code,
                command="review" if review else "start",
                params={"value": value, "min": low, "max": high},
            )
    values: dict[str, Any] = {"topic": topic or None}
    if count is not None:
        values["count"] = count
    if time_s is not None:
        values["time_s"] = time_s
    try:
        if review:
            return Review(**values)
        return Start(**values, difficulty=difficulty)
    except ValidationError:  # pragma: no cover - the ranges are checked above
        return ParseError(code="bad_value", command="start", params={"key": "start"})
