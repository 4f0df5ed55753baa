"""Spaced-repetition review cards.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "review_cards",
        sa.Column("member_id", sa.Integer, nullable=False),
        sa.Column("question_id", sa.String(128), nullable=False),
        sa.Column(
            "card",
            sa.JSON(none_as_null=True).with_variant(
                postgresql.JSONB(none_as_null=True), "postgresql"
            ),
            nullable=False,
        ),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("member_id", "question_id", name=op.f("pk_review_cards")),
        sa.ForeignKeyConstraint(
            ["member_id"], ["members.id"], name=op.f("fk_review_cards_member_id_members")
        ),
    )
    op.create_index(
        op.f("ix_review_cards_member_id_due_at"), "review_cards", ["member_id", "due_at"]
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_review_cards_member_id_due_at"), table_name="review_cards")
    op.drop_table("review_cards")
