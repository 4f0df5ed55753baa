"""The leaderboard always shows the asking member's own rank, even outside the top 10, and
counts weeks in the workspace's zone (its daily channel's)."""

from __future__ import annotations

from datetime import UTC, datetime

from core_harness import GOOD, BotProcess, only

from bot.core.commands import Actor, Place
from bot.core.replies import Board, QuestionCard


async def answer_one(bot: BotProcess, user: str, good: bool) -> None:
    card = only(await bot.say("start rag 1 60", user=user), QuestionCard)
    await bot.say(GOOD[card.question_id] if good else "不知道", user=user)


async def test_a_member_outside_the_top_ten_sees_their_own_rank(bot: BotProcess) -> None:
    for n in range(11):
        await answer_one(bot, f"m{n:02d}", good=True)
    await answer_one(bot, "alice", good=False)
    board = only(await bot.say("leaderboard", user="alice"), Board)
    assert len(board.rows) == 10 and not any(row.is_you for row in board.rows)
    assert board.you is not None and board.you.is_you and board.you.rank == 12
    top = only(await bot.say("leaderboard", user="m00"), Board)
    assert top.you is None and any(row.is_you for row in top.rows)


async def test_weeks_start_on_monday_in_the_daily_channels_zone(bot: BotProcess) -> None:
    # Sunday 2026-01-11 23:30 in New York is already Monday 04:30 UTC (and 12:30 in Shanghai).
    bot.clock.set(datetime(2026, 1, 12, 4, 30, tzinfo=UTC))
    await answer_one(bot, "alice", good=True)
    assert only(await bot.say("leaderboard week"), Board).rows  # Shanghai: this week
    admin = Actor(platform="console", workspace_id="local", user_id="root", is_admin=True)
    await bot.core.handle_text(
        admin,
        Place(channel_id="c1"),
        "config daily 09:00 tz=America/New_York",
        free_text_answers=False,
    )
    bot.clock.set(datetime(2026, 1, 12, 6, 0, tzinfo=UTC))  # Monday 01:00 in New York
    board = only(await bot.say("leaderboard week"), Board)
    assert board.rows == []  # alice's answer was last week, New York time
    assert board.since == datetime(2026, 1, 12, 5, 0, tzinfo=UTC)
