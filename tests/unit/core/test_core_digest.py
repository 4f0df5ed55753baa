"""The weekly digest as a channel meets it: on Monday at the post time, just before the day's
question, once; who was on top, who improved most, which question was hardest; nothing at all
after an empty week; the same guarantees as the daily post (two processes, a crash, retries,
a gone channel), and Monday morning in the channel's zone across a spring change."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from core_harness import GOOD, BotProcess, only, start_process
from test_core_daily import CHANNEL, DUE, KEY, SETUP, FlakyMessenger, asleep, due, posted, say, who

from bot.core.clock import FakeClock
from bot.core.commands import ConfigShow, Daily, Place
from bot.core.daily.schedule import trigger_for
from bot.core.messenger import DeliveryError, RecordingMessenger
from bot.core.replies import (
    ConfigView,
    DailyCard,
    DailyReveal,
    Feedback,
    Notice,
    Reply,
    WeeklyDigest,
)
from content.loader import Bank
from storage import Store
from storage.digest_models import NewDigest

DIGEST_SETUP = SETUP + " digest=on"
WEEK = timedelta(days=7)
# Monday 2026-01-05 17:05 Shanghai is DUE: the digest of Jan 5–11 is due a week later.
NEXT_MONDAY = DUE + WEEK
BAD = "不知道"


def half(question_id: str) -> str:
    """An answer that covers some of the key points: scores between a bad and a good one."""
    good = GOOD[question_id]
    return good[: len(good) // 2]


async def answer(bot: BotProcess, user: str, how: str) -> Feedback:
    """`user` answers today's question in the channel: "good", "half" or "bad"."""
    card = only(await bot.core.handle(who(user), CHANNEL, Daily()), DailyCard)
    text = {"good": GOOD[card.question_id], "half": half(card.question_id), "bad": BAD}[how]
    return only(await say(bot, f"daily {text}", user=user), Feedback)


async def play(bot: BotProcess, days: dict[int, dict[str, str]]) -> dict[str, list[Feedback]]:
    """Each listed day (days after DUE): the question is posted, the members answer. What each
    member was told, in order."""
    told: dict[str, list[Feedback]] = {}
    for day, answers in sorted(days.items()):
        await due(bot, DUE + timedelta(days=day))
        for user, how in answers.items():
            told.setdefault(user, []).append(await answer(bot, user, how))
    return told


def digests(messenger: RecordingMessenger) -> list[WeeklyDigest]:
    return [r for r in posted(messenger, WeeklyDigest) if isinstance(r, WeeklyDigest)]


def mean(values: list[float]) -> float:
    return sum(values) / len(values)


async def test_the_digest_names_the_top_the_most_improved_and_the_hardest_question(
    bot: BotProcess,
) -> None:
    await say(bot, DIGEST_SETUP, admin=True)
    await say(bot, "config me show-name=on", user="bob")
    week_before = await play(
        bot,
        {
            0: {"alice": "bad", "dave": "bad"},
            1: {"alice": "bad", "dave": "bad"},
            2: {"alice": "bad"},
        },
    )
    week = await play(
        bot,
        {
            7: {"alice": "good", "dave": "good", "bob": "good"},
            8: {"alice": "good", "dave": "good"},
            9: {"alice": "half", "dave": "good", "bob": "good"},
            10: {"frank": "bad", "gina": "bad"},  # two answers: too few to call it hard
            11: {"bob": "bad", "frank": "bad", "gina": "bad"},
        },
    )
    await due(bot, NEXT_MONDAY + WEEK)
    first, digest = digests(bot.messenger)  # one on each Monday
    assert first.first_day == "2026-01-05" and first.improved is None
    assert (digest.first_day, digest.last_day) == ("2026-01-12", "2026-01-18")
    assert digest.members == 5 and digest.attempts == sum(len(told) for told in week.values())

    # Top: by the points each member was told they earned, only those who earned any; only
    # bob opted in to be named.
    points = {user: sum(f.points for f in told) for user, told in week.items()}
    earners = [u for u in points if points[u] > 0]
    assert set(earners) == {"alice", "bob", "dave"}  # frank and gina earned nothing
    shown = [(row.points, row.name or "") for row in digest.top]
    assert shown == sorted(shown, key=lambda pair: -pair[0])
    assert sorted(shown) == sorted((points[u], "bob" if u == "bob" else "") for u in earners)
    for above, below in zip(digest.top, digest.top[1:], strict=False):
        assert (above.rank == below.rank) == (above.points == below.points)

    # Most improved: alice rose from her bad week; dave rose more but answered only twice the
    # week before (three needed), bob was not there the week before.
    alice_before = mean([f.score for f in week_before["alice"]])
    alice_after = mean([f.score for f in week["alice"]])
    dave_rise = mean([f.score for f in week["dave"]]) - mean([f.score for f in week_before["dave"]])
    assert dave_rise > alice_after - alice_before > 0
    assert digest.improved is not None and digest.improved.name is None  # alice: "a member"
    assert digest.improved.before == pytest.approx(alice_before)
    assert digest.improved.after == pytest.approx(alice_after)

    # Hardest: day 11's question (three answers, all bad), not day 10's (two bad answers).
    day_11 = next(c for c in posted(bot.messenger, DailyCard) if c.local_date == "2026-01-16")
    assert isinstance(day_11, DailyCard)
    assert digest.hardest is not None and digest.hardest.local_date == "2026-01-16"
    assert digest.hardest.question == day_11.question and digest.hardest.answers == 3
    day_11_scores = [week[u][-1].score for u in ("bob", "frank", "gina")]
    assert digest.hardest.average_score == pytest.approx(mean(day_11_scores))


async def test_the_digest_goes_out_once_just_before_mondays_question(bot: BotProcess) -> None:
    await say(bot, DIGEST_SETUP, admin=True)
    await play(bot, {0: {"alice": "good"}})
    await due(bot, NEXT_MONDAY - timedelta(seconds=1))
    assert digests(bot.messenger) == []
    bot.clock.set(NEXT_MONDAY)
    await bot.core.daily_poster.fire(1)  # the cron job at the post time
    await due(bot, NEXT_MONDAY + timedelta(minutes=1))  # and the minute tick after it
    await due(bot, NEXT_MONDAY + timedelta(hours=5))
    kinds_posted = [type(r) for _, _, thread, replies in bot.messenger.posts for r in replies]
    assert kinds_posted.count(WeeklyDigest) == 1
    at = kinds_posted.index(WeeklyDigest)
    assert kinds_posted[at + 1] is DailyCard  # the question right after it: the newest message
    (digest,) = digests(bot.messenger)
    assert digest.members == 1 and digest.improved is None and digest.hardest is None


async def test_a_channel_quiet_on_mondays_gets_its_digest_at_the_post_time(
    bot: BotProcess,
) -> None:
    await say(bot, DIGEST_SETUP + " days=tue-sun", admin=True)
    await play(bot, {1: {"alice": "good"}})  # Tuesday
    await due(bot, NEXT_MONDAY - timedelta(seconds=1))
    assert digests(bot.messenger) == []
    await due(bot, NEXT_MONDAY)  # the minute tick: no cron job fires on a Monday here
    assert len(digests(bot.messenger)) == 1
    assert [c.local_date for c in posted(bot.messenger, DailyCard)] == ["2026-01-06"]


async def test_after_an_empty_week_nothing_is_posted_but_the_question(bot: BotProcess) -> None:
    await say(bot, DIGEST_SETUP, admin=True)
    await due(bot)  # the question of Jan 5 goes out; nobody answers all week
    await due(bot, NEXT_MONDAY)
    await due(bot, NEXT_MONDAY + timedelta(minutes=1))
    assert digests(bot.messenger) == []
    assert [c.local_date for c in posted(bot.messenger, DailyCard)] == ["2026-01-05", "2026-01-12"]


async def test_no_digest_unless_the_channel_asked_for_one(bot: BotProcess) -> None:
    await say(bot, SETUP, admin=True)
    await play(bot, {0: {"alice": "good", "bob": "good", "carol": "bad"}})
    await due(bot, NEXT_MONDAY)
    assert digests(bot.messenger) == []
    await say(bot, "config daily digest=on", admin=True)  # turned on later that Monday
    view = only(await bot.core.handle(who(), CHANNEL, ConfigShow()), ConfigView)
    assert view.digest
    await due(bot, NEXT_MONDAY + timedelta(hours=3))
    assert len(digests(bot.messenger)) == 1


async def test_processes_due_at_once_post_each_channels_digest_once(
    db_url: str, bank: Bank, clock: FakeClock
) -> None:
    processes = [await start_process(db_url, bank, clock, seed=s) for s in (1, 2, 3)]
    try:
        admin = who("admin", admin=True)
        for n in range(4):
            await processes[0].core.handle_text(
                admin, Place(channel_id=f"c{n}"), DIGEST_SETUP, free_text_answers=False
            )
        await play(processes[0], {0: {"alice": "good"}})
        clock.set(NEXT_MONDAY)
        await asyncio.gather(*(p.core.daily_poster.tick() for p in processes))
        await asyncio.gather(*(p.core.daily_poster.fire(n) for p in processes for n in range(1, 5)))
        await asyncio.gather(*(p.core.daily_poster.tick() for p in processes))
        channels = [
            channel.channel_id
            for p in processes
            for channel, _, _, replies in p.messenger.posts
            if any(isinstance(r, WeeklyDigest) for r in replies)
        ]
        assert sorted(channels) == [f"c{n}" for n in range(4)]
    finally:
        for process in processes:
            await process.crash()


async def test_a_digest_claimed_before_a_crash_is_sent_once_after_the_restart(
    db_url: str, bank: Bank, clock: FakeClock
) -> None:
    first = await start_process(db_url, bank, clock)
    await say(first, DIGEST_SETUP, admin=True)
    await play(first, {0: {"alice": "good"}})
    config = await first.store.get_daily_config(KEY)
    assert config is not None
    clock.set(NEXT_MONDAY)
    # The process claimed the week, then died before sending.
    claim = NewDigest(
        config_id=config.id,
        **KEY.model_dump(),
        week_start="2026-01-12",
        timezone="Asia/Shanghai",
        locale="zh-CN",
        due_at=NEXT_MONDAY,
        closes_at=NEXT_MONDAY + timedelta(days=1),
    )
    assert await first.store.claim_digest(
        claim, now=NEXT_MONDAY, lease_until=NEXT_MONDAY + timedelta(seconds=60)
    )
    await first.crash()
    second = await start_process(db_url, bank, clock)
    try:
        await due(second, NEXT_MONDAY + timedelta(seconds=30))  # its lease still runs
        assert digests(second.messenger) == []
        assert len(posted(second.messenger, DailyCard)) == 1  # the question is not held up
        await due(second, NEXT_MONDAY + timedelta(seconds=61))
        await due(second, NEXT_MONDAY + timedelta(seconds=121))
        (digest,) = digests(second.messenger)
        assert digest.first_day == "2026-01-05" and digest.top[0].points > 0
    finally:
        await second.crash()


async def test_a_failed_digest_is_retried_and_the_question_goes_out_meanwhile(
    db_url: str, bank: Bank, clock: FakeClock
) -> None:
    messenger = FlakyMessenger([])
    bot = await start_process(db_url, bank, clock, messenger=messenger)
    try:
        await say(bot, DIGEST_SETUP, admin=True)
        await play(bot, {0: {"alice": "good"}})
        await due(bot, NEXT_MONDAY - timedelta(minutes=1))  # last week's reveal goes out
        others = clock.sleepers
        messenger.errors = [DeliveryError("503")]  # the digest is the first post on Monday
        clock.set(NEXT_MONDAY)
        await bot.core.daily_poster.tick()
        assert digests(messenger) == []
        assert posted(messenger, DailyCard)[-1].local_date == "2026-01-12"  # type: ignore[union-attr]
        await asleep(clock, others)
        clock.advance(5)  # the first backoff
        await bot.core.daily_poster.wait_idle()
        assert len(digests(messenger)) == 1
    finally:
        await bot.crash()


async def test_a_gone_channel_stops_the_digest_and_the_admin_is_told_once(
    db_url: str, bank: Bank, clock: FakeClock
) -> None:
    messenger = FlakyMessenger([])
    bot = await start_process(db_url, bank, clock, messenger=messenger)
    try:
        await say(bot, DIGEST_SETUP, user="root", admin=True)
        await play(bot, {0: {"alice": "good"}})
        await due(bot, NEXT_MONDAY - timedelta(minutes=1))  # last week's reveal goes out
        gone = DeliveryError("channel not found", permanent=True)
        messenger.errors = [gone, gone]
        clock.set(NEXT_MONDAY)
        await bot.core.daily_poster.tick()
        await bot.core.daily_poster.wait_idle()
        view = only(await bot.core.handle(who(), CHANNEL, ConfigShow()), ConfigView)
        assert not view.enabled and view.disabled_reason == "channel not found"
        told = [replies for actor, _, replies in messenger.deliveries if actor.user_id == "root"]
        assert [only(replies, Notice).code for replies in told] == ["daily_disabled"]
        await due(bot, NEXT_MONDAY + timedelta(minutes=5))
        assert digests(messenger) == []
    finally:
        await bot.crash()


@contextmanager
def failing_reads(store: Store, marker: str) -> Iterator[None]:
    """Statements containing `marker` fail in the SQLite driver (as on an I/O error), until
    the block ends: the only fake, at the driver's edge."""

    def refuse(cursor: Any, statement: str, parameters: Any, context: Any) -> None:
        if marker in statement:
            raise sqlite3.OperationalError("disk I/O error")

    for engine in store.engines():
        sa.event.listen(engine.dialect, "do_execute", refuse)
    try:
        yield
    finally:
        for engine in store.engines():
            sa.event.remove(engine.dialect, "do_execute", refuse)


async def test_a_digest_that_cannot_be_read_does_not_hold_up_the_question(
    bot: BotProcess,
) -> None:
    if bot.store.engine.dialect.name != "sqlite":
        pytest.skip("the fault is injected in the SQLite driver")
    await say(bot, DIGEST_SETUP, admin=True)
    await play(bot, {0: {"alice": "good"}})
    await due(bot, NEXT_MONDAY - timedelta(minutes=1))
    with failing_reads(bot.store, "score_sum"):  # the digest's member figures
        bot.clock.set(NEXT_MONDAY)
        await bot.core.daily_poster.fire(1)
    assert digests(bot.messenger) == []
    assert posted(bot.messenger, DailyCard)[-1].local_date == "2026-01-12"  # type: ignore[union-attr]
    await due(bot, NEXT_MONDAY + timedelta(seconds=61))  # the claim's lease ran out
    (digest,) = digests(bot.messenger)
    assert digest.members == 1


# ---- Monday morning in the channel's zone, after a spring change ------------------------------

LONDON_SETUP = "config daily 09:00 tz=Europe/London digest=on"
# Clocks in London go forward on Sunday 2026-03-29 at 01:00 UTC: Monday 09:00 is 08:00 UTC.
SUNDAY_POST = datetime(2026, 3, 29, 8, 0, tzinfo=UTC)
MONDAY_POST = datetime(2026, 3, 30, 8, 0, tzinfo=UTC)


async def test_after_the_spring_change_the_digest_comes_at_nine_london_time(
    bot: BotProcess,
) -> None:
    bot.clock.set(datetime(2026, 3, 28, 12, 0, tzinfo=UTC))
    await say(bot, LONDON_SETUP, admin=True)
    await due(bot, SUNDAY_POST)
    bot.clock.set(datetime(2026, 3, 29, 22, 30, tzinfo=UTC))  # Sunday 23:30 in London
    await answer(bot, "alice", "good")
    bot.clock.set(datetime(2026, 3, 29, 23, 30, tzinfo=UTC))  # Monday 00:30: this week already
    await answer(bot, "bob", "good")
    config = await bot.store.get_daily_config(KEY)
    assert config is not None
    fire = trigger_for(config).get_next_fire_time(None, bot.clock.now())
    assert fire == MONDAY_POST  # the cron job that posts the digest, then the question
    await due(bot, MONDAY_POST - timedelta(seconds=1))
    assert digests(bot.messenger) == []
    bot.clock.set(MONDAY_POST)
    await bot.core.daily_poster.fire(config.id)
    (digest,) = digests(bot.messenger)
    assert (digest.first_day, digest.last_day) == ("2026-03-23", "2026-03-29")
    assert digest.attempts == 1 and digest.members == 1  # alice's Sunday answer, not bob's
    replies: list[Reply] = [r for _, _, _, rs in bot.messenger.posts for r in rs]
    assert isinstance(replies[-1], DailyCard) and replies[-1].local_date == "2026-03-30"
    assert isinstance(replies[-2], WeeklyDigest) and isinstance(replies[-3], DailyReveal)
