"""The daily challenge: channel configurations, posts (claimed once), answers, member prefs.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03

Written out by hand, like 0001, so it keeps describing this step after tables.py moves on.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON(none_as_null=True).with_variant(
        postgresql.JSONB(none_as_null=True), "postgresql"
    )


def _ts(name: str, *, nullable: bool) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def _channel() -> list[sa.Column[Any]]:
    return [
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("workspace_id", sa.String(128), nullable=False),
        sa.Column("channel_id", sa.String(128), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "daily_configs",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        *_channel(),
        sa.Column("enabled", sa.Boolean, nullable=False),
        sa.Column("post_hour", sa.Integer, nullable=False),
        sa.Column("post_minute", sa.Integer, nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("days", sa.String(7), nullable=False),
        sa.Column("topics", _json(), nullable=True),
        sa.Column("difficulty", sa.Integer, nullable=True),
        sa.Column("window_s", sa.Integer, nullable=True),
        sa.Column("digest", sa.Boolean, nullable=False),
        sa.Column("locale", sa.String(16), nullable=False),
        sa.Column("set_by_member_id", sa.Integer, nullable=True),
        sa.Column("disabled_reason", sa.String(256), nullable=True),
        _ts("updated_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_daily_configs")),
        sa.UniqueConstraint(
            "platform",
            "workspace_id",
            "channel_id",
            name=op.f("uq_daily_configs_platform_workspace_id_channel_id"),
        ),
        sa.ForeignKeyConstraint(
            ["set_by_member_id"],
            ["members.id"],
            name=op.f("fk_daily_configs_set_by_member_id_members"),
        ),
    )
    op.create_index(
        op.f("ix_daily_configs_platform_workspace_id"),
        "daily_configs",
        ["platform", "workspace_id"],
    )

    op.create_table(
        "daily_posts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("config_id", sa.Integer, nullable=False),
        *_channel(),
        sa.Column("local_date", sa.String(10), nullable=False),
        sa.Column("question_id", sa.String(128), nullable=False),
        sa.Column("topic", sa.String(64), nullable=False),
        sa.Column("difficulty", sa.Integer, nullable=False),
        sa.Column("locale", sa.String(16), nullable=False),
        _ts("due_at", nullable=False),
        _ts("closes_at", nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        _ts("lease_until", nullable=True),
        sa.Column("tries", sa.Integer, nullable=False),
        sa.Column("message_id", sa.String(128), nullable=True),
        sa.Column("error", sa.String(512), nullable=True),
        _ts("posted_at", nullable=True),
        sa.Column("answers", sa.Integer, nullable=False),
        _ts("reveal_lease_until", nullable=True),
        _ts("revealed_at", nullable=True),
        sa.Column("reveal_message_id", sa.String(128), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_daily_posts")),
        sa.UniqueConstraint(
            "platform",
            "workspace_id",
            "channel_id",
            "local_date",
            name=op.f("uq_daily_posts_platform_workspace_id_channel_id_local_date"),
        ),
        sa.CheckConstraint(
            "state IN ('claimed', 'posted', 'failed')", name=op.f("ck_daily_posts_state")
        ),
        sa.ForeignKeyConstraint(
            ["config_id"], ["daily_configs.id"], name=op.f("fk_daily_posts_config_id_daily_configs")
        ),
    )
    op.create_index(op.f("ix_daily_posts_config_id"), "daily_posts", ["config_id"])
    op.create_index(op.f("ix_daily_posts_closes_at"), "daily_posts", ["closes_at"])

    op.create_table(
        "daily_answers",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("post_id", sa.Integer, nullable=False),
        sa.Column("member_id", sa.Integer, nullable=False),
        sa.Column("attempt_id", sa.Integer, nullable=False),
        sa.Column("score", sa.Float, nullable=False),
        _ts("answered_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_daily_answers")),
        sa.UniqueConstraint(
            "post_id", "member_id", name=op.f("uq_daily_answers_post_id_member_id")
        ),
        sa.ForeignKeyConstraint(
            ["post_id"], ["daily_posts.id"], name=op.f("fk_daily_answers_post_id_daily_posts")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_daily_answers_member_id_members")
        ),
        sa.ForeignKeyConstraint(
            ["attempt_id"], ["attempts.id"], name=op.f("fk_daily_answers_attempt_id_attempts")
        ),
    )
    op.create_index(op.f("ix_daily_answers_member_id"), "daily_answers", ["member_id"])

    op.create_table(
        "daily_member_prefs",
        sa.Column("member_id", sa.Integer, nullable=False),
        sa.Column("show_name", sa.Boolean, nullable=False),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_daily_member_prefs")),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_daily_member_prefs_member_id_members")
        ),
    )


def downgrade() -> None:
    op.drop_table("daily_member_prefs")
    op.drop_index(op.f("ix_daily_answers_member_id"), table_name="daily_answers")
    op.drop_table("daily_answers")
    op.drop_index(op.f("ix_daily_posts_closes_at"), table_name="daily_posts")
    op.drop_index(op.f("ix_daily_posts_config_id"), table_name="daily_posts")
    op.drop_table("daily_posts")
    op.drop_index(op.f("ix_daily_configs_platform_workspace_id"), table_name="daily_configs")
    op.drop_table("daily_configs")
