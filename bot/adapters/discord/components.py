"""Buttons that survive restarts: each is a discord.py `DynamicItem` whose `custom_id` is the
core's action id (`bot.core.ids`), so a new process rebuilds it from the id alone.

The callbacks only hand the decoded action to the client's `InteractionFlow`; whether the
question is still open, and whose it is, the core decides.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Self

import discord

from bot.adapters.discord.texts import d
from bot.core import ids
from bot.core.ids import DailyAnswerAction, ForgetAction, MarkAction, QuestionAction

if TYPE_CHECKING:
    from bot.adapters.discord.flow import InteractionFlow

_STYLES = {
    "answer": discord.ButtonStyle.primary,
    "hint": discord.ButtonStyle.secondary,
    "skip": discord.ButtonStyle.secondary,
    "stop": discord.ButtonStyle.danger,
}


def flow_of(interaction: discord.Interaction[Any]) -> InteractionFlow:
    flow: InteractionFlow = interaction.client.flow
    return flow


class QuestionButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=ids.QUESTION_ID_PATTERN
):
    def __init__(self, action: QuestionAction, locale: str) -> None:
        super().__init__(
            discord.ui.Button(
                label=d(locale, f"button.{action.verb}"),
                style=_STYLES[action.verb],
                custom_id=ids.encode(action),
            )
        )
        self.action = action

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> Self:
        action = ids.decode(match.string)
        assert isinstance(action, QuestionAction)  # the template admits nothing else
        return cls(action, "zh-CN")

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await flow_of(interaction).question_button(interaction, self.action)


class MarkButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=ids.MARK_ID_PATTERN):
    def __init__(self, action: MarkAction, locale: str) -> None:
        super().__init__(
            discord.ui.Button(
                label=d(locale, f"button.{action.verdict}"),
                style=discord.ButtonStyle.secondary,
                custom_id=ids.encode(action),
            )
        )
        self.action = action

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> Self:
        action = ids.decode(match.string)
        assert isinstance(action, MarkAction)
        return cls(action, "zh-CN")

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await flow_of(interaction).mark_button(interaction, self.action)


class DailyAnswerButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], template=ids.DAILY_ID_PATTERN
):
    def __init__(self, post_id: int, locale: str) -> None:
        super().__init__(
            discord.ui.Button(
                label=d(locale, "button.daily_answer"),
                style=discord.ButtonStyle.primary,
                custom_id=ids.encode(DailyAnswerAction(post_id=post_id)),
            )
        )
        self.post_id = post_id

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> Self:
        return cls(int(match["post_id"]), "zh-CN")

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await flow_of(interaction).daily_button(interaction, self.post_id)


class ForgetButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=ids.FORGET_ID_PATTERN):
    def __init__(self, confirm: bool, locale: str) -> None:
        super().__init__(
            discord.ui.Button(
                label=d(locale, "button.forget_yes" if confirm else "button.forget_no"),
                style=discord.ButtonStyle.danger if confirm else discord.ButtonStyle.secondary,
                custom_id=ids.encode(ForgetAction(confirm=confirm)),
            )
        )
        self.confirm = confirm

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> Self:
        return cls(match["answer"] == "yes", "zh-CN")

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await flow_of(interaction).forget_button(interaction, self.confirm)


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    QuestionButton,
    MarkButton,
    DailyAnswerButton,
    ForgetButton,
)
