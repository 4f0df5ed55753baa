"""Weekly digests: claimed once per (channel, week) like daily posts, and the week's figures.

The claim, lease and outcome are `storage.claims`' jobs on the `daily_digests` table, the same
ones the daily posts use. The figures are plain aggregates over attempts and daily answers,
read once a week per channel, so they are not precomputed anywhere.
"""

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from storage.base import StoreBase, all_rows, aware_utc, first_row
from storage.claims import ClaimRows
from storage.daily_configs import channel_is
from storage.daily_models import ChannelKey
from storage.digest_models import DigestRecord, MemberWeek, MemberWeeks, NewDigest, PostWeek
from storage.tables import (
    attempts,
    daily_answers,
    daily_digests,
    daily_member_prefs,
    daily_posts,
    members,
)


def _digest(row: Any) -> DigestRecord:
    return DigestRecord.model_validate(dict(row))


DIGESTS = ClaimRows(daily_digests, _digest)


def _member_weeks(
    platform: str, workspace_id: str, start: datetime, end: datetime
) -> sa.Select[Any]:
    """Per member of the workspace: attempts finished in [start, end), as the leaderboard
    counts them (a question left open by a stopped interview does not count).

    The week's totals are grouped first, over its range of `ix_attempts_finished_at` (every
    workspace's: a week is small), then joined to this workspace's members. Led by the
    members' index instead (as SQLite plans it when the workspace is in the same WHERE), it
    read every attempt the workspace ever had: 0.87 s against 0.13 s for 100,000 attempts
    over 90 days (bench/digest_bench.py).
    """
    finished = attempts.c.finished_at
    totals = (
        sa.select(
            attempts.c.member_id,
            sa.func.sum(attempts.c.points).label("points"),
            sa.func.count().label("attempts"),
            sa.func.sum(sa.func.coalesce(attempts.c.score, 0.0)).label("score_sum"),
            sa.func.max(finished).label("last_at"),
        )
        .where(
            (finished >= aware_utc(start, "start"))
            & (finished < aware_utc(end, "end"))
            & (attempts.c.state != "stopped")
        )
        .group_by(attempts.c.member_id)
        .subquery()
    )
    return (
        sa.select(
            totals.c.member_id,
            members.c.user_id,
            members.c.display_name,
            sa.func.coalesce(daily_member_prefs.c.show_name, False).label("show_name"),
            totals.c.points,
            totals.c.attempts,
            totals.c.score_sum,
            totals.c.last_at,
        )
        .select_from(
            totals.join(members, members.c.id == totals.c.member_id).outerjoin(
                daily_member_prefs, daily_member_prefs.c.member_id == totals.c.member_id
            )
        )
        .where((members.c.platform == platform) & (members.c.workspace_id == workspace_id))
    )


def _post_weeks(channel: ChannelKey, first_day: str, last_day: str) -> sa.Select[Any]:
    """The channel's daily posts dated first_day..last_day that have answers."""
    return (
        sa.select(
            daily_posts.c.id.label("post_id"),
            daily_posts.c.local_date,
            daily_posts.c.question_id,
            daily_posts.c.topic,
            daily_posts.c.difficulty,
            sa.func.count().label("answers"),
            sa.func.avg(attempts.c.score).label("average_score"),
        )
        .select_from(
            daily_posts.join(daily_answers, daily_answers.c.post_id == daily_posts.c.id).join(
                attempts, attempts.c.id == daily_answers.c.attempt_id
            )
        )
        .where(
            channel_is(daily_posts, channel)
            & (daily_posts.c.state == "posted")
            & (daily_posts.c.local_date >= first_day)
            & (daily_posts.c.local_date <= last_day)
        )
        .group_by(daily_posts.c.id)
        .order_by(daily_posts.c.local_date)
    )


class DailyDigestStore(StoreBase):
    """Claims and outcomes of weekly digests, and the figures they are written from."""

    async def claim_digest(
        self, digest: NewDigest, *, now: datetime, lease_until: datetime
    ) -> DigestRecord | None:
        """Claim the channel's week: the new row, or None if anyone claimed it before."""
        job = DIGESTS.claim(
            self._insert(daily_digests), digest.model_dump(), lease_until=lease_until
        )
        return await self._run.write(job)

    async def claimed_digest_weeks(self, week_starts: set[str]) -> set[tuple[str, str, str, str]]:
        """(platform, workspace, channel, week start) of every claim of these weeks."""
        c = daily_digests.c
        query = sa.select(c.platform, c.workspace_id, c.channel_id, c.week_start).where(
            c.week_start.in_(sorted(week_starts))
        )

        def job(conn: sa.Connection) -> set[tuple[str, str, str, str]]:
            rows = conn.execute(query)
            return {(r.platform, r.workspace_id, r.channel_id, r.week_start) for r in rows}

        return await self._run.read(job)

    async def take_over_digest(
        self, digest_id: int, *, now: datetime, lease_until: datetime
    ) -> DigestRecord | None:
        return await self._run.write(DIGESTS.take_over(digest_id, now=now, lease_until=lease_until))

    async def record_digest_sent(
        self, digest_id: int, *, message_id: str, now: datetime
    ) -> DigestRecord | None:
        return await self._run.write(DIGESTS.sent(digest_id, message_id=message_id, now=now))

    async def record_digest_empty(self, digest_id: int, *, now: datetime) -> DigestRecord | None:
        """Nothing happened that week: nothing was posted, and nothing will be."""
        job = DIGESTS.sent(digest_id, message_id=None, now=now, state="empty")
        return await self._run.write(job)

    async def record_digest_error(
        self, digest_id: int, *, error: str, retry_at: datetime | None
    ) -> None:
        await self._run.write(DIGESTS.failed(digest_id, error=error, retry_at=retry_at))

    async def digests_to_resume(self, now: datetime) -> list[DigestRecord]:
        return await self._run.read(all_rows(DIGESTS.to_resume(now), _digest))

    async def expire_unsent_digests(self, now: datetime) -> int:
        return await self._run.write(DIGESTS.expire_unsent(now, reason="too late to send"))

    async def get_digest(self, digest_id: int) -> DigestRecord | None:
        query = sa.select(daily_digests).where(daily_digests.c.id == digest_id)
        return await self._run.read(first_row(query, _digest))

    async def member_weeks(
        self,
        platform: str,
        workspace_id: str,
        *,
        week_before: datetime,
        start: datetime,
        end: datetime,
    ) -> MemberWeeks:
        """The workspace's finished attempts per member in [start, end) and in
        [week_before, start)."""
        this_week = _member_weeks(platform, workspace_id, start, end)
        before = _member_weeks(platform, workspace_id, week_before, start)

        def job(conn: sa.Connection) -> MemberWeeks:
            return MemberWeeks(
                week=[
                    MemberWeek.model_validate(dict(r)) for r in conn.execute(this_week).mappings()
                ],
                week_before=[
                    MemberWeek.model_validate(dict(r)) for r in conn.execute(before).mappings()
                ],
            )

        return await self._run.read(job)

    async def digest_posts(
        self, channel: ChannelKey, *, first_day: str, last_day: str
    ) -> list[PostWeek]:
        """The channel's daily posts dated first_day..last_day that have answers, with their
        count and average score."""
        query = _post_weeks(channel, first_day, last_day)
        return await self._run.read(all_rows(query, lambda row: PostWeek.model_validate(dict(row))))
