"""Interview sessions at scale on SQLite: answer latency, timeout lateness, memory per session.

Runs the real core (shipped bank, offline grader, Store on a temp SQLite file, deadline
watcher, system clock); only the front end is replaced by a messenger that timestamps
deliveries. Prints one JSON object:

- answers: with N sessions open, latency of `core.handle(Answer)` (grading + database + views)
  - "sequential": one answer at a time (service time, no queueing)
  - "open_loop": answers arriving at random moments at each of --rates per second, spread over
    the open sessions (at 20/s each of 1,000 members answers every 50 s; people take minutes
    per question, so 1,000 sessions offer a few answers per second)
  - "burst": every session answers at the same instant (a worst case: queueing dominates)
  target: p99 < 50 ms (open_loop at 20/s)
- timeouts: --timeout-sessions questions whose deadlines all fall within --timeout-window s
  (10,000 within 10 s by default), --timeout-setup s after the start (time to open them all);
  lateness = when the member's timeout feedback was delivered minus the deadline.
  target: max ≤ 1000 ms
- memory: RSS growth from opening --memory-sessions sessions (each with a question asked and
  a deadline in the watcher). target: < 300 MB for 10,000

Run: python bench/session_bench.py [--sessions 1000] [--rates 20,50,80] [--memory-sessions 10000]
     [--parts memory,answers,timeouts] [--timeout-sessions 10000] [--timeout-window 10]
     [--timeout-setup 120]   (the timeout part waits --timeout-setup s of real time)
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import gc
import json
import logging
import random
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import structlog

from bot.core.clock import SystemClock
from bot.core.commands import Actor, Answer, Place, Start
from bot.core.grading import build_offline_grader
from bot.core.interview.deadlines import DeadlineWatcher
from bot.core.messenger import RecordingMessenger
from bot.core.replies import Feedback, QuestionCard, Reply
from bot.core.service import Core
from bot.runtime import build_core
from content.loader import Bank, load_bank
from storage import Store, open_store

PLACE = Place(channel_id="bench")
SETUP_CONCURRENCY = 64


class TimingMessenger(RecordingMessenger):
    """Notes when each attempt's timeout feedback reached the member (a whole Messenger: the
    daily poster that build_core makes reads its pace)."""

    def __init__(self) -> None:
        super().__init__()
        self.delivered_at: dict[int, datetime] = {}
        self.waiting_for: set[int] = set()
        self.all_delivered = asyncio.Event()

    async def deliver(self, actor: Actor, place: Place, views: Sequence[Reply]) -> None:
        now = datetime.now(UTC)
        for view in views:
            if isinstance(view, Feedback):
                self.delivered_at[view.attempt_id] = now
                self.waiting_for.discard(view.attempt_id)
        if not self.waiting_for:
            self.all_delivered.set()


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def percentiles(samples_ms: list[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)
    cuts = statistics.quantiles(ordered, n=100, method="inclusive")
    return {
        "n": len(ordered),
        "p50_ms": round(cuts[49], 2),
        "p99_ms": round(cuts[98], 2),
        "max_ms": round(ordered[-1], 2),
    }


def member(i: int, prefix: str) -> Actor:
    return Actor(platform="bench", workspace_id="w", user_id=f"{prefix}{i}", display_name=None)


def answer_for(bank: Bank, card: QuestionCard, rng: random.Random) -> str:
    """A realistic answer: some key points in sentences, some filler."""
    question = bank.questions[card.question_id]
    points = [kp for kp in question.key_points if rng.random() < 0.6]
    parts = [f"{kp.point}，比如 {kp.aliases[0] if kp.aliases else ''}" for kp in points]
    return "。".join(parts + ["这是我的理解，实际工程里还要结合业务场景权衡"])


async def bounded(jobs: Sequence[Callable[[], Awaitable[object]]], limit: int) -> list[object]:
    gate = asyncio.Semaphore(limit)

    async def run(job: Callable[[], Awaitable[object]]) -> object:
        async with gate:
            return await job()

    return list(await asyncio.gather(*(run(job) for job in jobs)))


async def open_sessions(
    core: Core,
    prefix: str,
    n: int,
    *,
    count: int,
    time_s: int | Callable[[], int],
) -> list[tuple[Actor, QuestionCard]]:
    """`time_s` may be a function: each session's time is then chosen as it starts."""
    actors = [member(i, prefix) for i in range(n)]

    async def start(actor: Actor) -> tuple[Actor, QuestionCard]:
        seconds = time_s() if callable(time_s) else time_s
        # Built without the 30-3600 s check: the timeout part aims deadlines at one window.
        views = await core.handle(actor, PLACE, Start.model_construct(count=count, time_s=seconds))
        cards = [v for v in views if isinstance(v, QuestionCard)]
        if not cards:
            raise RuntimeError(f"start failed: {views}")
        return actor, cards[0]

    jobs: list[Callable[[], Awaitable[object]]] = [
        functools.partial(start, actor) for actor in actors
    ]
    results = await bounded(jobs, SETUP_CONCURRENCY)
    return [r for r in results if isinstance(r, tuple)]


class Bench:
    def __init__(self, bank: Bank, store: Store, core: Core, watcher: DeadlineWatcher) -> None:
        self.bank, self.store, self.core, self.watcher = bank, store, core, watcher
        self.rng = random.Random(1)

    async def timed_answer(
        self, actor: Actor, card: QuestionCard
    ) -> tuple[float, QuestionCard | None]:
        text = answer_for(self.bank, card, self.rng)
        started = time.perf_counter()
        views = await self.core.handle(actor, PLACE, Answer(text=text))
        elapsed = (time.perf_counter() - started) * 1000
        if not any(isinstance(v, Feedback) for v in views):
            raise RuntimeError(f"answer not graded: {[v.kind for v in views]}")
        following = [v for v in views if isinstance(v, QuestionCard)]
        return elapsed, following[0] if following else None

    async def open_loop(
        self, actors: list[Actor], one: Callable[[Actor], Coroutine[Any, Any, float]], rate: float
    ) -> tuple[list[float], float]:
        """Each open session answers once, at Poisson arrivals of `rate` per second."""
        tasks: list[asyncio.Task[float]] = []
        started = time.perf_counter()
        at = 0.0
        for actor in self.rng.sample(actors, len(actors)):
            at += self.rng.expovariate(rate)
            delay = at - (time.perf_counter() - started)
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(actor)))
        latencies = list(await asyncio.gather(*tasks))
        return latencies, round(len(actors) / (time.perf_counter() - started), 1)

    async def answers(self, sessions: int, rates: list[float]) -> dict[str, object]:
        # 20 questions per session, 30 min each: no timeouts interfere, three rounds fit.
        open_ = await open_sessions(self.core, "a", sessions, count=20, time_s=1800)
        current = dict(open_)

        async def one(actor: Actor) -> float:
            elapsed, nxt = await self.timed_answer(actor, current[actor])
            if nxt is not None:
                current[actor] = nxt
            return elapsed

        actors = list(current)
        sequential = [await one(actor) for actor in actors]

        open_loop: dict[str, object] = {}
        for rate in rates:
            latencies, offered = await self.open_loop(actors, one, rate)
            open_loop[f"{rate:g}_per_s"] = {**percentiles(latencies), "offered_per_s": offered}

        burst_started = time.perf_counter()
        burst = list(await asyncio.gather(*(one(actor) for actor in actors)))
        burst_s = time.perf_counter() - burst_started
        return {
            "open_sessions": len(actors),
            "sequential": percentiles(sequential),
            "open_loop": open_loop,
            "burst": {**percentiles(burst), "answers_per_s": round(len(burst) / burst_s, 1)},
            "target_p99_ms": 50,
        }

    async def timeouts(
        self, sessions: int, messenger: TimingMessenger, window_s: float, setup_s: float
    ) -> dict[str, object]:
        """`sessions` questions whose deadlines all fall within `window_s`, `setup_s` from now
        (time enough to open them all first)."""
        target = time.time() + setup_s
        rng = random.Random(3)

        def seconds_left() -> int:
            # Whole seconds (as members choose them), aimed at a random point of the window.
            return max(1, round(target + rng.uniform(0, window_s) - time.time()))

        # Two questions each, so an expiry also asks the next question, as it does for a member.
        opened = await open_sessions(self.core, "t", sessions, count=2, time_s=seconds_left)
        opened_by = time.time()
        deadlines = {card.attempt_id: card.deadline for _, card in opened}
        last = max(deadlines.values())
        messenger.waiting_for = set(deadlines) - set(messenger.delivered_at)
        messenger.all_delivered.clear()
        async with asyncio.timeout(setup_s + window_s + 120):
            await messenger.all_delivered.wait()
        lateness = [
            (messenger.delivered_at[a] - deadline).total_seconds() * 1000
            for a, deadline in deadlines.items()
        ]
        first = min(deadlines.values())
        return {
            "sessions": len(deadlines),
            "deadlines_spread_s": round((last - first).total_seconds(), 2),
            "lateness_ms": {
                "p50": round(statistics.median(lateness), 1),
                "p99": round(statistics.quantiles(lateness, n=100, method="inclusive")[98], 1),
                "max": round(max(lateness), 1),
            },
            "early": sum(1 for ms in lateness if ms < 0),
            "opened_before_first_deadline": opened_by < first.timestamp(),
            "target_max_ms": 1000,
        }

    async def memory(self, sessions: int) -> dict[str, object]:
        gc.collect()
        before = rss_mb()
        opened = await open_sessions(self.core, "m", sessions, count=5, time_s=1800)
        gc.collect()
        after = rss_mb()
        return {
            "open_sessions": len(opened),
            "watched_deadlines": self.watcher.watching,
            "rss_before_mb": round(before, 1),
            "rss_after_mb": round(after, 1),
            "rss_delta_mb": round(after - before, 1),
            "target_delta_mb": 300,
        }


async def main_async(args: argparse.Namespace) -> dict[str, object]:
    bank = load_bank()
    with tempfile.TemporaryDirectory() as folder:
        store = await open_store(f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}")
        clock = SystemClock()
        watcher = DeadlineWatcher(clock)
        messenger = TimingMessenger()
        core = build_core(
            bank=bank,
            store=store,
            grader=build_offline_grader(bank),
            clock=clock,
            messenger=messenger,
            deadlines=watcher,
            timezone=ZoneInfo("Asia/Shanghai"),
            platforms=frozenset({"bench"}),
        )
        await watcher.start(store.pending_deadlines, core.expire)
        bench = Bench(bank, store, core, watcher)
        result: dict[str, object] = {"database": "sqlite", "questions_in_bank": len(bank.questions)}
        try:
            # Memory first, on a fresh process heap; the 10,000 sessions then stay open as load.
            if "memory" in args.parts:
                result["memory"] = await bench.memory(args.memory_sessions)
            if "answers" in args.parts:
                result["answers"] = await bench.answers(args.sessions, args.rates)
            if "timeouts" in args.parts:
                result["timeouts"] = await bench.timeouts(
                    args.timeout_sessions, messenger, args.timeout_window, args.timeout_setup
                )
        finally:
            await watcher.stop()
            await core.aclose()  # queued review writes land before the store closes
            await store.close()
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument(
        "--rates",
        type=lambda text: [float(x) for x in text.split(",")],
        default=[20.0, 50.0, 80.0],
        help="open-loop answers per second, comma-separated",
    )
    parser.add_argument("--memory-sessions", type=int, default=10_000)
    parser.add_argument("--timeout-sessions", type=int, default=10_000)
    parser.add_argument("--timeout-window", type=float, default=10.0, help="deadlines spread, s")
    parser.add_argument(
        "--timeout-setup", type=float, default=120.0, help="s from start to the first deadline"
    )
    parser.add_argument(
        "--parts",
        type=lambda text: set(text.split(",")),
        default={"memory", "answers", "timeouts"},
        help="any of memory,answers,timeouts (timeouts waits --timeout-setup s of real time)",
    )
    args = parser.parse_args()
    # Only the JSON on stdout; the core's info logs would also cost time inside the figures.
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    print(json.dumps(asyncio.run(main_async(args))))


if __name__ == "__main__":
    main()
