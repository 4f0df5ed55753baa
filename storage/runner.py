"""Where the Store's statements run: jobs (plain functions of a Connection) on a database.

A job is `def job(conn: sa.Connection) -> T`: Core statements, no awaits. The same job runs on
both databases, only the runner differs:

- PostgreSQL (`AsyncRunner`): `AsyncConnection.run_sync`, over the async engine's pool; reads
  in autocommit (one round trip per statement), writes in one transaction each. Processes scale
  out; the database orders them.
- SQLite (`SQLiteRunner`): SQLite has one writer and its async driver hops to a thread four times
  per statement. Here writes queue for one writer thread that commits them together (group
  commit): everything queued while the previous COMMIT ran goes into the next transaction, each
  job inside its own SAVEPOINT, and every caller learns its result only after the COMMIT that
  made it durable. Reads run whole on a small thread pool. A job's own failure (a unique key, a
  job that raises) rolls back its savepoint only; a database failure (disk full, I/O) fails the
  whole batch, so no caller is ever told about a write that was not stored.

Both raise `StoreUnavailable` when the database itself fails (the caller may retry; nothing of
that call was stored), and recover without a restart: broken connections are discarded.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol, TypeVar

import sqlalchemy as sa
from sqlalchemy import event, exc
from sqlalchemy.engine import URL
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import NullPool

from storage.errors import StoreUnavailable

T = TypeVar("T")
Job = Callable[[sa.Connection], T]

# Write jobs per SQLite transaction: bounded so a huge backlog still commits in steady steps.
MAX_BATCH = 500
READ_THREADS = 3


def unavailable(error: BaseException) -> bool:
    """The database failed (not the statement): the same call may succeed later."""
    if isinstance(error, exc.IntegrityError | exc.ProgrammingError | exc.DataError):
        return False
    # asyncpg's protocol errors (a connection the server ended mid-statement) reach us
    # unwrapped: SQLAlchemy wraps only the errors it knows.
    from_driver = type(error).__module__.startswith("asyncpg")
    return from_driver or isinstance(error, exc.DBAPIError | OSError | ConnectionError)


class Runner(Protocol):
    @property
    def engines(self) -> list[sa.Engine]:
        """The synchronous engines its statements run on (for instrumentation)."""
        ...

    async def read(self, job: Job[T]) -> T: ...

    async def write(self, job: Job[T]) -> T: ...

    async def close(self) -> None: ...


def _reraise(error: BaseException) -> None:
    if unavailable(error):
        raise StoreUnavailable(
            str(error).splitlines()[0] if str(error) else type(error).__name__
        ) from error
    raise error


class AsyncRunner:
    """Jobs on an async engine (PostgreSQL): the database orders concurrent writers."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        # A single statement is atomic on its own: without BEGIN/COMMIT it is one round trip.
        self._autocommit = engine.execution_options(isolation_level="AUTOCOMMIT")

    @property
    def engines(self) -> list[sa.Engine]:
        return [self._engine.sync_engine]

    async def read(self, job: Job[T]) -> T:
        return await self._run(self._autocommit, job, transaction=False)

    async def write(self, job: Job[T]) -> T:
        return await self._run(self._engine, job, transaction=True)

    @staticmethod
    async def _run(engine: AsyncEngine, job: Job[T], *, transaction: bool) -> T:
        try:
            async with engine.connect() as conn:
                try:
                    if not transaction:
                        return await conn.run_sync(job)
                    async with conn.begin():
                        return await conn.run_sync(job)
                except Exception as error:
                    # A connection the driver cannot use any more must not go back to the
                    # pool (SQLAlchemy only discards the ones it recognises as disconnected).
                    if unavailable(error) and not conn.invalidated:
                        await conn.invalidate()
                    raise
        except Exception as error:
            _reraise(error)
            raise

    async def close(self) -> None:
        return None


class _Outcome:
    __slots__ = ("value", "error")

    def __init__(self, value: Any = None, error: BaseException | None = None) -> None:
        self.value, self.error = value, error


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


class SQLiteRunner:
    """Group commit on one writer thread; reads on a few reader threads."""

    def __init__(self, url: URL, pragmas: Callable[[Any, Any], None]) -> None:
        # The writer takes the write lock at BEGIN: no deadlock upgrading a read lock later.
        self._writer = _sqlite_engine(url, pragmas, "BEGIN IMMEDIATE")
        # Reads are single statements (each its own snapshot): no BEGIN/ROLLBACK around them.
        self._reader = _sqlite_engine(url, pragmas, None)
        self._write_thread = ThreadPoolExecutor(1, thread_name_prefix="sqlite-writer")
        self._read_threads = ThreadPoolExecutor(READ_THREADS, thread_name_prefix="sqlite-reader")
        self._conn: sa.Connection | None = None
        self._queue: list[tuple[Job[Any], asyncio.Future[Any]]] = []
        self._drainer: asyncio.Task[None] | None = None
        self._closed = False

    @property
    def engines(self) -> list[sa.Engine]:
        return [self._writer, self._reader]

    async def read(self, job: Job[T]) -> T:
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._read_threads, self._read, job)
        except Exception as error:
            _reraise(error)
            raise

    def _read(self, job: Job[T]) -> T:
        with self._reader.connect() as conn:
            return job(conn)

    async def write(self, job: Job[T]) -> T:
        """Run `job` in the next group commit; return its result once it is committed."""
        future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._queue.append((job, future))
        if self._drainer is None or self._drainer.done():
            self._drainer = asyncio.create_task(self._drain(), name="sqlite-group-commit")
        try:
            return await future
        except Exception as error:
            _reraise(error)
            raise

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        while self._queue:
            batch, self._queue = self._queue[:MAX_BATCH], self._queue[MAX_BATCH:]
            jobs = [job for job, _ in batch]
            try:
                outcomes = await loop.run_in_executor(self._write_thread, self._commit, jobs)
            except BaseException as error:  # the executor itself: fail the batch, not hang
                outcomes = [_Outcome(error=error)] * len(jobs)
            for (_, future), outcome in zip(batch, outcomes, strict=True):
                if future.done():
                    continue  # the caller gave up waiting (cancelled)
                if outcome.error is not None:
                    future.set_exception(outcome.error)
                else:
                    future.set_result(outcome.value)

    def _connection(self) -> sa.Connection:
        if self._conn is None or self._conn.invalidated or self._conn.closed:
            self._conn = self._writer.connect()
        return self._conn

    def _commit(self, jobs: list[Job[Any]]) -> list[_Outcome]:
        """One transaction for the whole batch (runs on the writer thread).

        Optimistic first: the jobs run back to back with no savepoints (two statements less
        per job). If one raises, the batch is rolled back and run again with a savepoint per
        job, so that job alone fails. Jobs are plain functions of the connection, safe to rerun.
        """
        try:
            conn = self._connection()
            with conn.begin():
                return [_Outcome(value=job(conn)) for job in jobs]
        except Exception as error:
            if unavailable(error):
                self._discard_if_broken()
                return [_Outcome(error=error)] * len(jobs)
            if len(jobs) == 1:
                return [_Outcome(error=error)]
        try:
            conn = self._connection()
            with conn.begin():
                return [self._one_job(conn, job) for job in jobs]
        except Exception as error:
            self._discard_if_broken()
            return [_Outcome(error=error)] * len(jobs)

    @staticmethod
    def _one_job(conn: sa.Connection, job: Job[Any]) -> _Outcome:
        try:
            with conn.begin_nested():
                return _Outcome(value=job(conn))
        except Exception as error:
            if unavailable(error):
                raise  # the database failed: the whole batch rolls back
            return _Outcome(error=error)

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
        self._read_threads.shutdown(wait=True)
        self._reader.dispose()

    def _close_writer(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):
                self._conn.close()
            self._conn = None
        self._writer.dispose()
