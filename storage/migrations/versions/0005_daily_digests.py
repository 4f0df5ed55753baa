"""The weekly digest: one claimed row per channel and week, like the daily posts.

Revision ID: 0005
Revises: 0003
Create Date: 2026-12-10

Written out by hand, like 0003. (0004 is being written beside it; whichever lands second is
re-chained after the other.)
"""

from collections.abc import Sequence
from datetime import datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _ts(name: str, *, nullable: bool) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "daily_digests",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("config_id", sa.Integer, nullable=False),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("workspace_id", sa.String(128), nullable=False),
        sa.Column("channel_id", sa.String(128), nullable=False),
        sa.Column("week_start", sa.String(10), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("locale", sa.String(16), nullable=False),
        _ts("due_at", nullable=False),
        _ts("closes_at", nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        _ts("lease_until", nullable=True),
        sa.Column("tries", sa.Integer, nullable=False),
        sa.Column("message_id", sa.String(128), nullable=True),
        sa.Column("error", sa.String(512), nullable=True),
        _ts("posted_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_daily_digests")),
        sa.UniqueConstraint(
            "platform",
            "workspace_id",
            "channel_id",
            "week_start",
            name=op.f("uq_daily_digests_platform_workspace_id_channel_id_week_start"),
        ),
        sa.CheckConstraint(
            "state IN ('claimed', 'posted', 'empty', 'failed')",
            name=op.f("ck_daily_digests_state"),
        ),
        sa.ForeignKeyConstraint(
            ["config_id"],
            ["daily_configs.id"],
            name=op.f("fk_daily_digests_config_id_daily_configs"),
        ),
    )
    op.create_index(op.f("ix_daily_digests_config_id"), "daily_digests", ["config_id"])
    op.create_index(op.f("ix_daily_digests_closes_at"), "daily_digests", ["closes_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_daily_digests_closes_at"), table_name="daily_digests")
    op.drop_index(op.f("ix_daily_digests_config_id"), table_name="daily_digests")
    op.drop_table("daily_digests")
