"""The answer path on SQLite: statements per command, and how fast answers are graded and stored.

Runs the real core (shipped bank, offline grader, Store on a temp SQLite file, deadline watcher,
system clock), only the front end replaced. Prints one JSON object:

- statements: SQL statements and commits for one start, one answer and one timeout (counted on
  every engine the Store uses, with SQLAlchemy's `before_cursor_execute` / `commit` events)
- sequential: with --sessions open, one answer at a time: service time. target p50 <= 2 ms
- open_loop: answers arriving at random (Poisson) at --rate per second. target p99 <= 50 ms
- burst: every open session answers at the same instant: answers/s until the last reply.
  target >= 1,000/s
- plain_sqlite3: the same statements per answer (read the session and its open question,
  close the attempt, add it to the boards' totals, move the session on, insert the next
  attempt, one transaction each) in a plain `sqlite3` loop on a copy of the same database, in
  the same run; `burst_ratio` is the bot's burst rate over that loop's rate
- grader: offline grades/s of the same answers on one core, in the same run
- grading_processes: worker processes grading answers that arrive together, as the bot runs
  (GRADING_PROCESSES, default 1); 0 grades every answer on the event loop

The grader's per-question tables are built before measuring (the first answer to each question
pays ~3 ms for them once per process).

Run: python bench/answer_bench.py [--sessions 1000] [--rate 200] [--grading-processes 1]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import logging
import os
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import structlog
from session_bench import PLACE, TimingMessenger, answer_for, member, open_sessions, percentiles

from bot.core.clock import SystemClock
from bot.core.commands import Actor, Answer, Start
from bot.core.grading import AnswerGrading, GradingPool, InlineGrading, build_offline_grader
from bot.core.interview.deadlines import DeadlineWatcher
from bot.core.replies import Feedback, QuestionCard, Reply
from bot.core.service import Core
from bot.runtime import build_core
from content.loader import Bank, load_bank
from storage import Store, open_store
from storage.board_sql import COUNT_ATTEMPT


class StatementCounter:
    """Counts statements and commits on every engine of a Store."""

    def __init__(self, engines: list[sa.Engine]) -> None:
        self.statements: list[str] = []
        self.commits = 0
        for engine in engines:
            sa.event.listen(engine, "before_cursor_execute", self._statement)
            sa.event.listen(engine, "commit", self._commit)

    def _statement(self, conn: object, cursor: object, statement: str, *rest: object) -> None:
        # BEGIN is not counted: pysqlite sends its own BEGIN without an event, the group
        # committer sends BEGIN IMMEDIATE through SQLAlchemy; transactions are `commits`.
        if not statement.startswith("BEGIN"):
            self.statements.append(" ".join(statement.split()[:3]))

    def _commit(self, conn: object) -> None:
        self.commits += 1

    async def measure(self, work: Callable[[], Awaitable[object]]) -> dict[str, object]:
        self.statements.clear()
        self.commits = 0
        await work()
        return {
            "statements": len(self.statements),
            "commits": self.commits,
            "sql": list(self.statements),
        }


class AnswerBench:
    def __init__(self, bank: Bank, store: Store, core: Core, messenger: TimingMessenger) -> None:
        self.bank, self.store, self.core, self.messenger = bank, store, core, messenger
        self.rng = random.Random(1)
        self.current: dict[Actor, QuestionCard] = {}

    async def one(self, actor: Actor) -> float:
        text = answer_for(self.bank, self.current[actor], self.rng)
        started = time.perf_counter()
        replies = await self.core.handle(actor, PLACE, Answer(text=text))
        elapsed = (time.perf_counter() - started) * 1000
        if not any(isinstance(r, Feedback) for r in replies):
            raise RuntimeError(f"answer not graded: {[r.kind for r in replies]}")
        following = [r for r in replies if isinstance(r, QuestionCard)]
        if following:
            self.current[actor] = following[0]
        return elapsed

    async def statements(self, counter: StatementCounter) -> dict[str, object]:
        who = member(0, "count")
        shown: list[Reply] = []

        async def start() -> None:
            shown.extend(await self.core.handle(who, PLACE, Start(count=3, time_s=1800)))

        started = await counter.measure(start)
        self.current[who] = next(r for r in shown if isinstance(r, QuestionCard))
        answered = await counter.measure(lambda: self.one(who))
        # A timeout: from just before the deadline until the watcher has told the member.
        late = member(1, "count")
        begin = Start.model_construct(count=3, time_s=2)
        first = next(
            r for r in await self.core.handle(late, PLACE, begin) if isinstance(r, QuestionCard)
        )
        self.messenger.waiting_for = {first.attempt_id}
        self.messenger.all_delivered.clear()
        await asyncio.sleep((first.deadline - datetime.now(UTC)).total_seconds() - 0.5)
        timed_out = await counter.measure(self.messenger.all_delivered.wait)
        return {"start": started, "answer": answered, "timeout": timed_out}

    async def open_loop(self, actors: list[Actor], rate: float) -> dict[str, object]:
        tasks: list[asyncio.Task[float]] = []
        began = time.perf_counter()
        at = 0.0
        for actor in self.rng.sample(actors, len(actors)):
            at += self.rng.expovariate(rate)
            delay = at - (time.perf_counter() - began)
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(self.one(actor)))
        latencies = list(await asyncio.gather(*tasks))
        offered = round(len(actors) / (time.perf_counter() - began), 1)
        return {**percentiles(latencies), "offered_per_s": offered, "target_p99_ms": 50}

    async def run(self, sessions: int, rate: float) -> dict[str, object]:
        opened = await open_sessions(self.core, "a", sessions, count=20, time_s=1800)
        self.current.update(dict(opened))
        actors = [actor for actor, _ in opened]
        sequential = [await self.one(actor) for actor in actors]
        open_loop = await self.open_loop(actors, rate)
        began = time.perf_counter()
        burst = list(await asyncio.gather(*(self.one(actor) for actor in actors)))
        burst_s = time.perf_counter() - began
        return {
            "open_sessions": len(actors),
            "sequential": {**percentiles(sequential), "target_p50_ms": 2},
            f"open_loop_{rate:g}_per_s": open_loop,
            "burst": {
                **percentiles(burst),
                "answers_per_s": round(len(burst) / burst_s, 1),
                "target_per_s": 1000,
            },
        }


def plain_sqlite3_loop(database: Path, answers: int) -> float:
    """Answers/s of a plain sqlite3 loop doing the bot's statements, on a copy of its file."""
    copy = database.with_name("plain.db")
    shutil.copy(database, copy)
    for suffix in ("-wal", "-shm"):
        source = database.with_name(database.name + suffix)
        if source.exists():
            shutil.copy(source, copy.with_name(copy.name + suffix))
    conn = sqlite3.connect(copy, isolation_level=None)
    for pragma in (
        "journal_mode=WAL",
        "busy_timeout=5000",
        "foreign_keys=ON",
        "synchronous=NORMAL",
    ):
        conn.execute(f"PRAGMA {pragma}")
    members = [
        row[0] for row in conn.execute("SELECT member_id FROM sessions WHERE state = 'active'")
    ][:answers]
    grade = json.dumps({"grader": "offline", "score": 50.0, "covered": [], "missed": []})
    now = datetime.now(UTC).isoformat(" ")
    began = time.perf_counter()
    for member_id in members:
        session_id, attempt_id, position = conn.execute(
            "SELECT s.id, a.id, a.position FROM sessions s LEFT OUTER JOIN attempts a "
            "ON a.session_id = s.id AND a.state = 'asking' "
            "WHERE s.member_id = ? AND s.state = 'active' ORDER BY a.position DESC LIMIT 1",
            (member_id,),
        ).fetchone()
        conn.execute(
            "SELECT sum(points) FROM attempts WHERE member_id = ? AND question_id = ? AND id != ?",
            (member_id, "q", attempt_id),
        ).fetchone()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute(
            "UPDATE attempts SET state = 'answered', finished_at = ?, answer = ?, score = ?, "
            "points = ?, grade = ? WHERE id = ? AND state = 'asking' RETURNING *",
            (
                now,
                "an answer of about this length, in Chinese 的回答",
                50.0,
                5.0,
                grade,
                attempt_id,
            ),
        ).fetchall()
        # The boards' totals, as the bot keeps them (storage/board_sql.py).
        conn.execute(COUNT_ATTEMPT.text, {"b_member": member_id, "b_hundredths": 500, "b_at": now})
        conn.execute(
            "UPDATE sessions SET current_index = ? WHERE id = ? AND state = 'active' "
            "RETURNING member_id",
            (position + 1, session_id),
        ).fetchall()
        conn.execute(
            "INSERT INTO attempts (session_id, member_id, question_id, topic, difficulty, "
            "position, state, asked_at, deadline_at, max_score, hints_used, points) "
            "VALUES (?, ?, ?, ?, ?, ?, 'asking', ?, ?, 100.0, 0, 0.0) RETURNING *",
            (session_id, member_id, "q", "t", 2, position + 1, now, now),
        ).fetchall()
        conn.execute("COMMIT")
    elapsed = time.perf_counter() - began
    conn.close()
    return round(len(members) / elapsed, 1)


def grades_per_s(bank: Bank, n: int = 2000) -> float:
    grader = build_offline_grader(bank)
    rng = random.Random(2)
    questions = list(bank.questions.values())
    grader.prepare()
    pairs = [(q, "。".join(kp.point for kp in q.key_points)) for q in rng.choices(questions, k=n)]
    began = time.perf_counter()
    for question, text in pairs:
        grader.grade(question, text)
    return round(n / (time.perf_counter() - began), 1)


async def main_async(args: argparse.Namespace) -> dict[str, object]:
    bank = load_bank()
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "bench.db"
        store = await open_store(f"sqlite+aiosqlite:///{database}")
        # Older Stores ran everything on their one async engine (for before/after runs).
        engines = store.engines() if hasattr(store, "engines") else [store.engine.sync_engine]
        counter = StatementCounter(engines)
        clock = SystemClock()
        watcher = DeadlineWatcher(clock)
        messenger = TimingMessenger()
        grader = build_offline_grader(bank)
        grader.prepare()  # every question's tables built once, as a long-running bot has
        grading: AnswerGrading = InlineGrading(grader)
        if args.grading_processes > 0:
            pool = GradingPool(grader, bank, processes=args.grading_processes, bank_dirs=[])
            pool.start()
            await pool.wait_ready()
            grading = pool
        core = build_core(
            bank=bank,
            store=store,
            grader=grader,
            clock=clock,
            messenger=messenger,
            deadlines=watcher,
            timezone=ZoneInfo("Asia/Shanghai"),
            platforms=frozenset({"bench"}),
            grading=grading,
        )
        gc.freeze()  # as the bot does once it has started (runtime.open_services)
        await watcher.start(store.pending_deadlines, core.expire)
        bench = AnswerBench(bank, store, core, messenger)
        result: dict[str, object] = {
            "database": "sqlite",
            "cpus": os.cpu_count(),
            "load_average_1m_at_start": round(os.getloadavg()[0], 2),
            "grading_processes": args.grading_processes,
        }
        try:
            result["statements"] = await bench.statements(counter)
            result["answers"] = await bench.run(args.sessions, args.rate)
        finally:
            await watcher.stop()
            await core.aclose()
            await grading.aclose()
            await store.close()
        plain = plain_sqlite3_loop(database, args.sessions)
    answers = result["answers"]
    assert isinstance(answers, dict)
    burst = answers["burst"]["answers_per_s"]
    result["plain_sqlite3_answers_per_s"] = plain
    result["burst_ratio_to_plain_sqlite3"] = round(burst / plain, 3)
    result["offline_grades_per_s"] = grades_per_s(bank)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--rate", type=float, default=200.0, help="open-loop answers per second")
    parser.add_argument("--grading-processes", type=int, default=1)
    args = parser.parse_args()
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))
    json.dump(asyncio.run(main_async(args)), sys.stdout)
    print()


if __name__ == "__main__":
    main()
