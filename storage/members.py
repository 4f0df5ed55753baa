"""Members: who someone is on a platform, and their language."""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from storage.base import StoreBase, aware_utc, member_record
from storage.board_sql import ALL_TIME, keep_periods
from storage.models import (
    Member,
    MemberKey,
)
from storage.prepared import Prepared
from storage.tables import members

# Every command resolves its member (when not cached), and every timeout the member it tells.
_BY_KEY = Prepared(
    sa.select(members).where(
        (members.c.platform == sa.bindparam("platform"))
        & (members.c.workspace_id == sa.bindparam("workspace_id"))
        & (members.c.user_id == sa.bindparam("user_id"))
    )
)
_BY_ID = Prepared(sa.select(members).where(members.c.id == sa.bindparam("member_id")))
# A first command from someone new. Two first messages from one person at once: the loser
# inserts nothing and reads the winner's row. ON CONFLICT is dialect-specific in SQLAlchemy
# (both dialects spell it the same way), so there is one statement per dialect.
_NEW_VALUES: dict[str, Any] = {
    "platform": sa.bindparam("platform"),
    "workspace_id": sa.bindparam("workspace_id"),
    "user_id": sa.bindparam("user_id"),
    "display_name": sa.bindparam("display_name"),
    "created_at": sa.bindparam("created_at"),
}
_NEW = {
    "sqlite": Prepared(
        sqlite.insert(members).values(_NEW_VALUES).on_conflict_do_nothing().returning(*members.c)
    ),
    "postgresql": Prepared(
        postgresql.insert(members)
        .values(_NEW_VALUES)
        .on_conflict_do_nothing()
        .returning(*members.c)
    ),
}
_RENAME = Prepared(
    sa.update(members)
    .where(members.c.id == sa.bindparam("b_id"))
    .values(display_name=sa.bindparam("b_name"))
    .returning(*members.c)
)


class MemberStore(StoreBase):
    """Members of workspaces on platforms."""

    async def get_or_create_member(
        self, key: MemberKey, display_name: str | None = None, *, now: datetime | None = None
    ) -> Member:
        """The member for `key`, created on first sight. A new display name is remembered.

        `now` stamps created_at for a new member (defaults to the current time). A member
        already known under the same name costs one read; only a change is a write.
        """
        params = {
            "platform": key.platform,
            "workspace_id": key.workspace_id,
            "user_id": key.user_id,
        }

        def read(conn: sa.Connection) -> Member | None:
            rows = _BY_KEY.mappings(conn, params)
            return member_record(rows[0]) if rows else None

        known = await self._run.read(read, quick=True)
        if known is not None and display_name in (None, known.display_name):
            return known
        return await self._run.write(
            self._create_or_rename(key, display_name, now, known), quick=True
        )

    def _create_or_rename(
        self, key: MemberKey, display_name: str | None, now: datetime | None, known: Member | None
    ) -> Callable[[sa.Connection], Member]:
        """The write job for a member `known` (just read) to be missing or renamed."""
        params = {
            "platform": key.platform,
            "workspace_id": key.workspace_id,
            "user_id": key.user_id,
            "display_name": display_name,
            "created_at": aware_utc(now, "now") if now is not None else datetime.now(UTC),
        }

        def job(conn: sa.Connection) -> Member:
            # Read just now: absent (insert it), or there under another name (rename it) —
            # unless it was forgotten since (insert it after all).
            insert = _NEW[conn.dialect.name]
            rows = insert.mappings(conn, params) if known is None else []
            created = bool(rows)
            if not rows:
                rows = _BY_KEY.mappings(conn, params)
            if not rows:
                rows = insert.mappings(conn, params)
                created = bool(rows)
            if not rows:
                rows = _BY_KEY.mappings(conn, params)
            row = rows[0]
            if created:
                # A new workspace's all-time board is kept from its first member on.
                keep_periods(conn, key.platform, key.workspace_id, [ALL_TIME])
            if display_name is not None and row["display_name"] != display_name:
                row = _RENAME.mappings(conn, {"b_id": row["id"], "b_name": display_name})[0]
            return member_record(row)

        return job

    async def set_member_locale(self, member_id: int, locale: str) -> None:
        update = sa.update(members).where(members.c.id == member_id).values(locale=locale)

        def job(conn: sa.Connection) -> None:
            conn.execute(update)

        await self._run.write(job)

    async def get_member(self, member_id: int) -> Member | None:
        """The member with this id (the deadline watcher and the poster know ids, not actors)."""

        def job(conn: sa.Connection) -> Member | None:
            rows = _BY_ID.mappings(conn, {"member_id": member_id})
            return member_record(rows[0]) if rows else None

        return await self._run.read(job, quick=True)
