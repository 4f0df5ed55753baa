"""One deadline watcher per process: wakes when the soonest question's time is up.

The database is the truth (every deadline is a UTC timestamp on its attempt); this heap is only
a cache of what to wake for. Expiring is the service's conditional update, so firing twice, late,
or in two processes at once never scores anything twice.

- `start` loads the pending deadlines: those already past (the bot was down) are expired at once,
  before the front end shows anything, and flagged so the member is told what happened.
- The loop sleeps on the injected Clock until the soonest deadline or until `schedule` wakes it
  with a sooner one; due attempts are expired concurrently (bounded), so one slow delivery does
  not make the others late.
- Every `refresh_s` it re-reads the pending deadlines: picks up attempts asked by another process
  on the same database, and anything beyond the first `limit` rows at start-up.
"""

from __future__ import annotations

import asyncio
import heapq
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime

import structlog

from bot.core.clock import Clock

ExpireHandler = Callable[[int, bool], Awaitable[None]]  # (attempt_id, expired_while_offline)
PendingSource = Callable[[], Awaitable[list[tuple[int, datetime]]]]

STOP_TIMEOUT_S = 10.0

log = structlog.get_logger(__name__)


class DeadlineWatcher:
    def __init__(self, clock: Clock, *, concurrency: int = 64, refresh_s: float = 30.0) -> None:
        self._clock = clock
        self._heap: list[tuple[datetime, int]] = []
        # attempt id -> deadline for entries still wanted; heap entries not matching are stale.
        self._live: dict[int, datetime] = {}
        self._wake = asyncio.Event()
        self._inflight: set[asyncio.Task[None]] = set()
        # Many at a time: expiries due together are committed together (the Store's group
        # commit on SQLite; concurrent transactions on PostgreSQL), and one slow delivery does
        # not hold up the rest. Bounded, so a backlog after downtime does not flood the loop.
        self._limit = asyncio.Semaphore(concurrency)
        self._refresh_s = refresh_s
        self._task: asyncio.Task[None] | None = None
        # Set while the loop sleeps with nothing in flight: what `wait_idle` waits for.
        self._idle = asyncio.Event()
        self._sleeping = False
        self._stopping = False
        self._handler: ExpireHandler | None = None
        self._source: PendingSource | None = None

    # ---- what the service calls -----------------------------------------------------------

    def schedule(self, attempt_id: int, deadline: datetime) -> None:
        if self._live.get(attempt_id) == deadline:
            return
        self._live[attempt_id] = deadline
        heapq.heappush(self._heap, (deadline, attempt_id))
        if self._heap[0] == (deadline, attempt_id):
            self._wake.set()

    def cancel(self, attempt_id: int) -> None:
        """The attempt finished some other way; forget it (its heap entry is dropped lazily)."""
        self._live.pop(attempt_id, None)

    # ---- life cycle -----------------------------------------------------------------------

    async def start(self, source: PendingSource, handler: ExpireHandler) -> None:
        """Load pending deadlines, expire the overdue ones now (awaited), then watch."""
        self._source, self._handler = source, handler
        now = self._clock.now()
        overdue: list[int] = []
        for attempt_id, deadline in await source():
            if deadline <= now:
                overdue.append(attempt_id)
            else:
                self.schedule(attempt_id, deadline)
        if overdue:
            log.info("deadlines.overdue_at_start", count=len(overdue))
        await asyncio.gather(*(self._fire(attempt_id, True) for attempt_id in overdue))
        self._task = asyncio.create_task(self._run(), name="deadline-watcher")

    async def stop(self) -> None:
        """Finish what is in flight and leave at a safe point (never mid-query)."""
        self._stopping = True
        self._wake.set()
        if self._task is not None:
            try:
                await asyncio.wait_for(asyncio.shield(self._task), STOP_TIMEOUT_S)
            except TimeoutError:
                self._task.cancel()
                await asyncio.gather(self._task, return_exceptions=True)
            self._task = None
        if self._inflight:
            await asyncio.gather(*self._inflight, return_exceptions=True)

    @property
    def watching(self) -> int:
        return len(self._live)

    @property
    def busy(self) -> bool:
        """Something is due, being expired, or not yet looked at (tests wait for not busy)."""
        if self._inflight or self._wake.is_set():
            return True
        soonest = self._soonest()
        return soonest is not None and soonest <= self._clock.now()

    async def wait_idle(self) -> None:
        """Return once nothing is due or in flight (tests: after moving a FakeClock)."""
        while self.busy:
            self._idle.clear()
            await self._idle.wait()

    # ---- the loop -------------------------------------------------------------------------

    def _soonest(self) -> datetime | None:
        while self._heap and self._live.get(self._heap[0][1]) != self._heap[0][0]:
            heapq.heappop(self._heap)
        return self._heap[0][0] if self._heap else None

    async def _run(self) -> None:
        next_refresh = self._clock.now().timestamp() + self._refresh_s
        while not self._stopping:
            self._wake.clear()
            now = self._clock.now()
            soonest = self._soonest()
            if soonest is not None and soonest <= now:
                _, attempt_id = heapq.heappop(self._heap)
                del self._live[attempt_id]
                self._spawn(attempt_id)
                continue
            if now.timestamp() >= next_refresh:
                await self._refresh()
                next_refresh = self._clock.now().timestamp() + self._refresh_s
                continue
            wake_at = datetime.fromtimestamp(next_refresh, UTC)
            if soonest is not None:
                wake_at = min(wake_at, soonest)
            await self._sleep_or_wake(wake_at)

    async def _sleep_or_wake(self, wake_at: datetime) -> None:
        sleeper = asyncio.ensure_future(self._clock.sleep_until(wake_at))
        waker = asyncio.ensure_future(self._wake.wait())
        self._sleeping = True
        if not self._inflight:
            self._idle.set()
        try:
            await asyncio.wait({sleeper, waker}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            self._sleeping = False
            sleeper.cancel()
            waker.cancel()

    async def _refresh(self) -> None:
        if self._source is None:
            return
        try:
            pending = await self._source()
        except Exception:
            log.exception("deadlines.refresh_failed")
            return
        for attempt_id, deadline in pending:
            if attempt_id not in self._live:
                self.schedule(attempt_id, deadline)

    def _spawn(self, attempt_id: int) -> None:
        task = asyncio.create_task(self._fire(attempt_id, False))
        self._inflight.add(task)
        task.add_done_callback(self._finished)

    def _finished(self, task: asyncio.Task[None]) -> None:
        self._inflight.discard(task)
        if self._sleeping and not self._inflight:
            self._idle.set()

    async def _fire(self, attempt_id: int, offline: bool) -> None:
        if self._handler is None:
            return
        async with self._limit:
            try:
                await self._handler(attempt_id, offline)
            except Exception:
                # The watcher must outlive any one bad attempt; the handler logs its own context.
                log.exception("deadlines.expire_failed", attempt_id=attempt_id)
