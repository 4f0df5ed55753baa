"""Members: who someone is on a platform, and their language."""

from datetime import UTC, datetime

import sqlalchemy as sa

from storage.base import StoreBase, aware_utc, member_record
from storage.board_sql import ALL_TIME, keep_periods
from storage.models import (
    Member,
    MemberKey,
)
from storage.tables import members


class MemberStore(StoreBase):
    """Members of workspaces on platforms."""

    async def get_or_create_member(
        self, key: MemberKey, display_name: str | None = None, *, now: datetime | None = None
    ) -> Member:
        """The member for `key`, created on first sight. A new display name is remembered.

        `now` stamps created_at for a new member (defaults to the current time).
        """
        where = (
            (members.c.platform == key.platform)
            & (members.c.workspace_id == key.workspace_id)
            & (members.c.user_id == key.user_id)
        )

        def job(conn: sa.Connection) -> Member:
            row = conn.execute(sa.select(members).where(where)).mappings().first()
            if row is None:
                insert = (
                    self._insert(members)
                    .values(
                        platform=key.platform,
                        workspace_id=key.workspace_id,
                        user_id=key.user_id,
                        display_name=display_name,
                        created_at=aware_utc(now, "now") if now is not None else datetime.now(UTC),
                    )
                    # Two first messages from one person at once: the loser reads the winner's row.
                    .on_conflict_do_nothing()
                    .returning(*members.c)
                )
                row = conn.execute(insert).mappings().first()
                if row is None:
                    row = conn.execute(sa.select(members).where(where)).mappings().one()
                else:
                    # A new workspace's all-time board is kept from its first member on.
                    keep_periods(conn, key.platform, key.workspace_id, [ALL_TIME])
            if display_name is not None and row["display_name"] != display_name:
                update = (
                    sa.update(members)
                    .where(members.c.id == row["id"])
                    .values(display_name=display_name)
                    .returning(*members.c)
                )
                row = conn.execute(update).mappings().one()
            return member_record(row)

        return await self._run.write(job)

    async def set_member_locale(self, member_id: int, locale: str) -> None:
        update = sa.update(members).where(members.c.id == member_id).values(locale=locale)

        def job(conn: sa.Connection) -> None:
            conn.execute(update)

        await self._run.write(job)

    async def get_member(self, member_id: int) -> Member | None:
        """The member with this id (the deadline watcher and the poster know ids, not actors)."""
        query = sa.select(members).where(members.c.id == member_id)

        def job(conn: sa.Connection) -> Member | None:
            row = conn.execute(query).mappings().first()
            return None if row is None else member_record(row)

        return await self._run.read(job)
