"""Time, injected: the system clock in production, a clock tests move by hand.

Everything that asks "what time is it" or "wake me later" goes through a Clock, so tests never
wait on the wall clock (the deadline watcher sleeps on the Clock, not on asyncio directly).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...

    async def sleep_until(self, when: datetime) -> None:
        """Return once this clock reads `when` or later (cancellable).

        An absolute time, not a duration: a duration computed from an earlier `now()` would be
        counted from whenever the sleep actually starts, and wake too late.
        """
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    async def sleep_until(self, when: datetime) -> None:
        await asyncio.sleep(max(0.0, (when - self.now()).total_seconds()))


class FakeClock:
    """A clock that only moves when a test calls `advance`; sleepers wake when it passes them."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
        if self._now.tzinfo is None:
            raise ValueError("FakeClock needs a timezone-aware start")
        self._sleepers: list[tuple[datetime, asyncio.Future[None]]] = []

    def now(self) -> datetime:
        return self._now

    async def sleep_until(self, when: datetime) -> None:
        if when <= self._now:
            await asyncio.sleep(0)
            return
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._sleepers.append((when, future))
        try:
            await future
        finally:
            self._sleepers = [(at, f) for at, f in self._sleepers if f is not future]

    def set(self, when: datetime) -> None:
        """Jump to `when` (forwards only) and wake every sleeper whose time has come."""
        if when < self._now:
            raise ValueError("a FakeClock never goes backwards")
        self._now = when
        for at, future in list(self._sleepers):
            if at <= when and not future.done():
                future.set_result(None)

    def advance(self, seconds: float) -> None:
        self.set(self._now + timedelta(seconds=seconds))

    @property
    def sleepers(self) -> int:
        """How many tasks are waiting on this clock (tests wait for a watcher to be asleep)."""
        return sum(1 for _, future in self._sleepers if not future.done())
