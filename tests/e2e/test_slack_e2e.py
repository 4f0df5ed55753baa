"""The Slack bot as an operator runs it: `python -m bot run slack --http --port 0` as a
subprocess against a fake Slack Web API on loopback, driven by signed requests."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parents[1] / "adapters" / "slack"))

from slack_fakes import BOT_TOKEN, SIGNING_SECRET, FakeSlack, SignedSlack  # noqa: E402
from slack_payloads import slash  # noqa: E402

WAIT_S = 30.0


async def _listening_port(stderr: asyncio.StreamReader) -> int:
    async with asyncio.timeout(WAIT_S):
        while True:
            line = await stderr.readline()
            if not line:
                raise AssertionError("the bot exited before listening")
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if record.get("event") == "slack.http_listening":
                return int(record["port"])


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    fake = FakeSlack()
    await fake.start()
    try:
        yield fake
    finally:
        await fake.close()


async def test_the_real_process_serves_signed_slash_commands(
    fake: FakeSlack, tmp_path: Path
) -> None:
    env = dict(
        os.environ,
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/e2e.db",
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=fake.api_url,
        SLACK_HOST="127.0.0.1",
        LOG_LEVEL="INFO",
    )
    for name in ("DISCORD_TOKEN", "SLACK_APP_TOKEN", "CONTENT_DIRS", "SLACK_MODE", "SLACK_PORT"):
        env.pop(name, None)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "run", "slack", "--http", "--port", "0",
        env=env, cwd=tmp_path, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert process.stderr is not None
    try:
        port = await _listening_port(process.stderr)
        http = SignedSlack(f"http://127.0.0.1:{port}/slack/events")
        try:
            status, _ = await http.form(
                slash("start 1 5m", user="U1", channel="C1", response_url=fake.response_url())
            )
            assert status == 200
            started, card = (await fake.wait_count("chat.postMessage", 2))[:2]
            assert started["channel"] == card["channel"] == "DU1"
            assert any(b["type"] == "actions" for b in card["blocks"])
            status, _ = await http.form(
                slash("start", user="U1", channel="C1", response_url=fake.response_url()),
                signature="v0=" + "f" * 64,
            )
            assert status == 401
        finally:
            await http.close()
    finally:
        process.send_signal(signal.SIGINT)
        async with asyncio.timeout(WAIT_S):
            code = await process.wait()
    assert code in (0, 130)
