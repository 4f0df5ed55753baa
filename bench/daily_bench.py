"""The daily challenge at scale: many channels due in the same minute, and the leaderboard.

Prints one JSON object:

- posting: --channels channels configured for the same minute, one poster tick (what the
  scheduler runs at that minute) against a messenger that records each post's wall time and
  keeps the pace a front end sets (--pace-global requests/s over all channels, --pace-channel
  per channel). posts_per_s is measured from the first post to the last; ratio is that over
  the allowed rate (min(global, channels × per channel)). targets: all posted within 60 s,
  none twice, ratio ≥ 0.9
- leaderboard: --attempts finished attempts of --members members in one workspace, bulk
  inserted into a database at the schema revision before the boards' totals, then migrated
  the way an existing deployment is: migration 0006's backfill builds the all-time totals
  (migrate_s). Then --runs boards each of the week / month / all time in the workspace's zone
  (Asia/Shanghai) asked by random members (mostly outside the top 10: their own rank is
  appended). The first board of a week or month builds that period's totals from the attempts
  (first_ms); p50/p99 are over the runs after it, and store_only times the Store's board read
  alone (without the command's member lookup and zone read). On SQLite and, with --postgres URL,
  PostgreSQL (--skip-sqlite for PostgreSQL alone). target: p99 < 20 ms

Run: python bench/daily_bench.py [--channels 1000] [--pace-global 50] [--pace-channel 1]
     [--attempts 1000000] [--members 2000] [--postgres postgresql+asyncpg://…]
     [--parts posting,leaderboard] [--runs 200] [--skip-sqlite]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import structlog

from bot.core.clock import FakeClock
from bot.core.commands import Actor, Leaderboard, Period, Place
from bot.core.grading import build_offline_grader
from bot.core.interview.deadlines import DeadlineWatcher
from bot.core.messenger import ChannelRef, PostPace, RecordingMessenger
from bot.core.replies import Reply
from bot.core.standings.service import period_after, period_start
from bot.runtime import build_core
from content.loader import load_bank
from storage import Store, open_store
from storage.daily_models import ChannelKey, DailyConfigValues
from storage.engine import make_engine
from storage.migrate import upgrade_engine
from storage.tables import attempts, members, sessions

DUE = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # a Monday
BEFORE_TOTALS = "0005"  # the schema revision migration 0006 (the boards' totals) follows
ZONE = ZoneInfo("Asia/Shanghai")  # the boards' workspace's (no daily channel: the default)


class TimedMessenger(RecordingMessenger):
    def __init__(self, pace: PostPace) -> None:
        super().__init__(pace=pace)
        self.times: list[float] = []

    async def post(
        self, channel: ChannelRef, replies: Sequence[Reply], *, thread_of: str | None = None
    ) -> str:
        self.times.append(time.perf_counter())
        return await super().post(channel, replies, thread_of=thread_of)


async def posting(url: str, channels: int, pace: PostPace) -> dict[str, Any]:
    bank = load_bank()
    store = await open_store(url)
    messenger = TimedMessenger(pace)
    clock = FakeClock(DUE - timedelta(minutes=1))
    core = build_core(
        bank=bank,
        store=store,
        grader=build_offline_grader(bank),
        clock=clock,
        messenger=messenger,
        deadlines=DeadlineWatcher(clock),
        timezone=ZoneInfo("UTC"),
        rng=random.Random(1),
    )
    values = DailyConfigValues(
        enabled=True,
        post_hour=9,
        post_minute=0,
        timezone="UTC",
        days="0123456",
        topics=None,
        difficulty=None,
        window_s=None,
        digest=False,
        locale="zh-CN",
        set_by_member_id=None,
    )
    for n in range(channels):
        key = ChannelKey(platform="bench", workspace_id="w", channel_id=f"c{n:04d}")
        await store.save_daily_config(key, values, now=clock.now())
    clock.set(DUE)
    started = time.perf_counter()
    await asyncio.gather(core.daily_poster.tick(), core.daily_poster.tick())  # two ticks racing
    elapsed = time.perf_counter() - started
    await core.aclose()
    await store.close()
    posted = [channel.channel_id for channel, _, _, _ in messenger.posts]
    span = messenger.times[-1] - messenger.times[0] if len(messenger.times) > 1 else 0.0
    rate = (len(posted) - 1) / span if span > 0 else float("inf")
    allowed = min(pace.per_second, channels * pace.per_channel_per_second)
    return {
        "channels": channels,
        "posted": len(posted),
        "posted_twice": len(posted) - len(set(posted)),
        "seconds_to_post_all": round(elapsed, 2),
        "posts_per_s": round(rate, 2),
        "allowed_per_s": allowed,
        "ratio": round(rate / allowed, 3),
    }


async def fill(url: str, attempt_count: int, member_count: int) -> None:
    """Bulk insert before migration 0006: members, one finished session each, attempts spread over
    90 days (the totals are then built by migration 0006, as for an existing deployment)."""
    engine = make_engine(url)
    await upgrade_engine(engine, BEFORE_TOTALS)
    rng = random.Random(3)
    now = DUE
    async with engine.begin() as conn:
        await conn.execute(
            sa.insert(members),
            [
                {
                    "id": m + 1,
                    "platform": "bench",
                    "workspace_id": "w",
                    "user_id": f"u{m}",
                    "display_name": f"u{m}",
                    "locale": None,
                    "created_at": now,
                }
                for m in range(member_count)
            ],
        )
        session_ids = [uuid.uuid4().hex for _ in range(member_count)]
        await conn.execute(
            sa.insert(sessions),
            [
                {
                    "id": session_ids[m],
                    "member_id": m + 1,
                    "platform": "bench",
                    "workspace_id": "w",
                    "channel_id": None,
                    "thread_id": None,
                    "state": "finished",
                    "topic": None,
                    "difficulty": None,
                    "question_ids": [],
                    "time_limit_s": 300,
                    "current_index": 0,
                    "locale": "zh-CN",
                    "created_at": now,
                    "ended_at": now,
                }
                for m in range(member_count)
            ],
        )
    batch = 20_000
    for start in range(0, attempt_count, batch):
        rows = []
        for n in range(start, min(attempt_count, start + batch)):
            m = rng.randrange(member_count)
            finished = now - timedelta(seconds=rng.randrange(90 * 86400))
            score = float(rng.randrange(101))
            rows.append(
                {
                    "session_id": session_ids[m],
                    "member_id": m + 1,
                    "question_id": f"q{n % 500}",
                    "topic": "rag",
                    "difficulty": 2,
                    "position": n + 1,
                    "state": "answered",
                    "asked_at": finished - timedelta(seconds=60),
                    "deadline_at": finished,
                    "finished_at": finished,
                    "answer": None,
                    "score": score,
                    "max_score": 100.0,
                    "hints_used": 0,
                    "points": round(score / 5, 2),
                    "grade": None,
                    "self_assessment": None,
                }
            )
        async with engine.begin() as conn:
            await conn.execute(sa.insert(attempts), rows)
    if engine.dialect.name == "postgresql":
        # A live database has statistics (autovacuum analyzes after bulk changes); without
        # them the planner guesses one member per workspace and builds a week in 0.6 s, not 50 ms.
        async with engine.connect() as conn:
            await conn.execute(sa.text("ANALYZE"))
    await engine.dispose()


async def leaderboard(url: str, attempt_count: int, member_count: int, runs: int) -> dict[str, Any]:
    started = time.perf_counter()
    await fill(url, attempt_count, member_count)
    filled_s = time.perf_counter() - started
    bank = load_bank()
    started = time.perf_counter()
    store = await open_store(url)  # migration 0006 and its backfill
    migrated_s = time.perf_counter() - started
    clock = FakeClock(DUE)
    core = build_core(
        bank=bank,
        store=store,
        grader=build_offline_grader(bank),
        clock=clock,
        messenger=RecordingMessenger(),
        deadlines=DeadlineWatcher(clock),
        timezone=ZONE,
    )
    result: dict[str, Any] = {
        "attempts": attempt_count,
        "members": member_count,
        "fill_s": round(filled_s, 1),
        "migrate_s": round(migrated_s, 1),
    }
    rng = random.Random(5)
    for period in ("week", "month", "all"):
        latencies = []
        for _ in range(runs):
            asker = Actor(
                platform="bench", workspace_id="w", user_id=f"u{rng.randrange(member_count)}"
            )
            t0 = time.perf_counter()
            await core.handle(asker, Place(), Leaderboard(period=period))
            latencies.append((time.perf_counter() - t0) * 1000)
        result[period] = {
            "first_ms": round(latencies[0], 2),
            **summary(latencies[1:]),
            "store_only": summary(await store_reads(store, period, member_count, runs, rng)),
        }
    await core.aclose()
    await store.close()
    return result


def summary(latencies: list[float]) -> dict[str, float]:
    ordered = sorted(latencies)
    return {
        "p50_ms": round(statistics.median(ordered), 2),
        "p99_ms": round(ordered[max(0, int(len(ordered) * 0.99) - 1)], 2),
        "max_ms": round(ordered[-1], 2),
    }


async def store_reads(
    store: Store, period: Period, member_count: int, runs: int, rng: random.Random
) -> list[float]:
    """The board's own read (the Store call the command makes, with the same bounds), without
    the command's member lookup and zone read."""
    since = period_start(period, DUE, ZONE)
    until = None if since is None else period_after(period, since, ZONE)
    next_until = None if until is None else period_after(period, until, ZONE)
    latencies = []
    for _ in range(runs):
        t0 = time.perf_counter()
        await store.leaderboard(
            platform="bench",
            workspace_id="w",
            since=since,
            until=until,
            next_until=next_until,
            member_id=1 + rng.randrange(member_count),
        )
        latencies.append((time.perf_counter() - t0) * 1000)
    return latencies


async def postgres_database(base: str) -> tuple[str, str]:
    name = f"bench_{uuid.uuid4().hex[:12]}"
    engine = sa.ext.asyncio.create_async_engine(base, isolation_level="AUTOCOMMIT")
    async with engine.connect() as conn:
        await conn.execute(sa.text(f'CREATE DATABASE "{name}" TEMPLATE template0'))
    await engine.dispose()
    return sa.engine.make_url(base).set(database=name).render_as_string(hide_password=False), name


async def drop_postgres(base: str, name: str) -> None:
    engine = sa.ext.asyncio.create_async_engine(base, isolation_level="AUTOCOMMIT")
    async with engine.connect() as conn:
        await conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    await engine.dispose()


async def main(args: argparse.Namespace) -> dict[str, Any]:
    parts = set(args.parts.split(","))
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        if "posting" in parts:
            url = f"sqlite+aiosqlite:///{Path(folder) / 'posting.db'}"
            pace = PostPace(args.pace_global, args.pace_channel)
            out["posting_sqlite"] = await posting(url, args.channels, pace)
        if "leaderboard" in parts and not args.skip_sqlite:
            url = f"sqlite+aiosqlite:///{Path(folder) / 'board.db'}"
            out["leaderboard_sqlite"] = await leaderboard(
                url, args.attempts, args.members, args.runs
            )
    if args.postgres and "leaderboard" in parts:
        url, name = await postgres_database(args.postgres)
        try:
            out["leaderboard_postgres"] = await leaderboard(
                url, args.attempts, args.members, args.runs
            )
        finally:
            await drop_postgres(args.postgres, name)
    if args.postgres and "posting" in parts:
        url, name = await postgres_database(args.postgres)
        try:
            pace = PostPace(args.pace_global, args.pace_channel)
            out["posting_postgres"] = await posting(url, args.channels, pace)
        finally:
            await drop_postgres(args.postgres, name)
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--channels", type=int, default=1000)
    parser.add_argument("--pace-global", type=float, default=50.0)
    parser.add_argument("--pace-channel", type=float, default=1.0)
    parser.add_argument("--attempts", type=int, default=1_000_000)
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--postgres", default=None)
    parser.add_argument("--parts", default="posting,leaderboard")
    parser.add_argument("--skip-sqlite", action="store_true", help="PostgreSQL only")
    logging.disable(logging.CRITICAL)
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.CRITICAL))
    print(json.dumps(asyncio.run(main(parser.parse_args())), indent=2))
