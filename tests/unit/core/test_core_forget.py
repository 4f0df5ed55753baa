"""forget-me: nothing without the confirm; with it, every row about the member is gone."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from core_harness import GOOD, BotProcess, only

from bot.core.commands import Actor, ForgetMe, Leaderboard, Place
from bot.core.replies import Board, DailyCard, ForgetConfirm, Notice
from storage.models import MemberKey
from storage.tables import members, metadata

ADMIN = Actor(
    platform="console", workspace_id="local", user_id="alice", display_name="alice", is_admin=True
)
CHANNEL = Place(channel_id="c1")


async def rows_about(bot: BotProcess, member_id: int) -> dict[str, int]:
    """Rows in every table with a column pointing at members, for this member."""
    found: dict[str, int] = {}
    async with bot.store.engine.connect() as conn:
        for table in metadata.sorted_tables:
            columns = [
                c for c in table.c if any(fk.column.table is members for fk in c.foreign_keys)
            ]
            if table is members:
                columns = [table.c.id]
            for column in columns:
                count = (
                    await conn.execute(sa.select(sa.func.count()).where(column == member_id))
                ).scalar_one()
                found[f"{table.name}.{column.name}"] = int(count)
    return found


async def test_forget_me_asks_first_then_removes_every_row(bot: BotProcess) -> None:
    core = bot.core
    await core.handle_text(ADMIN, CHANNEL, "config daily 17:05", free_text_answers=False)
    bot.clock.set(datetime(2026, 1, 5, 9, 5, tzinfo=UTC))
    await core.daily_poster.tick()
    card = only(await core.handle_text(ADMIN, CHANNEL, "daily", free_text_answers=False), DailyCard)
    await core.handle_text(
        ADMIN, CHANNEL, f"daily {GOOD[card.question_id]}", free_text_answers=False
    )
    await core.handle_text(ADMIN, CHANNEL, "config me show-name=on", free_text_answers=False)
    await bot.say("start rag 1 60", user="alice")
    await bot.say(GOOD["rag-what-is-rag"], user="alice")
    await bot.say("mark high", user="alice")
    member = await bot.store.get_or_create_member(
        MemberKey(platform="console", workspace_id="local", user_id="alice")
    )
    before = await rows_about(bot, member.id)
    assert all(before[name] > 0 for name in before if name != "daily_configs.set_by_member_id"), (
        before
    )

    ask = only(await core.handle(ADMIN, CHANNEL, ForgetMe()), ForgetConfirm)
    assert ask.daily_answers == 1 and ask.attempts >= 2
    cancelled = only(await core.handle(ADMIN, CHANNEL, ForgetMe(confirm=False)), Notice)
    assert cancelled.code == "forget_cancelled"
    assert await rows_about(bot, member.id) == before

    done = only(
        await core.handle_text(ADMIN, CHANNEL, "forget-me confirm", free_text_answers=False), Notice
    )
    assert done.code == "forgotten"
    assert set((await rows_about(bot, member.id)).values()) == {0}
    board = only(await bot.core.handle(bob(), CHANNEL, Leaderboard(period="all")), Board)
    assert all(row.name != "alice" for row in board.rows)


def bob() -> Actor:
    return Actor(platform="console", workspace_id="local", user_id="bob", display_name="bob")
