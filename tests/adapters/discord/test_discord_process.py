"""The real bot process, `interview-bot run discord`, against the fake Discord's REST API and
gateway on loopback: it logs in, syncs its commands, connects, and runs an interview."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from fake_discord import FakeDiscord
from payloads import GENERAL, Member, Payloads

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.fake.token-not-a-secret"
DEADLINE_S = 30.0


async def test_run_discord_process_serves_an_interview(fake: FakeDiscord, tmp_path: Path) -> None:
    base = f"http://127.0.0.1:{fake._port}/api/v10"
    env = {
        **os.environ,
        "DISCORD_TOKEN": TOKEN,
        "DISCORD_API_BASE": base,
        "DISCORD_GUILD_IDS": str(fake.guild_id),
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        "LOG_LEVEL": "INFO",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "run",
        "discord",
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=tmp_path,
    )
    try:
        await fake.wait_for(lambda: fake.identified, deadline_s=DEADLINE_S)
        assert fake.synced[f"guild:{fake.guild_id}"][0]["name"] == "interview"
        alice = Member(750000000000000001, "alice")
        payload = Payloads(fake).slash(alice, "start", topic="rag", count=1)
        fake.expect_interaction(payload["token"], GENERAL, None)
        await fake.dispatch("INTERACTION_CREATE", payload)
        thread = await fake.wait_for(lambda: fake.threads(), deadline_s=DEADLINE_S)
        thread_id = int(thread[0]["id"])
        card = await fake.wait_for(
            lambda: [m for m in fake.in_channel(thread_id) if m.custom_ids()], deadline_s=DEADLINE_S
        )
        assert "第 1/1 题" in card[0].embeds[-1]["title"]
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGINT)
        out, err = await asyncio.wait_for(process.communicate(), DEADLINE_S)
    logs = (out + err).decode()
    assert TOKEN not in logs  # the secret is never logged
    assert process.returncode in (0, 130), logs[-2000:]
