"""Sends what was claimed (a daily post, a weekly digest): paced, its outcome recorded, retried.

The same rules for every kind of claimed post, written once:

- The claim row was inserted before this is called; whoever's insert lost never gets here.
- The post goes through the Messenger at the platform's pace (`Pacer`: global and per channel;
  reveals and card edits share it).
- Success records the message id on the row. A transient error (5xx, 429, a timeout) records
  the error and a retry time (5 s doubling, at least the platform's Retry-After) on the row and
  retries in the background, until the claim's `closes_at`; the row's lease is the retry time,
  so after a restart any process's tick takes it over then. A permanent error (the channel is
  gone, the bot was removed) fails the row, turns the channel's configuration off and tells the
  admin who set it.
- A claim taken over (its sender died, or a retry is due) may have reached the platform before
  its outcome was stored: the channel's recent messages are searched for it first
  (`Messenger.find_post`), and a post found there is recorded instead of sent again.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Generic, Protocol, TypeVar

import structlog

from bot.core.clock import Clock
from bot.core.commands import Actor, Place
from bot.core.daily.pacer import Pacer
from bot.core.i18n import normalize_locale, t
from bot.core.messenger import ChannelRef, DeliveryError, Messenger
from bot.core.replies import Notice, Reply
from storage import Store

log = structlog.get_logger(__name__)

LEASE = timedelta(seconds=60)
BACKOFF_FIRST_S = 5.0
BACKOFF_MAX_S = 600.0


class Claimed(Protocol):
    """A claimed row, as the sender needs it (daily posts and digests both are)."""

    @property
    def id(self) -> int: ...
    @property
    def config_id(self) -> int: ...
    @property
    def platform(self) -> str: ...
    @property
    def workspace_id(self) -> str: ...
    @property
    def channel_id(self) -> str: ...
    @property
    def tries(self) -> int: ...
    @property
    def closes_at(self) -> datetime: ...


C = TypeVar("C", bound=Claimed)


@dataclass(frozen=True)
class ClaimKind(Generic[C]):
    """One kind of claimed post: its Store calls, and how to send one (compose, then `post`)."""

    name: str  # in log events: "daily", "digest"
    take_over: Callable[..., Awaitable[C | None]]  # (id, *, now, lease_until)
    record_sent: Callable[..., Awaitable[object]]  # (id, *, message_id, now)
    record_error: Callable[..., Awaitable[None]]  # (id, *, error, retry_at)
    send: Callable[[C], Awaitable[None]]


def channel_of(claim: Claimed) -> ChannelRef:
    return ChannelRef(
        platform=claim.platform, workspace_id=claim.workspace_id, channel_id=claim.channel_id
    )


class ClaimSender:
    def __init__(self, *, store: Store, clock: Clock, messenger: Messenger) -> None:
        self._store = store
        self._clock = clock
        self._messenger = messenger
        self.pacer = Pacer(messenger.pace)
        self._tasks: set[asyncio.Task[None]] = set()
        # (kind, claim id) being sent again: the earlier try may have reached the platform.
        self._taken_over: set[tuple[str, int]] = set()

    async def resume(self, claim: C, kind: ClaimKind[C], now: datetime) -> None:
        """A claim whose sender died (or whose retry is due): take it over and send it."""
        taken = await kind.take_over(claim.id, now=now, lease_until=now + LEASE)
        if taken is None:
            return
        log.info(f"{kind.name}.resumed", claim_id=claim.id, tries=claim.tries)
        self._taken_over.add((kind.name, claim.id))
        try:
            await kind.send(taken)
        finally:
            self._taken_over.discard((kind.name, claim.id))

    async def post(self, claim: C, replies: Sequence[Reply], kind: ClaimKind[C]) -> None:
        await self.pacer.wait(claim.channel_id)
        if (kind.name, claim.id) in self._taken_over:
            found = await self.sent_before(claim, replies, name=kind.name)
            if found is not None:
                await kind.record_sent(claim.id, message_id=found, now=self._clock.now())
                log.info(f"{kind.name}.found_sent", claim_id=claim.id, message_id=found)
                return
        try:
            message_id = await self._messenger.post(channel_of(claim), replies)
        except DeliveryError as error:
            await self._failed(claim, error, kind)
            return
        except Exception as error:  # a front end's bug must not stop other channels
            log.exception(f"{kind.name}.post_crashed", claim_id=claim.id)
            await self._failed(claim, DeliveryError(f"{type(error).__name__}: {error}"), kind)
            return
        await kind.record_sent(claim.id, message_id=message_id, now=self._clock.now())
        log.info(f"{kind.name}.posted", claim_id=claim.id, channel=claim.channel_id)

    async def sent_before(
        self,
        claim: Claimed,
        replies: Sequence[Reply],
        *,
        name: str,
        thread_of: str | None = None,
    ) -> str | None:
        """The id of `replies` if an earlier try already posted them (see `find_post`)."""
        try:
            return await self._messenger.find_post(channel_of(claim), replies, thread_of=thread_of)
        except Exception:  # best effort: a failed look is a repeat risked, not a post lost
            log.exception(f"{name}.find_failed", claim_id=claim.id)
            return None

    async def _failed(self, claim: C, error: DeliveryError, kind: ClaimKind[C]) -> None:
        if error.permanent:
            await kind.record_error(claim.id, error=error.reason, retry_at=None)
            await self.disable(claim.config_id, error.reason)
            return
        delay = min(BACKOFF_MAX_S, BACKOFF_FIRST_S * 2**claim.tries)
        if error.retry_after_s is not None:
            delay = max(delay, error.retry_after_s)
        retry_at = self._clock.now() + timedelta(seconds=delay)
        if retry_at >= claim.closes_at:
            log.warning(f"{kind.name}.gave_up", claim_id=claim.id, error=error.reason)
            await kind.record_error(claim.id, error=error.reason, retry_at=None)
            return
        log.warning(f"{kind.name}.retry", claim_id=claim.id, error=error.reason, retry_in_s=delay)
        await kind.record_error(claim.id, error=error.reason, retry_at=retry_at)
        self.background(self._retry(claim, retry_at, kind))

    async def _retry(self, claim: C, when: datetime, kind: ClaimKind[C]) -> None:
        await self._clock.sleep_until(when)
        await self.resume(claim, kind, self._clock.now())

    async def disable(self, config_id: int, reason: str) -> None:
        """The channel is gone or closed to the bot: stop posting there, tell who set it up."""
        config = await self._store.disable_daily_config(
            config_id, reason=reason[:256], now=self._clock.now()
        )
        if config is None:
            return
        log.warning("daily.disabled", config_id=config_id, channel=config.channel_id, reason=reason)
        if config.set_by_member_id is None:
            return
        admin = await self._store.get_member(config.set_by_member_id)
        if admin is None:
            return
        locale = normalize_locale(admin.locale or config.locale)
        text = t(locale, "notice.daily_disabled", channel=config.channel_id, reason=reason)
        actor = Actor(
            platform=admin.platform,
            workspace_id=admin.workspace_id,
            user_id=admin.user_id,
            display_name=admin.display_name,
            is_admin=True,
        )
        notice = Notice(locale=locale, code="daily_disabled", text=text)
        await self._messenger.deliver(actor, Place(), [notice])

    def background(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def wait_idle(self) -> None:
        """Until background work (retries, card edits) has finished: tests and shutdown."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def aclose(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*list(self._tasks), return_exceptions=True)
