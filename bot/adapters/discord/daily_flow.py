"""The daily challenge's interactions: the Answer button (a modal), the answer itself, and
forget-me's confirm / cancel buttons. Like every interaction: the modal or a defer first."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import discord

from bot.adapters.discord.inbound import interaction_actor, place_of
from bot.adapters.discord.modals import AnswerModal, open_modal
from bot.adapters.discord.render import render_all
from bot.adapters.discord.texts import d
from bot.core import ids
from bot.core.commands import DailyAnswer, ForgetMe
from bot.core.ids import DailyAnswerAction

if TYPE_CHECKING:
    from bot.adapters.discord.flow import InteractionFlow


async def open_answer(
    flow: InteractionFlow, interaction: discord.Interaction[Any], post_id: int
) -> None:
    """The daily post's Answer button: the modal (whether answers are still open, and whether
    the member answered already, the core says on submit)."""
    locale = await flow.locale(interaction)
    custom_id = ids.encode(DailyAnswerAction(post_id=post_id))
    await open_modal(interaction, AnswerModal(custom_id, d(locale, "modal.daily_title"), locale))


async def answer(
    flow: InteractionFlow, interaction: discord.Interaction[Any], post_id: int, text: str
) -> None:
    """The modal's answer: graded, feedback to the answerer alone."""
    if interaction.guild_id is None:
        await interaction.followup.send(
            d(str(interaction.locale), "error.guild_only"), ephemeral=True
        )
        return
    actor = interaction_actor(interaction, str(interaction.guild_id))
    command = DailyAnswer(post_id=post_id, text=text)
    replies = await flow.core.handle(actor, place_of(interaction.channel), command)
    await flow.show(interaction, replies, thinking=interaction.message is None)


async def forget(
    flow: InteractionFlow, interaction: discord.Interaction[Any], confirm: bool
) -> None:
    """forget-me's buttons: the "are you sure" message becomes what was done."""
    await interaction.response.defer()
    if interaction.guild_id is None:
        await interaction.followup.send(
            d(str(interaction.locale), "error.guild_only"), ephemeral=True
        )
        return
    actor = interaction_actor(interaction, str(interaction.guild_id))
    replies = await flow.core.handle(
        actor, place_of(interaction.channel), ForgetMe(confirm=confirm)
    )
    outs = render_all(replies, flow.poster.style)
    embeds = [embed for out in outs for embed in out.embeds][:10]
    await interaction.edit_original_response(embeds=embeds, view=None)
