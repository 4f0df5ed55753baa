"""Every front end says the same things: what a reply carries reaches the member everywhere.

(The tests are async because discord.py builds its button views on a running loop.)

The renderers differ in layout and markup only; a field one of them forgets (the member's own
rank below the top 10, a streak, a stated misconception) fails here for that front end.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.adapters.console.render import render_all as console_render
from bot.adapters.discord.render import render_all as discord_render
from bot.adapters.slack.render import render as slack_render
from bot.core.commands import Locale
from bot.core.replies import (
    Board,
    BoardRowView,
    CoveredPointView,
    DigestHardest,
    DigestImproved,
    DigestRow,
    Feedback,
    Reply,
    StatsView,
    TopicStatView,
    WeeklyDigest,
)

sys.path.insert(0, str(Path(__file__).parent / "slack"))
from slack_world import block_text  # noqa: E402


def console_text(reply: Reply) -> str:
    return console_render([reply])


def discord_text(reply: Reply) -> str:
    parts: list[str] = []
    for message in discord_render([reply]):
        parts.append(message.content)
        for embed in message.embeds:
            parts += [embed.title or "", embed.description or ""]
            parts += [f"{field.name} {field.value}" for field in embed.fields]
    return "\n".join(parts)


def slack_text(reply: Reply) -> str:
    messages = slack_render([reply], tz=ZoneInfo("Asia/Shanghai"))
    return "\n".join(block_text(message.blocks) for message in messages)


FRONT_ENDS: dict[str, Callable[[Reply], str]] = {
    "console": console_text,
    "discord": discord_text,
    "slack": slack_text,
}


def row(rank: int, name: str, *, you: bool = False) -> BoardRowView:
    return BoardRowView(rank=rank, name=name, points=100.0 - rank, attempts=3, is_you=you)


@pytest.fixture(params=sorted(FRONT_ENDS))
def shown(request: pytest.FixtureRequest) -> Callable[[Reply], str]:
    return FRONT_ENDS[request.param]


async def test_a_member_outside_the_top_sees_their_own_rank(shown: Callable[[Reply], str]) -> None:
    board = Board(
        locale="en",
        period="week",
        since=None,
        rows=[row(1, "ann"), row(2, "bob")],
        you=row(17, "zoe", you=True),
    )
    text = shown(board)
    assert "17. zoe" in text and "ann" in text


async def test_stats_show_the_streak_and_the_next_review(shown: Callable[[Reply], str]) -> None:
    stats = StatsView(
        locale="en",
        attempts=5,
        answered=4,
        average_score=71.0,
        points=40.0,
        by_topic=[TopicStatView(topic_name="RAG", attempts=5, average_score=71.0)],
        reviews_due=2,
        current_streak=3,
        best_streak=6,
    )
    text = shown(stats)
    assert "3" in text and "6" in text and "streak" in text.lower()
    assert "2" in text and "review" in text.lower()


async def test_a_stated_misconception_is_named_in_the_feedback(
    shown: Callable[[Reply], str],
) -> None:
    wrong = "❗ 这一点说错了：LoRA 减少了模型参数（正确的是：原模型参数不变）"
    feedback = Feedback(
        locale="zh-CN",
        session_id="a" * 32,
        attempt_id=7,
        position=1,
        total=2,
        question_id="q",
        topic_name="微调",
        difficulty=2,
        question="LoRA 是什么？",
        outcome="answered",
        score=30,
        max_score=100,
        points=3,
        covered=[CoveredPointView(point="低秩分解", matched=["低秩"])],
        missed=["冻结原权重"],
        verdict="部分答到",
        reference_answer="LoRA 冻结原权重，只训练低秩矩阵 A 和 B。",
        grader="offline 2.0",
        time_taken_s=42,
        misconceptions=[wrong],
    )
    assert "LoRA 减少了模型参数" in shown(feedback)


def digest(locale: Locale) -> WeeklyDigest:
    return WeeklyDigest(
        locale=locale,
        first_day="2026-01-12",
        last_day="2026-01-18",
        members=4,
        attempts=17,
        top=[
            DigestRow(rank=1, name="ann", points=64.5, attempts=6),
            DigestRow(rank=2, name=None, points=40, attempts=5),
        ],
        improved=DigestImproved(name=None, before=22.5, after=71),
        improved_min=3,
        hardest=DigestHardest(
            local_date="2026-01-14",
            question="GPTQ 和 AWQ 有什么区别？",
            topic_name="量化",
            difficulty=3,
            average_score=12.5,
            answers=4,
        ),
        hardest_min=3,
    )


async def test_the_weekly_digest_says_the_same_everywhere(shown: Callable[[Reply], str]) -> None:
    text = shown(digest("zh-CN"))
    assert "2026-01-12" in text and "2026-01-18" in text and "17" in text
    assert "1. ann — 64.5 积分（6 题）" in text
    assert "2. 一位成员 — 40 积分（5 题）" in text  # not opted in: no name
    assert "进步最大：一位成员" in text and "22.5" in text and "71" in text
    assert "2026-01-14" in text and "GPTQ 和 AWQ 有什么区别？" in text and "12.5" in text
    english = shown(digest("en"))
    assert "2. a member — 40 points (5 questions)" in english and "Hardest question" in english


async def test_a_digest_without_improvement_or_hard_question_says_how_to_get_there(
    shown: Callable[[Reply], str],
) -> None:
    quiet = digest("en").model_copy(update={"top": [], "improved": None, "hardest": None})
    text = shown(quiet)
    assert "Nobody earned points last week" in text
    assert "at least 3 questions in each of two weeks" in text
    assert "3 or more answers" in text
