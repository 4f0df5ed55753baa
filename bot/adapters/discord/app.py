"""Builds the Discord client (the factory tests use too) and runs it.

`setup_hook` (called by `login`) registers the persistent buttons, the translator and the
`/interview` group, and syncs commands: to DISCORD_GUILD_IDS at once when set, else globally.
"""

from __future__ import annotations

from typing import Any

import discord
import structlog
from discord import app_commands

from bot.adapters.discord.commands import InterviewGroup
from bot.adapters.discord.components import DYNAMIC_ITEMS
from bot.adapters.discord.flow import InteractionFlow
from bot.adapters.discord.messenger import DiscordMessenger
from bot.adapters.discord.pace import DISCORD_GLOBAL_PER_SECOND, paced
from bot.adapters.discord.posting import Poster
from bot.adapters.discord.render import Style
from bot.adapters.discord.translator import InterviewTranslator
from bot.core.i18n import normalize_locale, t
from bot.core.service import Core
from content.loader import Bank

log = structlog.get_logger(__name__)

DISCORD_API = discord.http.Route.BASE


def use_api_base(base: str | None) -> str:
    """Point discord.py at `base` (a proxy, or a test's fake); returns the previous base."""
    previous = discord.http.Route.BASE
    discord.http.Route.BASE = (base or DISCORD_API).rstrip("/")
    return previous


def intents(message_content: bool) -> discord.Intents:
    chosen = discord.Intents.default()
    chosen.message_content = message_content  # privileged: the bot works fully without it
    return chosen


class InterviewClient(discord.AutoShardedClient):
    def __init__(
        self,
        *,
        core: Core,
        bank: Bank,
        messenger: DiscordMessenger,
        typed_answers: bool,
        guild_ids: list[int],
        shard_ids: list[int] | None = None,
        shard_count: int | None = None,
        global_rate: float = DISCORD_GLOBAL_PER_SECOND,
    ) -> None:
        super().__init__(
            intents=intents(typed_answers),
            shard_ids=shard_ids,  # type: ignore[arg-type]  # None: all shards, as the default
            shard_count=shard_count,
            http_trace=paced(global_rate),  # type: ignore[arg-type]  # None: none, the default
        )
        self.tree: app_commands.CommandTree[InterviewClient] = app_commands.CommandTree(self)
        self.tree.on_error = self._command_failed  # type: ignore[method-assign]
        self.poster = Poster(self, Style(typed_answers=typed_answers))
        self.flow = InteractionFlow(core, bank, self.poster, self)
        self.typed_answers = typed_answers
        self._guild_ids = guild_ids
        messenger.attach(self, self.poster)

    async def setup_hook(self) -> None:
        self.add_dynamic_items(*DYNAMIC_ITEMS)
        await self.tree.set_translator(InterviewTranslator())
        self.tree.add_command(InterviewGroup(self.flow))
        for guild_id in self._guild_ids:
            guild = discord.Object(guild_id)
            self.tree.copy_global_to(guild=guild)
            await self.tree.sync(guild=guild)
        if not self._guild_ids:
            await self.tree.sync()

    async def on_interaction(self, interaction: discord.Interaction[Any]) -> None:
        # Modals are routed by their id, whether or not this process opened them.
        if interaction.type is discord.InteractionType.modal_submit:
            await self.flow.modal_submit(interaction)

    async def on_message(self, message: discord.Message) -> None:
        if self.typed_answers:
            await self.flow.thread_message(message)

    async def _command_failed(
        self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError
    ) -> None:
        """A slash command raised: logged with context, and a friendly line to the member."""
        log.error(
            "discord.command_failed",
            command=interaction.command.qualified_name if interaction.command else None,
            user_id=interaction.user.id,
            error=f"{type(error).__name__}: {error}",
        )
        text = "⚠️ " + t(normalize_locale(str(interaction.locale)), "error.internal")
        try:
            if interaction.response.is_done():
                await interaction.followup.send(text, ephemeral=True)
            else:
                await interaction.response.send_message(text, ephemeral=True)
        except discord.HTTPException:
            pass


def build_client(
    core: Core,
    bank: Bank,
    messenger: DiscordMessenger,
    *,
    typed_answers: bool = False,
    guild_ids: list[int] | None = None,
    shard_ids: list[int] | None = None,
    shard_count: int | None = None,
    global_rate: float = DISCORD_GLOBAL_PER_SECOND,
) -> InterviewClient:
    return InterviewClient(
        core=core,
        bank=bank,
        messenger=messenger,
        typed_answers=typed_answers,
        guild_ids=guild_ids or [],
        shard_ids=shard_ids,
        shard_count=shard_count,
        global_rate=global_rate,
    )
