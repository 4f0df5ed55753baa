"""What every Slack listener works with, built once in app.py."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any

import structlog
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.messenger import SlackMessenger
from bot.adapters.slack.people import People
from bot.core.service import Core

log = structlog.get_logger(__name__)

# An answer modal must be acked within Slack's 3 s; storing the answer normally takes
# milliseconds, and past this the modal stays open saying it could not be confirmed.
STORE_TIMEOUT_S = 2.0


@dataclass
class FrontEnd:
    core: Core
    messenger: SlackMessenger
    people: People
    client: AsyncWebClient
    store_timeout_s: float = STORE_TIMEOUT_S
    _background: set[asyncio.Task[None]] = field(default_factory=set)

    def later(self, work: Coroutine[Any, Any, None]) -> None:
        """Finish `work` after the request is answered (kept referenced until done)."""
        task = asyncio.get_running_loop().create_task(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def drain(self) -> None:
        """Wait for work started with `later` (tests, shutdown)."""
        while self._background:
            await asyncio.gather(*list(self._background), return_exceptions=True)
