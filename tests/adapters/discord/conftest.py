"""Fixtures: a fake Discord on loopback, and the bot logged in to it (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from fake_discord import FakeDiscord
from harness import FIXTURE_BANK, DiscordBot, start_bot

from bot.adapters.discord.app import use_api_base
from bot.core.clock import FakeClock
from content.loader import Bank, load_bank


@pytest.fixture(scope="session")
def bank() -> Bank:
    return load_bank([FIXTURE_BANK], shipped=False)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord()
    base = await server.start()
    previous = use_api_base(base)
    try:
        yield server
    finally:
        use_api_base(previous)  # discord.http.Route.BASE is process-wide: put it back
        await server.stop()


@pytest.fixture
async def bot(
    db_url: str, fake: FakeDiscord, bank: Bank, clock: FakeClock
) -> AsyncIterator[DiscordBot]:
    running = await start_bot(db_url, fake, bank, clock)
    try:
        yield running
    finally:
        await running.close()
