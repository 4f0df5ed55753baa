"""Discord's size limits, kept here and nowhere else: 4,096 characters per embed description,
6,000 per message's embeds together, 10 embeds per message, 256 per title. Long text (a
reference answer) is split at line boundaries into as many embeds, and embeds into as many
messages, as it takes; nothing is cut.
"""

from __future__ import annotations

from collections.abc import Sequence

import discord

DESCRIPTION_MAX = 4096
MESSAGE_EMBEDS_MAX_CHARS = 6000
EMBEDS_PER_MESSAGE = 10
TITLE_MAX = 256


def split_lines(text: str, limit: int) -> list[str]:
    """`text` in pieces of at most `limit` characters, cut between lines (within a line only
    when one line alone is longer than `limit`)."""
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                pieces.append(current)
                current = ""
            pieces.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            pieces.append(current)
            current = line
        else:
            current = candidate
    if current or not pieces:
        pieces.append(current)
    return pieces


def pack(embeds: Sequence[discord.Embed]) -> list[list[discord.Embed]]:
    """Embeds grouped into messages: at most 10 and 6,000 characters per message."""
    messages: list[list[discord.Embed]] = [[]]
    size = 0
    for embed in embeds:
        length = len(embed)
        if messages[-1] and (
            size + length > MESSAGE_EMBEDS_MAX_CHARS or len(messages[-1]) >= EMBEDS_PER_MESSAGE
        ):
            messages.append([])
            size = 0
        messages[-1].append(embed)
        size += length
    return messages


def long_embeds(
    title: str | None, text: str, colour: int, *, continued: str | None = None
) -> list[discord.Embed]:
    # Room for the title and a footer in the same message: descriptions stop well short of
    # 6,000 together with them.
    limit = DESCRIPTION_MAX - 200
    embeds = []
    for number, piece in enumerate(split_lines(text, limit)):
        heading = title if number == 0 else (continued or title)
        embeds.append(
            discord.Embed(
                title=heading[:TITLE_MAX] if heading else None, description=piece, colour=colour
            )
        )
    return embeds
