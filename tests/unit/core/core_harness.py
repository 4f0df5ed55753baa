"""Shared helpers for the core's tests (the fixtures that use them live in conftest.py).

The core as a member meets it: push a command, pop the views.

Real pieces everywhere except time and the outside world: a real SQLite (or PostgreSQL) Store,
the real offline grader, a FakeClock the test moves, and a Messenger that records what the
deadline watcher sends. A "process" is one Store + Core + DeadlineWatcher; tests may start a
second one on the same database to play a restart or a second bot process.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

from bot.core.clock import FakeClock
from bot.core.commands import Actor, Command, Place
from bot.core.grading import Grader, build_offline_grader
from bot.core.interview.deadlines import DeadlineWatcher
from bot.core.messenger import RecordingMessenger
from bot.core.replies import Reply
from bot.core.service import Core
from bot.runtime import build_core
from content.loader import Bank
from storage import Store, open_store

V = TypeVar("V")

FIXTURE_BANK = Path(__file__).parent / "fixtures" / "bank"
SETTLE_TIMEOUT_S = 10.0

# A full answer to each fixture question (every key point, in sentences).
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


def actor(user: str = "alice", *, platform: str = "console", workspace: str = "local") -> Actor:
    return Actor(platform=platform, workspace_id=workspace, user_id=user, display_name=user)


@dataclass
class BotProcess:
    """One running bot: its own Store connection, Core and DeadlineWatcher on a shared file."""

    core: Core
    store: Store
    watcher: DeadlineWatcher
    messenger: RecordingMessenger
    clock: FakeClock
    place: Place = field(default_factory=Place)

    async def say(self, text: str, user: str = "alice", **actor_kw: str) -> list[Reply]:
        """A line typed in the console by `user`."""
        return await self.core.handle_text(
            actor(user, **actor_kw), self.place, text, free_text_answers=True
        )

    async def send(self, command: Command, user: str = "alice") -> list[Reply]:
        return await self.core.handle(actor(user), self.place, command)

    async def settle(self) -> None:
        """Wait (on a condition, with a deadline) until the watcher has handled all that is due."""
        async with asyncio.timeout(SETTLE_TIMEOUT_S):
            await self.watcher.wait_idle()

    async def advance(self, seconds: float) -> list[list[Reply]]:
        """Move the clock, let the watcher act, and return what it delivered (views per delivery)."""
        await self.settle()
        self.clock.advance(seconds)
        await self.settle()
        return [views for _, _, views in self.messenger.pop()]

    async def crash(self) -> None:
        """Stop without ending anything (as a killed process would).

        Background writes still queued (review cards) land first: a test's process must not leave
        a connection checked out behind a closed store. Sessions and attempts are not touched.
        """
        await self.watcher.stop()
        await self.core.aclose()
        await self.store.close()


async def start_process(
    url: str,
    bank: Bank,
    clock: FakeClock,
    *,
    seed: int = 7,
    grader: Grader | None = None,
    messenger: RecordingMessenger | None = None,
    platforms: frozenset[str] = frozenset({"console", "slack"}),
) -> BotProcess:
    store = await open_store(url)
    messenger = messenger or RecordingMessenger()
    watcher = DeadlineWatcher(clock)
    core = build_core(
        bank=bank,
        store=store,
        grader=grader or build_offline_grader(bank),
        clock=clock,
        messenger=messenger,
        deadlines=watcher,
        timezone=ZoneInfo("Asia/Shanghai"),
        rng=random.Random(seed),
        platforms=platforms,
    )
    await watcher.start(store.pending_deadlines, core.expire)
    return BotProcess(core, store, watcher, messenger, clock)


def kinds(views: Sequence[Reply]) -> list[str]:
    return [view.kind for view in views]


def only(views: Sequence[Reply], kind: type[V]) -> V:
    found = [view for view in views if isinstance(view, kind)]
    assert len(found) == 1, f"expected one {kind.__name__} in {kinds(views)}"
    return found[0]
