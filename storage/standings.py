"""Standings: leaderboards (from the kept totals) and a member's statistics (from the attempts)."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from storage.base import StoreBase, aware_utc
from storage.board_sql import ALL_TIME, BOARD_NEVER, Span, keep_periods, kept_periods
from storage.models import (
    BoardRow,
    MemberStats,
    TopicStat,
)
from storage.tables import attempts, board_totals, members

_ROW = (
    board_totals.c.member_id,
    members.c.user_id,
    members.c.display_name,
    board_totals.c.hundredths,
    board_totals.c.attempts,
)
_IN_PERIOD = board_totals.c.period_id == sa.bindparam("b_period")
# The board's order (ix_board_totals_order): most points, then who reached them first.
_TOP = (
    sa.select(*_ROW)
    .join(members, members.c.id == board_totals.c.member_id)
    .where(_IN_PERIOD)
    .order_by(board_totals.c.hundredths.desc(), board_totals.c.last_at, board_totals.c.member_id)
    .limit(sa.bindparam("b_limit"))
)
_ABOVE = board_totals.alias("above")
# A member's own row and rank: 1 + how many have more points (an index range, not a sum).
_OWN = (
    sa.select(
        *_ROW,
        (
            sa.select(sa.func.count())
            .where(
                (_ABOVE.c.period_id == board_totals.c.period_id)
                & (_ABOVE.c.hundredths > board_totals.c.hundredths)
            )
            .correlate(board_totals)
            .scalar_subquery()
            + 1
        ).label("rank"),
    )
    .join(members, members.c.id == board_totals.c.member_id)
    .where(_IN_PERIOD & (board_totals.c.member_id == sa.bindparam("b_member")))
)


def _board_row(row: sa.RowMapping, rank: int) -> BoardRow:
    return BoardRow(
        rank=rank,
        member_id=row["member_id"],
        user_id=row["user_id"],
        display_name=row["display_name"],
        points=row["hundredths"] / 100,
        attempts=row["attempts"],
    )


def board_rows(
    conn: sa.Connection, period_id: int, limit: int, member_id: int | None
) -> list[BoardRow]:
    """The first `limit` rows of a kept period, and `member_id`'s own row if it is not among
    them. Equal points share a rank: everyone with more points is listed before."""
    rows: list[BoardRow] = []
    for position, row in enumerate(
        conn.execute(_TOP, {"b_period": period_id, "b_limit": limit}).mappings(), start=1
    ):
        tied = rows and rows[-1].points == row["hundredths"] / 100
        rows.append(_board_row(row, rows[-1].rank if tied else position))
    if member_id is not None and all(row.member_id != member_id for row in rows):
        own = conn.execute(_OWN, {"b_period": period_id, "b_member": member_id}).mappings()
        rows.extend(_board_row(row, int(row["rank"])) for row in own)
    return rows


class StandingsStore(StoreBase):
    """Leaderboards (from the kept totals, storage/board_sql.py) and member statistics."""

    async def leaderboard(
        self,
        *,
        platform: str,
        workspace_id: str,
        since: datetime | None,
        until: datetime | None = None,
        next_until: datetime | None = None,
        limit: int = 10,
        member_id: int | None = None,
    ) -> list[BoardRow]:
        """Points of counted attempts per member of one workspace, finished at or after `since`.

        Members with equal points share a rank; among them, whoever reached the total first
        (earliest last finished attempt) is listed first, then the lower member id. With
        `member_id`, that member's own row is appended when it is not among the first `limit`
        (and they have a counted attempt in the period).

        `until` is when the period ends (the next week's start): its totals are kept only until
        then. `next_until` is when the period after it ends: its totals are kept from now on,
        so the next period starts with them in place. Without `until` the period never ends
        (without `since`, it is all time).
        """
        span = _span(since, until)
        spans = [span]
        if until is not None and next_until is not None:
            spans.append(_span(until, next_until))

        def read(conn: sa.Connection) -> tuple[list[BoardRow] | None, bool]:
            kept = kept_periods(conn, platform, workspace_id, spans)
            if span not in kept:
                return None, True
            return board_rows(conn, kept[span], limit, member_id), len(kept) < len(spans)

        rows, missing = await self._run.read(read)
        if missing:
            # Built once per period (a new week, a new zone); then read like any other time.
            ended_by = span[0] if until is not None else None

            def keep(conn: sa.Connection) -> None:
                keep_periods(conn, platform, workspace_id, spans, ended_by=ended_by)

            await self._run.write(keep)
            if rows is None:
                rows, _ = await self._run.read(read)
        return rows or []

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


def _span(since: datetime | None, until: datetime | None) -> Span:
    if since is None:
        return ALL_TIME
    starts = aware_utc(since, "since")
    return starts, BOARD_NEVER if until is None else aware_utc(until, "until")
