"""The Slack bot as a member meets it: the real AsyncApp served on loopback, the real core and
store, a fake Slack on the other side. A "world" is one bot process; start another on the same
database and fake to play a restart."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_fakes import BOT_TOKEN, SIGNING_SECRET, FakeSlack, SignedSlack
from slack_user import SlackUser, block_text, good_answer

from bot.adapters.slack.app import EVENTS_PATH, SlackParts, build_app, build_parts
from bot.adapters.slack.frontend import FrontEnd
from bot.core.clock import FakeClock
from bot.runtime import Services, open_services, start_watcher
from bot.settings import Settings
from content.loader import Bank

__all__ = ["FIXTURE_BANK", "SlackWorld", "block_text", "good_answer", "slack_bot"]

FIXTURE_BANK = Path(__file__).parents[2] / "unit" / "core" / "fixtures" / "bank"


@dataclass
class SlackWorld(SlackUser):
    app: AsyncApp
    front: FrontEnd
    parts: SlackParts
    services: Services
    clock: FakeClock


@asynccontextmanager
async def slack_bot(
    db_url: str, bank: Bank, clock: FakeClock, fake: FakeSlack
) -> AsyncIterator[SlackWorld]:
    settings = Settings(_env_file=None, database_url=db_url, default_timezone="Asia/Shanghai")  # type: ignore[call-arg]
    parts = build_parts(
        BOT_TOKEN, fake.api_url, default_tz=settings.timezone, channel_interval_s=0.01
    )
    async with open_services(
        settings, parts.messenger, platforms=frozenset({"slack"}), clock=clock, bank=bank
    ) as services:
        await start_watcher(services)
        app, front = build_app(services.core, parts, signing_secret=SIGNING_SECRET)
        runner = web.AppRunner(app.web_app(path=EVENTS_PATH))
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        http = SignedSlack(f"http://127.0.0.1:{port}{EVENTS_PATH}")
        try:
            yield SlackWorld(fake, http, app, front, parts, services, clock)
        finally:
            await http.close()
            await runner.cleanup()
            await front.drain()
            await services.watcher.stop()
