"""The boards read from the kept totals are the boards summed straight from the attempts.

A seeded random mix of everything that writes points (answers, timeouts, skips, stops, a judge's
new grade, daily answers, a forget-me) runs across a week boundary in a workspace whose zone is
not UTC, with boards read now and then (so some periods are built from the attempts midway and
others are kept from the first answer on), once in another zone too. After every read the week,
month and all-time boards, with a member's own row outside the top, must equal the ones computed
here from the attempts table. On SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from daily_config import daily_values
from sqlalchemy.ext.asyncio import AsyncConnection

from storage import Store, open_store
from storage.daily_answers import DailyAlreadyAnswered
from storage.daily_models import ChannelKey, DailyPostRecord, NewDailyPost
from storage.engine import make_engine
from storage.migrate import upgrade_engine
from storage.models import AttemptRecord, MemberKey
from storage.session_sql import NextQuestion, Then
from storage.tables import attempts, members, sessions

BEFORE_TOTALS = "0005"  # the schema revision migration 0006 (the boards' totals) follows
NEW_YORK = ZoneInfo("America/New_York")
KOLKATA = ZoneInfo("Asia/Kolkata")  # +05:30: its midnights are on no UTC hour
ADELAIDE = ZoneInfo("Australia/Adelaide")  # +10:30 in January
# Friday noon UTC to Tuesday: New York's week begins on Monday 2026-01-12 at 05:00 UTC.
START = datetime(2026, 1, 9, 12, 0, tzinfo=UTC)
END = datetime(2026, 1, 13, 12, 0, tzinfo=UTC)
CHANNEL = ChannelKey(platform="discord", workspace_id="w1", channel_id="c1")
OFFLINE = {"grader": "offline-keypoints"}
Row = tuple[int, int, str, float, int]  # rank, member id, user id, points, attempts


def period(kind: str, now: datetime, zone: ZoneInfo) -> tuple[datetime, datetime, datetime]:
    """since, until, next until of this week or month in `zone`."""

    def midnight(day: datetime) -> datetime:
        return datetime.combine(day.date(), time.min, tzinfo=zone)

    def following(start: datetime) -> datetime:
        if kind == "week":
            return midnight(start + timedelta(days=7))
        return midnight((start.replace(day=28) + timedelta(days=4)).replace(day=1))

    local = now.astimezone(zone)
    since = midnight(
        local - timedelta(days=local.weekday()) if kind == "week" else local.replace(day=1)
    )
    until = following(since)
    return since, until, following(until)


@dataclass
class Total:
    user_id: str
    hundredths: int = 0
    attempts: int = 0
    last_at: datetime = START


async def straight_from_attempts(
    store: Store, since: datetime | None, limit: int, member_id: int
) -> list[Row]:
    """The board as the specification says it, from every attempt of the workspace."""
    query = (
        sa.select(
            attempts.c.member_id,
            attempts.c.points,
            attempts.c.finished_at,
            attempts.c.state,
            members.c.user_id,
        )
        .join(members, members.c.id == attempts.c.member_id)
        .where((members.c.platform == "discord") & (members.c.workspace_id == "w1"))
    )
    async with store.engine.connect() as conn:
        found = (await conn.execute(query)).all()
    totals: dict[int, Total] = {}
    for row in found:
        if row.finished_at is None or row.state == "stopped":
            continue
        if since is not None and row.finished_at < since:
            continue
        total = totals.setdefault(row.member_id, Total(row.user_id, last_at=row.finished_at))
        total.hundredths += round(row.points * 100)
        total.attempts += 1
        total.last_at = max(total.last_at, row.finished_at)
    order = sorted(totals, key=lambda m: (-totals[m].hundredths, totals[m].last_at, m))

    def row_of(member: int) -> Row:
        total = totals[member]
        rank = 1 + sum(1 for other in totals.values() if other.hundredths > total.hundredths)
        return (rank, member, total.user_id, total.hundredths / 100, total.attempts)

    board = [row_of(member) for member in order[:limit]]
    if member_id in totals and member_id not in order[:limit]:
        board.append(row_of(member_id))
    return board


@dataclass
class Mix:
    """The random mix of writes, and the boards it checks."""

    store: Store
    rng: random.Random
    members: list[int]
    now: datetime = START
    answered: list[AttemptRecord] = field(default_factory=list)
    posts: dict[str, DailyPostRecord] = field(default_factory=dict)
    config_id: int = 0
    forgotten: int | None = None
    reads: int = 0

    def points(self) -> float:
        return self.rng.choice([0.0, 2.5, 7.25, 10.0, 12.34, 20.0, 30.0, 0.01, 15.5])

    async def step(self) -> None:
        self.now += timedelta(minutes=self.rng.randrange(5, 80))
        member = self.rng.choice(self.members)
        action = self.rng.choices(
            ["answer", "timeout", "skip", "stop", "regrade", "daily"], [8, 2, 1, 1, 2, 2]
        )[0]
        if action == "regrade":
            await self.regrade()
        elif action == "daily":
            await self.daily(member)
        else:
            await self.interview(member, action)

    async def interview(self, member: int, action: str) -> None:
        opened = await self.store.open_attempt(member)
        if opened is None or opened.attempt is None:
            await self.store.start_session(
                member_id=member,
                platform="discord",
                workspace_id="w1",
                channel_id="c1",
                thread_id=None,
                topic="rag",
                difficulty=2,
                question_ids=[f"q{n}" for n in range(4)],
                time_limit_s=600,
                locale="zh-CN",
                now=self.now,
                first=self.question(0),
            )
            return
        attempt = opened.attempt
        then: Callable[[AttemptRecord], Then] = lambda done: (  # noqa: E731
            self.question(done.position) if done.position < 4 else "finished"
        )
        if action == "stop":
            then = lambda _: "stopped"  # noqa: E731
        state = {"answer": "answered", "timeout": "expired", "skip": "skipped"}.get(action)
        moved = await self.store.finish_and_move(
            attempt.id,
            state=state or "stopped",  # type: ignore[arg-type]
            now=max(self.now, attempt.deadline_at) if action == "timeout" else self.now,
            then=then,
            answer="…" if action == "answer" else None,
            score=50.0 if action == "answer" else None,
            points=self.points() if action == "answer" else 0.0,
            grade=OFFLINE if action == "answer" else None,
            only_if_expired=action == "timeout",
        )
        if moved.finished is not None and moved.finished.state == "answered":
            self.answered.append(moved.finished)

    def question(self, position: int) -> NextQuestion:
        deadline = self.now + timedelta(minutes=10)
        return NextQuestion(f"q{position}", "rag", 2, deadline)

    async def regrade(self) -> None:
        if not self.answered:
            return
        attempt = self.answered.pop(self.rng.randrange(len(self.answered)))
        new = self.points()
        judged = {"grader": "judge", "score": 70.0}
        await self.store.replace_grade(
            attempt.id, replaces="offline-keypoints", score=70.0, points=new, grade=judged
        )

    async def daily(self, member: int) -> None:
        day = self.now.astimezone(NEW_YORK).date().isoformat()
        if day not in self.posts:
            self.posts[day] = await self.post(day)
        try:
            answered = await self.store.save_daily_answer(
                self.posts[day],
                member_id=member,
                locale="zh-CN",
                answer="…",
                score=60.0,
                points=self.points(),
                grade=OFFLINE,
                now=self.now,
            )
        except DailyAlreadyAnswered:
            return
        self.answered.append(answered[1])

    async def post(self, day: str) -> DailyPostRecord:
        claim = NewDailyPost(
            config_id=self.config_id,
            **CHANNEL.model_dump(),
            local_date=day,
            question_id="q-daily",
            topic="rag",
            difficulty=2,
            locale="zh-CN",
            due_at=self.now,
            closes_at=self.now + timedelta(hours=20),
        )
        post = await self.store.claim_daily_post(
            claim, now=self.now, lease_until=self.now + timedelta(minutes=1)
        )
        assert post is not None
        sent = await self.store.record_daily_post_sent(post.id, message_id=day, now=self.now)
        assert sent is not None
        return sent

    async def check_boards(self, zone: ZoneInfo) -> None:
        """Every board, with a member's own row, against the attempts."""
        self.reads += 1
        asking = [m for m in self.members if m != self.forgotten]
        for kind in ("week", "month", "all"):
            since: datetime | None = None
            bounds: dict[str, datetime] = {}
            if kind != "all":
                since, until, next_until = period(kind, self.now, zone)
                bounds = {"until": until, "next_until": next_until}
            for limit in (2, 50):
                member = self.rng.choice(asking)
                board = await self.store.leaderboard(
                    platform="discord",
                    workspace_id="w1",
                    since=since,
                    limit=limit,
                    member_id=member,
                    **bounds,
                )
                got = [(r.rank, r.member_id, r.user_id, r.points, r.attempts) for r in board]
                expected = await straight_from_attempts(self.store, since, limit, member)
                assert got == expected, (kind, zone.key, self.now, limit)
                assert self.forgotten not in {row[1] for row in got}


async def configured(store: Store) -> int:
    values = daily_values().model_copy(update={"timezone": NEW_YORK.key})
    return (await store.save_daily_config(CHANNEL, values, now=START)).id


@pytest.mark.parametrize("seed", [1, 2])
async def test_boards_from_totals_equal_boards_from_attempts(store: Store, seed: int) -> None:
    people = [
        await store.get_or_create_member(
            MemberKey(platform="discord", workspace_id="w1", user_id=f"u{n}"), f"u{n}"
        )
        for n in range(6)
    ]
    twin = await store.get_or_create_member(
        MemberKey(platform="slack", workspace_id="w1", user_id="u0")
    )
    mix = Mix(store, random.Random(seed), [member.id for member in people])
    mix.config_id = await configured(store)
    other_board = Mix(store, random.Random(seed + 100), [twin.id])
    step = 0
    while mix.now < END:
        step += 1
        await mix.step()
        if step % 5 == 0:  # someone on another platform's board scores too
            other_board.now = mix.now
            await other_board.interview(twin.id, "answer")
        if step == 45:
            mix.forgotten = mix.members.pop(0)
            await store.forget_member(mix.forgotten)
            mix.answered = [a for a in mix.answered if a.member_id != mix.forgotten]
        if step % 12 == 0:
            await mix.check_boards(NEW_YORK)
        if step in (30, 100):
            await mix.check_boards(KOLKATA)
    assert step > 100 and mix.reads > 10
    assert mix.now.astimezone(NEW_YORK).weekday() == 1  # the mix crossed into a new week
    for zone in (NEW_YORK, KOLKATA, ADELAIDE):  # Adelaide: its periods built only now
        await mix.check_boards(zone)


ZONES = [ZoneInfo(name) for name in ("UTC", "Europe/Berlin", "Asia/Tokyo", "Pacific/Auckland")]


async def test_boards_built_while_answers_are_written_count_each_answer_once(
    store: Store,
) -> None:
    """Each new zone makes the reader build its periods from the attempts while answers keep
    arriving (on PostgreSQL on several connections at once): none is lost or counted twice."""
    people = [
        await store.get_or_create_member(
            MemberKey(platform="discord", workspace_id="w1", user_id=f"u{n}")
        )
        for n in range(8)
    ]
    mixes = [Mix(store, random.Random(n), [member.id]) for n, member in enumerate(people)]

    async def play(mix: Mix) -> None:
        for _ in range(30):
            await mix.interview(mix.members[0], "answer")

    async def read() -> None:
        for zone in ZONES:
            for kind in ("week", "month"):
                since, until, next_until = period(kind, END, zone)
                await store.leaderboard(
                    platform="discord",
                    workspace_id="w1",
                    since=since,
                    until=until,
                    next_until=next_until,
                )

    await asyncio.gather(read(), *(play(mix) for mix in mixes))
    check = Mix(store, random.Random(0), [member.id for member in people], now=END)
    for zone in ZONES:
        await check.check_boards(zone)


async def write_around_the_store(conn: AsyncConnection) -> None:
    """Members, sessions and attempts as plain rows (an earlier version's, or a restore)."""
    await conn.execute(
        sa.insert(members),
        [
            {"id": n, "platform": "discord", "workspace_id": ws, "user_id": f"u{n}"}
            | {"created_at": START, "display_name": None, "locale": None}
            for n, ws in ((1, "w1"), (2, "w1"), (3, "w1"), (4, "w2"))
        ],
    )
    await conn.execute(
        sa.insert(sessions),
        [
            {"id": f"s{n}", "member_id": n, "platform": "discord", "workspace_id": "w1"}
            | {"state": "finished", "question_ids": [], "time_limit_s": 60}
            | {"current_index": 0, "locale": "zh-CN", "created_at": START}
            for n in (1, 2, 3, 4)
        ],
    )
    played = [  # member, state, points, finished n hours after START (None: still open)
        (1, "answered", 12.34, 1),
        (1, "expired", 0.0, 2),
        (1, "stopped", 30.0, 3),  # never counts
        (2, "answered", 12.34, 0),  # as many points as u1, reached first
        (2, "asking", 0.0, None),
        (3, "skipped", 0.0, 80),  # a later week
        (3, "answered", 20.0, 81),
        (4, "answered", 30.0, 1),  # another workspace
    ]
    await conn.execute(
        sa.insert(attempts),
        [
            {"session_id": f"s{member}", "member_id": member, "question_id": f"q{n}"}
            | {"topic": "rag", "difficulty": 2, "position": n, "state": state}
            | {"asked_at": START, "deadline_at": START, "max_score": 100.0}
            | {"hints_used": 0, "points": points}
            | {"finished_at": None if hours is None else START + timedelta(hours=hours)}
            for n, (member, state, points, hours) in enumerate(played)
        ],
    )


async def check_written_around(store: Store) -> None:
    board = await store.leaderboard(platform="discord", workspace_id="w1", since=None)
    assert [(r.rank, r.user_id, r.points, r.attempts) for r in board] == [
        (1, "u3", 20.0, 2),
        (2, "u2", 12.34, 1),
        (2, "u1", 12.34, 2),
    ]
    check = Mix(store, random.Random(0), [1, 2, 3], now=START + timedelta(hours=90))
    for zone in (NEW_YORK, KOLKATA):
        await check.check_boards(zone)
    other = await store.leaderboard(platform="discord", workspace_id="w2", since=None)
    assert [(r.user_id, r.points) for r in other] == [("u4", 30.0)]


async def test_migration_0006_keeps_the_all_time_board_of_existing_attempts(db_url: str) -> None:
    engine = make_engine(db_url)
    await upgrade_engine(engine, BEFORE_TOTALS)
    async with engine.begin() as conn:
        await write_around_the_store(conn)
    await engine.dispose()

    async with await open_store(db_url) as store:  # migrates to 0006, which backfills
        await check_written_around(store)


async def test_rows_written_around_the_store_are_counted_at_the_first_board(store: Store) -> None:
    """No kept period for their workspaces yet: the first boards build all of them."""
    async with store.engine.begin() as conn:
        await write_around_the_store(conn)
    await check_written_around(store)
