"""`interview-bot run slack --http --port 0` as a real subprocess, against a fake Slack on
loopback: start it, read where it listens, stop it (politely or with SIGKILL), start another on
the same database. Its log (stderr, JSON lines) is read all along, so a full pipe never stalls
it and a test can say what it logged."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parents[1] / "adapters" / "slack"))

from slack_fakes import BOT_TOKEN, SIGNING_SECRET, FakeSlack  # noqa: E402

WAIT_S = 30.0
# The environment a test must not inherit from whoever runs it.
UNSET = ("DISCORD_TOKEN", "SLACK_APP_TOKEN", "CONTENT_DIRS", "SLACK_MODE", "SLACK_PORT", "TZ")


def bot_command() -> list[str]:
    """The installed `interview-bot` script when there is one (what an operator runs)."""
    script = Path(sys.executable).parent / "interview-bot"
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot"]


@dataclass
class BotProcess:
    fake: FakeSlack
    db_url: str
    cwd: Path
    process: asyncio.subprocess.Process | None = None
    port: int = 0
    log: list[dict[str, Any]] = field(default_factory=list)
    raw_log: list[str] = field(default_factory=list)
    _reader: asyncio.Task[None] | None = None
    _listening: asyncio.Future[int] | None = None

    def env(self) -> dict[str, str]:
        env = dict(
            os.environ,
            DATABASE_URL=self.db_url,
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_API_URL=self.fake.api_url,
            SLACK_HOST="127.0.0.1",
            LOG_LEVEL="INFO",
            PYTHONFAULTHANDLER="1",
        )
        for name in UNSET:
            env.pop(name, None)
        return env

    async def start(self) -> int:
        self._listening = asyncio.get_running_loop().create_future()
        self.process = await asyncio.create_subprocess_exec(
            *bot_command(), "run", "slack", "--http", "--port", "0",
            env=self.env(), cwd=self.cwd,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        self._reader = asyncio.create_task(self._read(self.process.stderr))
        async with asyncio.timeout(WAIT_S):
            self.port = await self._listening
        return self.port

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/slack/events"

    async def stop(self, sig: int = signal.SIGINT) -> int:
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(sig)
        try:
            async with asyncio.timeout(WAIT_S):
                code = await self.process.wait()
                if self._reader is not None:
                    await self._reader
        except TimeoutError:
            # PYTHONFAULTHANDLER: SIGABRT makes it print every thread's stack before it dies.
            self.process.send_signal(signal.SIGABRT)
            async with asyncio.timeout(WAIT_S):
                await self.process.wait()
                if self._reader is not None:
                    await self._reader
            tail = "".join(self.raw_log[-60:])
            raise AssertionError(
                f"the bot did not stop on signal {sig}; its log:\n{tail}"
            ) from None
        return code

    async def wait_logged(self, event: str, timeout_s: float = WAIT_S) -> dict[str, Any]:
        """The first log record of `event`, once the process has written it."""
        async with asyncio.timeout(timeout_s):
            # The reader has no event per line; a short poll under a deadline is enough here.
            while not (found := [r for r in self.log if r.get("event") == event]):  # noqa: ASYNC110
                await asyncio.sleep(0.05)
        return found[0]

    def tracebacks(self) -> list[str]:
        return [line for line in self.raw_log if "Traceback" in line or '"exception"' in line]

    async def _read(self, stream: asyncio.StreamReader | None) -> None:
        assert stream is not None and self._listening is not None
        while line := await stream.readline():
            text = line.decode(errors="replace")
            self.raw_log.append(text)
            try:
                record = json.loads(text)
            except ValueError:
                continue
            self.log.append(record)
            if record.get("event") == "slack.http_listening" and not self._listening.done():
                self._listening.set_result(int(record["port"]))
        if not self._listening.done():
            self._listening.set_exception(AssertionError("the bot exited before listening"))
