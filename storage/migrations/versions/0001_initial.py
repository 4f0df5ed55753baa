"""Members, interview sessions and attempts.

Revision ID: 0001
Revises:
Create Date: 2025-11-23

Written out by hand (not imported from storage.tables) so this revision keeps describing the
first schema after tables.py moves on.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _json() -> sa.types.TypeEngine[Any]:
    return sa.JSON(none_as_null=True).with_variant(
        postgresql.JSONB(none_as_null=True), "postgresql"
    )


def _ts(name: str, *, nullable: bool) -> sa.Column[datetime]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    # op.f(): these names are final; the naming convention must not be applied on top.
    op.create_table(
        "members",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("workspace_id", sa.String(128), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("display_name", sa.String(256), nullable=True),
        sa.Column("locale", sa.String(16), nullable=True),
        _ts("created_at", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_members")),
        sa.UniqueConstraint(
            "platform",
            "workspace_id",
            "user_id",
            name=op.f("uq_members_platform_workspace_id_user_id"),
        ),
    )

    op.create_table(
        "sessions",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("member_id", sa.Integer, nullable=False),
        sa.Column("platform", sa.String(32), nullable=False),
        sa.Column("workspace_id", sa.String(128), nullable=False),
        sa.Column("channel_id", sa.String(128), nullable=True),
        sa.Column("thread_id", sa.String(128), nullable=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("topic", sa.String(64), nullable=True),
        sa.Column("difficulty", sa.Integer, nullable=True),
        sa.Column("question_ids", _json(), nullable=False),
        sa.Column("time_limit_s", sa.Integer, nullable=False),
        sa.Column("current_index", sa.Integer, nullable=False),
        sa.Column("locale", sa.String(16), nullable=False),
        _ts("created_at", nullable=False),
        _ts("ended_at", nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sessions")),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_sessions_member_id_members")
        ),
        sa.CheckConstraint(
            "state IN ('active', 'finished', 'stopped')", name=op.f("ck_sessions_state")
        ),
    )
    op.create_index(op.f("ix_sessions_member_id"), "sessions", ["member_id"])
    # One active session per member, enforced by the database for every process.
    op.create_index(
        op.f("uq_sessions_one_active_per_member"),
        "sessions",
        ["member_id"],
        unique=True,
        sqlite_where=sa.text("state = 'active'"),
        postgresql_where=sa.text("state = 'active'"),
    )

    op.create_table(
        "attempts",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("session_id", sa.String(32), nullable=False),
        sa.Column("member_id", sa.Integer, nullable=False),
        sa.Column("question_id", sa.String(128), nullable=False),
        sa.Column("topic", sa.String(64), nullable=False),
        sa.Column("difficulty", sa.Integer, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        _ts("asked_at", nullable=False),
        _ts("deadline_at", nullable=False),
        _ts("finished_at", nullable=True),
        sa.Column("answer", sa.Text, nullable=True),
        sa.Column("score", sa.Float, nullable=True),
        sa.Column("max_score", sa.Float, nullable=False),
        sa.Column("hints_used", sa.Integer, nullable=False),
        sa.Column("points", sa.Float, nullable=False),
        sa.Column("grade", _json(), nullable=True),
        sa.Column("self_assessment", sa.String(16), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attempts")),
        sa.ForeignKeyConstraint(
            ["session_id"], ["sessions.id"], name=op.f("fk_attempts_session_id_sessions")
        ),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_attempts_member_id_members")
        ),
        sa.UniqueConstraint("session_id", "position", name=op.f("uq_attempts_session_id_position")),
        sa.CheckConstraint(
            "state IN ('asking', 'answered', 'skipped', 'expired', 'stopped')",
            name=op.f("ck_attempts_state"),
        ),
        sa.CheckConstraint(
            "self_assessment IS NULL OR self_assessment IN ('too_low', 'too_high')",
            name=op.f("ck_attempts_self_assessment"),
        ),
    )
    op.create_index(op.f("ix_attempts_state_deadline_at"), "attempts", ["state", "deadline_at"])
    op.create_index(op.f("ix_attempts_member_id"), "attempts", ["member_id"])
    op.create_index(op.f("ix_attempts_finished_at"), "attempts", ["finished_at"])


def downgrade() -> None:
    op.drop_table("attempts")
    op.drop_table("sessions")
    op.drop_table("members")
