"""Fixtures for the core's tests; the helpers they use are in core_harness.py."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from core_harness import FIXTURE_BANK, POSTGRES_ENV, BotProcess, start_process
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from bot.core.clock import FakeClock
from content.loader import Bank, load_bank


@pytest.fixture(scope="session")
def bank() -> Bank:
    return load_bank([FIXTURE_BANK], shipped=False)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ]
)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database: a SQLite file, or a new PostgreSQL database (TEST_POSTGRES_URL)."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}"
        return
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        pytest.skip(f"{POSTGRES_ENV} is not set; set it to a PostgreSQL URL to run this case")
    name = f"core_test_{uuid.uuid4().hex[:16]}"
    _admin(base, f'CREATE DATABASE "{name}" TEMPLATE template0')
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        _admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _admin(url: str, statement: str) -> None:
    async def run() -> None:
        engine = create_async_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
        try:
            async with engine.connect() as conn:
                await conn.execute(sa.text(statement))
        finally:
            await engine.dispose()

    # A private loop: this sync fixture may run while pytest-asyncio's loop is not running.
    with asyncio.Runner(loop_factory=asyncio.new_event_loop) as runner:
        runner.run(run())


@pytest.fixture
async def bot(db_url: str, bank: Bank, clock: FakeClock) -> AsyncIterator[BotProcess]:
    process = await start_process(db_url, bank, clock)
    try:
        yield process
    finally:
        await process.crash()
