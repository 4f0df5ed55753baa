"""Standings: leaderboards (from the kept totals) and a member's statistics (from the attempts)."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from storage.base import StoreBase, aware_utc
from storage.board_sql import ALL_TIME, BOARD_NEVER, Span, keep_periods
from storage.models import (
    BoardRow,
    MemberStats,
    TopicStat,
)
from storage.tables import attempts, board_periods, board_totals, members

_ROW = (
    board_totals.c.member_id,
    members.c.user_id,
    members.c.display_name,
    board_totals.c.hundredths,
    board_totals.c.attempts,
)
# The board's order (ix_board_totals_order): most points, then who reached them first.
_TOP = (
    sa.select(*_ROW)
    .join(members, members.c.id == board_totals.c.member_id)
    .where(board_totals.c.period_id == sa.bindparam("b_period"))
    .order_by(board_totals.c.hundredths.desc(), board_totals.c.last_at, board_totals.c.member_id)
    .limit(sa.bindparam("b_limit"))
)
_OWN = board_totals.alias("own")
_OWN_MEMBER = members.alias("own_member")
_ABOVE = board_totals.alias("above")
# Which of the asked periods are kept, and in each the asking member's own row and rank
# (1 + how many have more points: an index range, not a sum), in one round trip.
_KEPT_AND_OWN = (
    sa.select(
        board_periods.c.id.label("period_id"),
        board_periods.c.starts_at,
        board_periods.c.ends_at,
        _OWN.c.member_id,
        _OWN_MEMBER.c.user_id,
        _OWN_MEMBER.c.display_name,
        _OWN.c.hundredths,
        _OWN.c.attempts,
        (
            sa.select(sa.func.count())
            .where(
                (_ABOVE.c.period_id == _OWN.c.period_id) & (_ABOVE.c.hundredths > _OWN.c.hundredths)
            )
            .correlate(_OWN)
            .scalar_subquery()
            + 1
        ).label("rank"),
    )
    .select_from(
        board_periods.outerjoin(
            _OWN,
            (_OWN.c.period_id == board_periods.c.id)
            & (_OWN.c.member_id == sa.bindparam("b_member", type_=sa.Integer)),
        ).outerjoin(_OWN_MEMBER, _OWN_MEMBER.c.id == _OWN.c.member_id)
    )
    .where(
        (board_periods.c.platform == sa.bindparam("b_platform"))
        & (board_periods.c.workspace_id == sa.bindparam("b_workspace"))
        & board_periods.c.starts_at.in_(sa.bindparam("b_starts", expanding=True))
    )
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


def read_board(
    conn: sa.Connection,
    where: dict[str, Any],
    spans: list[Span],
    limit: int,
    member_id: int | None,
) -> tuple[list[BoardRow] | None, bool]:
    """The board of `spans[0]` (None if that period is not kept), and whether any of `spans`
    is not kept. Its first `limit` rows, then `member_id`'s own row if it is not among them;
    equal points share a rank (everyone with more points is listed before)."""
    params = {**where, "b_member": member_id, "b_starts": sorted({s for s, _ in spans})}
    found = {
        (row["starts_at"], row["ends_at"]): row
        for row in conn.execute(_KEPT_AND_OWN, params).mappings()
    }
    missing = any(span not in found for span in spans)
    kept = found.get(spans[0])
    if kept is None:
        return None, missing
    rows: list[BoardRow] = []
    top = conn.execute(_TOP, {"b_period": kept["period_id"], "b_limit": limit}).mappings()
    for position, row in enumerate(top, start=1):
        tied = rows and rows[-1].points == row["hundredths"] / 100
        rows.append(_board_row(row, rows[-1].rank if tied else position))
    if kept["member_id"] is not None and all(row.member_id != member_id for row in rows):
        rows.append(_board_row(kept, int(kept["rank"])))
    return rows, missing


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

        where = {"b_platform": platform, "b_workspace": workspace_id}

        def read(conn: sa.Connection) -> tuple[list[BoardRow] | None, bool]:
            return read_board(conn, where, spans, limit, member_id)

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
