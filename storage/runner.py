"""Where the Store's statements run: jobs (plain functions of a Connection) on a database.

A job is `def job(conn: sa.Connection) -> T`: Core statements, no awaits. The same job runs on
both databases, only the runner differs:

- PostgreSQL (`AsyncRunner`): `AsyncConnection.run_sync`, over the async engine's pool; reads
  in autocommit (one round trip per statement), writes in one transaction each. Processes scale
  out; the database orders them.
- SQLite (`storage.sqlite_runner.SQLiteRunner`): group commit on one writer thread, reads in
  batches on a few reader threads (see that module).

Both raise `StoreUnavailable` when the database itself fails (the caller may retry; nothing of
that call was stored), and recover without a restart: broken connections are discarded.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol, TypeVar

import sqlalchemy as sa
from sqlalchemy import exc
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.errors import StoreUnavailable

T = TypeVar("T")
Job = Callable[[sa.Connection], T]


def unavailable(error: BaseException) -> bool:
    """The database failed (not the statement): the same call may succeed later."""
    if isinstance(error, exc.IntegrityError | exc.ProgrammingError | exc.DataError):
        return False
    # asyncpg's protocol errors (a connection the server ended mid-statement) reach us
    # unwrapped: SQLAlchemy wraps only the errors it knows.
    from_driver = type(error).__module__.startswith("asyncpg")
    # exc.TimeoutError: every pooled connection stayed busy (PostgreSQL under load).
    return from_driver or isinstance(
        error, exc.DBAPIError | exc.TimeoutError | OSError | ConnectionError
    )


class Runner(Protocol):
    @property
    def engines(self) -> list[sa.Engine]:
        """The synchronous engines its statements run on (for instrumentation)."""
        ...

    # quick: a few rows by key (the answer path's jobs): the runner may run it where the
    # caller is instead of on a thread or a pooled connection (SQLite does, under light load).
    async def read(self, job: Job[T], *, quick: bool = False) -> T: ...

    async def write(self, job: Job[T], *, quick: bool = False) -> T: ...

    async def close(self) -> None: ...


def reraise(error: BaseException) -> None:
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

    async def read(self, job: Job[T], *, quick: bool = False) -> T:
        return await self._run(self._autocommit, job, transaction=False)

    async def write(self, job: Job[T], *, quick: bool = False) -> T:
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
            reraise(error)
            raise

    async def close(self) -> None:
        return None


class Outcome:
    """What one job of a batch came to: its value, or the error it raised."""

    __slots__ = ("value", "error")

    def __init__(self, value: Any = None, error: BaseException | None = None) -> None:
        self.value, self.error = value, error
