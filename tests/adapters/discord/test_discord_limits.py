"""Discord's limits: long texts split at line boundaries, 429s left to discord.py's limiter,
the global limit kept by the bot's own pace, and the invite link with exactly the scopes and
permissions the bot needs."""

from __future__ import annotations

import asyncio
import base64
import os
import subprocess
import sys
import time

from fake_discord import FakeDiscord
from harness import DiscordBot, start_bot
from payloads import Member
from test_discord_interview import start

from bot.adapters.discord.cli import SCOPES, bot_permissions, client_id_from_token, invite_url
from bot.adapters.discord.limits import (
    DESCRIPTION_MAX,
    EMBEDS_PER_MESSAGE,
    MESSAGE_EMBEDS_MAX_CHARS,
    split_lines,
)
from bot.adapters.discord.pace import LATER, URGENT, GlobalPace
from bot.adapters.discord.render import render_all
from bot.core.clock import FakeClock
from bot.core.replies import Feedback
from content.loader import Bank


def test_split_lines_cuts_between_lines_and_loses_nothing() -> None:
    text = "\n".join(f"第 {n} 行：" + "要点" * (n % 40) for n in range(600))
    pieces = split_lines(text, 1000)
    assert all(len(piece) <= 1000 for piece in pieces)
    assert "\n".join(pieces) == text
    assert all(piece.startswith("第 ") for piece in pieces)  # each starts at a line


def test_a_line_longer_than_the_limit_is_cut_within_it() -> None:
    assert split_lines("x" * 2500, 1000) == ["x" * 1000, "x" * 1000, "x" * 500]


async def test_a_long_reference_answer_fits_every_limit_and_reads_in_full() -> None:
    reference = "\n".join(f"- 参考要点 {n}：" + "解释" * 60 for n in range(200))  # ~25,000 chars
    feedback = Feedback(
        locale="zh-CN",
        session_id="a" * 32,
        attempt_id=1,
        position=1,
        total=1,
        question_id="q",
        topic_name="RAG",
        difficulty=2,
        question="什么是 RAG？",
        outcome="answered",
        score=80,
        max_score=100,
        points=8,
        covered=[],
        missed=["引用"],
        verdict="不错",
        reference_answer=reference,
        grader="offline 1",
        time_taken_s=30,
    )
    messages = render_all([feedback])
    assert len(messages) > 1
    for message in messages:
        assert len(message.embeds) <= EMBEDS_PER_MESSAGE
        assert sum(len(embed) for embed in message.embeds) <= MESSAGE_EMBEDS_MAX_CHARS
        assert all(len(embed.description or "") <= DESCRIPTION_MAX for embed in message.embeds)
    shown = "\n".join(e.description or "" for m in messages for e in m.embeds)
    assert all(line in shown for line in reference.splitlines())
    assert messages[-1].view is not None  # the mark buttons come under the last part


async def test_a_429_is_waited_out_and_the_card_still_arrives(bot: DiscordBot) -> None:
    bot.fake.throttle("POST", r"^/channels/\d+/messages$", retry_after=0.3, times=1)
    thread = await start(bot, topic="rag", count=1)
    posts = [r for r in bot.fake.requests if r.method == "POST" and r.path.endswith("/messages")]
    assert posts[0].status == 429 and posts[1].status == 200
    assert posts[1].at - posts[0].at >= 0.3  # Retry-After honoured, not hammered
    assert "第 1/1 题" in bot.last_in(thread).text()


async def test_a_burst_under_the_global_limit_draws_no_429(
    db_url: str, fake: FakeDiscord, bank: Bank
) -> None:
    # Discord's global limit, scaled down so that the test is quick: 10 requests a second.
    # Eight members start at once: 24 thread, member and card requests, none refused.
    fake.global_limit = 10
    bot = await start_bot(db_url, fake, bank, FakeClock(), global_rate=10)
    try:
        members = [Member(750000000000000100 + n, f"m{n}") for n in range(8)]
        payloads = [bot.payloads.slash(m, "start", topic="rag", count=1) for m in members]
        await asyncio.gather(*(bot.feed(p) for p in payloads))
        assert [r.path for r in fake.requests if r.status == 429] == []
        threads = dict(fake.thread_members)
        assert sorted(threads.values()) == [m.id for m in members]
        assert all("第 1/1 题" in bot.last_in(thread).text() for thread in threads)
    finally:
        await bot.close()


async def test_the_pace_keeps_the_rate_and_serves_the_urgent_first() -> None:
    pace = GlobalPace(200)  # a burst of 20, then 180 a second
    served: list[tuple[int, float]] = []

    async def one(priority: int) -> None:
        await pace.wait(priority)
        served.append((priority, time.monotonic()))

    began = time.monotonic()
    await asyncio.gather(*(one(LATER) for _ in range(40)), *(one(URGENT) for _ in range(20)))
    burst, queued = served[:20], served[20:]
    assert all(priority == LATER for priority, _ in burst)  # nobody waited: in order
    assert [p for p, _ in queued] == [URGENT] * 20 + [LATER] * 20  # the queue: urgent first
    assert served[-1][1] - began >= 40 / 180 * 0.9  # 40 waited their turns at the rate


def test_invite_url_has_exactly_the_scopes_and_permissions() -> None:
    url = invite_url(1234)
    assert "client_id=1234" in url and "scope=bot+applications.commands" in url
    assert f"permissions={bot_permissions().value}" in url
    wanted = bot_permissions()
    assert wanted.create_private_threads and wanted.send_messages_in_threads
    assert not wanted.administrator and not wanted.manage_guild and not wanted.mention_everyone
    assert SCOPES == ("bot", "applications.commands")


def test_invite_url_command_reads_the_id_from_the_token() -> None:
    token = base64.b64encode(b"987654321098765432").decode().rstrip("=") + ".abc.def"
    assert client_id_from_token(token) == 987654321098765432
    env = {**os.environ, "DISCORD_TOKEN": token}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "discord", "invite-url"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "client_id=987654321098765432" in result.stdout
    assert token not in result.stdout + result.stderr  # the secret is never printed
