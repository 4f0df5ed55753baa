"""The Slack bot as an operator runs it: `interview-bot run slack --http --port 0` as a
subprocess against a fake Slack Web API on loopback, driven by signed requests as a member and
an admin would, across a kill and a restart on the same database.

With SLACK_TRANSCRIPTS set, everything the bot showed is written to
tests/adapters/slack/transcripts/process_member.txt and process_admin.txt, to be read.
With SLACK_E2E_REALTIME set, the daily post is configured a minute ahead and waited for on the
wall clock (up to two minutes); otherwise the clock is moved to the post time while the bot is
down, and the restarted bot's start-up sweep posts it.
"""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import AsyncIterator, Awaitable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).parents[1] / "adapters" / "slack"))

from slack_fakes import FakeSlack, SignedSlack, default_user  # noqa: E402
from slack_payloads import slash  # noqa: E402
from slack_process import WAIT_S, BotProcess  # noqa: E402
from slack_transcript import modal_ack, step, transcript  # noqa: E402
from slack_user import SlackUser, action_ids, block_text, good_answer  # noqa: E402

from content.loader import Bank, load_bank  # noqa: E402
from storage import tables  # noqa: E402

TRANSCRIPTS = Path(__file__).parents[1] / "adapters" / "slack" / "transcripts"
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    fake = FakeSlack()
    await fake.start()
    try:
        yield fake
    finally:
        await fake.close()


@pytest.fixture(scope="module")
def bank() -> Bank:
    return load_bank()


def keep(name: str, text: str) -> None:
    if os.environ.get("SLACK_TRANSCRIPTS"):
        TRANSCRIPTS.mkdir(exist_ok=True)
        (TRANSCRIPTS / name).write_text(text, encoding="utf-8")


class Bot:
    """One bot process at a time on one database; `restart` kills it and starts the next."""

    def __init__(self, fake: FakeSlack, tmp_path: Path) -> None:
        self.fake = fake
        self.db_file = tmp_path / "e2e.db"
        self.tmp_path = tmp_path
        self.process = BotProcess(fake, f"sqlite+aiosqlite:///{self.db_file}", tmp_path)
        self.user = SlackUser(fake, SignedSlack("http://unused"))
        self.logs: list[str] = []

    async def start(self) -> SlackUser:
        await self.process.start()
        await self.user.http.close()
        self.user = SlackUser(self.fake, SignedSlack(self.process.url))
        return self.user

    async def stop(self, sig: int = signal.SIGINT) -> int:
        code = await self.process.stop(sig)
        self.logs += self.process.raw_log
        await self.user.http.close()
        self.process = BotProcess(self.fake, self.process.db_url, self.tmp_path)
        return code

    def database(self, statement: sa.Executable) -> None:
        """What the test does to the stored state while the bot is down (time passing)."""
        engine = sa.create_engine(f"sqlite:///{self.db_file}")
        with engine.begin() as connection:
            connection.execute(statement)
        engine.dispose()

    def tracebacks(self) -> list[str]:
        return [line for line in self.logs if "Traceback" in line or '"exception"' in line]


@pytest.fixture
async def bot(fake: FakeSlack, tmp_path: Path) -> AsyncIterator[Bot]:
    bot = Bot(fake, tmp_path)
    try:
        yield bot
    finally:
        if bot.process.process is not None and bot.process.process.returncode is None:
            await bot.stop(signal.SIGKILL)
        await bot.user.http.close()


async def reply(fake: FakeSlack, sent: Awaitable[int]) -> dict[str, Any]:
    """Send something (a command, a press) and return the ephemeral reply it gets back."""
    before = len(fake.responses)
    await sent
    return (await fake.wait_responses(before + 1))[before]


async def test_the_real_process_serves_signed_slash_commands(bot: Bot, fake: FakeSlack) -> None:
    member = await bot.start()
    status, _ = await member.http.form(
        slash("start 1 5m", user="U1", channel="C1", response_url=fake.response_url())
    )
    assert status == 200
    started, card = (await fake.wait_count("chat.postMessage", 2))[:2]
    assert started["channel"] == card["channel"] == "DU1"
    assert any(b["type"] == "actions" for b in card["blocks"])
    status, _ = await member.http.form(
        slash("start", user="U1", channel="C1", response_url=fake.response_url()),
        signature="v0=" + "f" * 64,
    )
    assert status == 401
    assert await bot.stop() in (0, 130)


async def test_a_member_across_a_restart(bot: Bot, fake: FakeSlack, bank: Bank) -> None:
    member = await bot.start()
    cards, feedback = await _an_interview(member, fake, bank)
    await step(fake, "U1: /interview start quantization 1 30s")
    await reply(fake, member.command("start quantization 1 30s"))
    cards.append(await member.wait_card(3))

    await step(fake, "the bot is stopped; the question's 30 s run out while it is down")
    assert await bot.stop() in (0, 130)
    bot.database(
        sa.update(tables.attempts)
        .where(tables.attempts.c.state == "asking")
        .values(
            asked_at=datetime.now(UTC) - timedelta(seconds=31),
            deadline_at=datetime.now(UTC) - timedelta(seconds=1),
        )
    )
    await step(fake, "a new process on the same database (its start-up sweep)")
    member = await bot.start()
    await fake.wait_for(lambda: len(_summaries(member)) == 2)
    assert "超时" in _shown(_summaries(member)[-1])
    closed = [u for u in fake.of("chat.update") if u["ts"] == cards[2]["ts"]]
    assert closed and "[作答]" not in block_text(closed[-1]["blocks"])  # the old card too
    await _old_buttons_and_forget_me(member, fake, cards, feedback)
    await _in_english(member, fake)
    assert await bot.stop() in (0, 130)

    text = transcript(fake)
    keep("process_member.txt", text)
    assert not bot.tracebacks(), bot.tracebacks()
    assert "Traceback" not in text


async def _an_interview(
    member: SlackUser, fake: FakeSlack, bank: Bank
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """Two questions: a hint, the modal, a DM reply. The cards and the first feedback."""
    await step(fake, "U1: /interview start rag 2 5m (in #C1)")
    started = await reply(fake, member.command("start rag 2 5m"))
    assert "私信" in started["text"]
    first = await member.wait_card(1)
    await step(fake, "U1: Hint button")
    await member.press(first, "iv:hint:")
    await fake.wait_for(lambda: any("💡" in _shown(p) for p in member.posts()))
    await step(fake, "U1: Answer button, then submits the modal")
    await member.press(first, "iv:answer:")
    [opened] = await fake.wait_count("views.open", 1)
    _, ack = await member.submit(opened["view"], good_answer(bank, first))
    await modal_ack(fake, ack)
    assert ack == {}  # closed: the answer is stored
    second = await member.wait_card(2)
    feedback = next(p for p in member.posts() if action_ids(p, "iv:mark:"))
    assert "/80 ·" in _shown(feedback)  # one hint taken: out of 80
    await step(fake, "U1: replies in the DM with an answer to question 2")
    await member.say("切分时要权衡块大小，块之间留一些重叠，按段落边界切。")
    await fake.wait_for(lambda: len(_summaries(member)) == 1)
    assert "2/2" in _shown(_summaries(member)[0])
    return [first, second], feedback


async def _old_buttons_and_forget_me(
    member: SlackUser, fake: FakeSlack, cards: list[dict[str, Any]], feedback: dict[str, Any]
) -> None:
    await step(fake, "U1: the Answer button of the card from before the restart")
    said = await reply(fake, member.press(cards[2], "iv:answer:"))
    assert "已经结束" in said["text"]
    await step(fake, "U1: 'Grade too low' on question 1's feedback, from before the restart")
    said = await reply(fake, member.press(feedback, "iv:mark:"))
    assert "偏低" in said["text"]
    await step(fake, "U1: Skip on question 2's card (finished before the restart)")
    await reply(fake, member.press(cards[1], "iv:skip:"))
    await step(fake, "U1: App Home")
    await member.open_home()
    [home] = await fake.wait_count("views.publish", 1)
    assert "完成 3 题" in block_text(home["view"]["blocks"])
    await step(fake, "U1: /interview forget-me, then Cancel")
    ask = await reply(fake, member.command("forget-me"))
    shown = {"channel": "C1", "ts": "1.1", "blocks": ask["blocks"], "text": ask["text"]}
    assert "没有删除" in (await reply(fake, member.press(shown, "iv:forget:no")))["text"]
    await step(fake, "U1: /interview forget-me again, then Delete")
    ask = await reply(fake, member.command("forget-me"))
    shown = {"channel": "C1", "ts": "1.2", "blocks": ask["blocks"], "text": ask["text"]}
    assert "已删除" in (await reply(fake, member.press(shown, "iv:forget:yes")))["text"]
    await step(fake, "U1: /interview stats")
    stats = await reply(fake, member.command("stats"))
    assert "还没有完成过题目" in block_text(stats["blocks"])


async def _in_english(member: SlackUser, fake: FakeSlack) -> None:
    fake.users["U9"] = {**default_user("U9"), "locale": "en-US", "tz": "Europe/London"}
    await step(fake, "U9 (Slack in English): /interview start rag 1 5m, answers in the DM")
    await reply(fake, member.command("start rag 1 5m", user="U9"))
    await member.wait_card(4)
    await member.say("Rerank because vector recall is coarse; use a cross-encoder.", user="U9")
    await fake.wait_for(lambda: len(_summaries(member)) == 3)
    await step(fake, "U9: /interview forget-me")
    ask = await reply(fake, member.command("forget-me", user="U9"))
    assert "[Yes, delete]" in block_text(ask["blocks"]) and "forget-me" not in ask["text"]
    await step(fake, "U9: /interview nonsense")
    said = await reply(fake, member.command("nonsense", user="U9"))
    assert "nonsense" in said["text"]


def _summaries(member: SlackUser) -> list[dict[str, Any]]:
    ends = ("面试结束", "Interview finished")
    return [p for p in member.posts() if _shown(p).startswith(ends)]


def _shown(post: dict[str, Any]) -> str:
    return block_text(post.get("blocks") or []) or str(post.get("text", ""))


async def test_an_admin_sets_up_the_daily_question(bot: Bot, fake: FakeSlack, bank: Bank) -> None:
    fake.users["UADMIN"] = {**default_user("UADMIN"), "is_admin": True}
    member = await bot.start()
    member, card = await _configured_and_posted(bot, member, fake)
    await _answered(member, fake, bank, card)

    await step(fake, "the bot is killed (SIGKILL); the 5-minute window closes while it is down")
    await bot.stop(signal.SIGKILL)
    closed = datetime.now(UTC) - timedelta(seconds=1)
    bot.database(sa.update(tables.daily_posts).values(closes_at=closed))
    await step(fake, "a new process on the same database (its start-up sweep)")
    member = await bot.start()
    await fake.wait_for(lambda: any(p.get("thread_ts") == card["ts"] for p in member.posts()))
    reveal = next(p for p in member.posts() if p.get("thread_ts") == card["ts"])
    assert "共 2 人作答" in _shown(reveal) and "u2 · " in _shown(reveal)  # show-name=on
    [*_, update] = await fake.wait_count("chat.update", 3)
    assert "作答已截止" in block_text(update["blocks"]) and "[作答]" not in block_text(
        update["blocks"]
    )
    await step(fake, "U4: the post's Answer button from before the restart, submits the modal")
    await member.press(card, "iv:daily:", user="U4")
    [_, opened] = await fake.wait_count("views.open", 2)
    _, ack = await member.submit(opened["view"], "量化就是用更少的比特表示权重。", user="U4")
    await modal_ack(fake, ack)
    [*_, late] = await fake.wait_count("chat.postEphemeral", 3)  # why, and the reveal itself
    assert late["user"] == "U4" and "揭晓" in _shown(late)
    await step(fake, "UADMIN: /interview stats, then App Home")
    await reply(fake, member.command("stats", user="UADMIN"))
    await member.open_home("UADMIN")
    await fake.wait_count("views.publish", 1)
    await step(fake, "UADMIN: /interview config daily off")
    off = await reply(fake, member.command("config daily off", user="UADMIN"))
    assert "/interview config daily" in block_text(off["blocks"])
    assert await bot.stop() in (0, 130)

    text = transcript(fake)
    keep("process_admin.txt", text)
    assert not bot.tracebacks(), bot.tracebacks()
    assert "Traceback" not in text


async def _configured_and_posted(
    bot: Bot, member: SlackUser, fake: FakeSlack
) -> tuple[SlackUser, dict[str, Any]]:
    """A member is refused, the admin sets the channel up a minute ahead, the post appears:
    on the wall clock with SLACK_E2E_REALTIME, else by a restart at the post time."""
    await step(fake, "U2 (not an admin): /interview config daily 09:00")
    refused = await reply(fake, member.command("config daily 09:00", user="U2"))
    assert "管理员" in refused["text"]
    now = datetime.now(SHANGHAI)
    at = (now + timedelta(minutes=2 if now.second > 45 else 1)).strftime("%H:%M")
    await step(fake, f"UADMIN: /interview config daily {at} tz=Asia/Shanghai window=5m")
    saved = await reply(
        fake, member.command(f"config daily {at} tz=Asia/Shanghai window=5m", user="UADMIN")
    )
    assert at in block_text(saved["blocks"])
    await step(fake, "UADMIN: /interview config show")
    await reply(fake, member.command("config show", user="UADMIN"))
    if os.environ.get("SLACK_E2E_REALTIME"):
        await step(fake, f"{at} in Shanghai: the daily post")
        await fake.wait_for(lambda: bool(_daily_cards(member)), timeout_s=150)
    else:
        await step(fake, f"the bot is stopped; it is {at} in Shanghai when a new one starts")
        assert await bot.stop() in (0, 130)
        bot.database(
            sa.update(tables.daily_configs).values(post_hour=now.hour, post_minute=now.minute)
        )
        member = await bot.start()
        await fake.wait_for(lambda: bool(_daily_cards(member)), timeout_s=WAIT_S)
    [card] = _daily_cards(member)
    assert card["channel"] == "C1" and "已有 0 人作答" in _shown(card)
    return member, card


async def _answered(member: SlackUser, fake: FakeSlack, bank: Bank, card: dict[str, Any]) -> None:
    """U2 answers by the button (name shown), U3 by typing; the post counts them."""
    await step(fake, "U2: /interview config show, then config me show-name=on")
    await reply(fake, member.command("config show", user="U2"))
    await reply(fake, member.command("config me show-name=on", user="U2"))
    await step(fake, "U2: Answer button on the post, submits the modal")
    await member.press(card, "iv:daily:", user="U2")
    [opened] = await fake.wait_count("views.open", 1)
    _, ack = await member.submit(opened["view"], good_answer(bank, card), user="U2")
    await modal_ack(fake, ack)
    [feedback] = await fake.wait_count("chat.postEphemeral", 1)
    assert feedback["user"] == "U2" and "每日一题 · 得分" in _shown(feedback)
    [counted] = await fake.wait_count("chat.update", 1)
    assert "已有 1 人作答" in block_text(counted["blocks"])
    await step(fake, "U3: /interview daily, then /interview daily <answer>")
    await reply(fake, member.command("daily", user="U3"))
    typed = await reply(fake, member.command("daily 我不太清楚，大概是让模型更快一些。", user="U3"))
    assert "得分" in typed["text"]
    [_, counted] = await fake.wait_count("chat.update", 2)
    assert "已有 2 人作答" in block_text(counted["blocks"])


def _daily_cards(member: SlackUser) -> list[dict[str, Any]]:
    return [p for p in member.posts() if action_ids(p, "iv:daily:")]


async def test_a_daily_post_slack_took_before_a_kill_is_not_posted_again(
    bot: Bot, fake: FakeSlack
) -> None:
    """Killed after Slack accepted the daily card but before the bot stored its ts: the next
    process finds the card in the channel and records it; the channel shows it once."""
    fake.users["UADMIN"] = {**default_user("UADMIN"), "is_admin": True}
    member = await bot.start()
    now = datetime.now(SHANGHAI)
    later = (now + timedelta(hours=1)).strftime("%H:%M")
    await reply(fake, member.command(f"config daily {later} tz=Asia/Shanghai", user="UADMIN"))
    assert await bot.stop() in (0, 130)
    bot.database(sa.update(tables.daily_configs).values(post_hour=now.hour, post_minute=now.minute))
    fake.stall = lambda method, params: method == "chat.postMessage" and bool(
        action_ids(params, "iv:daily:")
    )
    member = await bot.start()  # its start-up sweep claims today's post and sends the card
    # The sweep runs beside the server: the card may come after the port opens.
    await fake.wait_for(lambda: bool(_daily_cards(member)), timeout_s=WAIT_S)
    await bot.stop(signal.SIGKILL)  # Slack has the card; the bot never heard back
    fake.stall = None
    fake.release.set()
    bot.database(
        sa.update(tables.daily_posts).values(lease_until=datetime.now(UTC) - timedelta(seconds=1))
    )
    member = await bot.start()
    await bot.process.wait_logged("daily.found_sent")
    [card] = _daily_cards(member)
    engine = sa.create_engine(f"sqlite:///{bot.db_file}")
    with engine.connect() as connection:
        [stored] = connection.execute(sa.select(tables.daily_posts.c.message_id)).scalars()
    engine.dispose()
    assert stored == card["ts"]
    # The count is edited into that card when a member answers.
    await member.press(card, "iv:daily:", user="U2")
    [opened] = await fake.wait_count("views.open", 1)
    await member.submit(opened["view"], "我不太清楚。", user="U2")
    [counted] = await fake.wait_count("chat.update", 1)
    assert counted["ts"] == card["ts"] and "已有 1 人作答" in block_text(counted["blocks"])
    assert await bot.stop() in (0, 130)
    assert not bot.tracebacks(), bot.tracebacks()
