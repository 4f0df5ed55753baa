"""Grading in worker processes: answers that arrive together are graded there, each exactly as
the inline grader would; an answer alone is graded inline; a worker that dies loses nothing."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from bot.core.grading import GradeResult, GradingPool, OfflineGrader
from content.loader import Bank
from content.schema import Question

FIXTURE_BANK = Path(__file__).parent / "fixture_bank"


class CountingGrader:
    """The grader the pool falls back on, counting the answers graded in this process."""

    def __init__(self, grader: OfflineGrader) -> None:
        self.name, self.version = grader.name, grader.version
        self._grader = grader
        self.calls = 0

    def grade(self, question: Question, answer: str) -> GradeResult:
        self.calls += 1
        return self._grader.grade(question, answer)


def answers(bank: Bank) -> list[tuple[Question, str]]:
    out = []
    for question in bank.questions.values():
        points = [point.point for point in question.key_points]
        out.append((question, "。".join(points)))  # states every point
        out.append((question, points[0]))  # one point
        out.append((question, "不知道"))
    return out


async def ready(pool: GradingPool) -> None:
    async with asyncio.timeout(60):
        await pool.wait_ready()


@asynccontextmanager
async def started(
    bank: Bank, grader: OfflineGrader
) -> AsyncIterator[tuple[GradingPool, CountingGrader]]:
    """A pool of one worker on the fixture bank, once the worker is ready; closed after."""
    counting = CountingGrader(grader)
    pool = GradingPool(counting, bank, processes=1, bank_dirs=[FIXTURE_BANK], shipped=False)
    pool.start()
    try:
        await ready(pool)
        yield pool, counting
    finally:
        await pool.aclose()


async def test_answers_arriving_together_go_to_the_workers_and_get_the_inline_grade(
    bank: Bank, grader: OfflineGrader
) -> None:
    async with started(bank, grader) as (pool, counting):
        work = answers(bank)
        grades = await asyncio.gather(*(pool.grade(q, text) for q, text in work))
        assert grades == [grader.grade(q, text) for q, text in work]
        assert {g.score for g in grades} != {0.0}  # real grades, not the refusals alone
        assert counting.calls == 0  # all graded by the worker

        question, text = work[0]
        assert await pool.grade(question, text) == grader.grade(question, text)
        assert counting.calls == 1  # alone: inline, no hop


async def test_a_worker_that_dies_loses_no_grade_and_is_replaced(
    bank: Bank, grader: OfflineGrader
) -> None:
    async with started(bank, grader) as (pool, counting):
        workers = multiprocessing.active_children()
        assert workers
        for worker in workers:
            os.kill(worker.pid or 0, signal.SIGKILL)
        work = answers(bank)
        grades = await asyncio.gather(*(pool.grade(q, text) for q, text in work))
        assert grades == [grader.grade(q, text) for q, text in work]
        assert counting.calls == len(work)  # graded here while the pool was broken

        await ready(pool)  # a new worker took over
        assert {w.pid for w in multiprocessing.active_children()}.isdisjoint(w.pid for w in workers)
        again = await asyncio.gather(*(pool.grade(q, text) for q, text in work))
        assert again == grades
        assert counting.calls == len(work)  # the new worker graded them
    assert multiprocessing.active_children() == []  # closing stops the workers


BOT = """
import asyncio, multiprocessing, sys
from pathlib import Path
from bot.core.grading import GradingPool, build_offline_grader
from content.loader import load_bank

async def main() -> None:
    dirs = [Path(sys.argv[1])]
    bank = load_bank(dirs, shipped=False)
    grader = build_offline_grader(bank)
    pool = GradingPool(grader, bank, processes=2, bank_dirs=dirs, shipped=False)
    pool.start()
    await pool.wait_ready()
    print("workers", *[child.pid for child in multiprocessing.active_children()], flush=True)
    await asyncio.sleep(120)

asyncio.run(main())
"""


def running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            return stat.read().split(") ")[1][0] != "Z"  # a zombie is gone, not yet reaped
    except FileNotFoundError:
        return False


def test_the_workers_leave_with_a_bot_killed_by_sigkill() -> None:
    root = Path(__file__).parents[3]
    env = {**os.environ, "PYTHONPATH": str(root)}
    bot = subprocess.Popen(
        [sys.executable, "-c", BOT, str(FIXTURE_BANK)], stdout=subprocess.PIPE, env=env, cwd=root
    )
    try:
        assert bot.stdout is not None
        said = b""
        while not said.startswith(b"workers"):  # after its log lines
            said = bot.stdout.readline()
        workers = [int(pid) for pid in said.split()[1:]]
        assert len(workers) == 2 and all(running(pid) for pid in workers)
    finally:
        bot.kill()
        bot.wait()
    deadline = time.monotonic() + 10
    while any(running(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(running(pid) for pid in workers)
