"""Builds the Slack app (one AsyncApp for Socket Mode and HTTP mode) and runs it.

The registrations below are the table of contents of the front end; the work is in
commands.py (the slash command), actions.py (buttons, the answer modal) and events.py
(messages, App Home). Tests build the app with the same `build_app`.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import tzinfo

import structlog
from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.actions import AnswerModal, Buttons
from bot.adapters.slack.commands import SLASH_COMMAND, SlashCommands
from bot.adapters.slack.events import HomeTab, Messages
from bot.adapters.slack.frontend import FrontEnd
from bot.adapters.slack.messenger import SlackMessenger
from bot.adapters.slack.modals import ANSWER_CALLBACK
from bot.adapters.slack.people import People
from bot.adapters.slack.socket_mode import SocketModeHandler
from bot.core import ids
from bot.core.service import Core

log = structlog.get_logger(__name__)

EVENTS_PATH = "/slack/events"
SLACK_API_URL = "https://slack.com/api/"
RATE_LIMIT_RETRIES = 2


def build_client(token: str, api_url: str | None = None) -> AsyncWebClient:
    """The Web API client: 429s wait Retry-After and retry, dropped connections retry once."""
    base = api_url or SLACK_API_URL
    return AsyncWebClient(
        token=token,
        base_url=base if base.endswith("/") else base + "/",
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=1),
            AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
        ],
    )


@dataclass
class SlackParts:
    """What the runtime builds before the core (the core needs the messenger)."""

    client: AsyncWebClient
    people: People
    messenger: SlackMessenger


def build_parts(
    token: str, api_url: str | None, *, default_tz: tzinfo, channel_interval_s: float = 1.0
) -> SlackParts:
    client = build_client(token, api_url)
    people = People(client, default_tz=default_tz)
    messenger = SlackMessenger(client, people, channel_interval_s=channel_interval_s)
    return SlackParts(client, people, messenger)


def build_app(core: Core, parts: SlackParts, *, signing_secret: str) -> tuple[AsyncApp, FrontEnd]:
    front = FrontEnd(core=core, messenger=parts.messenger, people=parts.people, client=parts.client)
    app = AsyncApp(client=parts.client, signing_secret=signing_secret, name="interview-bot")
    app.command(SLASH_COMMAND)(SlashCommands(front))
    app.action(re.compile(ids.ANY_ID_PATTERN))(Buttons(front))
    app.view(ANSWER_CALLBACK)(AnswerModal(front))
    app.event("message")(Messages(front))
    app.event("app_home_opened")(HomeTab(front))
    return app, front


async def serve_http(app: AsyncApp, *, host: str, port: int) -> None:
    """HTTP mode: commands, interactivity and events all at EVENTS_PATH, until cancelled.
    Several processes may sit behind one load balancer on one PostgreSQL."""
    runner = web.AppRunner(app.web_app(path=EVENTS_PATH, port=port))
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
        bound = runner.addresses[0][1] if runner.addresses else port  # --port 0: the OS picks
        log.info("slack.http_listening", host=host, port=bound, path=EVENTS_PATH)
        await asyncio.Event().wait()
    finally:
        await runner.cleanup()


async def serve_socket_mode(app: AsyncApp, *, app_token: str, client: AsyncWebClient) -> None:
    """Socket Mode: no public URL needed; runs until cancelled."""
    handler = SocketModeHandler(app, app_token, web_client=client)
    await handler.connect_async()  # type: ignore[no-untyped-call]
    log.info("slack.socket_mode_connected")
    try:
        await asyncio.Event().wait()
    finally:
        await handler.close_async()  # type: ignore[no-untyped-call]
