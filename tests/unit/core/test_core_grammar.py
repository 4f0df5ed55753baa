"""The shared text grammar: what a member types in the console or Slack, and what it means."""

from __future__ import annotations

import pytest

from bot.core.commands import (
    Answer,
    Help,
    Hint,
    Lang,
    Leaderboard,
    Mark,
    ParseError,
    Review,
    Skip,
    Start,
    Stats,
    Status,
    Stop,
    Topics,
)
from bot.core.grammar import CommandParser
from content.loader import Bank


@pytest.fixture
def parser(bank: Bank) -> CommandParser:
    return CommandParser(bank.find_topic)


def slack(parser: CommandParser, line: str) -> object:
    return parser.parse(line, free_text_answers=False)


def console(parser: CommandParser, line: str) -> object:
    return parser.parse(line, free_text_answers=True)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("start", Start()),
        ("start rag 3 5m", Start(topic="rag", count=3, time_s=300)),
        ("start 3 rag 90s hard", Start(topic="rag", count=3, time_s=90, difficulty=3)),
        ("start 600", Start(time_s=600)),
        ("start 20 30", Start(count=20, time_s=30)),
        ("start 1.5m", Start(time_s=90)),
        ("start 2m30s", Start(time_s=150)),
        ("start 5题 量化", Start(topic="quantization", count=5)),
        ("START RAG", Start(topic="rag")),
        ("/start rag", Start(topic="rag")),
        ("/interview start rag 2", Start(topic="rag", count=2)),
        (
            "start topic=rag count=5 time=300 difficulty=2",
            Start(topic="rag", count=5, time_s=300, difficulty=2),
        ),
        ("start count=4 time=2m diff=easy", Start(count=4, time_s=120, difficulty=1)),
        (
            "开始 主题=量化 题数=2 时间=2分钟 难度=困难",
            Start(topic="quantization", count=2, time_s=120, difficulty=3),
        ),
        ("开始 RAG与应用 3 90秒 简单", Start(topic="rag", count=3, time_s=90, difficulty=1)),
        ("start RAG and applications 2", Start(topic="rag", count=2)),
        ('start topic="RAG and applications" count=2', Start(topic="rag", count=2)),
        ("start topic=“RAG and applications”", Start(topic="rag")),
        ("start 检索增强", Start(topic="rag")),  # an alias
        ("ｓｔａｒｔ　ｒａｇ　３", Start(topic="rag", count=3)),  # full-width
    ],
)
def test_start_forms(parser: CommandParser, line: str, expected: Start) -> None:
    assert slack(parser, line) == expected


@pytest.mark.parametrize(
    ("line", "code", "params"),
    [
        ("start 0", "count_range", {"value": 0, "min": 1, "max": 20}),
        ("start count=21", "count_range", {"value": 21, "min": 1, "max": 20}),
        ("start -3", "count_range", {"value": -3, "min": 1, "max": 20}),
        ("start 25", "ambiguous_number", {"value": 25}),
        ("start 10s", "time_range", {"value": 10, "min": 30, "max": 1800}),
        ("start time=2000", "time_range", {"value": 2000, "min": 30, "max": 1800}),
        ("start 31m", "time_range", {"value": 1860, "min": 30, "max": 1800}),
        ("start difficulty=4", "difficulty_range", {"value": 4, "min": 1, "max": 3}),
        ("start rag 5 6", "duplicate_value", {"key": "count"}),
        ("start colour=red", "unknown_key", {"key": "colour"}),
        ("start count=lots", "bad_value", {"key": "count"}),
        ("start time=", "bad_value", {"key": "time"}),
        ("start cooking", "unknown_topic", {"name": "cooking"}),
    ],
)
def test_start_refusals_say_what_is_allowed(
    parser: CommandParser, line: str, code: str, params: dict[str, object]
) -> None:
    result = slack(parser, line)
    assert isinstance(result, ParseError)
    assert (result.code, result.params, result.command) == (code, params, "start")


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("hint", Hint()),
        ("提示", Hint()),
        ("skip", Skip()),
        ("跳过", Skip()),
        ("stop", Stop()),
        ("结束", Stop()),
        ("status", Status()),
        ("状态", Status()),
        ("topics", Topics()),
        ("stats", Stats()),
        ("战绩", Stats()),
        ("leaderboard", Leaderboard(period="week")),
        ("leaderboard month", Leaderboard(period="month")),
        ("排行榜 全部", Leaderboard(period="all")),
        ("lang en", Lang(locale="en")),
        ("lang zh", Lang(locale="zh-CN")),
        ("语言 英文", Lang(locale="en")),
        ("help", Help()),
        ("help start", Help(command="start")),
        ("帮助 提示", Help(command="hint")),
        ("answer  KV Cache 存的是 K 和 V ", Answer(text="KV Cache 存的是 K 和 V")),
        ("", Help()),
        ("review", Review()),
        ("复习 rag 3", Review(topic="rag", count=3)),
        ("review 2 90s", Review(count=2, time_s=90)),
        ("mark low", Mark(verdict="too_low")),
        ("mark too-high", Mark(verdict="too_high")),
        ("自评 偏低", Mark(verdict="too_low")),
        ("help review", Help(command="review")),
    ],
)
def test_other_commands_in_english_and_chinese(
    parser: CommandParser, line: str, expected: object
) -> None:
    assert slack(parser, line) == expected


def test_answer_text_is_kept_verbatim(parser: CommandParser) -> None:
    # Not folded: full-width punctuation and case are part of the answer.
    assert slack(parser, "answer ＫＶ Cache，缓存 K/V") == Answer(text="ＫＶ Cache，缓存 K/V")


def test_unknown_word_is_an_answer_on_the_console_and_an_error_on_slack(
    parser: CommandParser,
) -> None:
    assert console(parser, "先检索再生成") == Answer(text="先检索再生成")
    error = slack(parser, "先检索再生成")
    assert isinstance(error, ParseError) and error.code == "unknown_command"


def test_a_slash_always_means_a_command(parser: CommandParser) -> None:
    error = console(parser, "/frobnicate")
    assert isinstance(error, ParseError)
    assert error.code == "unknown_command" and not error.could_be_answer
    error = console(parser, "/hint please")
    assert isinstance(error, ParseError) and not error.could_be_answer


def test_a_command_word_that_does_not_fit_may_be_an_answer(parser: CommandParser) -> None:
    for line in ("hint the reranker helps", "start with retrieval, then rerank", "stop words"):
        error = console(parser, line)
        assert isinstance(error, ParseError) and error.could_be_answer, line
    # "hint:" is not the word "hint": plainly an answer.
    assert console(parser, "hint: use a cross-encoder") == Answer(text="hint: use a cross-encoder")


@pytest.mark.parametrize(
    ("line", "code", "command"),
    [
        ("answer", "missing_text", "answer"),
        ("hint me", "unexpected_args", "hint"),
        ("leaderboard yesterday", "bad_period", "leaderboard"),
        ("lang fr", "bad_locale", "lang"),
        ("lang", "bad_locale", "lang"),
        ("help dance", "unknown_help_topic", None),
        ("mark", "bad_mark", "mark"),
        ("mark maybe", "bad_mark", "mark"),
        ("review hard", "review_unknown_key", "review"),
        ("review colour=red", "review_unknown_key", "review"),
        ("review count=99", "count_range", "review"),
    ],
)
def test_other_refusals(parser: CommandParser, line: str, code: str, command: str | None) -> None:
    result = slack(parser, line)
    assert isinstance(result, ParseError)
    assert (result.code, result.command) == (code, command)
