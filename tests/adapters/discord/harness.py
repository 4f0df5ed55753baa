"""One running Discord bot for tests: the real discord.py client, logged in to the fake REST
API, on the real core and store; gateway events are fed to the client's parsers.

`feed` returns once every task discord.py started for the event (the command tree's invoker,
button and modal dispatch, `on_*` events) has finished, with a deadline: tests then read what
the fake received.
"""

from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fake_discord import FakeDiscord, Message
from payloads import Payloads

from bot.adapters.discord.app import InterviewClient, build_client
from bot.adapters.discord.messenger import DiscordMessenger
from bot.adapters.discord.pace import DISCORD_GLOBAL_PER_SECOND
from bot.core.clock import FakeClock
from bot.core.grading import build_offline_grader
from bot.core.interview.deadlines import DeadlineWatcher
from bot.core.service import Core
from bot.runtime import build_core
from content.loader import Bank
from storage import Store, open_store

FIXTURE_BANK = Path(__file__).parents[2] / "unit" / "core" / "fixtures" / "bank"
DRAIN_TIMEOUT_S = 10.0
TOKEN = "test-token-not-a-secret"

# Full answers to fixture questions (every key point, in sentences).
GOOD = {
    "rag-what-is-rag": "RAG 就是检索增强生成：先从外部知识库检索相关文档，再让模型基于检索到的内容"
    "生成答案。这样可以缓解幻觉，知识可以实时更新，回答还能给出引用来源。",
    "rag-chunking": "切分时要权衡块大小：块太大语义被稀释，太小又缺上下文；相邻块之间要设置重叠"
    "（overlap）；尽量按句子、按段落这样的语义边界切；同时保留标题等元数据，方便过滤和溯源。",
    "rag-rerank": "向量检索召回快但不够精确，所以采用两阶段：先召回 top-k，再用交叉编码器"
    "（cross-encoder）对问题和每篇文档逐对打分做精排，最后取前几条给模型。",
    "quant-int8-basics": "量化就是用 int8、int4 这样的低比特整数来表示权重，可以降低显存占用、"
    "提升推理速度，但会带来一定的精度损失。",
    "quant-gptq-awq": "GPTQ 利用二阶的 Hessian 信息逐层补偿量化误差；AWQ 则根据激活值找出重要权重"
    "并对其缩放保护；两者都是仅权重的训练后量化（PTQ）。",
}


def _ours(task: asyncio.Task[Any]) -> bool:
    return task.get_name().startswith(("discord", "CommandTree"))


@dataclass
class DiscordBot:
    fake: FakeDiscord
    client: InterviewClient
    core: Core
    store: Store
    watcher: DeadlineWatcher
    clock: FakeClock
    payloads: Payloads

    async def feed(self, payload: dict[str, Any]) -> None:
        """An INTERACTION_CREATE from the gateway; returns when the bot is done with it."""
        message = payload.get("message")
        self.fake.expect_interaction(
            payload["token"], int(payload["channel_id"]), int(message["id"]) if message else None
        )
        await self._run(lambda: self.client._connection.parsers["INTERACTION_CREATE"](payload))

    async def feed_message(self, payload: dict[str, Any]) -> None:
        await self._run(lambda: self.client._connection.parsers["MESSAGE_CREATE"](payload))

    async def advance(self, seconds: float) -> None:
        """Move the clock; returns when the deadline watcher has delivered what fell due."""
        async with asyncio.timeout(DRAIN_TIMEOUT_S):
            await self.watcher.wait_idle()
            self.clock.advance(seconds)
            await self.watcher.wait_idle()

    async def _run(self, parse: Any, deadline_s: float = DRAIN_TIMEOUT_S) -> None:
        before = {t for t in asyncio.all_tasks() if _ours(t)}
        parsed = parse()
        if asyncio.iscoroutine(parsed):
            await parsed
        async with asyncio.timeout(deadline_s):
            while True:
                new = {t for t in asyncio.all_tasks() if _ours(t)} - before
                if not new:
                    return
                await asyncio.wait(new)
                before |= new

    async def close(self) -> None:
        """Stop as a killed process would: nothing is ended, the database keeps everything."""
        await self.client.close()
        await self.watcher.stop()
        await self.core.aclose()
        await self.store.close()

    # ---- reading what members see ---------------------------------------------------------

    def public(self, channel_id: int) -> list[Message]:
        """What everyone in the channel sees (not the ephemeral replies to one member)."""
        return [m for m in self.fake.in_channel(channel_id) if not m.ephemeral]

    def last_in(self, channel_id: int) -> Message:
        return self.public(channel_id)[-1]

    def private_to(self, token_of: dict[str, Any]) -> list[Message]:
        """What the member alone saw in answer to one interaction."""
        channel = int(token_of["channel_id"])
        return [m for m in self.fake.in_channel(channel) if m.ephemeral]


async def start_bot(
    db_url: str,
    fake: FakeDiscord,
    bank: Bank,
    clock: FakeClock,
    *,
    typed_answers: bool = False,
    global_rate: float = DISCORD_GLOBAL_PER_SECOND,
) -> DiscordBot:
    store = await open_store(db_url)
    messenger = DiscordMessenger()
    watcher = DeadlineWatcher(clock)
    core = build_core(
        bank=bank,
        store=store,
        grader=build_offline_grader(bank),
        clock=clock,
        messenger=messenger,
        deadlines=watcher,
        timezone=ZoneInfo("Asia/Shanghai"),
        rng=random.Random(7),
        platforms=frozenset({"discord"}),
    )
    client = build_client(
        core,
        bank,
        messenger,
        typed_answers=typed_answers,
        guild_ids=[fake.guild_id],
        global_rate=global_rate,
    )
    await client.login(TOKEN)
    await watcher.start(store.pending_deadlines, core.expire)
    return DiscordBot(fake, client, core, store, watcher, clock, Payloads(fake))
