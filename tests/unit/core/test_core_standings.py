"""Leaderboard, stats, topics, help and the language switch, as a member sees them."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from core_harness import GOOD, BotProcess, only, start_process

from bot.adapters.console.render import render_all
from bot.core.clock import FakeClock
from bot.core.i18n import keys, t
from bot.core.replies import (
    Board,
    ErrorNotice,
    HelpView,
    Notice,
    QuestionCard,
    StatsView,
    TopicsView,
)
from bot.core.standings.service import period_after, period_start
from content.loader import Bank

SHANGHAI = ZoneInfo("Asia/Shanghai")


async def answer_one(
    bot: BotProcess, user: str, start: str, *, well: bool, workspace: str = "local"
) -> float:
    card = only(await bot.say(start, user=user, workspace=workspace), QuestionCard)
    text = GOOD[card.question_id] if well else "不知道"
    views = await bot.say(text, user=user, workspace=workspace)
    return sum(getattr(v, "points", 0.0) for v in views if v.kind == "feedback")


async def test_leaderboard_ranks_the_workspace_by_points(bot: BotProcess) -> None:
    alice = await answer_one(bot, "alice", "start rag 1 hard", well=True)  # 30 points
    bob = await answer_one(bot, "bob", "start rag 1 easy", well=True)  # 10 points
    await answer_one(bot, "carol", "start quantization 1 easy", well=False)  # 0 points
    await answer_one(bot, "dave", "start rag 1", well=True, workspace="other")
    board = only(await bot.say("leaderboard", user="bob"), Board)
    assert [(r.rank, r.name, r.points) for r in board.rows] == [
        (1, "alice", alice),
        (2, "bob", bob),
        (3, "carol", 0.0),
    ]
    assert [r.is_you for r in board.rows] == [False, True, False]
    other = only(await bot.say("leaderboard", user="dave", workspace="other"), Board)
    assert [r.name for r in other.rows] == ["dave"]


async def test_week_month_and_all_time_boards(bot: BotProcess) -> None:
    # FakeClock starts on Monday 2026-01-05 09:00 UTC.
    await answer_one(bot, "alice", "start rag 1 hard", well=True)
    bot.clock.advance(8 * 86400)  # the next week, same month
    await answer_one(bot, "bob", "start rag 1 easy", well=True)
    week = only(await bot.say("leaderboard week"), Board)
    month = only(await bot.say("排行榜 月"), Board)
    all_time = only(await bot.say("leaderboard all"), Board)
    assert [r.name for r in week.rows] == ["bob"]
    assert [r.name for r in month.rows] == ["alice", "bob"]
    assert [r.name for r in all_time.rows] == ["alice", "bob"]
    assert "本周排行榜" in render_all([week])


def test_periods_start_at_local_midnight() -> None:
    now = datetime(2026, 1, 7, 20, 0, tzinfo=ZoneInfo("UTC"))  # Thursday 04:00 in Shanghai
    assert period_start("week", now, SHANGHAI) == datetime(2026, 1, 5, tzinfo=SHANGHAI)
    assert period_start("month", now, SHANGHAI) == datetime(2026, 1, 1, tzinfo=SHANGHAI)
    assert period_start("all", now, SHANGHAI) is None


def test_periods_end_at_the_next_local_midnight_across_a_clock_change() -> None:
    new_york = ZoneInfo("America/New_York")  # clocks go forward on Sunday 2026-03-08
    week = datetime(2026, 3, 2, tzinfo=new_york)
    ends = period_after("week", week, new_york)
    assert ends == datetime(2026, 3, 9, tzinfo=new_york)
    # One hour short of 7 days (same-zone subtraction would compare wall clocks).
    assert ends.astimezone(UTC) - week.astimezone(UTC) == timedelta(days=7, hours=-1)
    december = datetime(2025, 12, 1, tzinfo=SHANGHAI)
    assert period_after("month", december, SHANGHAI) == datetime(2026, 1, 1, tzinfo=SHANGHAI)
    assert period_after("month", datetime(2026, 1, 1, tzinfo=SHANGHAI), SHANGHAI) == datetime(
        2026, 2, 1, tzinfo=SHANGHAI
    )


async def test_an_empty_board_says_how_to_get_on_it(bot: BotProcess) -> None:
    text = render_all(await bot.say("leaderboard"))
    assert "start" in text


async def test_stats_show_attempts_average_and_weakest_topic_first(bot: BotProcess) -> None:
    assert "start" in render_all(await bot.say("stats"))  # nothing yet: how to begin
    await answer_one(bot, "alice", "start rag 1 easy", well=True)
    await answer_one(bot, "alice", "start quantization 1 easy", well=False)
    card = only(await bot.say("start rag 1 medium"), QuestionCard)
    await bot.say("skip")
    stats = only(await bot.say("stats"), StatsView)
    assert (stats.attempts, stats.answered) == (3, 2)
    assert [row.topic_name for row in stats.by_topic] == ["量化与低精度", "RAG与应用"]
    assert stats.by_topic[1].attempts == 2 and card.question_id == "rag-chunking"


async def test_topics_list_names_in_both_languages_with_counts(bot: BotProcess) -> None:
    view = only(await bot.say("topics"), TopicsView)
    assert [(i.id, i.name, i.other_name, i.questions) for i in view.topics] == [
        ("quantization", "量化与低精度", "Quantisation and precision", 2),
        ("rag", "RAG与应用", "RAG and applications", 3),
    ]


async def test_lang_switches_language_and_is_remembered(
    bot: BotProcess, db_url: str, bank: Bank, clock: FakeClock
) -> None:
    notice = only(await bot.say("lang en"), Notice)
    assert (notice.locale, notice.text) == ("en", "OK, English from now on.")
    card = only(await bot.say("start rag 1 easy"), QuestionCard)
    assert card.locale == "en" and card.topic_name == "RAG and applications"
    assert "Question 1/1" in render_all([card])
    await bot.crash()
    again = await start_process(db_url, bank, clock)
    try:
        assert only(await again.say("status"), QuestionCard).locale == "en"
        assert only(await again.say("语言 中文"), Notice).text == "好的，之后用中文和你交流。"
        assert "第 1/1 题" in render_all(await again.say("status"))
    finally:
        await again.crash()


async def test_help_lists_every_command_and_explains_one(bot: BotProcess) -> None:
    overview = only(await bot.say("help"), HelpView)
    for command in ("start", "answer", "hint", "skip", "stop", "status", "topics", "leaderboard"):
        assert command in overview.text
    start = only(await bot.say("help start"), HelpView)
    assert "5m" in start.text and "21–29" in start.text
    hint = only(await bot.say("help hint"), HelpView)
    assert "20" in hint.text and "40" in hint.text
    error = await bot.say("help dance")
    assert [v.kind for v in error] == ["error", "help"]
    assert only(error, ErrorNotice).code == "unknown_help_topic"


def test_every_message_exists_in_both_languages_with_the_same_fields() -> None:
    for key in keys():
        zh, en = t("zh-CN", key), t("en", key)
        assert zh and en, key
        fields = re.compile(r"\{(\w+)\}")
        assert sorted(fields.findall(zh)) == sorted(fields.findall(en)), key


async def test_every_error_code_the_parser_can_return_has_a_message(bot: BotProcess) -> None:
    from typing import get_args

    from bot.core.commands import ParseErrorCode

    for code in get_args(ParseErrorCode):
        assert f"error.{code}" in keys(), code
