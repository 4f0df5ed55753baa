"""The weekly digest at scale: its figures on a big workspace, and many channels due at once.

Prints one JSON object:

- figures: --attempts finished attempts of --members members in one workspace over 90 days
  (bench/daily_bench.py's fill), plus a week of daily posts with answers in one channel; the
  latency of one digest's figures (`Store.member_weeks`: the week and the week before, read
  once per workspace and Monday; `Store.digest_posts`: the channel's posts), on SQLite and,
  with --postgres URL, PostgreSQL. Monday's question waits for its channel's digest, so this
  is about not holding it up, not throughput.
- posting: --channels channels of one workspace with digest=on, due in the same minute on a
  Monday with some activity the week before; one poster tick against a messenger that keeps
  the pace a front end sets. Each channel gets its digest and then its question: posts_per_s
  over the allowed rate is the ratio. targets: every channel one digest, none twice.

Run: python bench/digest_bench.py [--attempts 1000000] [--members 2000] [--channels 1000]
     [--pace-global 50] [--pace-channel 1] [--postgres postgresql+asyncpg://…]
     [--parts figures,posting]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import random
import statistics
import sys
import tempfile
import time
import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import structlog

sys.path.insert(0, str(Path(__file__).parent))
from daily_bench import DUE, TimedMessenger, drop_postgres, fill, postgres_database  # noqa: E402

from bot.core.clock import FakeClock  # noqa: E402
from bot.core.daily.digest import Week  # noqa: E402
from bot.core.grading import build_offline_grader  # noqa: E402
from bot.core.interview.deadlines import DeadlineWatcher  # noqa: E402
from bot.core.messenger import PostPace  # noqa: E402
from bot.core.replies import WeeklyDigest  # noqa: E402
from bot.runtime import build_core  # noqa: E402
from content.loader import load_bank  # noqa: E402
from storage import open_store  # noqa: E402
from storage.daily_models import ChannelKey, DailyConfigValues  # noqa: E402
from storage.tables import attempts, daily_answers, daily_configs, daily_posts  # noqa: E402

CHANNEL = ChannelKey(platform="bench", workspace_id="w", channel_id="c0000")


def _values(digest: bool) -> DailyConfigValues:
    return DailyConfigValues(
        enabled=True,
        post_hour=9,
        post_minute=0,
        timezone="UTC",
        days="0123456",
        topics=None,
        difficulty=None,
        window_s=None,
        digest=digest,
        locale="zh-CN",
        set_by_member_id=None,
    )


async def _daily_week(url: str, answers_per_day: int) -> None:
    """Seven posted daily questions in CHANNEL the week before DUE, each answered by attempts
    that already exist (the answers' own rows are what the figures join)."""
    store = await open_store(url)
    config = await store.save_daily_config(CHANNEL, _values(True), now=DUE)
    async with store.engine.begin() as conn:
        # One attempt each of 7 × answers_per_day members: one answer per member per post.
        ids = (
            await conn.execute(
                sa.select(sa.func.min(attempts.c.id).label("id"), attempts.c.member_id)
                .group_by(attempts.c.member_id)
                .order_by(attempts.c.member_id)
                .limit(7 * answers_per_day)
            )
        ).all()
        for day in range(7):
            due = DUE - timedelta(days=7 - day)
            post = await conn.execute(
                sa.insert(daily_posts)
                .values(
                    config_id=config.id,
                    **CHANNEL.model_dump(),
                    local_date=due.date().isoformat(),
                    question_id=f"q{day}",
                    topic="rag",
                    difficulty=2,
                    locale="zh-CN",
                    due_at=due,
                    closes_at=due + timedelta(days=1),
                    state="posted",
                    tries=1,
                    answers=answers_per_day,
                )
                .returning(daily_posts.c.id)
            )
            post_id = post.scalar_one()
            rows = ids[day * answers_per_day : (day + 1) * answers_per_day]
            await conn.execute(
                sa.insert(daily_answers),
                [
                    {
                        "post_id": post_id,
                        "member_id": row.member_id,
                        "attempt_id": row.id,
                        "score": 0.0,  # the figures read the attempt's score
                        "answered_at": due,
                    }
                    for row in rows
                ],
            )
    await store.close()


async def figures(url: str, attempt_count: int, member_count: int, runs: int) -> dict[str, Any]:
    started = time.perf_counter()
    await fill(url, attempt_count, member_count)
    await _daily_week(url, answers_per_day=min(50, member_count // 7))
    filled_s = time.perf_counter() - started
    store = await open_store(url)
    week = Week.before_monday(ZoneInfo("UTC"), DUE.date())
    latencies = []
    found = None
    for _ in range(runs):
        t0 = time.perf_counter()
        found = await store.member_weeks(
            CHANNEL.platform,
            CHANNEL.workspace_id,
            week_before=week.before,
            start=week.start,
            end=week.end,
        )
        posts = await store.digest_posts(
            CHANNEL, first_day=week.first_day.isoformat(), last_day=week.last_day.isoformat()
        )
        latencies.append((time.perf_counter() - t0) * 1000)
    await store.close()
    latencies.sort()
    assert found is not None
    return {
        "attempts": attempt_count,
        "members": member_count,
        "fill_s": round(filled_s, 1),
        "members_in_week": len(found.week),
        "posts_in_week": len(posts),
        "p50_ms": round(statistics.median(latencies), 2),
        "p99_ms": round(latencies[max(0, int(len(latencies) * 0.99) - 1)], 2),
    }


async def posting(url: str, channels: int, pace: PostPace) -> dict[str, Any]:
    await fill(url, 2000, 50)  # something to report: attempts over the 90 days before DUE
    bank = load_bank()
    store = await open_store(url)
    messenger = TimedMessenger(pace)
    clock = FakeClock(DUE - timedelta(days=3))
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
    for n in range(channels):
        key = ChannelKey(platform="bench", workspace_id="w", channel_id=f"c{n:04d}")
        await store.save_daily_config(key, _values(True), now=clock.now())
    clock.set(DUE)
    started = time.perf_counter()
    await asyncio.gather(core.daily_poster.tick(), core.daily_poster.tick())  # two ticks racing
    elapsed = time.perf_counter() - started
    await core.aclose()
    async with store.engine.connect() as conn:
        configs = (await conn.execute(sa.select(sa.func.count()).select_from(daily_configs))).one()
    await store.close()
    digests = [c.channel_id for c, _, _, rs in messenger.posts if isinstance(rs[0], WeeklyDigest)]
    span = messenger.times[-1] - messenger.times[0] if len(messenger.times) > 1 else 0.0
    rate = (len(messenger.posts) - 1) / span if span > 0 else float("inf")
    allowed = min(pace.per_second, channels * pace.per_channel_per_second)
    return {
        "channels": int(configs[0]),
        "digests": len(digests),
        "digests_twice": len(digests) - len(set(digests)),
        "posts": len(messenger.posts),
        "seconds_to_post_all": round(elapsed, 2),
        "posts_per_s": round(rate, 2),
        "allowed_per_s": allowed,
        "ratio": round(rate / allowed, 3),
    }


async def _on(url: str | None, base: str | None, work: Any) -> Any:
    if base is None:
        return await work(url)
    pg_url, name = await postgres_database(base)
    try:
        return await work(pg_url)
    finally:
        await drop_postgres(base, name)


async def main(args: argparse.Namespace) -> dict[str, Any]:
    parts = set(args.parts.split(","))
    pace = PostPace(args.pace_global, args.pace_channel)
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as folder:
        for part in ("figures", "posting"):
            if part not in parts:
                continue

            async def run(url: str, part: str = part) -> dict[str, Any]:
                if part == "figures":
                    return await figures(url, args.attempts, args.members, args.runs)
                return await posting(url, args.channels, pace)

            sqlite = f"sqlite+aiosqlite:///{Path(folder) / f'{part}-{uuid.uuid4().hex}.db'}"
            out[f"{part}_sqlite"] = await _on(sqlite, None, run)
            if args.postgres:
                out[f"{part}_postgres"] = await _on(None, args.postgres, run)
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--attempts", type=int, default=1_000_000)
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--channels", type=int, default=1000)
    parser.add_argument("--pace-global", type=float, default=50.0)
    parser.add_argument("--pace-channel", type=float, default=1.0)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--postgres", default=None)
    parser.add_argument("--parts", default="figures,posting")
    logging.disable(logging.CRITICAL)
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.CRITICAL))
    print(json.dumps(asyncio.run(main(parser.parse_args())), indent=2))
