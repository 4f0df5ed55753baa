"""A bot process under load, for the SIGKILL test: the real core, many members answering.

Run: python tests/e2e/answer_driver.py DATABASE_URL TOLD_LOG [--members 200] [--seed 1]

Each member keeps a session going: answers the question it was shown after a short random
pause, and starts a new session when one ends. Every Feedback a member is given (in the reply to
its answer, or delivered later by the deadline watcher) is appended to TOLD_LOG as one JSON line,
with a single unbuffered write after the reply arrived: a line in the log means the member was
told. The test kills this process with SIGKILL at random moments and checks the database
against the log.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import random
import sys
from collections.abc import Sequence
from zoneinfo import ZoneInfo

import structlog

from bot.core.clock import SystemClock
from bot.core.commands import Actor, Answer, Place, Start, Status
from bot.core.grading import build_offline_grader
from bot.core.interview.deadlines import DeadlineWatcher
from bot.core.messenger import ChannelRef, DeliveryError, PostPace
from bot.core.replies import Feedback, QuestionCard, Reply, Summary
from bot.core.service import Core
from bot.runtime import build_core
from content.loader import load_bank
from storage import open_store

PLATFORM, WORKSPACE = "e2e", "load"
PLACE = Place(channel_id="load")
# Short questions, so some run out (while the process is up, and while it is dead).
TIME_S = 4
COUNT = 4


class ToldLog:
    """Appends what members were told; one os.write per line survives a SIGKILL."""

    def __init__(self, path: str) -> None:
        self._fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)

    def told(self, user: str, replies: Sequence[Reply]) -> None:
        for reply in replies:
            if isinstance(reply, Feedback):
                line = {
                    "user": user,
                    "attempt_id": reply.attempt_id,
                    "session_id": reply.session_id,
                    "outcome": reply.outcome,
                    "score": reply.score,
                    "points": reply.points,
                }
                os.write(self._fd, (json.dumps(line) + "\n").encode())

    def note(self, event: str) -> None:
        os.write(self._fd, (json.dumps({"event": event}) + "\n").encode())


class LoggingMessenger:
    """What the deadline watcher delivers (timeouts) is told too."""

    # No channel is configured for the daily question here: posts never happen.
    pace = PostPace(per_second=1000.0, per_channel_per_second=1000.0)

    def __init__(self, log: ToldLog) -> None:
        self._log = log

    async def deliver(self, actor: Actor, place: Place, replies: Sequence[Reply]) -> None:
        self._log.told(actor.user_id, replies)

    async def post(
        self, channel: ChannelRef, replies: Sequence[Reply], *, thread_of: str | None = None
    ) -> str:
        raise DeliveryError("no channels in this driver", permanent=True)

    async def edit(self, channel: ChannelRef, message_id: str, replies: Sequence[Reply]) -> None:
        raise DeliveryError("no channels in this driver", permanent=True)

    async def find_post(
        self, channel: ChannelRef, replies: Sequence[Reply], *, thread_of: str | None = None
    ) -> str | None:
        return None


def actor(i: int) -> Actor:
    return Actor(platform=PLATFORM, workspace_id=WORKSPACE, user_id=f"m{i}")


async def member(core: Core, log: ToldLog, i: int, rng: random.Random) -> None:
    who = actor(i)
    replies = await core.handle(who, PLACE, Status())
    while True:
        if not any(isinstance(r, QuestionCard) for r in replies):
            # Shorter than a member may ask for (30 s): built without that check, so timeouts
            # happen within the test's seconds.
            begin = Start.model_construct(count=COUNT, time_s=TIME_S)
            replies = await core.handle(who, PLACE, begin)
            continue
        await asyncio.sleep(rng.uniform(0.0, TIME_S * 0.6))
        # Mostly in time; now and then too slow, so the watcher's timeouts mix in.
        if rng.random() < 0.1:
            await asyncio.sleep(TIME_S)
        text = rng.choice(
            ["KV cache 缓存键值，避免重复计算注意力", "不知道", "量化降低显存占用，精度损失"]
        )
        replies = await core.handle(who, PLACE, Answer(text=text))
        log.told(who.user_id, replies)
        if any(isinstance(r, Summary) for r in replies) or not any(
            isinstance(r, QuestionCard) for r in replies
        ):
            replies = await core.handle(who, PLACE, Status())


async def main(url: str, told_path: str, members: int, seed: int) -> None:
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.ERROR))
    bank = load_bank()
    store = await open_store(url)
    log = ToldLog(told_path)
    clock = SystemClock()
    watcher = DeadlineWatcher(clock, concurrency=32)
    core = build_core(
        bank=bank,
        store=store,
        grader=build_offline_grader(bank),
        clock=clock,
        messenger=LoggingMessenger(log),
        deadlines=watcher,
        timezone=ZoneInfo("UTC"),
        rng=random.Random(seed),
        platforms=frozenset({PLATFORM}),
    )
    await watcher.start(store.pending_deadlines, core.expire)
    log.note("started")
    rng = random.Random(seed)
    await asyncio.gather(
        *(member(core, log, i, random.Random(rng.random())) for i in range(members))
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("told")
    parser.add_argument("--members", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    try:
        asyncio.run(main(args.url, args.told, args.members, args.seed))
    except KeyboardInterrupt:
        sys.exit(0)
