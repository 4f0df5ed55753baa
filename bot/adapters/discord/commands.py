"""The `/interview` slash-command group: the table of every subcommand and its options.

Each subcommand only turns its typed options into a core Command and hands it to the
InteractionFlow; `start`, `review` and `answer` have their own paths (a new thread, the modal).
"""

from __future__ import annotations

import zoneinfo
from typing import Any

import discord
from discord import app_commands

from bot.adapters.discord.flow import InteractionFlow
from bot.adapters.discord.inbound import config_command, start_command
from bot.adapters.discord.translator import text
from bot.core.commands import (
    COMMAND_NAMES,
    Daily,
    ForgetMe,
    Help,
    Hint,
    Lang,
    Leaderboard,
    Mark,
    ParseError,
    Skip,
    Stats,
    Status,
    Stop,
    Topics,
)

AUTOCOMPLETE_MAX = 25

Interaction = discord.Interaction[Any]

DIFFICULTIES = [
    app_commands.Choice(name=text("choice.easy"), value=1),
    app_commands.Choice(name=text("choice.medium"), value=2),
    app_commands.Choice(name=text("choice.hard"), value=3),
]
PERIODS = [
    app_commands.Choice(name=text(f"choice.{period}"), value=period)
    for period in ("week", "month", "all")
]
VERDICTS = [
    app_commands.Choice(name=text(f"choice.{verdict}"), value=verdict)
    for verdict in ("too_low", "too_high")
]
LANGUAGES = [
    app_commands.Choice(name=text("choice.zh"), value="zh-CN"),
    app_commands.Choice(name=text("choice.en"), value="en"),
]
DAILY_DIFFICULTIES = [
    app_commands.Choice(name=text(f"choice.{name}"), value=name)
    for name in ("easy", "medium", "hard", "any")
]
# IANA names for the timezone autocomplete, the usual ones first.
ZONES = sorted(
    zoneinfo.available_timezones(), key=lambda z: (z.startswith("Etc/") or "/" not in z, z)
)
HELP_TOPICS = [app_commands.Choice(name=name, value=name) for name in COMMAND_NAMES]


class InterviewGroup(app_commands.Group):
    def __init__(self, flow: InteractionFlow) -> None:
        super().__init__(name="interview", description=text("cmd.interview"), guild_only=True)
        self.flow = flow

    @app_commands.command(description=text("cmd.start"))
    @app_commands.describe(
        topic=text("opt.topic"),
        count=text("opt.count"),
        time=text("opt.time"),
        difficulty=text("opt.difficulty"),
    )
    @app_commands.choices(difficulty=DIFFICULTIES)
    async def start(
        self,
        interaction: Interaction,
        topic: str | None = None,
        count: app_commands.Range[int, 1, 20] | None = None,
        time: app_commands.Range[int, 30, 1800] | None = None,
        difficulty: int | None = None,
    ) -> None:
        command = start_command(topic=topic, count=count, time_s=time, difficulty=difficulty)
        await self._begin(interaction, command)

    @app_commands.command(description=text("cmd.review"))
    @app_commands.describe(topic=text("opt.topic"), count=text("opt.count"), time=text("opt.time"))
    async def review(
        self,
        interaction: Interaction,
        topic: str | None = None,
        count: app_commands.Range[int, 1, 20] | None = None,
        time: app_commands.Range[int, 30, 1800] | None = None,
    ) -> None:
        command = start_command(topic=topic, count=count, time_s=time, difficulty=None, review=True)
        await self._begin(interaction, command)

    @app_commands.command(description=text("cmd.answer"))
    async def answer(self, interaction: Interaction) -> None:
        await self.flow.answer_command(interaction)

    @app_commands.command(description=text("cmd.hint"))
    async def hint(self, interaction: Interaction) -> None:
        await self.flow.command(interaction, Hint())

    @app_commands.command(description=text("cmd.skip"))
    async def skip(self, interaction: Interaction) -> None:
        await self.flow.command(interaction, Skip())

    @app_commands.command(description=text("cmd.stop"))
    async def stop(self, interaction: Interaction) -> None:
        await self.flow.command(interaction, Stop())

    @app_commands.command(description=text("cmd.status"))
    async def status(self, interaction: Interaction) -> None:
        await self.flow.command(interaction, Status())

    @app_commands.command(description=text("cmd.mark"))
    @app_commands.describe(verdict=text("opt.verdict"))
    @app_commands.choices(verdict=VERDICTS)
    async def mark(self, interaction: Interaction, verdict: str) -> None:
        if verdict not in ("too_low", "too_high"):
            await self.flow.refuse(interaction, ParseError(code="bad_mark", command="mark"))
            return
        await self.flow.command(interaction, Mark(verdict=verdict))

    @app_commands.command(description=text("cmd.topics"))
    async def topics(self, interaction: Interaction) -> None:
        await self.flow.command(interaction, Topics())

    @app_commands.command(description=text("cmd.leaderboard"))
    @app_commands.describe(period=text("opt.period"))
    @app_commands.choices(period=PERIODS)
    async def leaderboard(self, interaction: Interaction, period: str = "week") -> None:
        if period not in ("week", "month", "all"):
            await self.flow.refuse(
                interaction, ParseError(code="bad_period", command="leaderboard")
            )
            return
        await self.flow.command(interaction, Leaderboard(period=period))

    @app_commands.command(description=text("cmd.stats"))
    @app_commands.describe(member=text("opt.member"))
    async def stats(self, interaction: Interaction, member: discord.Member | None = None) -> None:
        if member is None:
            await self.flow.command(interaction, Stats())
        else:
            command = Stats(user_id=str(member.id), display_name=member.display_name)
            await self.flow.command(interaction, command)

    @app_commands.command(description=text("cmd.lang"))
    @app_commands.describe(locale=text("opt.locale"))
    @app_commands.choices(locale=LANGUAGES)
    async def lang(self, interaction: Interaction, locale: str) -> None:
        if locale not in ("zh-CN", "en"):
            await self.flow.refuse(interaction, ParseError(code="bad_locale", command="lang"))
            return
        await self.flow.command(interaction, Lang(locale=locale))

    @app_commands.command(name="help", description=text("cmd.help"))
    @app_commands.describe(command=text("opt.command"))
    @app_commands.choices(command=HELP_TOPICS)
    async def help_(self, interaction: Interaction, command: str | None = None) -> None:
        await self.flow.command(interaction, Help(command=command))

    @app_commands.command(description=text("cmd.daily"))
    async def daily(self, interaction: Interaction) -> None:
        await self.flow.command(interaction, Daily())

    @app_commands.command(description=text("cmd.config"))
    @app_commands.describe(
        time=text("opt.daily_time"),
        timezone=text("opt.timezone"),
        days=text("opt.days"),
        topics=text("opt.topics"),
        difficulty=text("opt.difficulty"),
        window=text("opt.window"),
        digest=text("opt.digest"),
        off=text("opt.off"),
        show_name=text("opt.show_name"),
    )
    @app_commands.choices(difficulty=DAILY_DIFFICULTIES)
    async def config(
        self,
        interaction: Interaction,
        time: str | None = None,
        timezone: str | None = None,
        days: str | None = None,
        topics: str | None = None,
        difficulty: str | None = None,
        window: str | None = None,
        digest: bool | None = None,
        off: bool = False,
        show_name: bool | None = None,
    ) -> None:
        command = config_command(
            time=time,
            timezone=timezone,
            days=days,
            topics=topics,
            difficulty=difficulty,
            window=window,
            digest=digest,
            off=off,
            show_name=show_name,
        )
        await self.flow.command(interaction, command)

    @app_commands.command(name="forget-me", description=text("cmd.forget-me"))
    async def forget_me(self, interaction: Interaction) -> None:
        await self.flow.command(interaction, ForgetMe())

    @config.autocomplete("timezone")
    async def _zones(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        wanted = current.strip().casefold().replace(" ", "_")
        found = [zone for zone in ZONES if wanted in zone.casefold()]
        return [app_commands.Choice(name=zone, value=zone) for zone in found[:AUTOCOMPLETE_MAX]]

    @start.autocomplete("topic")
    @review.autocomplete("topic")
    async def _topics(
        self, interaction: Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        english = (await self.flow.locale(interaction)) == "en"
        wanted = current.strip().casefold()
        choices = []
        for topic in self.flow.bank.topics.values():
            names = [topic.id, topic.zh, topic.en, *topic.aliases]
            if wanted and not any(wanted in name.casefold() for name in names):
                continue
            count = len(self.flow.bank.in_topic(topic.id))
            shown = f"{topic.en} ({topic.zh})" if english else f"{topic.zh}（{topic.en}）"
            label = f"{shown} · {count}" + (" questions" if english else " 题")
            choices.append(app_commands.Choice(name=label[:100], value=topic.id))
        return choices[:AUTOCOMPLETE_MAX]

    async def _begin(self, interaction: Interaction, command: Any) -> None:
        if isinstance(command, ParseError):
            await self.flow.refuse(interaction, command)
        else:
            await self.flow.begin(interaction, command)
