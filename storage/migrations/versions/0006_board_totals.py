"""The boards' totals: kept periods per workspace, points per member per period; backfilled.

Revision ID: 0006
Revises: 0005
Create Date: 2027-01-11

Written beside 0005 (the weekly digest), which landed first: chained after it.

Written out by hand, like 0001, so it keeps describing this step after tables.py moves on.
The backfill keeps each workspace's all-time board (from its counted attempts: finished, not
stopped); weeks and months are kept from the first board a member asks for, in the workspace's
zone then (storage/board_sql.py). Run it with the bot's processes stopped: a process of the
previous version would keep scoring attempts without counting them on the boards.
"""

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The all-time period, as storage/board_sql.py spells it.
BEGINNING = datetime(1970, 1, 1, tzinfo=UTC)
NEVER = datetime(9999, 12, 31, tzinfo=UTC)


def _ts(name: str) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def _create() -> None:
    op.create_table(
        "board_periods",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("workspace_id", sa.String(128), nullable=False),
        _ts("starts_at"),
        _ts("ends_at"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_board_periods")),
        sa.UniqueConstraint(
            "platform",
            "workspace_id",
            "starts_at",
            "ends_at",
            name=op.f("uq_board_periods_platform_workspace_id_starts_at_ends_at"),
        ),
    )
    op.create_table(
        "board_totals",
        sa.Column("period_id", sa.Integer, nullable=False),
        sa.Column("member_id", sa.Integer, nullable=False),
        sa.Column("hundredths", sa.BigInteger, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
        _ts("last_at"),
        sa.PrimaryKeyConstraint("period_id", "member_id", name=op.f("pk_board_totals")),
        sa.ForeignKeyConstraint(
            ["period_id"],
            ["board_periods.id"],
            name=op.f("fk_board_totals_period_id_board_periods"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_board_totals_member_id_members")
        ),
    )
    op.create_index(
        "ix_board_totals_order",
        "board_totals",
        ["period_id", "hundredths", "last_at", "member_id"],
    )
    op.create_index(op.f("ix_board_totals_member_id"), "board_totals", ["member_id"])


def _backfill() -> None:
    # Timestamps as bound parameters of the connection's own DateTime type, so SQLite stores
    # them in the same text form as every other timestamp it compares them with.
    span = {"beginning": BEGINNING, "never": NEVER}
    stamp = sa.DateTime(timezone=True)
    op.get_bind().execute(
        sa.text(
            """
            INSERT INTO board_periods (platform, workspace_id, starts_at, ends_at)
            SELECT DISTINCT platform, workspace_id, :beginning, :never FROM members
            """
        ).bindparams(sa.bindparam("beginning", type_=stamp), sa.bindparam("never", type_=stamp)),
        span,
    )
    op.get_bind().execute(
        sa.text(
            """
            INSERT INTO board_totals (period_id, member_id, hundredths, attempts, last_at)
            SELECT board_periods.id, attempts.member_id,
                   SUM(CAST(ROUND(attempts.points * 100) AS BIGINT)),
                   COUNT(*), MAX(attempts.finished_at)
            FROM attempts
            JOIN members ON members.id = attempts.member_id
            JOIN board_periods
              ON board_periods.platform = members.platform
             AND board_periods.workspace_id = members.workspace_id
             AND board_periods.starts_at = :beginning
            WHERE attempts.finished_at IS NOT NULL AND attempts.state != 'stopped'
            GROUP BY board_periods.id, attempts.member_id
            """
        ).bindparams(sa.bindparam("beginning", type_=stamp)),
        {"beginning": BEGINNING},
    )


def upgrade() -> None:
    _create()
    _backfill()


def downgrade() -> None:
    op.drop_index(op.f("ix_board_totals_member_id"), table_name="board_totals")
    op.drop_index("ix_board_totals_order", table_name="board_totals")
    op.drop_table("board_totals")
    op.drop_table("board_periods")
