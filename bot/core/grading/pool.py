"""Answers graded beside the event loop, in worker processes, when they arrive together.

Grading is pure CPU (about half a millisecond an answer) and the core runs on one event loop:
when a daily question lands and hundreds of members answer in the same second, grading on the
loop is half of every answer's cost and halves how fast answers are stored and acknowledged.
Here answers that arrive alone or a few at a time are graded inline (no hop: the lowest
latency), and when `TOGETHER` or more are waiting to be graded they go to worker processes in
batches, so grading runs on other cores while the loop does the database work and the replies.

The workers load the same bank (the shipped bank and the same team folders) and build the same
grader, so a grade is the same wherever it is made; until they are ready, and for a question
that is not the bank's own (an edited copy), grading is inline. A worker that dies or fails
costs nothing: its batch is graded inline, and a new worker is started, a few times at most.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import structlog

from bot.core.grading.types import Grader, GradeResult
from content.loader import Bank
from content.schema import Question

log = structlog.get_logger(__name__)

# Answers arriving together before they go to the workers: a hop there and back takes a few
# milliseconds (threads handing the GIL over), so a handful are graded sooner here.
TOGETHER = 8
# Answers per hop to a worker: a hop costs about as much as a few grades.
BATCH = 32
# New workers after failures, before grading stays inline for good.
MAX_RESTARTS = 3


class InlineGrading:
    """Every answer graded on the event loop (the console; a bank passed in by a test)."""

    def __init__(self, grader: Grader) -> None:
        self._grader = grader

    async def grade(self, question: Question, answer: str) -> GradeResult:
        return self._grader.grade(question, answer)

    async def aclose(self) -> None:
        return None


class GradingPool:
    """Inline for a few answers at a time; worker processes for answers that pile up."""

    def __init__(
        self,
        grader: Grader,
        bank: Bank,
        *,
        processes: int,
        bank_dirs: Sequence[Path],
        shipped: bool = True,
    ) -> None:
        """`bank_dirs` and `shipped`: how `bank` was loaded (`load_bank`), for the workers."""
        if processes < 1:
            raise ValueError("a grading pool needs at least one process")
        self._grader = grader
        self._bank = bank
        self._processes = processes
        self._dirs = tuple(bank_dirs)
        self._shipped = shipped
        self._executor: ProcessPoolExecutor | None = None
        self._warming: asyncio.Task[None] | None = None
        self._ready = asyncio.Event()
        self._restarts = 0
        self._queue: list[tuple[Question, str, asyncio.Future[GradeResult]]] = []
        self._drainers: set[asyncio.Task[None]] = set()
        # Answers inside `grade` right now: more than one means they arrived together.
        self._arriving = 0

    def start(self) -> None:
        """Start the workers; answers are graded inline until they have loaded the bank."""
        # spawn, not fork: forking a process with threads (the database's) is unsafe.
        self._executor = ProcessPoolExecutor(
            self._processes,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=start_worker,
            initargs=(os.getpid(), self._dirs, self._shipped),
        )
        self._warming = asyncio.create_task(self._warm(self._executor), name="grading-warm-up")

    async def _warm(self, executor: ProcessPoolExecutor) -> None:
        loop = asyncio.get_running_loop()
        try:
            questions = await asyncio.gather(
                *(loop.run_in_executor(executor, worker_questions) for _ in range(self._processes))
            )
        except Exception as error:
            self._failed(executor, error)
            return
        if any(count != len(self._bank.questions) for count in questions):
            # Not the bank this process loaded (edited on disk since): grades could differ.
            log.error("grading.workers_bank_differs", questions=questions)
            self._stop(executor)
            return
        self._ready.set()
        log.info("grading.workers_ready", processes=self._processes)

    async def wait_ready(self) -> None:
        """Until the workers have loaded the bank (answers arriving together go to them)."""
        await self._ready.wait()

    async def grade(self, question: Question, answer: str) -> GradeResult:
        if not self._ready.is_set() or self._bank.questions.get(question.id) is not question:
            return self._grader.grade(question, answer)
        self._arriving += 1
        try:
            # One turn of the loop: answers that became ready together all arrive first.
            await asyncio.sleep(0)
            if self._arriving < TOGETHER or not self._ready.is_set():
                return self._grader.grade(question, answer)
            future: asyncio.Future[GradeResult] = asyncio.get_running_loop().create_future()
            self._queue.append((question, answer, future))
            if len(self._drainers) < 2 * self._processes:
                task = asyncio.create_task(self._drain(), name="grading-batches")
                self._drainers.add(task)
                task.add_done_callback(self._drainers.discard)
            return await future
        finally:
            self._arriving -= 1

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        while self._queue:
            batch, self._queue = self._queue[:BATCH], self._queue[BATCH:]
            executor = self._executor
            grades: list[GradeResult] | None = None
            if self._ready.is_set() and executor is not None:
                work = [(question.id, answer) for question, answer, _ in batch]
                try:
                    grades = await loop.run_in_executor(executor, grade_batch, work)
                except Exception as error:  # a worker died (BrokenProcessPool) or failed
                    self._failed(executor, error)
            if grades is None:
                grades = [self._grader.grade(question, answer) for question, answer, _ in batch]
            for (_, _, future), grade in zip(batch, grades, strict=True):
                if not future.done():
                    future.set_result(grade)

    def _failed(self, executor: ProcessPoolExecutor, error: BaseException) -> None:
        """Grade inline from now; start new workers unless that happened too often."""
        if executor is not self._executor:
            return  # another batch already dealt with this executor's failure
        self._stop(executor)
        self._restarts += 1
        if self._restarts > MAX_RESTARTS:
            log.error("grading.workers_given_up", error=f"{type(error).__name__}: {error}")
            return
        log.warning("grading.worker_failed", error=f"{type(error).__name__}: {error}")
        self.start()

    def _stop(self, executor: ProcessPoolExecutor) -> None:
        self._ready.clear()
        self._executor = None
        executor.shutdown(wait=False, cancel_futures=True)

    async def aclose(self) -> None:
        """Stop the workers (answers still queued are graded inline first)."""
        if self._warming is not None and not self._warming.done():
            self._warming.cancel()
        self._ready.clear()
        while self._drainers:
            await asyncio.gather(*self._drainers, return_exceptions=True)
        executor, self._executor = self._executor, None
        if executor is not None:
            await asyncio.get_running_loop().run_in_executor(None, executor.shutdown)


# ---- in the worker process ------------------------------------------------------------------
# A worker is a process of its own, made for this: its bank and grader live for its lifetime
# in this module (the executor calls plain functions, and they must find them).
_worker: tuple[Bank, Grader] | None = None


def start_worker(bot: int, dirs: tuple[Path, ...], shipped: bool) -> None:
    """Load the bank as the bot (process id `bot`) did and build its grader (once per worker)."""
    from bot.core.grading.offline import build_offline_grader
    from content.loader import load_bank

    _exit_with(bot)
    global _worker
    bank = load_bank(dirs, shipped=shipped)
    grader = build_offline_grader(bank)
    grader.prepare()
    _worker = (bank, grader)


def worker_questions() -> int:
    """How many questions the worker's bank has (also: the worker is up)."""
    if _worker is None:
        raise RuntimeError("the grading worker did not start")
    return len(_worker[0].questions)


def grade_batch(work: list[tuple[str, str]]) -> list[GradeResult]:
    if _worker is None:
        raise RuntimeError("the grading worker did not start")
    bank, grader = _worker
    return [grader.grade(bank.questions[question_id], answer) for question_id, answer in work]


def _exit_with(bot: int) -> None:
    """Leave when the bot does. A bot killed with SIGKILL cannot stop its workers, and a worker
    waiting for work never sees the end of its queue (it holds that pipe's other end too).
    The bot's id comes from the bot: it may have died before this worker got here."""

    def watch() -> None:
        while os.getppid() == bot:
            time.sleep(1.0)
        os._exit(0)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()
