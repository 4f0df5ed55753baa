"""The daily question as issue 8 says it will be checked: from outside, on the wall clock.

Two real `interview-bot run slack --http` processes (as HTTP workers behind a load balancer)
share one PostgreSQL database and one fake Slack. An admin configures the channel a minute
ahead through one of them; at the post time that process is killed with SIGKILL and started
again; members answer through either process; when the window closes the other process is
killed too. Then, after every claim's lease has run out and a further tick has passed (when a
lost claim would be re-sent), the channel must hold exactly one daily post and exactly one
reveal, and the board must show what the answers earned.

It runs on the real clock (about four minutes), and only against PostgreSQL.
"""

from __future__ import annotations

import asyncio
import random
import signal
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

sys.path.insert(0, str(Path(__file__).parents[1] / "adapters" / "slack"))

from slack_fakes import FakeSlack, SignedSlack, default_user  # noqa: E402
from slack_process import BotProcess  # noqa: E402
from slack_user import SlackUser, action_ids, block_text, good_answer  # noqa: E402

from bot.core.daily.poster import LEASE  # noqa: E402
from bot.core.daily.schedule import TICK_S  # noqa: E402
from bot.core.i18n import format_number  # noqa: E402
from content.loader import load_bank  # noqa: E402
from storage import tables  # noqa: E402

SHANGHAI = ZoneInfo("Asia/Shanghai")
POST_WAIT_S = LEASE.total_seconds() + 2 * TICK_S + 30  # a killed claim, resumed by a tick
pytestmark = [pytest.mark.postgres, pytest.mark.timeout(480)]


class Worker:
    """One bot process behind the 'load balancer', restartable on the same database."""

    def __init__(self, name: str, fake: FakeSlack, db_url: str, folder: Path) -> None:
        folder.mkdir()
        self.name, self.fake, self.db_url, self.folder = name, fake, db_url, folder
        self.process = BotProcess(fake, db_url, folder)
        self.user = SlackUser(fake, SignedSlack("http://unused"))
        self.logs: list[str] = []

    async def start(self) -> Worker:
        await self.process.start()
        await self.user.http.close()
        self.user = SlackUser(self.fake, SignedSlack(self.process.url))
        return self

    async def kill(self) -> None:
        await self.process.stop(signal.SIGKILL)
        self.logs += self.process.raw_log
        self.process = BotProcess(self.fake, self.db_url, self.folder)

    async def close(self) -> None:
        if self.process.process is not None and self.process.process.returncode is None:
            await self.process.stop()
        self.logs += self.process.raw_log
        await self.user.http.close()

    def tracebacks(self) -> list[str]:
        return [line for line in self.logs if "Traceback" in line or '"exception"' in line]


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    fake = FakeSlack()
    await fake.start()
    try:
        yield fake
    finally:
        await fake.close()


def _daily_cards(fake: FakeSlack) -> list[dict[str, Any]]:
    return [p for p in fake.of("chat.postMessage") if action_ids(p, "iv:daily:")]


def _reveals(fake: FakeSlack, card: dict[str, Any]) -> list[dict[str, Any]]:
    return [p for p in fake.of("chat.postMessage") if p.get("thread_ts") == card["ts"]]


def _shown(post: dict[str, Any]) -> str:
    return block_text(post.get("blocks") or []) or str(post.get("text", ""))


async def _reply(fake: FakeSlack, user: SlackUser, text: str, member: str) -> dict[str, Any]:
    before = len(fake.responses)
    assert await user.command(text, user=member) == 200
    return (await fake.wait_responses(before + 1))[before]


async def _sleep_until(when: datetime) -> None:
    await asyncio.sleep(max(0.0, (when - datetime.now(UTC)).total_seconds()))


@pytest.mark.parametrize("db_url", ["postgres"], indirect=True)
async def test_two_workers_killed_at_the_post_time_post_and_reveal_exactly_once(
    fake: FakeSlack, db_url: str, tmp_path: Path
) -> None:
    fake.users["UADMIN"] = {**default_user("UADMIN"), "is_admin": True}
    # One at a time: the first applies the migrations to the empty database.
    a = await Worker("a", fake, db_url, tmp_path / "a").start()
    b = await Worker("b", fake, db_url, tmp_path / "b").start()
    engine = create_async_engine(db_url, poolclass=NullPool)
    try:
        now = datetime.now(SHANGHAI)
        due = (now + timedelta(minutes=2 if now.second > 45 else 1)).replace(
            second=0, microsecond=0
        )
        at = due.strftime("%H:%M")
        saved = await _reply(
            fake, a.user, f"config daily {at} tz=Asia/Shanghai window=5m", "UADMIN"
        )
        assert at in _shown(saved)
        # B learns of the configuration from the database, within its next minute tick.
        await _sleep_until(due + timedelta(seconds=random.uniform(0.0, 0.4)))
        await a.kill()  # at the post time: before, while or after it claims and sends
        await a.start()

        await fake.wait_for(lambda: bool(_daily_cards(fake)), timeout_s=POST_WAIT_S)
        [card] = _daily_cards(fake)
        assert card["channel"] == "C1" and "已有 0 人作答" in _shown(card)

        # U2 answers with the post's button through A, U3 by command through B.
        await a.user.press(card, "iv:daily:", user="U2")
        [opened] = await fake.wait_count("views.open", 1)
        _, ack = await a.user.submit(opened["view"], good_answer(load_bank(), card), user="U2")
        assert "errors" not in ack
        typed = await _reply(fake, b.user, "daily 大概是让模型更快一些，我不太确定。", "U3")
        assert "得分" in typed["text"]
        await fake.wait_for(
            lambda: any("已有 2 人作答" in block_text(u["blocks"]) for u in fake.of("chat.update"))
        )

        # The window closes; B is killed as the reveal falls due, and started again.
        async with engine.begin() as connection:
            await connection.execute(
                sa.update(tables.daily_posts).values(
                    closes_at=datetime.now(UTC) - timedelta(seconds=1)
                )
            )
        await b.kill()
        await b.start()
        await fake.wait_for(lambda: bool(_reveals(fake, card)), timeout_s=POST_WAIT_S)

        # Long enough for any claim lost in a kill to be taken over and sent a second time.
        await _sleep_until(datetime.now(UTC) + LEASE + timedelta(seconds=TICK_S + 10))
        assert len(_daily_cards(fake)) == 1, [p["ts"] for p in _daily_cards(fake)]
        [reveal] = _reveals(fake, card)
        assert "共 2 人作答" in _shown(reveal)

        async with engine.connect() as connection:
            posts = (await connection.execute(sa.select(tables.daily_posts))).mappings().all()
            answers = (await connection.execute(sa.select(tables.daily_answers))).all()
            earned = dict(
                (
                    await connection.execute(
                        sa.select(tables.members.c.user_id, sa.func.sum(tables.attempts.c.points))
                        .join(tables.members, tables.members.c.id == tables.attempts.c.member_id)
                        .group_by(tables.members.c.user_id)
                    )
                ).all()
            )
        [post] = posts
        assert post["message_id"] == card["ts"] and post["revealed_at"] is not None
        assert len(answers) == 2 and set(earned) == {"U2", "U3"}
        board = _shown(await _reply(fake, b.user, "leaderboard all", "U2"))
        for user_id, points in earned.items():
            [line] = [line for line in board.splitlines() if user_id.lower() in line]
            # As the board shows points: one decimal at most (2.44 reads "2.4").
            assert f" {format_number(points)} " in line, (user_id, points, board)
    finally:
        await engine.dispose()
        await a.close()
        await b.close()
    assert not a.tracebacks() and not b.tracebacks(), a.tracebacks() + b.tracebacks()
