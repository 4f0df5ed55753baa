"""The database schema as SQLAlchemy Core tables.

The migrations in storage/migrations/versions are the source of truth for what a database
contains; these definitions must describe the same schema (a contract test compares them).
Rules that keep scores honest live here, in the schema, not in Python: one member per
(platform, workspace, user), one active session per member, one attempt per session position.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect

# Explicit names so later migrations (and SQLite batch rebuilds) can refer to constraints.
NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SESSION_STATES = ("active", "finished", "stopped")
ATTEMPT_STATES = ("asking", "answered", "skipped", "expired", "stopped")
SELF_ASSESSMENTS = ("too_low", "too_high")

# The partial unique index that allows at most one active session per member.
ONE_ACTIVE_SESSION_INDEX = "uq_sessions_one_active_per_member"

metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(sa.TypeDecorator[datetime]):
    """A timezone-aware timestamp that always goes in and comes out as UTC.

    SQLite stores DATETIME as text without an offset: an aware non-UTC value would be written
    as its local wall time and read back naive. Converting to UTC on the way in and attaching
    UTC on the way out makes both databases behave like PostgreSQL's timestamptz.
    """

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value!r}: the store takes timezone-aware UTC only")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def _json() -> sa.types.TypeEngine[Any]:
    # JSONB on PostgreSQL (compact, comparable); JSON text on SQLite. SQL NULL for Python None.
    return sa.JSON(none_as_null=True).with_variant(
        postgresql.JSONB(none_as_null=True), "postgresql"
    )


def _in(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{v}'" for v in values)
    return f"{column} IN ({quoted})"


members = sa.Table(
    "members",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("platform", sa.String(32), nullable=False),
    sa.Column("workspace_id", sa.String(128), nullable=False),
    sa.Column("user_id", sa.String(128), nullable=False),
    sa.Column("display_name", sa.String(256), nullable=True),
    sa.Column("locale", sa.String(16), nullable=True),
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.UniqueConstraint("platform", "workspace_id", "user_id"),
)

sessions = sa.Table(
    "sessions",
    metadata,
    sa.Column("id", sa.String(32), primary_key=True),  # uuid4().hex
    sa.Column("member_id", sa.Integer, sa.ForeignKey("members.id"), nullable=False),
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
    sa.Column("created_at", UTCDateTime(), nullable=False),
    sa.Column("ended_at", UTCDateTime(), nullable=True),
    sa.CheckConstraint(_in("state", SESSION_STATES), name="state"),
    sa.Index("ix_sessions_member_id", "member_id"),
    # At most one active session per member, whatever process or restart tries to add another.
    sa.Index(
        ONE_ACTIVE_SESSION_INDEX,
        "member_id",
        unique=True,
        sqlite_where=sa.text("state = 'active'"),
        postgresql_where=sa.text("state = 'active'"),
    ),
)

attempts = sa.Table(
    "attempts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("session_id", sa.String(32), sa.ForeignKey("sessions.id"), nullable=False),
    sa.Column("member_id", sa.Integer, sa.ForeignKey("members.id"), nullable=False),
    sa.Column("question_id", sa.String(128), nullable=False),
    sa.Column("topic", sa.String(64), nullable=False),
    sa.Column("difficulty", sa.Integer, nullable=False),
    sa.Column("position", sa.Integer, nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("asked_at", UTCDateTime(), nullable=False),
    sa.Column("deadline_at", UTCDateTime(), nullable=False),
    sa.Column("finished_at", UTCDateTime(), nullable=True),
    sa.Column("answer", sa.Text, nullable=True),
    sa.Column("score", sa.Float, nullable=True),
    sa.Column("max_score", sa.Float, nullable=False),
    sa.Column("hints_used", sa.Integer, nullable=False),
    sa.Column("points", sa.Float, nullable=False),
    sa.Column("grade", _json(), nullable=True),
    sa.Column("self_assessment", sa.String(16), nullable=True),
    sa.UniqueConstraint("session_id", "position"),
    sa.CheckConstraint(_in("state", ATTEMPT_STATES), name="state"),
    sa.CheckConstraint(
        "self_assessment IS NULL OR " + _in("self_assessment", SELF_ASSESSMENTS),
        name="self_assessment",
    ),
    # The deadline watcher: 'asking' attempts, soonest deadline first.
    sa.Index("ix_attempts_state_deadline_at", "state", "deadline_at"),
    sa.Index("ix_attempts_member_id", "member_id"),
    # Leaderboards by period filter on when an attempt was finished.
    sa.Index("ix_attempts_finished_at", "finished_at"),
)

# The spaced-repetition state (an fsrs Card as JSON) of one question for one member.
review_cards = sa.Table(
    "review_cards",
    metadata,
    sa.Column("member_id", sa.Integer, sa.ForeignKey("members.id"), primary_key=True),
    sa.Column("question_id", sa.String(128), primary_key=True),
    sa.Column("card", _json(), nullable=False),
    sa.Column("due_at", UTCDateTime(), nullable=False),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
    # "What is due for this member now": member first, soonest due first.
    sa.Index("ix_review_cards_member_id_due_at", "member_id", "due_at"),
)

# ---- the daily challenge (migration 0003) ----------------------------------------------------

DAILY_POST_STATES = ("claimed", "posted", "failed")

# One daily challenge per channel: when and what it posts, and who set it.
daily_configs = sa.Table(
    "daily_configs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("platform", sa.String(32), nullable=False),
    sa.Column("workspace_id", sa.String(128), nullable=False),
    sa.Column("channel_id", sa.String(128), nullable=False),
    sa.Column("enabled", sa.Boolean, nullable=False),
    sa.Column("post_hour", sa.Integer, nullable=False),
    sa.Column("post_minute", sa.Integer, nullable=False),
    sa.Column("timezone", sa.String(64), nullable=False),
    sa.Column("days", sa.String(7), nullable=False),  # weekday digits, 0 = Monday: "01234"
    sa.Column("topics", _json(), nullable=True),  # topic ids; NULL = every topic
    sa.Column("difficulty", sa.Integer, nullable=True),
    sa.Column("window_s", sa.Integer, nullable=True),  # NULL = until the next post
    sa.Column("digest", sa.Boolean, nullable=False),
    sa.Column("locale", sa.String(16), nullable=False),  # the language posts are written in
    # The admin who set it (told when the bot has to turn it off); NULL once they forget-me.
    sa.Column("set_by_member_id", sa.Integer, sa.ForeignKey("members.id"), nullable=True),
    sa.Column("disabled_reason", sa.String(256), nullable=True),
    sa.Column("updated_at", UTCDateTime(), nullable=False),
    sa.UniqueConstraint("platform", "workspace_id", "channel_id"),
    sa.Index("ix_daily_configs_platform_workspace_id", "platform", "workspace_id"),
)

# One row per channel and local day: inserted (claimed) before the post is sent, so the
# unique key, not Python, makes a second process or a restart a no-op; the send's outcome
# (message id or error) is recorded on the row.
daily_posts = sa.Table(
    "daily_posts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("config_id", sa.Integer, sa.ForeignKey("daily_configs.id"), nullable=False),
    sa.Column("platform", sa.String(32), nullable=False),
    sa.Column("workspace_id", sa.String(128), nullable=False),
    sa.Column("channel_id", sa.String(128), nullable=False),
    sa.Column("local_date", sa.String(10), nullable=False),  # YYYY-MM-DD in the channel's zone
    sa.Column("question_id", sa.String(128), nullable=False),
    sa.Column("topic", sa.String(64), nullable=False),
    sa.Column("difficulty", sa.Integer, nullable=False),
    sa.Column("locale", sa.String(16), nullable=False),
    sa.Column("due_at", UTCDateTime(), nullable=False),
    sa.Column("closes_at", UTCDateTime(), nullable=False),
    sa.Column("state", sa.String(16), nullable=False),
    # Whoever holds an unexpired lease is sending (or waiting to retry); an expired lease on a
    # 'claimed' row means its sender died: anyone may take it over.
    sa.Column("lease_until", UTCDateTime(), nullable=True),
    sa.Column("tries", sa.Integer, nullable=False),
    sa.Column("message_id", sa.String(128), nullable=True),
    sa.Column("error", sa.String(512), nullable=True),
    sa.Column("posted_at", UTCDateTime(), nullable=True),
    sa.Column("answers", sa.Integer, nullable=False),  # kept with each answer, for the card
    sa.Column("reveal_lease_until", UTCDateTime(), nullable=True),
    sa.Column("revealed_at", UTCDateTime(), nullable=True),
    sa.Column("reveal_message_id", sa.String(128), nullable=True),
    sa.UniqueConstraint("platform", "workspace_id", "channel_id", "local_date"),
    sa.CheckConstraint(_in("state", DAILY_POST_STATES), name="state"),
    sa.Index("ix_daily_posts_config_id", "config_id"),
    sa.Index("ix_daily_posts_closes_at", "closes_at"),
)

# One graded answer per member per daily post (the unique key refuses a second). The answer
# itself is an attempt of a one-question finished session, so it scores, counts on the boards
# and feeds reviews like any interview answer.
daily_answers = sa.Table(
    "daily_answers",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("post_id", sa.Integer, sa.ForeignKey("daily_posts.id"), nullable=False),
    sa.Column("member_id", sa.Integer, sa.ForeignKey("members.id"), nullable=False),
    sa.Column("attempt_id", sa.Integer, sa.ForeignKey("attempts.id"), nullable=False),
    sa.Column("score", sa.Float, nullable=False),
    sa.Column("answered_at", UTCDateTime(), nullable=False),
    sa.UniqueConstraint("post_id", "member_id"),
    sa.Index("ix_daily_answers_member_id", "member_id"),
)

# A member's own settings for the daily challenge (whether the reveal may name them).
daily_member_prefs = sa.Table(
    "daily_member_prefs",
    metadata,
    sa.Column("member_id", sa.Integer, sa.ForeignKey("members.id"), primary_key=True),
    sa.Column("show_name", sa.Boolean, nullable=False),
)

# ---- the weekly digest (migration 0005) ------------------------------------------------------

DAILY_DIGEST_STATES = ("claimed", "posted", "empty", "failed")

# One row per channel and week (the local date of its Monday): claimed before the digest is
# sent, exactly like a daily post (storage/claims.py), so a second process or a restart sends
# nothing. 'empty': nobody answered anything that week, and nothing was posted.
daily_digests = sa.Table(
    "daily_digests",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("config_id", sa.Integer, sa.ForeignKey("daily_configs.id"), nullable=False),
    sa.Column("platform", sa.String(32), nullable=False),
    sa.Column("workspace_id", sa.String(128), nullable=False),
    sa.Column("channel_id", sa.String(128), nullable=False),
    sa.Column("week_start", sa.String(10), nullable=False),  # this Monday, YYYY-MM-DD, local
    sa.Column("timezone", sa.String(64), nullable=False),  # the zone its weeks are counted in
    sa.Column("locale", sa.String(16), nullable=False),
    sa.Column("due_at", UTCDateTime(), nullable=False),
    sa.Column("closes_at", UTCDateTime(), nullable=False),  # not sent by then: not sent at all
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("lease_until", UTCDateTime(), nullable=True),
    sa.Column("tries", sa.Integer, nullable=False),
    sa.Column("message_id", sa.String(128), nullable=True),
    sa.Column("error", sa.String(512), nullable=True),
    sa.Column("posted_at", UTCDateTime(), nullable=True),
    sa.UniqueConstraint("platform", "workspace_id", "channel_id", "week_start"),
    sa.CheckConstraint(_in("state", DAILY_DIGEST_STATES), name="state"),
    sa.Index("ix_daily_digests_config_id", "config_id"),
    sa.Index("ix_daily_digests_closes_at", "closes_at"),
)
