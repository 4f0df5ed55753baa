"""Daily answers: one graded answer per member per post, stored as a scored attempt.

The answer is an attempt of a finished one-question session, inserted in the same transaction
as its (post, member) row, so a second answer saves nothing, and the first counts on the boards
and in reviews like any interview answer.
"""

import uuid
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import RowMapping
from sqlalchemy.exc import IntegrityError

from storage.base import (
    DEFAULT_MAX_SCORE,
    StoreBase,
    all_rows,
    attempt_record,
    aware_utc,
    session_record,
)
from storage.board_sql import count_attempt
from storage.daily_models import DailyAnswerRow, DailyPostRecord, StreakDay
from storage.errors import StoreError
from storage.models import AttemptRecord, SessionRecord
from storage.tables import (
    attempts,
    daily_answers,
    daily_member_prefs,
    daily_posts,
    members,
    sessions,
)


class DailyAlreadyAnswered(StoreError):
    """The member already has a graded answer to this daily post."""


def _session_values(
    post: DailyPostRecord, *, member_id: int, locale: str, now: datetime
) -> dict[str, Any]:
    """A finished one-question session holding the daily answer (never 'active', so it does
    not collide with an interview the member has open)."""
    window_s = int((post.closes_at - post.due_at).total_seconds())
    return {
        "id": uuid.uuid4().hex,
        "member_id": member_id,
        "platform": post.platform,
        "workspace_id": post.workspace_id,
        "channel_id": post.channel_id,
        "thread_id": None,
        "state": "finished",
        "topic": post.topic,
        "difficulty": post.difficulty,
        "question_ids": [post.question_id],
        "time_limit_s": max(1, window_s),
        "current_index": 1,
        "locale": locale,
        "created_at": now,
        "ended_at": now,
    }


def _attempt_values(post: DailyPostRecord, *, member_id: int, now: datetime) -> dict[str, Any]:
    return {
        "member_id": member_id,
        "question_id": post.question_id,
        "topic": post.topic,
        "difficulty": post.difficulty,
        "position": 1,
        "state": "answered",
        "asked_at": post.posted_at or post.due_at,
        "deadline_at": post.closes_at,
        "finished_at": now,
        "max_score": DEFAULT_MAX_SCORE,
        "hints_used": 0,
    }


def _answer_row(row: RowMapping) -> DailyAnswerRow:
    return DailyAnswerRow.model_validate(dict(row))


def _streak_day(row: RowMapping) -> StreakDay:
    return StreakDay.model_validate(dict(row))


class DailyAnswerStore(StoreBase):
    """Daily answers, the reveal's list, and the history streaks are counted from."""

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
    ) -> tuple[SessionRecord, AttemptRecord]:
        """Store a graded daily answer as a finished one-question session; both records.

        Raises DailyAlreadyAnswered (and stores nothing) if the member answered this post.
        """
        now = aware_utc(now, "now")
        session = _session_values(post, member_id=member_id, locale=locale, now=now)
        attempt = {
            **_attempt_values(post, member_id=member_id, now=now),
            "session_id": session["id"],
            "answer": answer,
            "score": score,
            "points": points,
            "grade": grade,
        }
        count_it = (
            sa.update(daily_posts)
            .where(daily_posts.c.id == post.id)
            .values(answers=daily_posts.c.answers + 1)
        )

        def job(conn: sa.Connection) -> tuple[SessionRecord, AttemptRecord]:
            insert_session = sa.insert(sessions).values(**session).returning(*sessions.c)
            stored = session_record(conn.execute(insert_session).mappings().one())
            insert_attempt = sa.insert(attempts).values(**attempt).returning(*attempts.c)
            answered = attempt_record(conn.execute(insert_attempt).mappings().one())
            count_attempt(conn, answered)
            conn.execute(
                sa.insert(daily_answers).values(
                    post_id=post.id,
                    member_id=member_id,
                    attempt_id=answered.id,
                    score=score,
                    answered_at=now,
                )
            )
            conn.execute(count_it)
            return stored, answered

        try:
            return await self._run.write(job)
        except IntegrityError as error:
            raise DailyAlreadyAnswered(
                f"member {member_id} already answered post {post.id}"
            ) from error

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
        return await self._run.read(all_rows(query, _answer_row))

    async def daily_history(
        self, member_id: int, *, platform: str, workspace_id: str
    ) -> list[StreakDay]:
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
                (daily_posts.c.platform == platform)
                & (daily_posts.c.workspace_id == workspace_id)
                & (daily_posts.c.state == "posted")
                & daily_posts.c.channel_id.in_(answered_channels)
            )
            .order_by(daily_posts.c.channel_id, daily_posts.c.local_date)
        )
        return await self._run.read(all_rows(query, _streak_day))
