"""The boards' totals, kept in the same transactions that score attempts.

A board (this week, this month, all time) ranks the members of one workspace by the points of
their counted attempts (finished, not stopped) that finished in a period. Summing the attempts on
every request takes seconds at a million of them, so totals are kept per member per *kept
period* (`board_periods`, `board_totals`):

- The reader decides which periods are kept: the core computes the period in the workspace's
  zone and asks for [since, until); a period not kept yet is built from the attempts
  (`keep_periods`), and so is the one after it, so a new week starts with its totals in place.
- Every write that changes what counts adds to each kept period of the member's workspace that
  contains the attempt's finish time, in its own transaction: one statement per finished
  attempt (`count_attempt`), one per changed grade (`recount_attempt`); forget-me deletes the
  member's rows. Writers need no zone: when a workspace's zone changes, the reader asks for
  other periods and they are built once.
- A period row exists only together with its complete totals. It is inserted and filled in one
  transaction that writers of totals wait for: on SQLite the one writer runs one job at a time;
  on PostgreSQL the build takes a SHARE ROW EXCLUSIVE lock on board_totals (writers need ROW
  EXCLUSIVE on it) before it looks for the period again. A writer's statement that waited for
  the lock runs on a snapshot taken after the build committed (READ COMMITTED), so it sees the
  new period; a writer that went first holds its lock until it commits, so the build sees its
  attempt. Either way each attempt is counted once.
- Periods that ended before the one being built started are dropped with their totals.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa

from storage.models import AttemptRecord
from storage.prepared import Prepared
from storage.tables import UTCDateTime, attempts, board_periods, board_totals, members

# All time is a period too: from before any attempt to after any clock.
BOARD_BEGINNING = datetime(1970, 1, 1, tzinfo=UTC)
BOARD_NEVER = datetime(9999, 12, 31, tzinfo=UTC)
ALL_TIME = (BOARD_BEGINNING, BOARD_NEVER)

Span = tuple[datetime, datetime]


def hundredths(points: float) -> int:
    """Points as kept on the boards: they have two decimals (bot.core.scoring.points_for)."""
    return round(points * 100)


# Add one finished attempt to every kept period of its member's workspace containing its finish.
# Plain SQL, the same on both databases: a dialect's INSERT … ON CONFLICT has no cache key in
# SQLAlchemy and would be compiled again for every answer; a text() is cached by its string.
COUNT_ATTEMPT = sa.text(
    """
    INSERT INTO board_totals (period_id, member_id, hundredths, attempts, last_at)
    SELECT board_periods.id, members.id, :b_hundredths, 1, :b_at
    FROM members JOIN board_periods
      ON board_periods.platform = members.platform
     AND board_periods.workspace_id = members.workspace_id
    WHERE members.id = :b_member AND board_periods.starts_at <= :b_at
      AND board_periods.ends_at > :b_at
    ON CONFLICT (period_id, member_id) DO UPDATE SET
      hundredths = board_totals.hundredths + excluded.hundredths,
      attempts = board_totals.attempts + excluded.attempts,
      last_at = CASE WHEN excluded.last_at > board_totals.last_at
                THEN excluded.last_at ELSE board_totals.last_at END
    """
).bindparams(
    sa.bindparam("b_member", type_=sa.Integer),
    sa.bindparam("b_hundredths", type_=sa.BigInteger),
    sa.bindparam("b_at", type_=UTCDateTime()),
)
# Every answer and timeout runs it: compiled once (see storage.prepared).
_COUNT = Prepared(COUNT_ATTEMPT)

_KEPT_AT = (
    sa.select(board_periods.c.id)
    .join(
        members,
        (members.c.platform == board_periods.c.platform)
        & (members.c.workspace_id == board_periods.c.workspace_id),
    )
    .where(
        (members.c.id == sa.bindparam("b_member"))
        & (board_periods.c.starts_at <= sa.bindparam("b_at"))
        & (board_periods.c.ends_at > sa.bindparam("b_at"))
    )
)
_RECOUNT = (
    sa.update(board_totals)
    .where(
        (board_totals.c.member_id == sa.bindparam("b_member"))
        & board_totals.c.period_id.in_(_KEPT_AT)
    )
    .values(hundredths=board_totals.c.hundredths + sa.bindparam("b_delta", type_=sa.BigInteger))
)
FORGET = sa.delete(board_totals).where(board_totals.c.member_id == sa.bindparam("b_member"))

_OF_WORKSPACE = (board_periods.c.platform == sa.bindparam("b_platform")) & (
    board_periods.c.workspace_id == sa.bindparam("b_workspace")
)
PERIODS = sa.select(board_periods.c.id, board_periods.c.starts_at, board_periods.c.ends_at).where(
    _OF_WORKSPACE & board_periods.c.starts_at.in_(sa.bindparam("b_starts", expanding=True))
)
_NEW_PERIOD = (
    sa.insert(board_periods)
    .values(
        platform=sa.bindparam("b_platform"),
        workspace_id=sa.bindparam("b_workspace"),
        starts_at=sa.bindparam("b_starts_at"),
        ends_at=sa.bindparam("b_ends_at"),
    )
    .returning(board_periods.c.id)
)
# A period's totals straight from the attempts (what the writers then keep up to date).
_COUNTED = attempts.c.state != "stopped"  # an open question, when stopped, was never answered
_TOTALS_OF = (
    sa.func.sum(sa.cast(sa.func.round(attempts.c.points * 100), sa.BigInteger)).label("hundredths"),
    sa.func.count().label("attempts"),
    sa.func.max(attempts.c.finished_at).label("last_at"),
)
_COLUMNS = ["period_id", "member_id", "hundredths", "attempts", "last_at"]
_PERIOD_ID = sa.bindparam("b_period", type_=sa.Integer)
_OF_MEMBERS = (members.c.platform == sa.bindparam("b_platform")) & (
    members.c.workspace_id == sa.bindparam("b_workspace")
)
# All time: the workspace's members' attempts, member by member (a new workspace's first member
# has none, so keeping its all-time board from then on costs nothing).
_BUILD_ALL_TIME = sa.insert(board_totals).from_select(
    _COLUMNS,
    sa.select(_PERIOD_ID, attempts.c.member_id, *_TOTALS_OF)
    .join_from(members, attempts, attempts.c.member_id == members.c.id)
    .where(_OF_MEMBERS & attempts.c.finished_at.is_not(None) & _COUNTED)
    .group_by(attempts.c.member_id),
)
# A week or a month: the attempts that finished in it, summed per member before the members are
# looked at. Starting from the members instead (which a planner without statistics does, or
# SQLite always) reads every attempt they ever made: 13 s instead of 0.4 s at a million.
_IN_SPAN = (
    sa.select(attempts.c.member_id, *_TOTALS_OF)
    .where(
        (attempts.c.finished_at >= sa.bindparam("b_starts_at"))
        & (attempts.c.finished_at < sa.bindparam("b_ends_at"))
        & _COUNTED
    )
    .group_by(attempts.c.member_id)
    .subquery("in_span")
)
_BUILD_SPAN = sa.insert(board_totals).from_select(
    _COLUMNS,
    sa.select(
        _PERIOD_ID,
        _IN_SPAN.c.member_id,
        _IN_SPAN.c.hundredths,
        _IN_SPAN.c.attempts,
        _IN_SPAN.c.last_at,
    )
    .join(members, members.c.id == _IN_SPAN.c.member_id)
    .where(_OF_MEMBERS),
)
_ENDED = _OF_WORKSPACE & (board_periods.c.ends_at <= sa.bindparam("b_ended_by"))
_DROP_ENDED_TOTALS = sa.delete(board_totals).where(
    board_totals.c.period_id.in_(sa.select(board_periods.c.id).where(_ENDED))
)
_DROP_ENDED = sa.delete(board_periods).where(_ENDED)


def count_attempt(conn: sa.Connection, attempt: AttemptRecord) -> None:
    """Within a write job that finished `attempt`: count it on its workspace's boards."""
    if attempt.state == "stopped" or attempt.finished_at is None:
        return
    params = {
        "b_member": attempt.member_id,
        "b_hundredths": hundredths(attempt.points),
        "b_at": attempt.finished_at,
    }
    _COUNT.rows(conn, params)


def recount_attempt(conn: sa.Connection, attempt: AttemptRecord, points_before: float) -> None:
    """Within a write job that changed a counted attempt's points (a new grade)."""
    delta = hundredths(attempt.points) - hundredths(points_before)
    if delta == 0 or attempt.state == "stopped" or attempt.finished_at is None:
        return
    params = {"b_member": attempt.member_id, "b_at": attempt.finished_at, "b_delta": delta}
    conn.execute(_RECOUNT, params)


def kept_periods(
    conn: sa.Connection, platform: str, workspace_id: str, spans: Sequence[Span]
) -> dict[Span, int]:
    """The ids of those of `spans` that are kept for the workspace."""
    params = {
        "b_platform": platform,
        "b_workspace": workspace_id,
        "b_starts": sorted({starts for starts, _ in spans}),
    }
    found = {(row.starts_at, row.ends_at): row.id for row in conn.execute(PERIODS, params)}
    return {span: found[span] for span in spans if span in found}


def keep_periods(
    conn: sa.Connection,
    platform: str,
    workspace_id: str,
    spans: Sequence[Span],
    *,
    ended_by: datetime | None = None,
) -> dict[Span, int]:
    """Within a write job: keep `spans` for the workspace, building those not kept yet from the
    attempts; when it builds one and `ended_by` is given, it drops the workspace's periods that
    ended by then. The spans' ids."""
    kept = kept_periods(conn, platform, workspace_id, spans)
    if len(kept) == len(set(spans)):
        return kept
    if conn.dialect.name == "postgresql":
        # Writers of totals wait until these totals are complete (see the module's note).
        conn.execute(sa.text("LOCK TABLE board_totals IN SHARE ROW EXCLUSIVE MODE"))
        kept = kept_periods(conn, platform, workspace_id, spans)
    where = {"b_platform": platform, "b_workspace": workspace_id}
    for starts_at, ends_at in dict.fromkeys(spans):
        if (starts_at, ends_at) in kept:
            continue
        span = {**where, "b_starts_at": starts_at, "b_ends_at": ends_at}
        period_id = conn.execute(_NEW_PERIOD, span).scalar_one()
        build = _BUILD_ALL_TIME if (starts_at, ends_at) == ALL_TIME else _BUILD_SPAN
        conn.execute(build, {**span, "b_period": period_id})
        kept[(starts_at, ends_at)] = period_id
    if ended_by is not None:
        conn.execute(_DROP_ENDED_TOTALS, {**where, "b_ended_by": ended_by})
        conn.execute(_DROP_ENDED, {**where, "b_ended_by": ended_by})
    return kept
