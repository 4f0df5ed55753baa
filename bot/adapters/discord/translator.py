"""Slash-command descriptions and choice names in the member's Discord language.

Command and option names stay English (what members type); descriptions and choices carry a
`locale_str` whose `key` is a text in `texts.py`. Discord shows the zh-CN localisation to
members whose client is in Chinese, and the English default to everyone else.
"""

from __future__ import annotations

from typing import Any

import discord
from discord import app_commands

from bot.adapters.discord.texts import d, has

# Discord locales we translate into, and the text language each gets.
LOCALES: dict[discord.Locale, str] = {
    discord.Locale.chinese: "zh-CN",
    discord.Locale.taiwan_chinese: "zh-CN",
    discord.Locale.american_english: "en",
    discord.Locale.british_english: "en",
}


class InterviewTranslator(app_commands.Translator):
    async def translate(
        self, string: app_commands.locale_str, locale: discord.Locale, context: Any
    ) -> str | None:
        key = string.extras.get("key")
        language = LOCALES.get(locale)
        if not key or language is None or not has(key):
            return None
        return d(language, key)


def text(key: str) -> app_commands.locale_str:
    """A translatable description: English by default, zh-CN through the translator."""
    return app_commands.locale_str(d("en", key), key=key)
