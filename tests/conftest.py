"""Database fixtures shared by every suite that runs against both databases.

`db_url` parametrises a test over SQLite (a fresh file under tmp_path, in a folder that does not
exist yet) and PostgreSQL (TEST_POSTGRES_URL: a fresh database per test, created from template0
and dropped afterwards, so tests are isolated from each other and from anyone else on the
server). Without TEST_POSTGRES_URL the PostgreSQL cases skip and say why; .ci/run sets it.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

POSTGRES_ENV = "TEST_POSTGRES_URL"


async def _execute(url: str, statement: str) -> None:
    engine = create_async_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    try:
        async with engine.connect() as conn:
            await conn.execute(sa.text(statement))
    finally:
        await engine.dispose()


def _admin(url: str, statement: str) -> None:
    _run_private(_execute(url, statement))


def _run_private(coroutine: Coroutine[Any, Any, None]) -> None:
    """asyncio.run on a loop that never becomes the thread's current loop.

    asyncio.run resets the current loop when it ends; pytest-asyncio then creates one that it
    never closes (a ResourceWarning in a later test).
    """
    with asyncio.Runner(loop_factory=asyncio.new_event_loop) as runner:
        runner.run(coroutine)


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    ]
)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of an empty database of the parametrised kind."""
    if request.param == "sqlite":
        # A folder that does not exist yet: open_store must create it.
        yield f"sqlite+aiosqlite:///{tmp_path / 'data' / 'interview.db'}"
        return
    base = os.environ.get(POSTGRES_ENV)
    if not base:
        pytest.skip(f"{POSTGRES_ENV} is not set; set it to a PostgreSQL URL to run this case")
    name = f"bot_test_{uuid.uuid4().hex[:16]}"
    # Sync fixture on purpose: sync tests (upgrade_database outside an event loop) use it too.
    _admin(base, f'CREATE DATABASE "{name}" TEMPLATE template0')
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        _admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def run_private() -> Callable[[Coroutine[Any, Any, None]], None]:
    """Run a coroutine to completion from a sync test, outside any event loop."""
    return _run_private
