"""The fake Discord (tests/adapters/discord/fake_discord.py) in a process of its own, as Discord
is another machine: its HTTP parsing and JSON do not share the bot's interpreter (the GIL) or
event loop, so the bot is timed alone.

The bench talks to it over a pipe: which interactions to expect before a phase, and a copy of
what it holds (requests, messages, channels, thread members) after one. `RemoteFake` offers
the parts of `FakeDiscord` that the harness and the payload builder read.
"""

from __future__ import annotations

import asyncio
import itertools
import multiprocessing
import sys
import threading
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

KIT = Path(__file__).resolve().parents[1] / "tests" / "adapters" / "discord"
if str(KIT) not in sys.path:
    sys.path.insert(0, str(KIT))

from fake_discord import FakeDiscord, Message, Request  # noqa: E402

# Interaction ids the bench makes up: far from the fake's own ids (messages, threads).
FIRST_LOCAL_ID = 790000000000000001


def _serve(conn: Connection, options: dict[str, Any]) -> None:
    """The child: the fake on this process's main loop, commands read on a side thread."""
    fake = FakeDiscord(**options)
    loop = asyncio.new_event_loop()
    conn.send((loop.run_until_complete(fake.start()), fake.guild_id))

    def on_loop(work: Any, *args: Any) -> Any:
        async def call() -> Any:
            return work(*args)

        return asyncio.run_coroutine_threadsafe(call(), loop).result()

    def expect(items: list[tuple[str, int, int | None]]) -> None:
        for item in items:
            fake.expect_interaction(*item)

    def commands() -> None:
        while True:
            kind, arg = conn.recv()
            if kind == "expect":
                on_loop(expect, arg)
                conn.send(None)
            elif kind == "state":
                conn.send(on_loop(_state, fake))
            else:
                break
        loop.call_soon_threadsafe(loop.stop)

    reader = threading.Thread(target=commands, name="fake-commands", daemon=True)
    reader.start()
    loop.run_forever()
    loop.run_until_complete(fake.stop())
    loop.close()
    conn.send(None)


def _state(fake: FakeDiscord) -> dict[str, Any]:
    return {
        "requests": list(fake.requests),
        "messages": dict(fake.messages),
        "channels": {k: dict(v) for k, v in fake.channels.items()},
        "thread_members": list(fake.thread_members),
    }


class RemoteFake:
    """The bench's handle on the fake in the child process."""

    def __init__(self, **options: Any) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(
            target=_serve, args=(child, options), name="fake-discord", daemon=True
        )
        self._process.start()
        self.base, self.guild_id = self._conn.recv()
        self._ids = itertools.count(FIRST_LOCAL_ID)
        self._expected: list[tuple[str, int, int | None]] = []
        self.requests: list[Request] = []
        self.messages: dict[int, Message] = {}
        self.channels: dict[int, dict[str, Any]] = {}
        self.thread_members: list[tuple[int, int]] = []

    def next_id(self) -> int:
        return next(self._ids)

    def expect_interaction(self, token: str, channel_id: int, message_id: int | None) -> None:
        self._expected.append((token, channel_id, message_id))

    def send_expected(self) -> None:
        """Hand the fake the interactions announced since the last call (before feeding them)."""
        self._conn.send(("expect", self._expected))
        self._conn.recv()
        self._expected = []

    def sync(self) -> None:
        """Copy what the fake holds now."""
        self._conn.send(("state", None))
        state = self._conn.recv()
        self.requests = state["requests"]
        self.messages = state["messages"]
        self.channels = state["channels"]
        self.thread_members = state["thread_members"]

    def in_channel(self, channel_id: int) -> list[Message]:
        return [m for m in self.messages.values() if m.channel_id == channel_id and not m.deleted]

    def close(self) -> None:
        self._conn.send(("stop", None))
        self._conn.recv()
        self._process.join(timeout=30)
