"""Builds the async engine for a database URL: aiosqlite for SQLite, asyncpg for PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

# Let settings say plain "sqlite:///…" or "postgresql://…" and still get the async driver.
_ASYNC_DRIVERS = {"sqlite": "sqlite+aiosqlite", "postgresql": "postgresql+asyncpg"}

_SQLITE_PRAGMAS = (
    # Readers never block the writer and the writer never blocks readers.
    "journal_mode=WAL",
    # A second writer (another process, or the answer/timeout race) waits instead of failing.
    "busy_timeout=5000",
    "foreign_keys=ON",
    # Safe with WAL: a crash cannot corrupt the file; power loss may drop the last commits.
    "synchronous=NORMAL",
)


# Connections per process to PostgreSQL, and how long a command waits for one.
PG_CONNECTIONS = 10
PG_WAIT_S = 10.0


def async_url(url: str | URL) -> URL:
    parsed = make_url(url)
    driver = _ASYNC_DRIVERS.get(parsed.drivername)
    if driver is not None:
        parsed = parsed.set(drivername=driver)
    if parsed.get_backend_name() not in _ASYNC_DRIVERS:
        raise ValueError(f"unsupported database {parsed.drivername!r}: use SQLite or PostgreSQL")
    return parsed


def sqlite_file(url: URL) -> Path | None:
    """The database file of a SQLite URL, or None for in-memory / URI-style databases."""
    if url.get_backend_name() != "sqlite":
        return None
    database = url.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return None
    return Path(database)


def set_sqlite_pragmas(dbapi_connection: Any, _connection_record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        for pragma in _SQLITE_PRAGMAS:
            cursor.execute(f"PRAGMA {pragma}")
    finally:
        cursor.close()


def make_engine(url: str | URL) -> AsyncEngine:
    """An engine ready for the store; creates a SQLite file's parent folder."""
    parsed = async_url(url)
    path = sqlite_file(parsed)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
    if parsed.get_backend_name() == "postgresql":
        # A fixed set of connections kept open: SQLAlchemy's default lets 10 more open under
        # load and closes each one as it comes back, and a new PostgreSQL connection costs a
        # server process (a fork) and a handshake. Commands wait briefly for one instead.
        engine = create_async_engine(
            parsed, pool_size=PG_CONNECTIONS, max_overflow=0, pool_timeout=PG_WAIT_S
        )
    else:
        engine = create_async_engine(parsed)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine.sync_engine, "connect", set_sqlite_pragmas)
    return engine
