"""Daily posts: claimed once per (channel, local date), then sent, then revealed.

What must happen once is decided by the schema: a post is claimed by inserting its
(channel, local date) row, and a second insert is a no-op. Sending is guarded by a lease on the
claim row: an expired lease on a row with no outcome means its sender died (or is due to
retry), and exactly one caller may take it over with a conditional update. The claim, lease and
outcome jobs are `storage.claims`' (weekly digests use the same ones); the reveal is this
module's own.
"""

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from storage.base import StoreBase, all_rows, aware_utc, first_row, row_count
from storage.claims import ClaimRows
from storage.daily_configs import channel_is
from storage.daily_models import ChannelKey, DailyPostRecord, NewDailyPost
from storage.tables import daily_posts


def _post(row: Any) -> DailyPostRecord:
    return DailyPostRecord.model_validate(dict(row))


POSTS = ClaimRows(daily_posts, _post)


def _unrevealed(now: datetime) -> sa.ColumnElement[bool]:
    """A post that went out, is not revealed yet, and whose reveal nobody holds a lease on."""
    return (
        (daily_posts.c.state == "posted")
        & daily_posts.c.revealed_at.is_(None)
        & (daily_posts.c.reveal_lease_until.is_(None) | (daily_posts.c.reveal_lease_until <= now))
    )


class DailyPostStore(StoreBase):
    """Claims, outcomes and reveals of daily posts."""

    # ---- posts ------------------------------------------------------------------------------

    async def claim_daily_post(
        self, post: NewDailyPost, *, now: datetime, lease_until: datetime
    ) -> DailyPostRecord | None:
        """Claim the channel's day: the new row, or None if anyone claimed that day before."""
        values = {**post.model_dump(), "answers": 0}
        job = POSTS.claim(self._insert(daily_posts), values, lease_until=lease_until)
        return await self._run.write(job)

    async def claimed_daily_days(self, local_dates: set[str]) -> set[tuple[str, str, str, str]]:
        """(platform, workspace, channel, local date) of every claim on these dates: what a
        tick need not try to claim again (the unique key would refuse it anyway)."""
        query = sa.select(
            daily_posts.c.platform,
            daily_posts.c.workspace_id,
            daily_posts.c.channel_id,
            daily_posts.c.local_date,
        ).where(daily_posts.c.local_date.in_(sorted(local_dates)))

        def job(conn: sa.Connection) -> set[tuple[str, str, str, str]]:
            rows = conn.execute(query)
            return {(r.platform, r.workspace_id, r.channel_id, r.local_date) for r in rows}

        return await self._run.read(job)

    async def take_over_daily_post(
        self, post_id: int, *, now: datetime, lease_until: datetime
    ) -> DailyPostRecord | None:
        """Take a claim whose sender died or is due to retry; None if someone holds it."""
        return await self._run.write(POSTS.take_over(post_id, now=now, lease_until=lease_until))

    async def record_daily_post_sent(
        self, post_id: int, *, message_id: str, now: datetime
    ) -> DailyPostRecord | None:
        return await self._run.write(POSTS.sent(post_id, message_id=message_id, now=now))

    async def record_daily_post_error(
        self, post_id: int, *, error: str, retry_at: datetime | None
    ) -> None:
        """A send failed: retry after `retry_at` (anyone may take it then), or give up (None)."""
        await self._run.write(POSTS.failed(post_id, error=error, retry_at=retry_at))

    async def get_daily_post(self, post_id: int) -> DailyPostRecord | None:
        query = sa.select(daily_posts).where(daily_posts.c.id == post_id)
        return await self._run.read(first_row(query, _post))

    async def latest_daily_post(self, channel: ChannelKey) -> DailyPostRecord | None:
        """The channel's newest post that went out (or is going out)."""
        query = (
            sa.select(daily_posts)
            .where(channel_is(daily_posts, channel) & (daily_posts.c.state != "failed"))
            .order_by(daily_posts.c.local_date.desc())
            .limit(1)
        )
        return await self._run.read(first_row(query, _post))

    async def daily_posts_to_resume(self, now: datetime) -> list[DailyPostRecord]:
        """Claims with no outcome whose lease ran out while answers are still open."""
        return await self._run.read(all_rows(POSTS.to_resume(now), _post))

    async def expire_unsent_daily_posts(self, now: datetime) -> int:
        """Claims never sent before their window closed: failed, so nobody tries again."""
        job = POSTS.expire_unsent(now, reason="window closed before it was sent")
        return await self._run.write(job)

    async def posted_question_counts(self, channel: ChannelKey) -> dict[str, int]:
        """How often each question has gone out in this channel (the pool's rotation)."""
        query = (
            sa.select(daily_posts.c.question_id, sa.func.count().label("times"))
            .where(channel_is(daily_posts, channel) & (daily_posts.c.state != "failed"))
            .group_by(daily_posts.c.question_id)
        )

        def job(conn: sa.Connection) -> dict[str, int]:
            return {row.question_id: int(row.times) for row in conn.execute(query)}

        return await self._run.read(job)

    async def daily_posts_to_reveal(self, now: datetime) -> list[DailyPostRecord]:
        now = aware_utc(now, "now")
        query = sa.select(daily_posts).where(_unrevealed(now) & (daily_posts.c.closes_at <= now))
        return await self._run.read(all_rows(query.order_by(daily_posts.c.id), _post))

    async def claim_daily_reveal(
        self, post_id: int, *, now: datetime, lease_until: datetime
    ) -> DailyPostRecord | None:
        now = aware_utc(now, "now")
        update = (
            sa.update(daily_posts)
            .where((daily_posts.c.id == post_id) & _unrevealed(now))
            .values(reveal_lease_until=aware_utc(lease_until, "lease_until"))
            .returning(*daily_posts.c)
        )
        return await self._run.write(first_row(update, _post))

    async def record_daily_reveal(
        self, post_id: int, *, message_id: str | None, now: datetime
    ) -> None:
        update = (
            sa.update(daily_posts)
            .where((daily_posts.c.id == post_id) & daily_posts.c.revealed_at.is_(None))
            .values(revealed_at=aware_utc(now, "now"), reveal_message_id=message_id)
        )
        await self._run.write(row_count(update))
