"""Jobs on a SQLite file: group commit on one writer thread, batched reads on a few readers.

SQLite has one writer, and its async driver hops to a thread four times per statement. Here:

- Writes queue for one writer thread that commits them together (group commit): everything
  queued while the previous COMMIT ran goes into the next `BEGIN IMMEDIATE … COMMIT`, and each
  caller learns its result only after the COMMIT that made it durable. Jobs run back to back; if
  one raises (a unique key, a session no longer active) the batch is run again with a SAVEPOINT
  per job, so that job alone fails. A database failure (disk full, I/O) fails the whole batch:
  no caller is ever told about a write that was not stored.
- Reads queue the same way for a few reader threads, each with its own connection kept open:
  what queued while those threads were busy goes in the next hop (a hop to a thread costs more
  than a point read). Each job runs whole; each statement reads its own snapshot (no BEGIN).
- Quick jobs (a few rows by key: the answer path's reads and writes) run right here, on the
  event loop's thread, on a connection of their own, while the load is light: a hop to a thread
  and back costs more than such a job (about 250 µs on a 2-core VM, where waking a thread is
  slow). A quick write goes here only if the writer thread is idle and few writes began just
  before it (`QUICK_MAX` in `QUICK_WINDOW_S`): when writes come faster, they queue for the
  group commit, where one COMMIT serves many. That connection never waits for a lock
  (busy_timeout 0): a job that finds the database locked goes to the threads, which wait. It
  does not checkpoint the WAL itself (a checkpoint syncs the disk and would stall the loop):
  every `CHECKPOINT_EVERY` commits made here, the writer thread runs a passive checkpoint.

A connection that failed is closed, and the next batch opens a fresh one: the runner recovers
without a restart when the database answers again.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar, cast

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import URL
from sqlalchemy.pool import NullPool

from storage.runner import Job, Outcome, reraise, unavailable

T = TypeVar("T")

# Write jobs per SQLite transaction: bounded so a huge backlog still commits in steady steps.
MAX_BATCH = 500
READ_THREADS = 3
# Read jobs per hop: a slow read holds up only the reads of its own batch.
READ_BATCH = 64
# A quick write runs on the loop's thread only while fewer than QUICK_MAX writes began within
# the last QUICK_WINDOW_S: more than that is a burst, better served by one group commit.
QUICK_WINDOW_S = 0.005
QUICK_MAX = 4
# Commits made on the loop's connection between two checkpoints of the WAL (on the writer).
CHECKPOINT_EVERY = 200

Queued = list[tuple[Job[Any], "asyncio.Future[Any]"]]


def _sqlite_engine(url: URL, pragmas: Callable[[Any, Any], None], begin: str | None) -> sa.Engine:
    """A synchronous pysqlite engine on the same file, in charge of its own transactions."""
    engine = sa.create_engine(
        url.set(drivername="sqlite+pysqlite"),
        poolclass=NullPool if begin == "BEGIN IMMEDIATE" else None,
        connect_args={"check_same_thread": False},
    )
    event.listen(engine, "connect", pragmas)

    def no_driver_transactions(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own BEGIN (before the first DML only) breaks SAVEPOINTs and snapshot reads.
        dbapi_connection.isolation_level = None

    event.listen(engine, "connect", no_driver_transactions)
    if begin is not None:
        statement = begin

        def emit_begin(conn: sa.Connection) -> None:
            conn.exec_driver_sql(statement)

        event.listen(engine, "begin", emit_begin)
    return engine


def _locked(error: BaseException) -> bool:
    """SQLite said another connection holds the lock (SQLITE_BUSY / SQLITE_LOCKED)."""
    orig = getattr(error, "orig", error)
    code = getattr(orig, "sqlite_errorcode", None)
    return code is not None and code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def _no_waiting(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        # Never block the event loop on a lock; the threads are there to wait.
        cursor.execute("PRAGMA busy_timeout=0")
        # Checkpoints are the writer thread's (see CHECKPOINT_EVERY).
        cursor.execute("PRAGMA wal_autocheckpoint=0")
    finally:
        cursor.close()


class _Kept:
    """One connection kept open on an engine; after a failure, a fresh one on the next use."""

    def __init__(self, engine: sa.Engine) -> None:
        self.engine = engine
        self._conn: sa.Connection | None = None

    def get(self) -> sa.Connection:
        if self._conn is None or self._conn.invalidated or self._conn.closed:
            self._conn = self.engine.connect()
        return self._conn

    def rollback(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                if self._conn.in_transaction():
                    self._conn.rollback()

    def after_failure(self, error: BaseException) -> None:
        """End the failed job's transaction; a connection the database failed on is closed
        (after a failed COMMIT or an I/O error the next job starts on a fresh one)."""
        if unavailable(error):
            self.discard()
        else:
            self.rollback()

    def discard(self) -> None:
        self.rollback()
        if self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.close()
        self._conn = None

    def close(self) -> None:
        self.discard()
        self.engine.dispose()


class _Here:
    """Quick jobs on the event loop's thread, on one connection of its own."""

    def __init__(self, url: URL, pragmas: Callable[[Any, Any], None]) -> None:
        # No BEGIN of its own: a read is one statement (its own snapshot); a write says
        # BEGIN IMMEDIATE itself.
        self.engine = _sqlite_engine(url, pragmas, None)
        event.listen(self.engine, "connect", _no_waiting)
        self._kept = _Kept(self.engine)
        self.commits = 0

    def read(self, job: Job[Any]) -> Outcome | None:
        """The job's outcome, or None if the database was locked (run it elsewhere)."""
        conn = self._kept.get()
        try:
            value = job(conn)
            conn.rollback()  # ends SQLAlchemy's transaction; SQLite had none open
            return Outcome(value=value)
        except Exception as error:
            return self._failed(error)

    def write(self, job: Job[Any]) -> Outcome | None:
        """The job in a transaction of its own, committed; None if the database was locked
        (nothing was written: run it elsewhere)."""
        conn = self._kept.get()
        try:
            with conn.begin():
                # SQLAlchemy's begin() only marks a transaction (pysqlite's own BEGIN is off);
                # SQLite's is said on the driver's cursor, without another round of events.
                cursor = conn.connection.cursor()
                cursor.execute("BEGIN IMMEDIATE")
                cursor.close()
                value = job(conn)
            self.commits += 1
            return Outcome(value=value)
        except Exception as error:
            return self._failed(error)

    def _failed(self, error: Exception) -> Outcome | None:
        if _locked(error):  # the connection is fine: the job goes to the threads
            self._kept.rollback()
            return None
        self._kept.after_failure(error)
        return Outcome(error=error)

    def close(self) -> None:
        self._kept.close()


def _deliver(batch: Queued, outcomes: list[Outcome]) -> None:
    for (_, future), outcome in zip(batch, outcomes, strict=True):
        if future.done():
            continue  # the caller gave up waiting (cancelled)
        if outcome.error is not None:
            future.set_exception(outcome.error)
        else:
            future.set_result(outcome.value)


def _value(outcome: Outcome) -> Any:
    if outcome.error is not None:
        raise outcome.error
    return outcome.value


class _Readers:
    """Read jobs in batches on a few threads, each thread with one connection kept open."""

    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine
        self._threads = ThreadPoolExecutor(READ_THREADS, thread_name_prefix="sqlite-reader")
        self._local = threading.local()
        self._opened: list[_Kept] = []
        self._opening = threading.Lock()
        self._queue: Queued = []
        self._drainers: set[asyncio.Task[None]] = set()

    async def run(self, job: Job[T]) -> T:
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queue.append((job, future))
        if len(self._drainers) < READ_THREADS:
            task = asyncio.create_task(self._drain(), name="sqlite-reads")
            self._drainers.add(task)
            task.add_done_callback(self._drainers.discard)
        return await future

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        while self._queue:
            batch, self._queue = self._queue[:READ_BATCH], self._queue[READ_BATCH:]
            jobs = [job for job, _ in batch]
            try:
                outcomes = await loop.run_in_executor(self._threads, self._run_batch, jobs)
            except BaseException as error:  # the executor itself: fail the batch, not hang
                outcomes = [Outcome(error=error)] * len(jobs)
            _deliver(batch, outcomes)

    def _run_batch(self, jobs: list[Job[Any]]) -> list[Outcome]:
        outcomes: list[Outcome] = []
        kept = self._kept()
        for job in jobs:
            try:
                conn = kept.get()
                value = job(conn)
                conn.rollback()  # ends SQLAlchemy's transaction; SQLite had none open
                outcomes.append(Outcome(value=value))
            except Exception as error:
                outcomes.append(Outcome(error=error))
                kept.after_failure(error)
        return outcomes

    def _kept(self) -> _Kept:
        """This thread's connection."""
        kept: _Kept | None = getattr(self._local, "kept", None)
        if kept is None:
            kept = self._local.kept = _Kept(self._engine)
            with self._opening:
                self._opened.append(kept)
        return kept

    async def close(self) -> None:
        while self._drainers:
            await asyncio.gather(*self._drainers, return_exceptions=True)
        self._threads.shutdown(wait=True)
        with self._opening:
            opened, self._opened = self._opened, []
        for kept in opened:
            kept.discard()
        self._engine.dispose()


class SQLiteRunner:
    """Group commit on one writer thread; batched reads on a few reader threads."""

    def __init__(self, url: URL, pragmas: Callable[[Any, Any], None]) -> None:
        # The writer takes the write lock at BEGIN: no deadlock upgrading a read lock later.
        self._writer = _sqlite_engine(url, pragmas, "BEGIN IMMEDIATE")
        # Reads are single statements (each its own snapshot): no BEGIN/ROLLBACK around them.
        reader = _sqlite_engine(url, pragmas, None)
        self._readers = _Readers(reader)
        self._reader = reader
        self._write_thread = ThreadPoolExecutor(1, thread_name_prefix="sqlite-writer")
        self._kept = _Kept(self._writer)
        self._queue: Queued = []
        self._drainer: asyncio.Task[None] | None = None
        self._here = _Here(url, pragmas)
        self._recent_writes: deque[float] = deque()
        self._checkpointed_at = 0
        self._closed = False

    @property
    def engines(self) -> list[sa.Engine]:
        return [self._writer, self._reader, self._here.engine]

    async def read(self, job: Job[T], *, quick: bool = False) -> T:
        try:
            if quick and not self._closed:
                outcome = self._here.read(job)
                if outcome is not None:
                    return cast(T, _value(outcome))
            return await self._readers.run(job)
        except Exception as error:
            reraise(error)
            raise

    async def write(self, job: Job[T], *, quick: bool = False) -> T:
        """Run `job` in the next group commit; return its result once it is committed."""
        loop = asyncio.get_running_loop()
        light = self._light_load(loop.time())
        try:
            if quick and light and self._writer_idle():
                outcome = self._here.write(job)
                if outcome is not None:
                    self._checkpoint_if_due()
                    return cast(T, _value(outcome))
            future: asyncio.Future[T] = loop.create_future()
            self._queue.append((job, future))
            self._start_drainer()
            return await future
        except Exception as error:
            reraise(error)
            raise

    def _light_load(self, now: float) -> bool:
        """Note a write beginning now; whether few others began just before it."""
        recent = self._recent_writes
        while recent and recent[0] < now - QUICK_WINDOW_S:
            recent.popleft()
        recent.append(now)
        return len(recent) <= QUICK_MAX

    def _writer_idle(self) -> bool:
        return not self._closed and not self._queue and not self._draining()

    def _draining(self) -> bool:
        return self._drainer is not None and not self._drainer.done()

    def _start_drainer(self) -> None:
        if not self._draining():
            self._drainer = asyncio.create_task(self._drain(), name="sqlite-group-commit")

    def _checkpoint_due(self) -> bool:
        return self._here.commits - self._checkpointed_at >= CHECKPOINT_EVERY

    def _checkpoint_if_due(self) -> None:
        if self._checkpoint_due():
            self._start_drainer()  # it checkpoints when its queue is empty

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        while self._queue or self._checkpoint_due():
            if not self._queue:
                self._checkpointed_at = self._here.commits
                await loop.run_in_executor(self._write_thread, self._checkpoint)
                continue
            batch, self._queue = self._queue[:MAX_BATCH], self._queue[MAX_BATCH:]
            jobs = [job for job, _ in batch]
            try:
                outcomes = await loop.run_in_executor(self._write_thread, self._commit, jobs)
            except BaseException as error:  # the executor itself: fail the batch, not hang
                outcomes = [Outcome(error=error)] * len(jobs)
            _deliver(batch, outcomes)

    def _checkpoint(self) -> None:
        """Copy what the loop's connection committed from the WAL into the database file
        (passive: never waits for readers or writers; what it cannot copy waits for the next)."""
        with contextlib.suppress(Exception):  # housekeeping: the next one tries again
            driver = self._kept.get().connection.driver_connection
            if driver is not None:
                driver.execute("PRAGMA wal_checkpoint(PASSIVE)")

    def _commit(self, jobs: list[Job[Any]]) -> list[Outcome]:
        """One transaction for the whole batch (runs on the writer thread).

        Optimistic first: the jobs run back to back with no savepoints (two statements less
        per job). If one raises, the batch is rolled back and run again with a savepoint per
        job, so that job alone fails. Jobs are plain functions of the connection, safe to rerun.
        """
        try:
            conn = self._kept.get()
            with conn.begin():
                return [Outcome(value=job(conn)) for job in jobs]
        except Exception as error:
            if unavailable(error):
                self._kept.discard()
                return [Outcome(error=error)] * len(jobs)
            if len(jobs) == 1:
                return [Outcome(error=error)]
        try:
            conn = self._kept.get()
            with conn.begin():
                return [self._one_job(conn, job) for job in jobs]
        except Exception as error:
            self._kept.discard()
            return [Outcome(error=error)] * len(jobs)

    @staticmethod
    def _one_job(conn: sa.Connection, job: Job[Any]) -> Outcome:
        try:
            with conn.begin_nested():
                return Outcome(value=job(conn))
        except Exception as error:
            if unavailable(error):
                raise  # the database failed: the whole batch rolls back
            return Outcome(error=error)

    async def close(self) -> None:
        """Commit what is queued, then release the threads and files (again: nothing)."""
        while self._drainer is not None and not self._drainer.done():
            await asyncio.gather(self._drainer, return_exceptions=True)
        if self._closed:
            return
        self._closed = True
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._write_thread, self._kept.close)
        self._write_thread.shutdown(wait=True)
        await self._readers.close()
        self._here.close()
