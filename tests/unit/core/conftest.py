"""Fixtures for the core's tests; the helpers they use are in core_harness.py."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from core_harness import FIXTURE_BANK, BotProcess, start_process

from bot.core.clock import FakeClock
from content.loader import Bank, load_bank


@pytest.fixture(scope="session")
def bank() -> Bank:
    return load_bank([FIXTURE_BANK], shipped=False)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def bot(db_url: str, bank: Bank, clock: FakeClock) -> AsyncIterator[BotProcess]:
    process = await start_process(db_url, bank, clock)
    try:
        yield process
    finally:
        await process.crash()
