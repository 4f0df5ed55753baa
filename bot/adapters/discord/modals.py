"""The answer modal: one paragraph input of up to 4,000 characters (the core's limit too).

Its `custom_id` is the action id of the question (or daily post) it answers. Submissions are
routed by that id in `InteractionFlow.modal_submit`, not by the modal object, so a modal opened
before a restart is still answered after it.
"""

from __future__ import annotations

from typing import Any

import discord

from bot.adapters.discord.texts import d
from bot.core.commands import ANSWER_MAX_CHARS

INPUT_ID = "answer"


class AnswerModal(discord.ui.Modal):
    def __init__(self, custom_id: str, title: str, locale: str) -> None:
        super().__init__(title=title[:45], custom_id=custom_id, timeout=None)
        self.add_item(
            discord.ui.TextInput(
                label=d(locale, "modal.label", limit=ANSWER_MAX_CHARS)[:45],
                style=discord.TextStyle.paragraph,
                custom_id=INPUT_ID,
                placeholder=d(locale, "modal.placeholder"),
                max_length=ANSWER_MAX_CHARS,
                required=True,
            )
        )


async def open_modal(interaction: discord.Interaction[Any], modal: AnswerModal) -> None:
    """Show the modal; it is not kept in discord.py's store (submissions route by id)."""
    await interaction.response.send_modal(modal)
    modal.stop()


def submitted_text(data: Any) -> str:
    """The text typed into the modal's input, from a MODAL_SUBMIT payload (action rows, or the
    newer label components)."""
    for row in (data or {}).get("components", []):
        inner = row.get("components") or ([row["component"]] if "component" in row else [])
        for component in inner:
            if component.get("custom_id") == INPUT_ID:
                return str(component.get("value") or "")
    return ""
