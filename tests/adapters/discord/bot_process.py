"""`interview-bot run discord` as a subprocess against the fake Discord (REST and gateway on
loopback), one process at a time on one SQLite database; `stop` then `start` is a restart.
Tests drive it as members do: gateway events in, then wait for what the fake receives."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from fake_discord import FakeDiscord, Message
from payloads import Payloads

from content.loader import Bank

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.fake.token-not-a-secret"
DEADLINE_S = 60.0  # generous: a loaded machine starts a Python process slowly


class BotProcess:
    def __init__(self, fake: FakeDiscord, folder: Path) -> None:
        self.fake = fake
        self.folder = folder
        self.db_file = folder / "bot.db"
        self.payloads = Payloads(fake)
        self.process: asyncio.subprocess.Process | None = None
        self.logs: list[str] = []

    async def start(self) -> None:
        """A new process; returns once it has identified on the gateway (commands synced)."""
        before = len(self.fake.identified)
        env = {
            **os.environ,
            "DISCORD_TOKEN": TOKEN,
            "DISCORD_API_BASE": f"http://127.0.0.1:{self.fake._port}/api/v10",
            "DISCORD_GUILD_IDS": str(self.fake.guild_id),
            "DATABASE_URL": f"sqlite+aiosqlite:///{self.db_file}",
            "LOG_LEVEL": "INFO",
        }
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "run",
            "discord",
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
            cwd=self.folder,
        )
        await self.fake.wait_for(lambda: len(self.fake.identified) > before, DEADLINE_S)

    async def stop(self, sig: int = signal.SIGINT) -> int:
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(sig)
        out, err = await asyncio.wait_for(self.process.communicate(), DEADLINE_S)
        self.logs.append((out + err).decode())
        code = self.process.returncode
        assert code is not None
        return code

    def database(self, statement: sa.Executable) -> None:
        """What the test does to the stored state while the bot is down (time passing)."""
        engine = sa.create_engine(f"sqlite:///{self.db_file}")
        with engine.begin() as connection:
            connection.execute(statement)
        engine.dispose()

    async def send(self, payload: dict[str, Any]) -> dict[str, Any]:
        """An INTERACTION_CREATE through the gateway; the payload, to look for its replies."""
        message = payload.get("message")
        self.fake.expect_interaction(
            payload["token"], int(payload["channel_id"]), int(message["id"]) if message else None
        )
        await self.fake.dispatch("INTERACTION_CREATE", payload)
        return payload

    async def answered(self, payload: dict[str, Any]) -> str:
        """What the member alone was shown in answer to `payload` (once it is there)."""

        def shown() -> str:
            replies = [
                m for m in self.fake.replies_to(payload["token"]) if not m.loading and m.text()
            ]
            return "\n".join(m.text() for m in replies)

        text: str = await self.fake.wait_for(shown, DEADLINE_S)
        return text

    async def callback(self, payload: dict[str, Any]) -> dict[str, Any]:
        """The interaction's first response (a modal, a defer…), once Discord has it."""
        answer: dict[str, Any] = await self.fake.wait_for(
            lambda: self.fake.callbacks.get(int(payload["id"])), DEADLINE_S
        )
        return answer

    async def until(self, check: Callable[[], Any]) -> Any:
        return await self.fake.wait_for(check, DEADLINE_S)

    def public(self, channel_id: int) -> list[Message]:
        return [m for m in self.fake.in_channel(channel_id) if not m.ephemeral]

    def tracebacks(self) -> list[str]:
        return [line for log in self.logs for line in log.splitlines() if "Traceback" in line]


def good_answer(bank: Bank, shown: str) -> str:
    """An answer covering every key point of the question shown, in sentences."""
    question = next(q for q in bank.questions.values() if q.question in shown)
    return "。".join(
        f"{kp.point}，也就是{(kp.aliases or [kp.point])[0]}" for kp in question.key_points
    )
