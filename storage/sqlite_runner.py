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

A connection that failed is closed, and the next batch opens a fresh one: the runner recovers
without a restart when the database answers again.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

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


def _deliver(batch: Queued, outcomes: list[Outcome]) -> None:
    for (_, future), outcome in zip(batch, outcomes, strict=True):
        if future.done():
            continue  # the caller gave up waiting (cancelled)
        if outcome.error is not None:
            future.set_exception(outcome.error)
        else:
            future.set_result(outcome.value)


class _Readers:
    """Read jobs in batches on a few threads, each thread with one connection kept open."""

    def __init__(self, engine: sa.Engine) -> None:
        self._engine = engine
        self._threads = ThreadPoolExecutor(READ_THREADS, thread_name_prefix="sqlite-reader")
        self._local = threading.local()
        self._opened: list[sa.Connection] = []
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
        for job in jobs:
            try:
                conn = self._connection()
                value = job(conn)
                conn.rollback()  # ends SQLAlchemy's transaction; SQLite had none open
                outcomes.append(Outcome(value=value))
            except Exception as error:
                outcomes.append(Outcome(error=error))
                self._reset(broken=unavailable(error))
        return outcomes

    def _connection(self) -> sa.Connection:
        conn: sa.Connection | None = getattr(self._local, "conn", None)
        if conn is None or conn.invalidated or conn.closed:
            conn = self._engine.connect()
            self._local.conn = conn
            with self._opening:
                self._opened.append(conn)
        return conn

    def _reset(self, *, broken: bool) -> None:
        """After a job failed: end its transaction; a connection that failed is closed."""
        conn: sa.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            return
        with contextlib.suppress(Exception):
            conn.rollback()
        if broken:
            with contextlib.suppress(Exception):
                conn.close()
            self._local.conn = None

    async def close(self) -> None:
        while self._drainers:
            await asyncio.gather(*self._drainers, return_exceptions=True)
        self._threads.shutdown(wait=True)
        with self._opening:
            opened, self._opened = self._opened, []
        for conn in opened:
            with contextlib.suppress(Exception):
                conn.close()
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
        self._conn: sa.Connection | None = None
        self._queue: Queued = []
        self._drainer: asyncio.Task[None] | None = None
        self._closed = False

    @property
    def engines(self) -> list[sa.Engine]:
        return [self._writer, self._reader]

    async def read(self, job: Job[T]) -> T:
        try:
            return await self._readers.run(job)
        except Exception as error:
            reraise(error)
            raise

    async def write(self, job: Job[T]) -> T:
        """Run `job` in the next group commit; return its result once it is committed."""
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queue.append((job, future))
        if self._drainer is None or self._drainer.done():
            self._drainer = asyncio.create_task(self._drain(), name="sqlite-group-commit")
        try:
            return await future
        except Exception as error:
            reraise(error)
            raise

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        while self._queue:
            batch, self._queue = self._queue[:MAX_BATCH], self._queue[MAX_BATCH:]
            jobs = [job for job, _ in batch]
            try:
                outcomes = await loop.run_in_executor(self._write_thread, self._commit, jobs)
            except BaseException as error:  # the executor itself: fail the batch, not hang
                outcomes = [Outcome(error=error)] * len(jobs)
            _deliver(batch, outcomes)

    def _connection(self) -> sa.Connection:
        if self._conn is None or self._conn.invalidated or self._conn.closed:
            self._conn = self._writer.connect()
        return self._conn

    def _commit(self, jobs: list[Job[Any]]) -> list[Outcome]:
        """One transaction for the whole batch (runs on the writer thread).

        Optimistic first: the jobs run back to back with no savepoints (two statements less
        per job). If one raises, the batch is rolled back and run again with a savepoint per
        job, so that job alone fails. Jobs are plain functions of the connection, safe to rerun.
        """
        try:
            conn = self._connection()
            with conn.begin():
                return [Outcome(value=job(conn)) for job in jobs]
        except Exception as error:
            if unavailable(error):
                self._discard_if_broken()
                return [Outcome(error=error)] * len(jobs)
            if len(jobs) == 1:
                return [Outcome(error=error)]
        try:
            conn = self._connection()
            with conn.begin():
                return [self._one_job(conn, job) for job in jobs]
        except Exception as error:
            self._discard_if_broken()
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

    def _discard_if_broken(self) -> None:
        conn = self._conn
        if conn is None:
            return
        with contextlib.suppress(Exception):
            if conn.in_transaction():
                conn.rollback()
        # After a failed COMMIT or I/O error, start the next batch on a fresh connection.
        with contextlib.suppress(Exception):
            conn.close()
        self._conn = None

    async def close(self) -> None:
        """Commit what is queued, then release the threads and files (again: nothing)."""
        while self._drainer is not None and not self._drainer.done():
            await asyncio.gather(self._drainer, return_exceptions=True)
        if self._closed:
            return
        self._closed = True
        loop = asyncio.get_running_loop()
        await loop.run_in_executor(self._write_thread, self._close_writer)
        self._write_thread.shutdown(wait=True)
        await self._readers.close()

    def _close_writer(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.close()
            self._conn = None
        self._writer.dispose()
