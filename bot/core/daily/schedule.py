"""When each channel's post is due: an APScheduler job per configured channel.

One `CronTrigger` per channel in the channel's IANA zone wakes the poster at the post time.
The jobs are rebuilt from the database at start-up and re-read every minute, so a
configuration changed through another process is picked up within a minute (and at once in
the process that took the command). The same minute job runs the poster's tick, which posts
anything due and unclaimed — the safety net under the cron jobs: the claim row, not the
scheduler, decides whether a post goes out.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import structlog
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.core.daily.config import DAY_NAMES
from bot.core.daily.poster import DailyPoster
from storage import Store
from storage.daily_models import DailyConfigRecord

log = structlog.get_logger(__name__)

TICK_S = 60


class DailyTrigger(CronTrigger):  # type: ignore[misc]
    """A CronTrigger that fires at most once per local day.

    APScheduler's CronTrigger (3.11) fires twice when the post time falls in the hour an autumn
    change repeats, and then keeps returning the second instant, which loops its scheduler.
    Searching from the next local midnight after the previous fire avoids both.
    """

    def get_next_fire_time(
        self, previous_fire_time: datetime | None, now: datetime
    ) -> datetime | None:
        if previous_fire_time is not None:
            local_day: date = previous_fire_time.astimezone(self.timezone).date()
            midnight = datetime.combine(local_day + timedelta(days=1), time.min)
            floor = midnight.replace(tzinfo=self.timezone)
            now = max(now, floor)
        fire: datetime | None = super().get_next_fire_time(None, now)
        return fire


def trigger_for(config: DailyConfigRecord) -> DailyTrigger:
    return DailyTrigger(
        hour=config.post_hour,
        minute=config.post_minute,
        day_of_week=",".join(DAY_NAMES[int(d)] for d in config.days),
        timezone=config.timezone,
    )


def _fingerprint(config: DailyConfigRecord) -> tuple[Any, ...]:
    return (config.post_hour, config.post_minute, config.timezone, config.days)


class DailyScheduler:
    def __init__(self, poster: DailyPoster, store: Store, platforms: frozenset[str] | None) -> None:
        self._poster = poster
        self._store = store
        self._platforms = platforms
        self._scheduler = AsyncIOScheduler(timezone=UTC)
        self._jobs: dict[int, tuple[Any, ...]] = {}
        self._refreshes: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        """Build the jobs, run the start-up sweep, then keep time."""
        await self.refresh()
        await self._guarded_tick()
        self._scheduler.add_job(
            self._every_minute,
            IntervalTrigger(seconds=TICK_S, timezone=UTC),
            id="daily:tick",
            coalesce=True,
            max_instances=1,
            misfire_grace_time=TICK_S,
        )
        self._scheduler.start()

    async def stop(self) -> None:
        """Stop keeping time; the poster's own work is ended by `Core.aclose`, which owns it."""
        # Let a refresh in flight finish first (one quick read, then its jobs): cancelled
        # mid-query, its database connection outlived the engine's dispose and kept the process
        # from exiting; after shutdown, removing a job raised.
        await asyncio.gather(*self._refreshes, return_exceptions=True)
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)

    def changed(self) -> None:
        """A configuration changed in this process: rebuild the jobs now, not in a minute."""
        task = asyncio.create_task(self._guarded_refresh())
        self._refreshes.add(task)
        task.add_done_callback(self._refreshes.discard)

    async def refresh(self) -> None:
        configs = {c.id: c for c in await self._store.enabled_daily_configs(self._platforms)}
        for config_id in set(self._jobs) - set(configs):
            self._scheduler.remove_job(f"daily:{config_id}")
            del self._jobs[config_id]
        for config_id, config in configs.items():
            fingerprint = _fingerprint(config)
            if self._jobs.get(config_id) == fingerprint:
                continue
            self._scheduler.add_job(
                self._fire,
                trigger_for(config),
                args=[config_id],
                id=f"daily:{config_id}",
                replace_existing=True,
                coalesce=True,
                max_instances=1,
                misfire_grace_time=TICK_S,
            )
            self._jobs[config_id] = fingerprint
            log.info("daily.scheduled", config_id=config_id, channel=config.channel_id)

    def next_fire_times(self) -> dict[int, datetime | None]:
        """config id → when its job fires next (for `config show` checks and tests)."""
        return {
            config_id: self._scheduler.get_job(f"daily:{config_id}").next_run_time
            for config_id in self._jobs
            if self._scheduler.get_job(f"daily:{config_id}") is not None
        }

    async def _every_minute(self) -> None:
        await self._guarded_refresh()
        await self._guarded_tick()

    async def _guarded_refresh(self) -> None:
        try:
            await self.refresh()
        except Exception:
            log.exception("daily.refresh_failed")

    async def _guarded_tick(self) -> None:
        try:
            await self._poster.tick()
        except Exception:
            log.exception("daily.tick_failed")

    async def _fire(self, config_id: int) -> None:
        try:
            await self._poster.fire(config_id)
        except Exception:
            log.exception("daily.fire_failed", config_id=config_id)
