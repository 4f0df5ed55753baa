"""Buttons that survive restarts: each is a discord.py `DynamicItem` whose `custom_id` is the
core's action id (`bot.core.ids`), so a new process rebuilds it from the id alone.

The callbacks only hand the decoded action to the client's `InteractionFlow`; whether the
question is still open, and whose it is, the core decides.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Self, TypeVar

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


A = TypeVar("A", QuestionAction, MarkAction, DailyAnswerAction, ForgetAction)


class ActionButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]], Generic[A], template=ids.ANY_ID_PATTERN
):
    """A button standing for one core action: its custom_id is `ids.encode(action)`, and a
    subclass's template (one of `ids`' patterns) says which family it receives. Rebuilt after a
    restart from the id alone; its label is only ever drawn when the bot renders it."""

    action_type: ClassVar[type[Any]]

    def __init__(self, action: A, locale: str) -> None:
        label, style = self.looks(action, locale)
        super().__init__(discord.ui.Button(label=label, style=style, custom_id=ids.encode(action)))
        self.action: A = action

    @staticmethod
    def looks(action: A, locale: str) -> tuple[str, discord.ButtonStyle]:
        raise NotImplementedError

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> Self:
        action = ids.decode(match.string)
        assert isinstance(action, cls.action_type)  # the template admits nothing else
        return cls(action, "zh-CN")


class QuestionButton(ActionButton[QuestionAction], template=ids.QUESTION_ID_PATTERN):
    action_type = QuestionAction

    @staticmethod
    def looks(action: QuestionAction, locale: str) -> tuple[str, discord.ButtonStyle]:
        return d(locale, f"button.{action.verb}"), _STYLES[action.verb]

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await flow_of(interaction).question_button(interaction, self.action)


class MarkButton(ActionButton[MarkAction], template=ids.MARK_ID_PATTERN):
    action_type = MarkAction

    @staticmethod
    def looks(action: MarkAction, locale: str) -> tuple[str, discord.ButtonStyle]:
        return d(locale, f"button.{action.verdict}"), discord.ButtonStyle.secondary

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await flow_of(interaction).mark_button(interaction, self.action)


class DailyAnswerButton(ActionButton[DailyAnswerAction], template=ids.DAILY_ID_PATTERN):
    action_type = DailyAnswerAction

    @staticmethod
    def looks(action: DailyAnswerAction, locale: str) -> tuple[str, discord.ButtonStyle]:
        return d(locale, "button.daily_answer"), discord.ButtonStyle.primary

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await flow_of(interaction).daily_button(interaction, self.action.post_id)


class ForgetButton(ActionButton[ForgetAction], template=ids.FORGET_ID_PATTERN):
    action_type = ForgetAction

    @staticmethod
    def looks(action: ForgetAction, locale: str) -> tuple[str, discord.ButtonStyle]:
        if action.confirm:
            return d(locale, "button.forget_yes"), discord.ButtonStyle.danger
        return d(locale, "button.forget_no"), discord.ButtonStyle.secondary

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await flow_of(interaction).forget_button(interaction, self.action.confirm)


DYNAMIC_ITEMS: tuple[type[discord.ui.DynamicItem[Any]], ...] = (
    QuestionButton,
    MarkButton,
    DailyAnswerButton,
    ForgetButton,
)
