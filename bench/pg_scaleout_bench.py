"""Several bot processes on one PostgreSQL: answers/s with 1, 2 and 4 processes, no duplicates.

Each process is a real bot process (its own Store, core and deadline watcher) on one fresh
PostgreSQL database, as Discord shards or Slack HTTP workers would run. Members are split
between the processes (a shard serves its guilds' members); every process answers for its
members as fast as they can type (a closed loop, `--concurrency` at a time per process). Besides,
each process starts `--timeouts` sessions whose questions run out after 2 s: every watcher sees
every deadline (they re-read the pending ones every 0.5 s), so the processes race to expire them.

Prints one JSON object: per process count, the answers/s of all processes together, the ratio to
one process (target: two >= 1.6x one), and the duplicate checks (target: none with four) — an
expiry delivered by two processes, an attempt graded twice, a session with two open questions.
Also where the CPU went: the bot processes' CPU per answer, and how busy the whole machine was
over the run (PostgreSQL and anything else included): a second process only adds throughput
on a core that was idle.

With `--cpu-per-process 0.5`, each bot process runs in a CPU cgroup of its own limited to half
a core (as a container with a CPU limit, or a shard on a machine of its own, would): on a
machine with few cores, the bots then leave PostgreSQL a core of its own, and the ratio shows
whether the processes get in each other's way in the database (locks, conflicts, retries)
rather than how many cores the machine has. Needs a writable cgroup CPU controller (root).

Run: python bench/pg_scaleout_bench.py [--url postgresql+asyncpg://postgres@127.0.0.1:5432/test]
     [--processes 1,2,4] [--members 400] [--rounds 5] [--cpu-per-process 0.5]
(--url defaults to TEST_POSTGRES_URL; a database is created per run and dropped afterwards)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import random
import subprocess
import sys
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import structlog
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from bot.core.clock import SystemClock
from bot.core.commands import Actor, Answer, Place, Start
from bot.core.grading import build_offline_grader
from bot.core.interview.deadlines import DeadlineWatcher
from bot.core.messenger import RecordingMessenger
from bot.core.replies import Feedback, QuestionCard, Reply
from bot.runtime import build_core
from content.loader import Bank, load_bank
from storage import Store, open_store
from storage.tables import attempts

PLACE = Place(channel_id="scale")
TIMEOUT_S = 2


class Told(RecordingMessenger):
    """Which attempts' timeouts reached their member (a whole Messenger: the daily poster that
    build_core makes reads its pace)."""

    def __init__(self) -> None:
        super().__init__()
        self.expired: list[int] = []

    async def deliver(self, actor: Actor, place: Place, replies: Sequence[Reply]) -> None:
        self.expired += [r.attempt_id for r in replies if isinstance(r, Feedback)]


def text_for(bank: Bank, card: QuestionCard, rng: random.Random) -> str:
    question = bank.questions[card.question_id]
    points = [kp.point for kp in question.key_points if rng.random() < 0.6]
    return "。".join([*points, "这是我的理解"])


async def worker(args: argparse.Namespace) -> dict[str, object]:
    bank = load_bank()
    store = await open_store(args.db)
    clock = SystemClock()
    watcher = DeadlineWatcher(clock, concurrency=32, refresh_s=0.5)
    told = Told()
    grader = build_offline_grader(bank)
    grader.prepare()
    core = build_core(
        bank=bank,
        store=store,
        grader=grader,
        clock=clock,
        messenger=told,
        deadlines=watcher,
        timezone=ZoneInfo("UTC"),
        platforms=frozenset({"bench"}),
    )
    await watcher.start(store.pending_deadlines, core.expire)
    rng = random.Random(args.worker)
    mine = range(args.worker, args.members, args.of)
    cards: dict[Actor, QuestionCard] = {}
    for i in mine:
        who = Actor(platform="bench", workspace_id="w", user_id=f"m{i}")
        shown = await core.handle(who, PLACE, Start(count=args.rounds + 1, time_s=1800))
        cards[who] = next(r for r in shown if isinstance(r, QuestionCard))
    print("ready", flush=True)
    sys.stdin.readline()  # the parent's "go": every process starts together
    began = time.time()
    cpu_began = time.process_time()
    for i in range(args.timeouts):
        who = Actor(platform="bench", workspace_id="w", user_id=f"t{args.worker}-{i}")
        await core.handle(who, PLACE, Start.model_construct(count=1, time_s=TIMEOUT_S))
    graded: list[int] = []
    gate = asyncio.Semaphore(args.concurrency)

    async def member(who: Actor) -> None:
        for _ in range(args.rounds):
            async with gate:
                replies = await core.handle(
                    who, PLACE, Answer(text=text_for(bank, cards[who], rng))
                )
            graded.extend(r.attempt_id for r in replies if isinstance(r, Feedback))
            following = [r for r in replies if isinstance(r, QuestionCard)]
            if following:
                cards[who] = following[0]

    await asyncio.gather(*(member(who) for who in cards))
    ended = time.time()
    cpu = time.process_time() - cpu_began
    await until_no_timeout_left(store)
    await watcher.stop()
    await core.aclose()
    await store.close()
    return {
        "began": began,
        "ended": ended,
        "cpu_s": cpu,
        "graded": graded,
        "expired": told.expired,
    }


async def until_no_timeout_left(store: Store, limit_s: float = 60.0) -> None:
    """Until every short question of every process has run out and been expired."""
    deadline = time.monotonic() + limit_s
    while time.monotonic() < deadline:
        async with store.engine.connect() as conn:
            left = (
                await conn.execute(
                    sa.select(sa.func.count())
                    .select_from(attempts)
                    .where(
                        # The short questions (the long ones have 30 minutes).
                        (attempts.c.state == "asking")
                        & (
                            attempts.c.deadline_at
                            < sa.func.now() + sa.text("interval '60 seconds'")
                        )
                    )
                )
            ).scalar_one()
        if left == 0:
            return
        await asyncio.sleep(0.2)
    raise TimeoutError("deadlines left unexpired")


async def admin(url: str, statement: str) -> None:
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            await conn.execute(sa.text(statement))
    finally:
        await engine.dispose()


async def one_setting(url: str, processes: int, args: argparse.Namespace) -> dict[str, object]:
    name = f"bench_scale_{uuid.uuid4().hex[:12]}"
    await admin(url, f'CREATE DATABASE "{name}" TEMPLATE template0')
    db = make_url(url).set(database=name).render_as_string(hide_password=False)
    try:
        store = await open_store(db)  # migrate once, before the processes start
        await store.close()
        before = cpu_jiffies()
        results = await asyncio.to_thread(run_processes, db, processes, args)
        busy = busy_share(before, cpu_jiffies())
        report = await checked(db, processes, args, results)
        answers = int(report["answers"])  # type: ignore[call-overload]
        cpu = sum(float(r["cpu_s"]) for r in results)  # type: ignore[arg-type]
        # Where the CPU went: the bot processes' own time per answer, and how busy the whole
        # machine was (PostgreSQL, the bots, anything else): two processes only scale onto
        # cores that were idle.
        report["bot_cpu_ms_per_answer"] = round(1000 * cpu / max(answers, 1), 2)
        report["machine_cpu_busy_share"] = busy
        return report
    finally:
        await admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def cpu_jiffies() -> tuple[int, int]:
    """The whole machine's busy and total CPU time so far (/proc/stat, in jiffies)."""
    with open("/proc/stat") as stat:
        fields = [int(x) for x in stat.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields) - idle, sum(fields)


def busy_share(before: tuple[int, int], after: tuple[int, int]) -> float:
    total = after[1] - before[1]
    return round((after[0] - before[0]) / total, 2) if total else 0.0


class CpuLimit:
    """A CPU cgroup per process, each limited to `share` of one core (cgroup v2 or v1)."""

    PERIOD_US = 100_000

    def __init__(self, share: float) -> None:
        self.quota_us = int(share * self.PERIOD_US)
        self.groups: list[Path] = []
        v2 = Path("/sys/fs/cgroup")
        if (v2 / "cgroup.controllers").exists():
            self.root, self.v2 = v2, True
        elif (v2 / "cpu" / "cpu.cfs_quota_us").exists():
            self.root, self.v2 = v2 / "cpu", False
        else:
            raise SystemExit("--cpu-per-process: no cgroup CPU controller on this machine")

    def confine(self, pid: int) -> None:
        group = self.root / f"pg_scaleout_{os.getpid()}_{len(self.groups)}"
        try:
            group.mkdir()
            self.groups.append(group)
            if self.v2:
                (group / "cpu.max").write_text(f"{self.quota_us} {self.PERIOD_US}")
            else:
                (group / "cpu.cfs_period_us").write_text(str(self.PERIOD_US))
                (group / "cpu.cfs_quota_us").write_text(str(self.quota_us))
            (group / "cgroup.procs").write_text(str(pid))
        except OSError as error:
            raise SystemExit(f"--cpu-per-process: cannot set a CPU limit ({error})") from error

    def release(self) -> None:
        for group in self.groups:
            with contextlib.suppress(OSError):
                group.rmdir()  # empty once its process has exited


def run_processes(db: str, processes: int, args: argparse.Namespace) -> list[dict[str, object]]:
    """Start the processes, let them all go at once, collect what each reports."""
    limit = CpuLimit(args.cpu_per_process) if args.cpu_per_process else None
    try:
        return run_confined(db, processes, args, limit)
    finally:
        if limit is not None:
            limit.release()


def run_confined(
    db: str, processes: int, args: argparse.Namespace, limit: CpuLimit | None
) -> list[dict[str, object]]:
    children = [
        subprocess.Popen(
            [sys.executable, __file__, "--worker", str(k), "--of", str(processes), "--db", db]
            + ["--members", str(args.members), "--rounds", str(args.rounds)]
            + ["--timeouts", str(args.timeouts), "--concurrency", str(args.concurrency)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for k in range(processes)
    ]
    if limit is not None:
        for child in children:
            limit.confine(child.pid)
    for child in children:
        assert child.stdout is not None and child.stdout.readline().strip() == "ready"
    for child in children:
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
    results = [json.loads(child.communicate()[0].splitlines()[-1]) for child in children]
    return results


async def checked(
    db: str, processes: int, args: argparse.Namespace, results: list[dict[str, object]]
) -> dict[str, object]:
    graded = [a for r in results for a in r["graded"]]  # type: ignore[attr-defined]
    expired = [a for r in results for a in r["expired"]]  # type: ignore[attr-defined]
    span = max(float(r["ended"]) for r in results) - min(float(r["began"]) for r in results)  # type: ignore[arg-type]
    engine = create_async_engine(db, poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            states = dict(
                (
                    await conn.execute(
                        sa.select(attempts.c.state, sa.func.count()).group_by(attempts.c.state)
                    )
                ).all()
            )
            doubly_open = (
                await conn.execute(
                    sa.select(sa.func.count()).select_from(
                        sa.select(attempts.c.session_id)
                        .where(attempts.c.state == "asking")
                        .group_by(attempts.c.session_id)
                        .having(sa.func.count() > 1)
                        .subquery()
                    )
                )
            ).scalar_one()
    finally:
        await engine.dispose()
    return {
        "processes": processes,
        "answers": len(graded),
        "answers_per_s": round(len(graded) / span, 1),
        "expired": len(expired),
        "duplicates": {
            "expiry_delivered_twice": len(expired) - len(set(expired)),
            "graded_twice": len(graded) - len(set(graded)),
            "sessions_with_two_open_questions": doubly_open,
            "graded_vs_stored": [len(set(graded)), states.get("answered", 0)],
            "expired_vs_stored": [len(set(expired)), states.get("expired", 0)],
        },
    }


async def main_async(args: argparse.Namespace) -> dict[str, object]:
    url = args.url or os.environ.get("TEST_POSTGRES_URL")
    if not url:
        raise SystemExit("give --url or set TEST_POSTGRES_URL (a PostgreSQL server URL)")
    runs = [await one_setting(url, n, args) for n in args.processes]
    one = next((r for r in runs if r["processes"] == 1), None)
    if one is not None:
        for run in runs:
            run["ratio_to_one"] = round(
                float(run["answers_per_s"]) / float(one["answers_per_s"]), 2
            )  # type: ignore[arg-type]
    return {
        "database": "postgresql",
        # Processes only scale onto idle cores: say how many there were, and how busy.
        "cpus": os.cpu_count(),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "members": args.members,
        "rounds": args.rounds,
        "cpu_per_process": args.cpu_per_process,
        "targets": {"two_processes_ratio": 1.6, "duplicates_with_four": 0},
        "runs": runs,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url")
    parser.add_argument(
        "--processes", type=lambda t: [int(x) for x in t.split(",")], default=[1, 2, 4]
    )
    parser.add_argument("--members", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--timeouts", type=int, default=50, help="short sessions per process")
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument(
        "--cpu-per-process", type=float, help="limit each bot process to this share of a core"
    )
    parser.add_argument("--worker", type=int)
    parser.add_argument("--of", type=int)
    parser.add_argument("--db")
    args = parser.parse_args()
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    if args.worker is not None:
        print(json.dumps(asyncio.run(worker(args))), flush=True)
        return
    print(json.dumps(asyncio.run(main_async(args))))


if __name__ == "__main__":
    main()
