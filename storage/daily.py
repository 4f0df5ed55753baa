"""The daily challenge's storage: channel configurations, post claims, answers, preferences.

What must happen once is decided by the schema: a post is claimed by inserting its
(channel, local date) row, and a second insert is a no-op; a member's daily answer is one row
per (post, member), inserted in the same transaction as its scored attempt, so a second answer
saves nothing. Sending is guarded by a lease on the claim row: an expired lease on a row with
no outcome means its sender died, and exactly one caller may take it over.
"""

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from storage.base import StoreBase, aware_utc
from storage.daily_models import (
    ChannelKey,
    DailyAnswerRow,
    DailyConfigRecord,
    DailyConfigValues,
    DailyPostRecord,
    NewDailyPost,
    StreakDay,
)
from storage.errors import StoreError
from storage.tables import (
    attempts,
    daily_answers,
    daily_configs,
    daily_member_prefs,
    daily_posts,
    members,
    sessions,
)


class DailyAlreadyAnswered(StoreError):
    """The member already has a graded answer to this daily post."""


def _channel_is(table: sa.Table, channel: ChannelKey) -> sa.ColumnElement[bool]:
    return (
        (table.c.platform == channel.platform)
        & (table.c.workspace_id == channel.workspace_id)
        & (table.c.channel_id == channel.channel_id)
    )


def _config(row: Any) -> DailyConfigRecord:
    return DailyConfigRecord.model_validate(dict(row))


def _post(row: Any) -> DailyPostRecord:
    return DailyPostRecord.model_validate(dict(row))


class DailyStore(StoreBase):
    """Daily configurations, posts and answers."""

    # ---- configurations -------------------------------------------------------------------

    async def get_daily_config(self, channel: ChannelKey) -> DailyConfigRecord | None:
        query = sa.select(daily_configs).where(_channel_is(daily_configs, channel))
        async with self._one.connect() as conn:
            row = (await conn.execute(query)).mappings().first()
        return None if row is None else _config(row)

    async def get_daily_config_by_id(self, config_id: int) -> DailyConfigRecord | None:
        query = sa.select(daily_configs).where(daily_configs.c.id == config_id)
        async with self._one.connect() as conn:
            row = (await conn.execute(query)).mappings().first()
        return None if row is None else _config(row)

    async def save_daily_config(
        self, channel: ChannelKey, values: DailyConfigValues, *, now: datetime
    ) -> DailyConfigRecord:
        """Create or replace the channel's configuration (a re-enable clears the bot's reason)."""
        fields = {
            **values.model_dump(),
            "disabled_reason": None,
            "updated_at": aware_utc(now, "now"),
        }
        insert = self._insert(daily_configs).values(**channel.model_dump(), **fields)
        upsert = insert.on_conflict_do_update(
            index_elements=["platform", "workspace_id", "channel_id"], set_=fields
        ).returning(*daily_configs.c)
        async with self._write() as conn:
            row = (await conn.execute(upsert)).mappings().one()
        return _config(row)

    async def disable_daily_config(
        self, config_id: int, *, reason: str | None, now: datetime
    ) -> DailyConfigRecord | None:
        """Turn a configuration off; None if it was already off (someone else did it)."""
        update = (
            sa.update(daily_configs)
            .where((daily_configs.c.id == config_id) & daily_configs.c.enabled)
            .values(enabled=False, disabled_reason=reason, updated_at=aware_utc(now, "now"))
            .returning(*daily_configs.c)
        )
        async with self._write() as conn:
            row = (await conn.execute(update)).mappings().first()
        return None if row is None else _config(row)

    async def enabled_daily_configs(
        self, platforms: frozenset[str] | None
    ) -> list[DailyConfigRecord]:
        query = sa.select(daily_configs).where(daily_configs.c.enabled)
        if platforms is not None:
            query = query.where(daily_configs.c.platform.in_(sorted(platforms)))
        async with self._one.connect() as conn:
            rows = (await conn.execute(query.order_by(daily_configs.c.id))).mappings().all()
        return [_config(row) for row in rows]

    async def workspace_timezone(self, platform: str, workspace_id: str) -> str | None:
        """The zone of the workspace's most recently set daily channel (None: no channel)."""
        query = (
            sa.select(daily_configs.c.timezone)
            .where(
                (daily_configs.c.platform == platform)
                & (daily_configs.c.workspace_id == workspace_id)
            )
            .order_by(daily_configs.c.enabled.desc(), daily_configs.c.updated_at.desc())
            .limit(1)
        )
        async with self._one.connect() as conn:
            return (await conn.execute(query)).scalar_one_or_none()

    # ---- posts ------------------------------------------------------------------------------

    async def claim_daily_post(
        self, post: NewDailyPost, *, now: datetime, lease_until: datetime
    ) -> DailyPostRecord | None:
        """Claim the channel's day: the new row, or None if anyone claimed that day before."""
        insert = (
            self._insert(daily_posts)
            .values(
                **post.model_dump(),
                state="claimed",
                lease_until=aware_utc(lease_until, "lease_until"),
                tries=0,
                answers=0,
            )
            .on_conflict_do_nothing()
            .returning(*daily_posts.c)
        )
        async with self._write() as conn:
            row = (await conn.execute(insert)).mappings().first()
        return None if row is None else _post(row)

    async def take_over_daily_post(
        self, post_id: int, *, now: datetime, lease_until: datetime
    ) -> DailyPostRecord | None:
        """Take a claim whose sender died or is due to retry; None if someone holds it."""
        now = aware_utc(now, "now")
        update = (
            sa.update(daily_posts)
            .where(
                (daily_posts.c.id == post_id)
                & (daily_posts.c.state == "claimed")
                & (daily_posts.c.lease_until <= now)
            )
            .values(lease_until=aware_utc(lease_until, "lease_until"))
            .returning(*daily_posts.c)
        )
        async with self._write() as conn:
            row = (await conn.execute(update)).mappings().first()
        return None if row is None else _post(row)

    async def record_daily_post_sent(
        self, post_id: int, *, message_id: str, now: datetime
    ) -> DailyPostRecord | None:
        update = (
            sa.update(daily_posts)
            .where((daily_posts.c.id == post_id) & (daily_posts.c.state == "claimed"))
            .values(
                state="posted",
                message_id=message_id,
                posted_at=aware_utc(now, "now"),
                lease_until=None,
                tries=daily_posts.c.tries + 1,
                error=None,
            )
            .returning(*daily_posts.c)
        )
        async with self._write() as conn:
            row = (await conn.execute(update)).mappings().first()
        return None if row is None else _post(row)

    async def record_daily_post_error(
        self, post_id: int, *, error: str, retry_at: datetime | None
    ) -> None:
        """A send failed: retry after `retry_at` (anyone may take it then), or give up (None)."""
        values: dict[str, Any] = {"error": error[:512], "tries": daily_posts.c.tries + 1}
        if retry_at is None:
            values.update(state="failed", lease_until=None)
        else:
            values["lease_until"] = aware_utc(retry_at, "retry_at")
        update = (
            sa.update(daily_posts)
            .where((daily_posts.c.id == post_id) & (daily_posts.c.state == "claimed"))
            .values(**values)
        )
        async with self._write() as conn:
            await conn.execute(update)

    async def get_daily_post(self, post_id: int) -> DailyPostRecord | None:
        query = sa.select(daily_posts).where(daily_posts.c.id == post_id)
        async with self._one.connect() as conn:
            row = (await conn.execute(query)).mappings().first()
        return None if row is None else _post(row)

    async def latest_daily_post(self, channel: ChannelKey) -> DailyPostRecord | None:
        """The channel's newest post that went out (or is going out)."""
        query = (
            sa.select(daily_posts)
            .where(_channel_is(daily_posts, channel) & (daily_posts.c.state != "failed"))
            .order_by(daily_posts.c.local_date.desc())
            .limit(1)
        )
        async with self._one.connect() as conn:
            row = (await conn.execute(query)).mappings().first()
        return None if row is None else _post(row)

    async def daily_posts_to_resume(self, now: datetime) -> list[DailyPostRecord]:
        """Claims with no outcome whose lease ran out while answers are still open."""
        now = aware_utc(now, "now")
        query = sa.select(daily_posts).where(
            (daily_posts.c.state == "claimed")
            & (daily_posts.c.lease_until <= now)
            & (daily_posts.c.closes_at > now)
        )
        async with self._one.connect() as conn:
            rows = (await conn.execute(query.order_by(daily_posts.c.id))).mappings().all()
        return [_post(row) for row in rows]

    async def expire_unsent_daily_posts(self, now: datetime) -> int:
        """Claims never sent before their window closed: failed, so nobody tries again."""
        now = aware_utc(now, "now")
        update = (
            sa.update(daily_posts)
            .where((daily_posts.c.state == "claimed") & (daily_posts.c.closes_at <= now))
            .values(state="failed", lease_until=None, error="window closed before it was sent")
        )
        async with self._write() as conn:
            result = await conn.execute(update)
        return int(result.rowcount or 0)

    async def posted_question_counts(self, channel: ChannelKey) -> dict[str, int]:
        """How often each question has gone out in this channel (the pool's rotation)."""
        query = (
            sa.select(daily_posts.c.question_id, sa.func.count().label("times"))
            .where(_channel_is(daily_posts, channel) & (daily_posts.c.state != "failed"))
            .group_by(daily_posts.c.question_id)
        )
        async with self._one.connect() as conn:
            rows = (await conn.execute(query)).all()
        return {row.question_id: int(row.times) for row in rows}

    async def daily_posts_to_reveal(self, now: datetime) -> list[DailyPostRecord]:
        now = aware_utc(now, "now")
        query = sa.select(daily_posts).where(
            (daily_posts.c.state == "posted")
            & (daily_posts.c.closes_at <= now)
            & daily_posts.c.revealed_at.is_(None)
            & (
                daily_posts.c.reveal_lease_until.is_(None)
                | (daily_posts.c.reveal_lease_until <= now)
            )
        )
        async with self._one.connect() as conn:
            rows = (await conn.execute(query.order_by(daily_posts.c.id))).mappings().all()
        return [_post(row) for row in rows]

    async def claim_daily_reveal(
        self, post_id: int, *, now: datetime, lease_until: datetime
    ) -> DailyPostRecord | None:
        now = aware_utc(now, "now")
        update = (
            sa.update(daily_posts)
            .where(
                (daily_posts.c.id == post_id)
                & (daily_posts.c.state == "posted")
                & daily_posts.c.revealed_at.is_(None)
                & (
                    daily_posts.c.reveal_lease_until.is_(None)
                    | (daily_posts.c.reveal_lease_until <= now)
                )
            )
            .values(reveal_lease_until=aware_utc(lease_until, "lease_until"))
            .returning(*daily_posts.c)
        )
        async with self._write() as conn:
            row = (await conn.execute(update)).mappings().first()
        return None if row is None else _post(row)

    async def record_daily_reveal(
        self, post_id: int, *, message_id: str | None, now: datetime
    ) -> None:
        update = (
            sa.update(daily_posts)
            .where((daily_posts.c.id == post_id) & daily_posts.c.revealed_at.is_(None))
            .values(revealed_at=aware_utc(now, "now"), reveal_message_id=message_id)
        )
        async with self._write() as conn:
            await conn.execute(update)

    # ---- answers ----------------------------------------------------------------------------

    async def save_daily_answer(
        self,
        post: DailyPostRecord,
        *,
        member_id: int,
        locale: str,
        answer: str,
        score: float,
        points: float,
        grade: dict[str, Any],
        now: datetime,
    ) -> int:
        """Store a graded daily answer as a finished one-question session; the attempt's id.

        Raises DailyAlreadyAnswered (and stores nothing) if the member answered this post.
        """
        now = aware_utc(now, "now")
        session_id = uuid.uuid4().hex
        window_s = int((post.closes_at - post.due_at).total_seconds())
        try:
            async with self._write() as conn:
                await conn.execute(
                    sa.insert(sessions).values(
                        id=session_id,
                        member_id=member_id,
                        platform=post.platform,
                        workspace_id=post.workspace_id,
                        channel_id=post.channel_id,
                        thread_id=None,
                        state="finished",
                        topic=post.topic,
                        difficulty=post.difficulty,
                        question_ids=[post.question_id],
                        time_limit_s=max(1, window_s),
                        current_index=1,
                        locale=locale,
                        created_at=now,
                        ended_at=now,
                    )
                )
                attempt_id = (
                    await conn.execute(
                        sa.insert(attempts)
                        .values(
                            session_id=session_id,
                            member_id=member_id,
                            question_id=post.question_id,
                            topic=post.topic,
                            difficulty=post.difficulty,
                            position=1,
                            state="answered",
                            asked_at=post.posted_at or post.due_at,
                            deadline_at=post.closes_at,
                            finished_at=now,
                            answer=answer,
                            score=score,
                            max_score=100.0,
                            hints_used=0,
                            points=points,
                            grade=grade,
                        )
                        .returning(attempts.c.id)
                    )
                ).scalar_one()
                await conn.execute(
                    sa.insert(daily_answers).values(
                        post_id=post.id,
                        member_id=member_id,
                        attempt_id=attempt_id,
                        score=score,
                        answered_at=now,
                    )
                )
                await conn.execute(
                    sa.update(daily_posts)
                    .where(daily_posts.c.id == post.id)
                    .values(answers=daily_posts.c.answers + 1)
                )
        except IntegrityError as error:
            raise DailyAlreadyAnswered(
                f"member {member_id} already answered post {post.id}"
            ) from error
        return int(attempt_id)

    async def daily_answer_of(self, post_id: int, member_id: int) -> DailyAnswerRow | None:
        rows = await self._answers(
            (daily_answers.c.post_id == post_id) & (daily_answers.c.member_id == member_id)
        )
        return rows[0] if rows else None

    async def daily_answers_for(self, post_id: int) -> list[DailyAnswerRow]:
        """Every answer to the post, best score first, ties by who answered first."""
        return await self._answers(daily_answers.c.post_id == post_id)

    async def _answers(self, condition: sa.ColumnElement[bool]) -> list[DailyAnswerRow]:
        query = (
            sa.select(
                daily_answers.c.member_id,
                daily_answers.c.attempt_id,
                attempts.c.score,
                daily_answers.c.answered_at,
                members.c.display_name,
                members.c.user_id,
                sa.func.coalesce(daily_member_prefs.c.show_name, False).label("show_name"),
            )
            .select_from(
                daily_answers.join(attempts, attempts.c.id == daily_answers.c.attempt_id)
                .join(members, members.c.id == daily_answers.c.member_id)
                .outerjoin(
                    daily_member_prefs, daily_member_prefs.c.member_id == daily_answers.c.member_id
                )
            )
            .where(condition)
            .order_by(attempts.c.score.desc(), daily_answers.c.answered_at, daily_answers.c.id)
        )
        async with self._one.connect() as conn:
            rows = (await conn.execute(query)).mappings().all()
        return [DailyAnswerRow.model_validate(dict(row)) for row in rows]

    async def daily_history(self, member_id: int, workspace: ChannelKey) -> list[StreakDay]:
        """Every posted day of the workspace's channels the member answered in, oldest first,
        with the member's score (None on days they did not answer)."""
        answered_channels = (
            sa.select(daily_posts.c.channel_id)
            .join(daily_answers, daily_answers.c.post_id == daily_posts.c.id)
            .where(daily_answers.c.member_id == member_id)
            .distinct()
        )
        mine = daily_answers.c.member_id == member_id
        query = (
            sa.select(
                daily_posts.c.platform,
                daily_posts.c.workspace_id,
                daily_posts.c.channel_id,
                daily_posts.c.local_date,
                daily_posts.c.closes_at,
                attempts.c.score,
            )
            .select_from(
                daily_posts.outerjoin(
                    daily_answers, (daily_answers.c.post_id == daily_posts.c.id) & mine
                ).outerjoin(attempts, attempts.c.id == daily_answers.c.attempt_id)
            )
            .where(
                (daily_posts.c.platform == workspace.platform)
                & (daily_posts.c.workspace_id == workspace.workspace_id)
                & (daily_posts.c.state == "posted")
                & daily_posts.c.channel_id.in_(answered_channels)
            )
            .order_by(daily_posts.c.channel_id, daily_posts.c.local_date)
        )
        async with self._one.connect() as conn:
            rows = (await conn.execute(query)).mappings().all()
        return [StreakDay.model_validate(dict(row)) for row in rows]

    # ---- member preferences -----------------------------------------------------------------

    async def set_show_name(self, member_id: int, show_name: bool) -> None:
        insert = self._insert(daily_member_prefs).values(member_id=member_id, show_name=show_name)
        upsert = insert.on_conflict_do_update(
            index_elements=["member_id"], set_={"show_name": show_name}
        )
        async with self._write() as conn:
            await conn.execute(upsert)

    async def show_name(self, member_id: int) -> bool:
        query = sa.select(daily_member_prefs.c.show_name).where(
            daily_member_prefs.c.member_id == member_id
        )
        async with self._one.connect() as conn:
            return bool((await conn.execute(query)).scalar_one_or_none())
