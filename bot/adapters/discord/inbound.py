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
    ParseError,
    ParseErrorCode,
    Place,
    Review,
    Start,
)

# Where a session's messages are public: a private thread (only the member and the bot) or a DM.
SESSION_CHANNEL_TYPES = (discord.ChannelType.private_thread, discord.ChannelType.private)


def actor_of(
    user: discord.User | discord.Member, workspace_id: str, locale: discord.Locale | None
) -> Actor:
    permissions = getattr(user, "guild_permissions", None)
    return Actor(
        platform=PLATFORM,
        workspace_id=workspace_id,
        user_id=str(user.id),
        display_name=user.display_name,
        is_admin=bool(permissions is not None and permissions.manage_guild),
        locale_hint=str(locale) if locale is not None else None,
    )


def interaction_actor(interaction: discord.Interaction[Any], workspace_id: str) -> Actor:
    return actor_of(interaction.user, workspace_id, interaction.locale)


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
