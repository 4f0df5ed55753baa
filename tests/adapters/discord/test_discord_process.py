"""The real bot process, `interview-bot run discord`, against the fake Discord's REST API and
gateway on loopback, driven as a member and an admin would, across restarts on one database.
Time that would pass (a question's deadline, the daily post's hour, its window) passes while
the bot is down: the stored times are moved and the next process's start-up sweep acts on them.

With DISCORD_TRANSCRIPTS set, everything the bot posted is written to
transcripts/process_member.txt and process_admin.txt, to be read as a member would (they change
from run to run: the questions are drawn at random and the times are the wall clock's).
"""

from __future__ import annotations

import os
import signal
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import transcript
from bot_process import TOKEN, BotProcess, good_answer
from fake_discord import FakeDiscord, Message
from payloads import GENERAL, Member
from test_discord_transcript import readable

from content.loader import Bank, load_bank
from storage import tables

ALICE = Member(750000000000000001, "alice")
BOB = Member(750000000000000002, "bob", locale="en-US")
ADMIN = Member(750000000000000009, "admin", admin=True)
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank()


@pytest.fixture
async def bot(fake: FakeDiscord, tmp_path: Path) -> AsyncIterator[BotProcess]:
    running = BotProcess(fake, tmp_path)
    try:
        yield running
    finally:
        if running.process is not None and running.process.returncode is None:
            await running.stop(signal.SIGKILL)


async def test_a_member_through_the_real_process(
    bot: BotProcess, fake: FakeDiscord, bank: Bank
) -> None:
    await bot.start()
    assert fake.synced[f"guild:{fake.guild_id}"][0]["name"] == "interview"
    thread, first = await _started(bot)
    second, feedback = await _answered_by_modal(bot, bank, thread, first)
    config = await bot.send(bot.payloads.slash(ALICE, "config", time="09:00"))
    assert "只有工作区管理员" in await bot.answered(config)

    # The bot stops; question 2's five minutes run out while it is down.
    assert await bot.stop() in (0, 130)
    gone = datetime.now(UTC) - timedelta(seconds=1)
    bot.database(
        sa.update(tables.attempts)
        .where(tables.attempts.c.state == "asking")
        .values(asked_at=gone - timedelta(minutes=5), deadline_at=gone)
    )
    await bot.start()
    summary = await bot.until(lambda: [m for m in bot.public(thread) if "面试结束" in m.text()])
    assert "时间已到" in summary[0].text() and "超时" in summary[0].text()
    await bot.until(lambda: fake.channels[thread]["thread_metadata"]["archived"])  # after it

    # Buttons from before the restart: a closed question's, and a feedback's that still works.
    late = await bot.send(bot.payloads.button(ALICE, second, second.custom_ids()[0]))
    assert "已经结束" in await bot.answered(late)
    mark = await bot.send(bot.payloads.button(ALICE, feedback, feedback.custom_ids()[0]))
    assert "偏低" in await bot.answered(mark)
    stats = await bot.send(bot.payloads.slash(ALICE, "stats"))
    assert "完成 2 题" in await bot.answered(stats)
    assert await bot.stop() in (0, 130)

    text = transcript.render(fake, {GENERAL: "#general"})
    if os.environ.get("DISCORD_TRANSCRIPTS"):
        transcript.keep("process_member", text)
    readable(text)
    logs = "\n".join(bot.logs)
    assert TOKEN not in logs  # the secret is never logged
    assert not bot.tracebacks(), logs[-3000:]


async def _started(bot: BotProcess) -> tuple[int, Message]:
    """/interview start: a private thread with question 1 in it, and where it is, privately."""
    start = await bot.send(bot.payloads.slash(ALICE, "start", topic="rag", count=2, time=300))
    [(thread, member)] = await bot.until(lambda: bot.fake.thread_members)
    assert member == ALICE.id and bot.fake.channels[thread]["type"] == 12  # private
    [card] = await bot.until(lambda: [m for m in bot.public(thread) if m.custom_ids()])
    assert "面试开始" in card.text() and "第 1/2 题" in card.embeds[-1]["title"]
    assert f"<#{thread}>" in await bot.answered(start)
    return thread, card


async def _answered_by_modal(
    bot: BotProcess, bank: Bank, thread: int, card: Message
) -> tuple[Message, Message]:
    """The Answer button opens the modal; its answer is graded in the thread, and question 2
    follows. Question 2's card and question 1's feedback."""
    press = await bot.send(bot.payloads.button(ALICE, card, card.custom_ids()[0]))
    modal = await bot.callback(press)
    assert modal["type"] == 9  # the modal is the first response
    answer = good_answer(bank, card.text())
    await bot.send(bot.payloads.modal(ALICE, modal["data"]["custom_id"], answer, message=card))
    second = await bot.until(
        lambda: [m for m in bot.public(thread) if "第 2/2 题" in m.text() and m.custom_ids()]
    )
    [feedback] = [m for m in bot.public(thread) if "得分" in m.text()]
    assert feedback.labels() == ["评分偏低", "评分偏高"] and "✅" in feedback.text()
    await bot.until(lambda: not bot.fake.messages[card.id].custom_ids())  # card 1 closed
    return second[0], feedback


async def test_an_admin_and_the_daily_question_through_the_real_process(
    bot: BotProcess, fake: FakeDiscord, bank: Bank
) -> None:
    await bot.start()
    refused = await bot.send(bot.payloads.slash(BOB, "config", time="09:00"))
    assert "Only workspace admins" in await bot.answered(refused)
    at = (datetime.now(SHANGHAI) + timedelta(hours=1)).strftime("%H:%M")
    config = bot.payloads.slash(ADMIN, "config", time=at, timezone="Asia/Shanghai", window="24h")
    assert "已保存" in await bot.answered(await bot.send(config))

    # The bot stops; the post's hour comes while it is down, and the next process posts. (The
    # hour is moved to midnight, which today has passed whenever the test runs.)
    assert await bot.stop() in (0, 130)
    bot.database(sa.update(tables.daily_configs).values(post_hour=0, post_minute=0))
    await bot.start()
    [post] = await bot.until(lambda: _daily_posts(bot))
    assert "已有 0 人作答" in post.text() and post.labels() == ["作答"]
    await _answer_daily(bot, ALICE, post, good_answer(bank, post.text()), "得分")
    await _answer_daily(bot, BOB, post, "I do not know.", "Daily question")
    await bot.until(lambda: "已有 2 人作答" in fake.messages[post.id].text())

    # Killed; the window closes while it is down; the next process reveals.
    await bot.stop(signal.SIGKILL)
    bot.database(sa.update(tables.daily_posts).values(closes_at=datetime.now(UTC)))
    await bot.start()
    reveal = await bot.until(lambda: bot.public(post.id))  # the thread on the post
    assert "揭晓" in reveal[0].text() and "共 2 人作答" in reveal[0].text()
    await bot.until(lambda: not fake.messages[post.id].custom_ids())
    assert "作答已截止" in fake.messages[post.id].text()
    off = await bot.send(bot.payloads.slash(ADMIN, "config", off=True))
    assert "已停止" in await bot.answered(off)
    assert await bot.stop() in (0, 130)

    text = transcript.render(fake, {GENERAL: "#general"})
    if os.environ.get("DISCORD_TRANSCRIPTS"):
        transcript.keep("process_admin", text)
    readable(text)
    assert not bot.tracebacks(), "\n".join(bot.logs)[-3000:]


async def _answer_daily(
    bot: BotProcess, member: Member, post: Message, answer: str, expected: str
) -> None:
    press = await bot.send(bot.payloads.button(member, post, post.custom_ids()[0]))
    modal = await bot.callback(press)
    assert modal["type"] == 9
    submit = bot.payloads.modal(member, modal["data"]["custom_id"], answer, message=post)
    assert expected in await bot.answered(await bot.send(submit))


def _daily_posts(bot: BotProcess) -> list[Message]:
    return [m for m in bot.public(GENERAL) if m.custom_ids() and "daily" in m.custom_ids()[0]]
