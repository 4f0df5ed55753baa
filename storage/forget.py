"""forget-me: every row about a member, counted, then deleted in one transaction.

A table that holds a member's data must be listed here; `tests/unit/core/test_core_forget.py`
walks the schema and fails when a table with a member column is not emptied of that member.
"""

import sqlalchemy as sa

from storage.base import StoreBase
from storage.board_sql import FORGET
from storage.daily_models import ForgetCounts
from storage.tables import (
    attempts,
    daily_answers,
    daily_configs,
    daily_member_prefs,
    members,
    review_cards,
    sessions,
)


class ForgetStore(StoreBase):
    """Counting and deleting what the bot keeps about one member."""

    async def member_data_counts(self, member_id: int) -> ForgetCounts:
        def job(conn: sa.Connection) -> ForgetCounts:
            counts = {}
            for name, table in (
                ("attempts", attempts),
                ("sessions", sessions),
                ("review_cards", review_cards),
                ("daily_answers", daily_answers),
            ):
                query = sa.select(sa.func.count()).where(table.c.member_id == member_id)
                counts[name] = int(conn.execute(query).scalar_one())
            return ForgetCounts(**counts)

        return await self._run.read(job)

    async def forget_member(self, member_id: int) -> ForgetCounts:
        """Delete the member and everything about them; what was removed (children first)."""

        def job(conn: sa.Connection) -> ForgetCounts:
            # Their board totals first: on PostgreSQL that waits for a board being built
            # (storage/board_sql.py) before the member's rows are touched, never the reverse.
            conn.execute(FORGET, {"b_member": member_id})
            removed = {}
            for name, table in (
                ("daily_answers", daily_answers),
                ("attempts", attempts),
                ("sessions", sessions),
                ("review_cards", review_cards),
            ):
                result = conn.execute(sa.delete(table).where(table.c.member_id == member_id))
                removed[name] = int(result.rowcount or 0)
            conn.execute(
                sa.delete(daily_member_prefs).where(daily_member_prefs.c.member_id == member_id)
            )
            # The channel's configuration stays (it is the channel's); only who set it goes.
            conn.execute(
                sa.update(daily_configs)
                .where(daily_configs.c.set_by_member_id == member_id)
                .values(set_by_member_id=None)
            )
            conn.execute(sa.delete(members).where(members.c.id == member_id))
            return ForgetCounts(**removed)

        return await self._run.write(job)
