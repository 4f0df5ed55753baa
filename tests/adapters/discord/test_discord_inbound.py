"""Who an interaction comes from: the member of this server, an admin only with Manage Server
(as Discord resolved their permissions for this interaction), in their Discord language."""

from __future__ import annotations

import discord
from harness import DiscordBot
from payloads import Member

from bot.adapters.discord.inbound import interaction_actor


def interaction(bot: DiscordBot, member: Member) -> discord.Interaction[discord.Client]:
    payload = bot.payloads.slash(member, "status")
    return discord.Interaction(data=payload, state=bot.client._connection)  # type: ignore[arg-type]


async def test_manage_server_makes_an_admin_and_nothing_else_does(bot: DiscordBot) -> None:
    admin = interaction_actor(interaction(bot, Member(1, "ada", admin=True)), "g")
    member = interaction_actor(interaction(bot, Member(2, "bo", locale="en-US")), "g")
    assert admin.is_admin and not member.is_admin
    assert (member.user_id, member.display_name, member.locale_hint) == ("2", "bo", "en-US")
