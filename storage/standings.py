"""Standings: leaderboards and a member's statistics, read from the attempts."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from storage.base import StoreBase, aware_utc
from storage.models import (
    BoardRow,
    MemberStats,
    TopicStat,
)
from storage.tables import attempts, members


class StandingsStore(StoreBase):
    """Leaderboards and member statistics."""

    async def leaderboard(
        self,
        *,
        platform: str,
        workspace_id: str,
        since: datetime | None,
        limit: int = 10,
        member_id: int | None = None,
    ) -> list[BoardRow]:
        """Points of finished attempts per member of one workspace, finished at or after `since`.

        Members with equal points share a rank; among them, whoever reached the total first
        (earliest last finished attempt) is listed first. With `member_id`, that member's own
        row is appended when it is not among the first `limit` (and they have points).
        """
        ranked = self._ranked(platform, workspace_id, since).subquery()
        query = sa.select(ranked).order_by(ranked.c.position).limit(limit)
        mine = sa.select(ranked).where(ranked.c.member_id == member_id)

        def job(conn: sa.Connection) -> list[BoardRow]:
            rows = [dict(row) for row in conn.execute(query).mappings()]
            if member_id is not None and all(row["member_id"] != member_id for row in rows):
                own = conn.execute(mine).mappings().first()
                if own is not None:
                    rows.append(dict(own))
            return [BoardRow.model_validate(row) for row in rows]

        return await self._run.read(job)

    def _ranked(self, platform: str, workspace_id: str, since: datetime | None) -> sa.Select[Any]:
        conditions = [
            members.c.platform == platform,
            members.c.workspace_id == workspace_id,
            attempts.c.finished_at.is_not(None),
            # A question open when its interview was stopped was never answered or asked out.
            attempts.c.state != "stopped",
        ]
        if since is not None:
            conditions.append(attempts.c.finished_at >= aware_utc(since, "since"))
        totals = (
            sa.select(
                attempts.c.member_id,
                sa.func.sum(attempts.c.points).label("points"),
                sa.func.count().label("attempts"),
                sa.func.max(attempts.c.finished_at).label("last_at"),
            )
            .select_from(attempts.join(members, members.c.id == attempts.c.member_id))
            .where(*conditions)
            .group_by(attempts.c.member_id)
            .subquery()
        )
        order = (totals.c.points.desc(), totals.c.last_at, totals.c.member_id)
        return sa.select(
            sa.func.rank().over(order_by=totals.c.points.desc()).label("rank"),
            sa.func.row_number().over(order_by=order).label("position"),
            totals.c.member_id,
            members.c.user_id,
            members.c.display_name,
            totals.c.points,
            totals.c.attempts,
        ).join_from(totals, members, members.c.id == totals.c.member_id)

    async def member_stats(self, member_id: int) -> MemberStats:
        """Totals over the member's finished attempts, and per topic, weakest topic first."""
        answered = sa.case((attempts.c.state == "answered", 1), else_=0)
        query = (
            sa.select(
                attempts.c.topic,
                sa.func.count().label("attempts"),
                sa.func.sum(answered).label("answered"),
                sa.func.sum(sa.func.coalesce(attempts.c.score, 0.0)).label("score_sum"),
                sa.func.sum(attempts.c.points).label("points"),
            )
            .where(
                (attempts.c.member_id == member_id)
                & attempts.c.finished_at.is_not(None)
                & (attempts.c.state != "stopped")
            )
            .group_by(attempts.c.topic)
        )

        def job(conn: sa.Connection) -> list[sa.Row[Any]]:
            return list(conn.execute(query))

        rows = await self._run.read(job)
        total = sum(int(row.attempts) for row in rows)
        score_sum = sum(float(row.score_sum) for row in rows)
        by_topic = sorted(
            (
                TopicStat(
                    topic=row.topic,
                    attempts=int(row.attempts),
                    average_score=float(row.score_sum) / int(row.attempts),
                )
                for row in rows
            ),
            key=lambda stat: (stat.average_score, stat.topic),
        )
        return MemberStats(
            attempts=total,
            answered=sum(int(row.answered) for row in rows),
            average_score=score_sum / total if total else 0.0,
            points=sum(float(row.points) for row in rows),
            by_topic=by_topic,
        )
