"""Posts each channel's daily question exactly once, reveals it when answers close.

- Claim, then send: the (channel, local date) row is inserted before the post goes out; a
  second process or a restart finds the row and sends nothing. The send's outcome (the
  platform's message id, or the error) is recorded on the row.
- A claim carries a lease. A sender that dies leaves a 'claimed' row whose lease runs out; the
  next tick (any process) takes it over with a conditional update and sends it. Transient
  platform errors (5xx, 429, timeouts) are retried with backoff while answers are open; a
  permanent one (the channel is gone, the bot was removed) turns the configuration off and tells
  the admin who set it. Other channels are unaffected.
- `tick` (every minute, and at start-up: the sweep) posts what is due today and not yet
  claimed, resumes dead claims, and reveals closed posts. `fire` is the cron job of one channel.
- Sending, retrying and turning a gone channel off are `sending.ClaimSender`'s, shared with the
  weekly digest (`digest_poster.py`), which goes out just before Monday's question.
"""

from __future__ import annotations

import asyncio
import random
from datetime import datetime

import structlog

from bot.core.clock import Clock
from bot.core.daily import views
from bot.core.daily.config import Calendar
from bot.core.daily.digest_poster import DigestPoster
from bot.core.daily.sending import LEASE, ClaimKind, ClaimSender, channel_of
from bot.core.i18n import normalize_locale
from bot.core.messenger import DeliveryError, Messenger
from content.loader import Bank
from content.schema import Question
from storage import Store
from storage.daily_models import DailyConfigRecord, DailyPostRecord, NewDailyPost

log = structlog.get_logger(__name__)


class DailyPoster:
    def __init__(
        self,
        *,
        bank: Bank,
        store: Store,
        clock: Clock,
        messenger: Messenger,
        rng: random.Random,
        platforms: frozenset[str] | None = None,
    ) -> None:
        self._bank = bank
        self._store = store
        self._clock = clock
        self._messenger = messenger
        self._rng = rng
        self._platforms = platforms
        self._sender = ClaimSender(store=store, clock=clock, messenger=messenger)
        self._kind = ClaimKind[DailyPostRecord](
            name="daily",
            take_over=store.take_over_daily_post,
            record_sent=store.record_daily_post_sent,
            record_error=store.record_daily_post_error,
            send=self._send,
        )
        self.digests = DigestPoster(bank=bank, store=store, clock=clock, sender=self._sender)
        self._refreshing: set[int] = set()
        self._stale_cards: set[int] = set()

    # ---- entry points -----------------------------------------------------------------------

    async def tick(self) -> None:
        """Everything due now, in every channel this process serves (also the start-up sweep)."""
        now = self._clock.now()
        await self._store.expire_unsent_daily_posts(now)
        await self.reveal_due()
        resumed = [
            self._sender.resume(post, self._kind, now)
            for post in await self._store.daily_posts_to_resume(now)
            # Another platform's claim is for its own processes: sent through this one's
            # messenger it would fail, and turn that channel's configuration off.
            if self._platforms is None or post.platform in self._platforms
        ]
        resumed += await self.digests.resumable(now, self._platforms)
        configs = await self._store.enabled_daily_configs(self._platforms)
        due = [(c, day.isoformat()) for c in configs if (day := Calendar.of(c).due_today(now))]
        # One read of today's claims saves choosing a question for every channel every minute.
        days = {day for _, day in due}
        claimed = await self._store.claimed_daily_days(days) if days else set()
        questions = {
            c.id for c, day in due if (c.platform, c.workspace_id, c.channel_id, day) not in claimed
        }
        digests = await self.digests.unclaimed(configs, now)
        await asyncio.gather(
            *resumed,
            *(
                self._post_due(c, now, question=c.id in questions, digest=c.id in digests)
                for c in configs
                if c.id in questions or c.id in digests
            ),
        )

    async def fire(self, config_id: int) -> None:
        """One channel's post time (the cron job): reveal what closed, post today's (on Monday
        the weekly digest first, so the question stays the newest message in the channel)."""
        config = await self._store.get_daily_config_by_id(config_id)
        if config is None or not config.enabled:
            return
        await self.reveal_due()
        await self._post_due(config, self._clock.now(), question=True, digest=True)

    async def reveal_due(self) -> None:
        now = self._clock.now()
        for post in await self._store.daily_posts_to_reveal(now):
            if self._platforms is not None and post.platform not in self._platforms:
                continue
            claimed = await self._store.claim_daily_reveal(
                post.id, now=now, lease_until=now + LEASE
            )
            if claimed is not None:
                # A reveal lease set before: an earlier try may have posted it and died.
                await self._reveal(claimed, again=post.reveal_lease_until is not None)

    def refresh_card_later(self, post_id: int) -> None:
        """Show the new answer count on the post, soon; edits of one post are coalesced."""
        if post_id in self._refreshing:
            self._stale_cards.add(post_id)
            return
        self._refreshing.add(post_id)
        self._sender.background(self._refresh_card(post_id))

    async def wait_idle(self) -> None:
        """Until background work (retries, card edits) has finished: tests and shutdown."""
        await self._sender.wait_idle()

    async def aclose(self) -> None:
        await self._sender.aclose()

    # ---- posting ---------------------------------------------------------------------------

    async def _post_due(
        self, config: DailyConfigRecord, now: datetime, *, question: bool, digest: bool
    ) -> None:
        """The channel's weekly digest (if due), then today's question (if due)."""
        if digest:
            try:
                await self.digests.post_due(config, now)
            except Exception:
                # The question matters more: it goes out; a claimed digest is taken over by a
                # later tick when its lease runs out.
                log.exception("digest.failed", config_id=config.id, channel=config.channel_id)
        if question:
            await self._post_question(config, now)

    async def _post_question(self, config: DailyConfigRecord, now: datetime) -> None:
        calendar = Calendar.of(config)
        day = calendar.due_today(now)
        if day is None:
            return
        question = await self._choose(config)
        if question is None:
            log.warning("daily.no_questions", config_id=config.id, channel=config.channel_id)
            return
        claim = NewDailyPost(
            config_id=config.id,
            **config.channel.model_dump(),
            local_date=day.isoformat(),
            question_id=question.id,
            topic=question.topic,
            difficulty=question.difficulty,
            locale=config.locale,
            due_at=calendar.due_at(day),
            closes_at=calendar.closes_at(day),
        )
        post = await self._store.claim_daily_post(claim, now=now, lease_until=now + LEASE)
        if post is None:
            return  # claimed before, here or elsewhere
        log.info("daily.claimed", post_id=post.id, channel=post.channel_id, day=post.local_date)
        await self._send(post)

    async def _send(self, post: DailyPostRecord) -> None:
        question = self._bank.questions.get(post.question_id)
        if question is None:
            await self._store.record_daily_post_error(
                post.id, error="question no longer in the bank", retry_at=None
            )
            return
        card = views.card(
            self._bank, post, question, locale=normalize_locale(post.locale), closed=False
        )
        await self._sender.post(post, [card], self._kind)

    async def _choose(self, config: DailyConfigRecord) -> Question | None:
        """A question of the channel's pool it has posted least often: no repeat until the
        pool is exhausted, then round again."""
        pool = [
            q
            for q in self._bank.questions.values()
            if (config.topics is None or q.topic in config.topics)
            and (config.difficulty is None or q.difficulty == config.difficulty)
        ]
        if not pool:
            return None
        counts = await self._store.posted_question_counts(config.channel)
        fewest = min(counts.get(q.id, 0) for q in pool)
        candidates = sorted(q.id for q in pool if counts.get(q.id, 0) == fewest)
        return self._bank.questions[self._rng.choice(candidates)]

    # ---- reveal and card edits --------------------------------------------------------------

    async def _reveal(self, post: DailyPostRecord, *, again: bool = False) -> None:
        question = self._bank.questions.get(post.question_id)
        now = self._clock.now()
        if question is None:
            await self._store.record_daily_reveal(post.id, message_id=None, now=now)
            return
        locale = normalize_locale(post.locale)
        answers = await self._store.daily_answers_for(post.id)
        reveal = views.reveal(self._bank, post, question, answers, locale=locale)
        await self._sender.pacer.wait(post.channel_id)
        if again:
            found = await self._sender.sent_before(
                post, [reveal], name="daily.reveal", thread_of=post.message_id
            )
            if found is not None:
                log.info("daily.reveal_found_sent", post_id=post.id, message_id=found)
                await self._store.record_daily_reveal(post.id, message_id=found, now=now)
                await self._edit_card(post.id, closed=True)
                return
        try:
            message_id = await self._messenger.post(
                channel_of(post), [reveal], thread_of=post.message_id
            )
        except DeliveryError as error:
            if not error.permanent:
                # The reveal lease runs out and the next tick tries again.
                log.warning("daily.reveal_retry", post_id=post.id, error=error.reason)
                return
            log.warning("daily.reveal_failed", post_id=post.id, error=error.reason)
            message_id = None
        await self._store.record_daily_reveal(post.id, message_id=message_id, now=now)
        log.info("daily.revealed", post_id=post.id, answers=len(answers))
        await self._edit_card(post.id, closed=True)

    async def _refresh_card(self, post_id: int) -> None:
        try:
            while True:
                self._stale_cards.discard(post_id)
                await self._edit_card(post_id, closed=False)
                if post_id not in self._stale_cards:
                    return
        finally:
            self._refreshing.discard(post_id)

    async def _edit_card(self, post_id: int, *, closed: bool) -> None:
        post = await self._store.get_daily_post(post_id)
        if post is None or post.message_id is None:
            return
        question = self._bank.questions.get(post.question_id)
        if question is None:
            return
        closed = closed or post.revealed_at is not None
        card = views.card(
            self._bank, post, question, locale=normalize_locale(post.locale), closed=closed
        )
        await self._sender.pacer.wait(post.channel_id)
        try:
            await self._messenger.edit(channel_of(post), post.message_id, [card])
        except DeliveryError as error:
            log.warning("daily.edit_failed", post_id=post_id, error=error.reason)
        except Exception:
            log.exception("daily.edit_crashed", post_id=post_id)
