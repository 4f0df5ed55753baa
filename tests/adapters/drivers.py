"""Drivers that use a front end as a member would, for the scenario every adapter must pass.

A driver sends what the member types or clicks, moves the fake clock, and returns the text the
member saw since the last step (messages, embeds or blocks flattened to text). Each front end
adds its driver here; the scenario in test_scenario.py runs against all of them.
"""

from __future__ import annotations

import asyncio
import io
import os
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "slack"))

from slack_fakes import FakeSlack  # noqa: E402
from slack_world import SlackWorld, block_text, slack_bot  # noqa: E402

from bot.adapters.console.app import ConsoleApp
from bot.adapters.console.inbound import console_actor
from bot.adapters.console.messenger import ConsoleMessenger
from bot.adapters.console.terminal import PROMPT, Terminal
from bot.core.clock import FakeClock
from bot.core.grading import build_offline_grader
from bot.core.interview.deadlines import DeadlineWatcher
from bot.runtime import build_core
from content.loader import Bank
from storage import open_store

WAIT_S = 10.0


class Driver(Protocol):
    async def start(self, topic: str, count: int, time_s: int) -> str: ...

    async def answer(self, text: str) -> str: ...

    async def hint(self) -> str: ...

    async def advance(self, seconds: float) -> str: ...


class WatchedOutput(io.StringIO):
    """A terminal's output that tells waiters when something was written."""

    def __init__(self) -> None:
        super().__init__()
        self.written = asyncio.Event()

    def write(self, text: str) -> int:
        self.written.set()
        return super().write(text)

    async def until(self, done: Callable[[str], bool]) -> None:
        async with asyncio.timeout(WAIT_S):
            while not done(self.getvalue()):
                self.written.clear()
                await self.written.wait()


class ConsoleDriver:
    """The real ConsoleApp reading a pipe and writing to a terminal we read back."""

    def __init__(
        self, app_stdin: int, out: io.StringIO, clock: FakeClock, watcher: DeadlineWatcher
    ):
        self._stdin = app_stdin
        self._out = out
        self._clock = clock
        self._watcher = watcher
        self._seen = 0

    async def start(self, topic: str, count: int, time_s: int) -> str:
        return await self._type(f"start {topic} {count} {time_s}")

    async def answer(self, text: str) -> str:
        return await self._type(text)

    async def hint(self) -> str:
        return await self._type("hint")

    async def advance(self, seconds: float) -> str:
        await self._watcher.wait_idle()
        self._clock.advance(seconds)
        async with asyncio.timeout(WAIT_S):
            await self._watcher.wait_idle()
        return self._new()

    async def _type(self, line: str) -> str:
        os.write(self._stdin, (line + "\n").encode())
        mark = len(self._out.getvalue())
        # Handled when the prompt is back after what the line produced.
        await self._out.until(lambda text: len(text) > mark + len(PROMPT) and text.endswith(PROMPT))
        return self._new()

    def _new(self) -> str:
        text = self._out.getvalue()
        new, self._seen = text[self._seen :], len(text)
        return new


@asynccontextmanager
async def console_driver(db_url: str, bank: Bank) -> AsyncIterator[ConsoleDriver]:
    clock = FakeClock()
    store = await open_store(db_url)
    watcher = DeadlineWatcher(clock)
    actor = console_actor("scenario")
    out = WatchedOutput()
    messenger = ConsoleMessenger(actor, Terminal(out, interactive=True))
    core = build_core(
        bank=bank,
        store=store,
        grader=build_offline_grader(bank),
        clock=clock,
        messenger=messenger,
        deadlines=watcher,
        timezone=ZoneInfo("Asia/Shanghai"),
        platforms=frozenset({"console"}),
    )
    await watcher.start(store.pending_deadlines, core.expire)
    read_end, write_end = os.pipe()
    stdin = os.fdopen(read_end, "r", encoding="utf-8")
    app = asyncio.create_task(ConsoleApp(core, messenger, actor, stdin=stdin).run())
    try:
        await out.until(lambda text: text.endswith(PROMPT))
        driver = ConsoleDriver(write_end, out, clock, watcher)
        driver._new()
        yield driver
    finally:
        os.close(write_end)
        async with asyncio.timeout(WAIT_S):
            await app
        stdin.close()
        await watcher.stop()
        await core.aclose()
        await store.close()


class DiscordDriver:
    """The real discord.py client against the fake Discord: the member clicks and types in the
    thread the bot opened; what they see is every message posted there or to them since."""

    def __init__(self, bot: Any, member: Any) -> None:
        self._bot = bot
        self._member = member
        self._seen: set[int] = set()
        self._thread = 0

    async def start(self, topic: str, count: int, time_s: int) -> str:
        await self._bot.feed(
            self._bot.payloads.slash(self._member, "start", topic=topic, count=count, time=time_s)
        )
        self._thread = int(self._bot.fake.threads()[-1]["id"])
        return self._new()

    async def answer(self, text: str) -> str:
        card = self._card()
        await self._bot.feed(
            self._bot.payloads.modal(self._member, card.custom_ids()[0], text, message=card)
        )
        return self._new()

    async def hint(self) -> str:
        card = self._card()
        await self._bot.feed(self._bot.payloads.button(self._member, card, card.custom_ids()[1]))
        return self._new()

    async def advance(self, seconds: float) -> str:
        await self._bot.advance(seconds)
        return self._new()

    def _card(self) -> Any:
        return [m for m in self._bot.public(self._thread) if m.custom_ids()][-1]

    def _new(self) -> str:
        fresh = [m for m in self._bot.fake.messages.values() if m.id not in self._seen]
        self._seen.update(m.id for m in fresh)
        return "\n\n".join(m.text() for m in fresh if not m.deleted)


@asynccontextmanager
async def discord_driver(db_url: str, bank: Bank) -> AsyncIterator[DiscordDriver]:
    # The Discord test kit (fake REST API, payloads, harness) lives beside its own tests.
    kit = str(Path(__file__).parent / "discord")
    if kit not in sys.path:
        sys.path.insert(0, kit)
    from fake_discord import FakeDiscord
    from harness import start_bot
    from payloads import Member

    from bot.adapters.discord.app import use_api_base

    fake = FakeDiscord()
    previous = use_api_base(await fake.start())
    bot = await start_bot(db_url, fake, bank, FakeClock())
    try:
        yield DiscordDriver(bot, Member(750000000000000009, "scenario"))
    finally:
        await bot.close()
        use_api_base(previous)
        await fake.stop()


class SlackDriver:
    """The real AsyncApp over signed HTTP; what the member saw is every message, ephemeral
    reply and card update the fake Slack received, flattened to text."""

    def __init__(self, world: SlackWorld) -> None:
        self._world = world
        self._seen = 0

    async def start(self, topic: str, count: int, time_s: int) -> str:
        await self._world.command(f"start {topic} {count} {time_s}")
        await self._world.wait_card(1)
        return self._new()

    async def answer(self, text: str) -> str:
        cards = len(self._world.cards())
        await self._world.say(text)
        await self._world.wait_card(cards + 1)
        return self._new()

    async def hint(self) -> str:
        await self._world.command("hint")
        fake = self._world.fake
        await fake.wait_for(lambda: any("提示" in p["text"] for p in self._world.posts()))
        return self._new()

    async def advance(self, seconds: float) -> str:
        watcher = self._world.services.watcher
        async with asyncio.timeout(WAIT_S):
            await watcher.wait_idle()
            self._world.clock.advance(seconds)
            await watcher.wait_idle()
        await self._world.fake.wait_for(
            lambda: any(
                b.get("type") == "header" and "结束" in b["text"]["text"]
                for p in self._world.posts()
                for b in p.get("blocks") or []
            )
        )
        return self._new()

    def _new(self) -> str:
        calls = self._world.fake.calls
        new, self._seen = calls[self._seen :], len(calls)
        return "\n".join(block_text(c.params.get("blocks") or []) for c in new)


@asynccontextmanager
async def slack_driver(db_url: str, bank: Bank) -> AsyncIterator[SlackDriver]:
    fake = FakeSlack()
    await fake.start()
    try:
        async with slack_bot(db_url, bank, FakeClock(), fake) as world:
            yield SlackDriver(world)
    finally:
        await fake.close()
