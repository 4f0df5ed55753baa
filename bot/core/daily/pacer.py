"""Keeps posts under a platform's rates: one global rate and one per channel.

Each caller reserves the next free slot (no await between reading and reserving, so asyncio
needs no lock) and sleeps until it. Wall-clock time on purpose: the platform counts real
requests, whatever the game's clock says.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from bot.core.messenger import PostPace

_PRUNE_EVERY = 1024


class Pacer:
    def __init__(self, pace: PostPace, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._gap = 1.0 / pace.per_second
        self._channel_gap = 1.0 / pace.per_channel_per_second
        self._now = monotonic
        self._next = 0.0
        self._channel_next: dict[str, float] = {}
        self._reservations = 0

    def reserve(self, channel: str) -> float:
        """The moment this request may go out (monotonic seconds), now reserved."""
        now = self._now()
        slot = max(now, self._next, self._channel_next.get(channel, 0.0))
        self._next = slot + self._gap
        self._channel_next[channel] = slot + self._channel_gap
        self._reservations += 1
        if self._reservations % _PRUNE_EVERY == 0:
            self._channel_next = {c: t for c, t in self._channel_next.items() if t > now}
        return slot

    async def wait(self, channel: str) -> None:
        delay = self.reserve(channel) - self._now()
        if delay > 0:
            await asyncio.sleep(delay)
