"""The Store's shared ground: its engine, the one write path, and record conversions.

Every statement of every concern goes through the Store's runner (`storage.runner`): a write is
a job, a plain function of a Connection, that `self._run.write(job)` commits in one transaction
(on SQLite, together with the other writes queued meanwhile: group commit) before returning its
result; reads are jobs too (`self._run.read(job)`). `first_row`, `all_rows` and `row_count` make
the one-statement jobs.
"""

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self, TypeVar, get_args

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.engine import set_sqlite_pragmas, sqlite_file
from storage.models import (
    AttemptRecord,
    EndedSessionState,
    FinishedAttemptState,
    Member,
    SelfAssessment,
    SessionRecord,
)
from storage.runner import AsyncRunner, Job, Runner
from storage.sqlite_runner import SQLiteRunner

R = TypeVar("R")

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


def member_record(row: Mapping[Any, Any]) -> Member:
    return Member.model_validate(dict(row))


def session_record(row: Mapping[Any, Any]) -> SessionRecord:
    return SessionRecord.model_validate(dict(row))


def attempt_record(row: RowMapping) -> AttemptRecord:
    return AttemptRecord.model_validate(dict(row))


def first_row(
    statement: sa.Executable, record: Callable[[RowMapping], R], **params: Any
) -> Job[R | None]:
    """A job: run `statement`, turn its first row (if any) into a record."""

    def job(conn: sa.Connection) -> R | None:
        row = conn.execute(statement, params).mappings().first()
        return None if row is None else record(row)

    return job


def all_rows(
    statement: sa.Executable, record: Callable[[RowMapping], R], **params: Any
) -> Job[list[R]]:
    """A job: run `statement`, turn every row into a record."""

    def job(conn: sa.Connection) -> list[R]:
        return [record(row) for row in conn.execute(statement, params).mappings()]

    return job


def row_count(statement: sa.Executable, **params: Any) -> Job[int]:
    """A job: run `statement` (an UPDATE or DELETE), say how many rows it changed."""

    def job(conn: sa.Connection) -> int:
        return int(conn.execute(statement, params).rowcount or 0)

    return job


def table_columns(row: Mapping[str, Any], table: sa.Table) -> dict[str, Any]:
    """One table's columns out of a row labelled `<table>_<column>`."""
    return {column.name: row[f"{table.name}_{column.name}"] for column in table.c}


class StoreBase:
    """The engine and the write path that every part of the Store shares."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._run: Runner
        if engine.dialect.name == "sqlite" and sqlite_file(engine.url) is not None:
            self._run = SQLiteRunner(engine.url, set_sqlite_pragmas)
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

    def _insert(self, table: sa.Table) -> sqlite.Insert | postgresql.Insert:
        # ON CONFLICT is dialect-specific in SQLAlchemy; both dialects spell it the same way.
        if self._engine.dialect.name == "postgresql":
            return postgresql.insert(table)
        return sqlite.insert(table)
