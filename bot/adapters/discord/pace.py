"""Discord's global rate limit, kept before it is hit.

Discord lets a bot make 50 requests a second over all routes (more once Discord raises it for a
large bot); interaction callbacks and follow-ups (`/interactions/…`, `/webhooks/…`) do not count.
discord.py keeps each route's own limit from the response headers, but meets the global one
only by hitting it: 200 members pressing start at once (600 thread, member and card requests)
drew 2,550 429s from a fake enforcing it, and requests that met five in a row failed — a
member was never added to their thread. So every request made with the bot's token waits for
its turn here, through aiohttp's request-start signal (discord.py's `http_trace` option);
retries after a 429 wait their turn too.

When requests queue, what a member is waiting for goes first: a card or feedback, adding them
to their thread. Opening threads for new interviews and greying out finished cards wait, so
in a burst each member's interview gets going as soon as its thread is there, instead of every
thread first.

Several processes sharing one bot (shards) share its limit: give each its part of it.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections.abc import Callable
from typing import Any

import aiohttp

DISCORD_GLOBAL_PER_SECOND = 50.0
# A short burst after a quiet spell goes at once (one member's start needs three requests);
# burst + rate stays within the limit in any one second.
BURST_SHARE = 0.1
# Requests paced evenly here do not arrive evenly (a new connection, a busy event loop): keep
# a tenth of the limit spare so that they still fit in Discord's second.
HEADROOM = 0.9
EXEMPT = ("/interactions/", "/webhooks/")
URGENT, LATER = 0, 1


class GlobalPace:
    """Turns at a steady rate after a small burst (the generic cell rate algorithm: each turn
    moves a theoretical arrival time on by one interval; a turn may start while that time is
    at most `burst - 1` intervals ahead of now), granted to the most urgent waiter first."""

    def __init__(self, per_second: float, clock: Callable[[], float] = time.monotonic) -> None:
        burst = max(1, int(per_second * BURST_SHARE))
        self._interval = 1.0 / (per_second - burst)
        self._tolerance = (burst - 1) * self._interval
        self._clock = clock
        self._arrival = 0.0
        self._waiting: list[tuple[int, int, asyncio.Future[None]]] = []
        self._order = itertools.count()
        self._granter: asyncio.Task[None] | None = None

    def delay(self) -> float:
        """Seconds until the next turn may start (0: now)."""
        return max(0.0, max(self._arrival, self._clock()) - self._tolerance - self._clock())

    def take(self) -> None:
        self._arrival = max(self._arrival, self._clock()) + self._interval

    async def wait(self, priority: int = URGENT) -> None:
        if not self._waiting and self.delay() == 0:
            self.take()
            return
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, (priority, next(self._order), turn))
        if self._granter is None or self._granter.done():
            self._granter = asyncio.create_task(self._grant(), name="discord-global-pace")
        await turn

    async def _grant(self) -> None:
        while self._waiting:
            delay = self.delay()
            if delay > 0:
                await asyncio.sleep(delay)
            _, _, turn = heapq.heappop(self._waiting)
            if not turn.done():  # a waiter cancelled meanwhile gives its turn to the next
                self.take()
                turn.set_result(None)


def priority_of(method: str, path: str) -> int:
    """Opening a thread for a new interview, and editing (closing a finished card, a daily
    post's count), can wait behind what a member is waiting for."""
    if method == "PATCH" or (method == "POST" and path.endswith("/threads")):
        return LATER
    return URGENT


def paced(per_second: float) -> aiohttp.TraceConfig | None:
    """The trace that paces bot-token requests to the REST API; None when `per_second` is 0
    (no pacing: a bot whose limit Discord raised, counted elsewhere)."""
    if per_second <= 0:
        return None
    pace = GlobalPace(per_second * HEADROOM)

    async def on_request_start(
        _session: aiohttp.ClientSession, _context: Any, params: aiohttp.TraceRequestStartParams
    ) -> None:
        path = params.url.path
        if "/api/" in path and not any(part in path for part in EXEMPT):
            await pace.wait(priority_of(params.method, path))

    trace = aiohttp.TraceConfig()
    trace.on_request_start.append(on_request_start)
    return trace
