"""Daily challenge configurations per channel, and members' own daily settings."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa

from storage.base import StoreBase, all_rows, aware_utc, first_row, row_count
from storage.daily_models import ChannelKey, DailyConfigRecord, DailyConfigValues
from storage.tables import daily_configs, daily_member_prefs


def channel_is(table: sa.Table, channel: ChannelKey) -> sa.ColumnElement[bool]:
    return (
        (table.c.platform == channel.platform)
        & (table.c.workspace_id == channel.workspace_id)
        & (table.c.channel_id == channel.channel_id)
    )


def _config(row: Any) -> DailyConfigRecord:
    return DailyConfigRecord.model_validate(dict(row))


class DailyConfigStore(StoreBase):
    """Which channels post a daily question, when and what; who may be named in reveals."""

    # ---- configurations -------------------------------------------------------------------

    async def get_daily_config(self, channel: ChannelKey) -> DailyConfigRecord | None:
        query = sa.select(daily_configs).where(channel_is(daily_configs, channel))
        return await self._run.read(first_row(query, _config))

    async def get_daily_config_by_id(self, config_id: int) -> DailyConfigRecord | None:
        query = sa.select(daily_configs).where(daily_configs.c.id == config_id)
        return await self._run.read(first_row(query, _config))

    async def save_daily_config(
        self, channel: ChannelKey, values: DailyConfigValues, *, now: datetime
    ) -> DailyConfigRecord:
        """Create or replace the channel's configuration (a re-enable clears the bot's reason)."""
        fields = {
            **values.model_dump(),
            "disabled_reason": None,
            "updated_at": aware_utc(now, "now"),
        }
        insert = self._insert(daily_configs).values(**channel.model_dump(), **fields)
        upsert = insert.on_conflict_do_update(
            index_elements=["platform", "workspace_id", "channel_id"], set_=fields
        ).returning(*daily_configs.c)
        saved = await self._run.write(first_row(upsert, _config))
        assert saved is not None  # an upsert always returns its row
        return saved

    async def disable_daily_config(
        self, config_id: int, *, reason: str | None, now: datetime
    ) -> DailyConfigRecord | None:
        """Turn a configuration off; None if it was already off (someone else did it)."""
        update = (
            sa.update(daily_configs)
            .where((daily_configs.c.id == config_id) & daily_configs.c.enabled)
            .values(enabled=False, disabled_reason=reason, updated_at=aware_utc(now, "now"))
            .returning(*daily_configs.c)
        )
        return await self._run.write(first_row(update, _config))

    async def enabled_daily_configs(
        self, platforms: frozenset[str] | None
    ) -> list[DailyConfigRecord]:
        query = sa.select(daily_configs).where(daily_configs.c.enabled)
        if platforms is not None:
            query = query.where(daily_configs.c.platform.in_(sorted(platforms)))
        return await self._run.read(all_rows(query.order_by(daily_configs.c.id), _config))

    async def workspace_timezone(self, platform: str, workspace_id: str) -> str | None:
        """The zone of the workspace's most recently set daily channel (None: no channel)."""
        query = (
            sa.select(daily_configs.c.timezone)
            .where(
                (daily_configs.c.platform == platform)
                & (daily_configs.c.workspace_id == workspace_id)
            )
            .order_by(daily_configs.c.enabled.desc(), daily_configs.c.updated_at.desc())
            .limit(1)
        )

        def job(conn: sa.Connection) -> str | None:
            return conn.execute(query).scalar_one_or_none()

        return await self._run.read(job)

    # ---- member preferences -----------------------------------------------------------------

    async def set_show_name(self, member_id: int, show_name: bool) -> None:
        insert = self._insert(daily_member_prefs).values(member_id=member_id, show_name=show_name)
        upsert = insert.on_conflict_do_update(
            index_elements=["member_id"], set_={"show_name": show_name}
        )
        await self._run.write(row_count(upsert))

    async def show_name(self, member_id: int) -> bool:
        query = sa.select(daily_member_prefs.c.show_name).where(
            daily_member_prefs.c.member_id == member_id
        )

        def job(conn: sa.Connection) -> bool:
            return bool(conn.execute(query).scalar_one_or_none())

        return await self._run.read(job)
