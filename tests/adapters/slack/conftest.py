"""Fixtures for the Slack front end's tests; the helpers are in slack_fakes.py,
slack_payloads.py and slack_world.py."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from slack_fakes import FakeSlack
from slack_world import FIXTURE_BANK, SlackWorld, slack_bot

from bot.core.clock import FakeClock
from content.loader import Bank, load_bank


@pytest.fixture(scope="session")
def slack_bank() -> Bank:
    return load_bank([FIXTURE_BANK], shipped=False)


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    fake = FakeSlack()
    await fake.start()
    try:
        yield fake
    finally:
        await fake.close()


@pytest.fixture
def sqlite_url(tmp_path: object) -> str:
    return f"sqlite+aiosqlite:///{tmp_path}/slack.db"


@pytest.fixture
async def slack(
    sqlite_url: str, slack_bank: Bank, fake_slack: FakeSlack
) -> AsyncIterator[SlackWorld]:
    async with slack_bot(sqlite_url, slack_bank, FakeClock(), fake_slack) as world:
        yield world
