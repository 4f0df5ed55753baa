"""Posts each digest channel's weekly digest once, on Monday at the channel's post time.

- **When**: from Monday's post time in the channel's zone, for a day (`Calendar.digest_due`),
  whether or not the channel posts a question on Mondays. The daily poster calls `post_due`
  just before Monday's question (the cron job, or the minute tick's catch-up), so the question
  stays the newest message and its Answer button the one members see first; on a channel with
  no Monday question, the minute tick posts it within a minute of the post time.
- **Once**: the (channel, Monday) row of `daily_digests` is inserted before anything is sent,
  with the same claim, lease, outcome, retry and gone-channel rules as the daily post
  (`storage.claims`, `sending.ClaimSender`). Its content is computed when it is sent (again
  after a takeover): last week's figures do not change after Sunday, so a workspace's member
  figures are read once for all its channels due that Monday (they hold up the question).
- **Nothing to say**: a week in which nobody finished a question is recorded 'empty' and
  nothing is posted (see `digest.py`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine, Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import structlog

from bot.core.clock import Clock
from bot.core.daily import digest
from bot.core.daily.config import DIGEST_OPEN, Calendar
from bot.core.daily.sending import LEASE, ClaimKind, ClaimSender
from bot.core.i18n import normalize_locale
from content.loader import Bank
from storage import Store
from storage.daily_models import DailyConfigRecord
from storage.digest_models import DigestRecord, MemberWeeks, NewDigest

log = structlog.get_logger(__name__)


class DigestPoster:
    def __init__(self, *, bank: Bank, store: Store, clock: Clock, sender: ClaimSender) -> None:
        self._bank = bank
        self._store = store
        self._clock = clock
        self._sender = sender
        # (platform, workspace, zone, week start) → its member figures, read once.
        self._weeks: dict[tuple[str, str, str, str], asyncio.Future[MemberWeeks]] = {}
        self._kind = ClaimKind[DigestRecord](
            name="digest",
            take_over=store.take_over_digest,
            record_sent=store.record_digest_sent,
            record_error=store.record_digest_error,
            send=self._send,
        )

    async def unclaimed(self, configs: Sequence[DailyConfigRecord], now: datetime) -> set[int]:
        """Ids of the configurations whose digest is due now and not claimed yet (one read,
        so the minute tick does not try a claim per channel all Monday)."""
        due = {c.id: monday.isoformat() for c in configs if (monday := self._due(c, now))}
        if not due:
            return set()
        claimed = await self._store.claimed_digest_weeks(set(due.values()))
        return {
            c.id
            for c in configs
            if c.id in due and (c.platform, c.workspace_id, c.channel_id, due[c.id]) not in claimed
        }

    async def resumable(
        self, now: datetime, platforms: frozenset[str] | None
    ) -> list[Coroutine[Any, Any, None]]:
        """Fail claims too old to send; take over those whose sender died (for the tick)."""
        await self._store.expire_unsent_digests(now)
        return [
            self._sender.resume(claim, self._kind, now)
            for claim in await self._store.digests_to_resume(now)
            if platforms is None or claim.platform in platforms
        ]

    async def post_due(self, config: DailyConfigRecord, now: datetime) -> None:
        monday = self._due(config, now)
        if monday is None:
            return
        calendar = Calendar.of(config)
        due_at = calendar.due_at(monday)
        claim = NewDigest(
            config_id=config.id,
            **config.channel.model_dump(),
            week_start=monday.isoformat(),
            timezone=config.timezone,
            locale=config.locale,
            due_at=due_at,
            closes_at=due_at + DIGEST_OPEN,
        )
        record = await self._store.claim_digest(claim, now=now, lease_until=now + LEASE)
        if record is None:
            return  # claimed before, here or elsewhere
        log.info(
            "digest.claimed", claim_id=record.id, channel=record.channel_id, week=claim.week_start
        )
        await self._send(record)

    def _due(self, config: DailyConfigRecord, now: datetime) -> date | None:
        return Calendar.of(config).digest_due(now) if config.digest else None

    async def _send(self, claim: DigestRecord) -> None:
        # The zone the claim was made in: its Monday is a date there.
        week = digest.Week.before_monday(
            ZoneInfo(claim.timezone), date.fromisoformat(claim.week_start)
        )
        members = await self._member_weeks(claim, week)
        posts = await self._store.digest_posts(
            claim.channel, first_day=week.first_day.isoformat(), last_day=week.last_day.isoformat()
        )
        locale = normalize_locale(claim.locale)
        reply = digest.build(self._bank, members, posts, week, locale=locale)
        if reply is None:
            await self._store.record_digest_empty(claim.id, now=self._clock.now())
            log.info("digest.empty_week", claim_id=claim.id, channel=claim.channel_id)
            return
        await self._sender.post(claim, [reply], self._kind)

    async def _member_weeks(self, claim: DigestRecord, week: digest.Week) -> MemberWeeks:
        """The workspace's two weeks, read once for all its channels due together (a week's
        figures do not change after it ends; a failed read is not kept)."""
        key = (claim.platform, claim.workspace_id, claim.timezone, claim.week_start)
        task = self._weeks.get(key)
        if task is None or (task.done() and (task.cancelled() or task.exception() is not None)):
            # Only this week's are kept: last week's are never asked for again.
            self._weeks = {k: t for k, t in self._weeks.items() if k[3] == claim.week_start}
            task = asyncio.ensure_future(
                self._store.member_weeks(
                    claim.platform,
                    claim.workspace_id,
                    week_before=week.before,
                    start=week.start,
                    end=week.end,
                )
            )
            self._weeks[key] = task
        # Shielded: one caller cancelled (shutdown) must not cancel the read the others await.
        return await asyncio.shield(task)
