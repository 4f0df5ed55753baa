"""Runs the Alembic migrations in storage/migrations, configured in code (no alembic.ini).

Migrations run on a connection of the same async engine the store uses (through run_sync),
so open_store can migrate from inside the bot's event loop.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.engine import make_engine

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"

# Any constant works; it only has to be the same in every process migrating this database.
_PG_MIGRATION_LOCK = 0x1E7E_5702


def alembic_config() -> Config:
    config = Config()
    # ConfigParser interpolation treats '%' specially.
    config.set_main_option("script_location", str(MIGRATIONS_DIR).replace("%", "%%"))
    config.set_main_option("path_separator", "os")
    return config


def _upgrade_on(connection: Connection, revision: str) -> None:
    if connection.dialect.name == "postgresql":
        # Two bot processes starting together must not both create the tables.
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, revision)


async def upgrade_engine(engine: AsyncEngine, revision: str = "head") -> None:
    """Bring the database behind `engine` to the newest revision (no-op when it is there).

    An older `revision` builds a database as an earlier version left it (tests and benchmarks
    of a migration's backfill)."""
    async with engine.begin() as connection:
        await connection.run_sync(_upgrade_on, revision)


async def _upgrade_url(url: str) -> None:
    engine = make_engine(url)
    try:
        await upgrade_engine(engine)
    finally:
        await engine.dispose()


def _run_private(url: str) -> None:
    # Like asyncio.run, but on a loop of its own that is never made the thread's current loop:
    # a sync helper should not change the caller's event-loop state as a side effect.
    with asyncio.Runner(loop_factory=asyncio.new_event_loop) as runner:
        runner.run(_upgrade_url(url))


def upgrade_database(url: str) -> None:
    """Run `alembic upgrade head` on the database at `url`; safe to repeat."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        _run_private(url)
        return
    # Called from synchronous code running inside an event loop: a loop cannot be nested in
    # this thread, so migrate on a private loop in a worker thread and wait for it.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="db-upgrade") as worker:
        worker.submit(_run_private, url).result()
