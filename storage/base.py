"""The Store's shared ground: its engine, the one write path, and record conversions.

Every write of every concern goes through the Store's runner (`storage.runner`): a write is a job,
a plain function of a Connection, that `self._run.write(job)` commits (on SQLite, together with
the other writes queued meanwhile: group commit) before returning its result; reads are jobs
too (`self._run.read(job)`). `_write()` is the older shape (an async transaction) kept for code
that still awaits statements one by one; on SQLite it takes its turn with the group commits.
"""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self, get_args

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from storage.engine import set_sqlite_pragmas, sqlite_file
from storage.models import (
    AttemptRecord,
    EndedSessionState,
    FinishedAttemptState,
    Member,
    SelfAssessment,
    SessionRecord,
)
from storage.runner import AsyncRunner, Runner, SQLiteRunner

DEFAULT_MAX_SCORE = 100.0

FINISHED_STATES: frozenset[str] = frozenset(get_args(FinishedAttemptState))
ENDED_STATES: frozenset[str] = frozenset(get_args(EndedSessionState))
SELF_ASSESSMENTS: frozenset[str] = frozenset(get_args(SelfAssessment))


def aware_utc(value: datetime, name: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {value!r}")
    return value.astimezone(UTC)


def violates(error: IntegrityError, *markers: str) -> bool:
    # PostgreSQL names the index/constraint; SQLite names the columns ("UNIQUE constraint
    # failed: sessions.member_id"). Either appears in the driver's message.
    message = str(error.orig)
    return any(marker in message for marker in markers)


def member_record(row: RowMapping) -> Member:
    return Member.model_validate(dict(row))


def session_record(row: RowMapping) -> SessionRecord:
    return SessionRecord.model_validate(dict(row))


def attempt_record(row: RowMapping) -> AttemptRecord:
    return AttemptRecord.model_validate(dict(row))


def table_columns(row: RowMapping, table: sa.Table) -> dict[str, Any]:
    """One table's columns out of a row labelled `<table>_<column>`."""
    return {column.name: row[f"{table.name}_{column.name}"] for column in table.c}


class StoreBase:
    """The engine and the write path that every part of the Store shares."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        # A single statement is atomic on its own. On PostgreSQL, running it without
        # BEGIN/COMMIT saves two round trips on the hot paths; SQLite (pysqlite) already
        # opens a transaction only around writes, so it keeps the plain engine.
        if engine.dialect.name == "postgresql":
            self._one = engine.execution_options(isolation_level="AUTOCOMMIT")
        else:
            self._one = engine
        # SQLite has one writer. Its busy handler makes a blocked writer sleep in growing steps,
        # which under load turns into latency spikes; queueing this process's writes on a lock
        # keeps them back to back. Other processes still meet busy_timeout.
        self._writer: asyncio.Lock | None = (
            asyncio.Lock() if engine.dialect.name == "sqlite" else None
        )
        self._run: Runner
        if self._writer is not None and sqlite_file(engine.url) is not None:
            self._run = SQLiteRunner(engine.url, set_sqlite_pragmas, self._writer)
        else:
            # PostgreSQL, or an in-memory SQLite (only the async engine's connection sees it).
            self._run = AsyncRunner(engine)

    @property
    def engine(self) -> AsyncEngine:
        return self._engine

    def engines(self) -> list[sa.Engine]:
        """Every engine the Store runs statements on (benchmarks count statements with them)."""
        engines = [self._engine.sync_engine, *self._run.engines]
        return list({id(engine): engine for engine in engines}.values())

    async def close(self) -> None:
        try:
            await self._run.close()
        finally:
            await self._engine.dispose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    @asynccontextmanager
    async def _write(self, engine: AsyncEngine | None = None) -> AsyncIterator[AsyncConnection]:
        """A write transaction; on SQLite, one of this process's at a time."""
        target = engine or self._one
        if self._writer is None:
            async with target.begin() as conn:
                yield conn
            return
        async with self._writer, target.begin() as conn:
            yield conn

    def _insert(self, table: sa.Table) -> sqlite.Insert | postgresql.Insert:
        # ON CONFLICT is dialect-specific in SQLAlchemy; both dialects spell it the same way.
        if self._engine.dialect.name == "postgresql":
            return postgresql.insert(table)
        return sqlite.insert(table)
