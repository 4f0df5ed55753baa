"""The daily challenge as admins and members meet it: configure, post once, answer, reveal."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

import pytest
from core_harness import GOOD, BotProcess, kinds, only, start_process

from bot.core.clock import FakeClock
from bot.core.commands import Actor, Command, ConfigShow, Daily, DailyAnswer, Place, Stats
from bot.core.daily import views
from bot.core.messenger import ChannelRef, DeliveryError, RecordingMessenger
from bot.core.replies import (
    ConfigView,
    DailyCard,
    DailyReveal,
    ErrorNotice,
    Feedback,
    Notice,
    Reply,
    StatsView,
)
from content.loader import Bank
from storage.daily_models import ChannelKey, NewDailyPost

CHANNEL = Place(channel_id="c1")
KEY = ChannelKey(platform="console", workspace_id="local", channel_id="c1")
# The fake clock starts on Monday 2026-01-05 09:00 UTC = 17:00 in Shanghai.
SETUP = "config daily 17:05 tz=Asia/Shanghai"
DUE = datetime(2026, 1, 5, 9, 5, tzinfo=UTC)


def who(user: str = "alice", *, admin: bool = False) -> Actor:
    return Actor(
        platform="console", workspace_id="local", user_id=user, display_name=user, is_admin=admin
    )


async def say(
    bot: BotProcess, text: str, user: str = "alice", *, admin: bool = False
) -> list[Reply]:
    return await bot.core.handle_text(
        who(user, admin=admin), CHANNEL, text, free_text_answers=False
    )


async def send(bot: BotProcess, command: Command, user: str = "alice") -> list[Reply]:
    return await bot.core.handle(who(user), CHANNEL, command)


async def due(bot: BotProcess, when: datetime = DUE) -> None:
    bot.clock.set(max(when, bot.clock.now()))
    await bot.core.daily_poster.tick()
    await bot.core.daily_poster.wait_idle()


def posted(messenger: RecordingMessenger, kind: type[Reply]) -> list[Reply]:
    return [r for _, _, _, replies in messenger.posts for r in replies if isinstance(r, kind)]


async def test_only_admins_configure_and_nothing_changes_otherwise(bot: BotProcess) -> None:
    refused = only(await say(bot, SETUP), ErrorNotice)
    assert refused.code == "not_admin"
    view = only(await send(bot, ConfigShow()), ConfigView)
    assert not view.configured


@pytest.mark.parametrize(
    ("line", "named"),
    [
        ("config daily time=25:00", "25:00"),
        ("config daily 09:00 timezone=Mars/Olympus", "Mars/Olympus"),
        ("config daily 09:00 days=funday", "funday"),
        ("config daily 09:00 topics=astrology", "astrology"),
        ("config daily 09:00 window=0", "0"),
        ("config daily 09:00 difficulty=7", "7"),
    ],
)
async def test_bad_values_are_named_and_change_nothing(
    bot: BotProcess, line: str, named: str
) -> None:
    error = only(await say(bot, line, admin=True), ErrorNotice)
    assert named in error.text
    assert not only(await send(bot, ConfigShow()), ConfigView).configured


async def test_a_configured_channel_gets_one_post_a_day_however_often_it_is_asked(
    bot: BotProcess, db_url: str, bank: Bank, clock: FakeClock
) -> None:
    view = only(await say(bot, SETUP, admin=True), ConfigView)
    assert view.enabled and view.time == "17:05" and view.timezone == "Asia/Shanghai"
    assert view.next_post_at == DUE
    await due(bot, DUE - timedelta(seconds=1))
    assert bot.messenger.posts == []
    await due(bot)
    await due(bot, DUE + timedelta(minutes=1))
    second = await start_process(db_url, bank, clock)
    try:
        await due(second, DUE + timedelta(minutes=2))
        assert second.messenger.posts == []
    finally:
        await second.crash()
    assert len(bot.messenger.posts) == 1
    channel, _, thread_of, replies = bot.messenger.posts[0]
    assert channel == ChannelRef(platform="console", workspace_id="local", channel_id="c1")
    card = only(replies, DailyCard)
    assert thread_of is None and not card.closed and card.answers == 0
    # Answers stay open until the next post (tomorrow 17:05 Shanghai).
    assert card.closes_at == DUE + timedelta(days=1)


async def test_a_member_answers_once_and_the_post_counts_answers(bot: BotProcess) -> None:
    await say(bot, SETUP, admin=True)
    await due(bot)
    card = only(await send(bot, Daily()), DailyCard)
    assert card.your_score is None
    feedback = only(await say(bot, f"daily {GOOD[card.question_id]}"), Feedback)
    assert feedback.daily_post_id == card.post_id and feedback.score >= 60
    assert feedback.points > 0
    again = only(await send(bot, DailyAnswer(post_id=card.post_id, text="另一个回答")), Notice)
    assert again.code == "daily_already_answered"
    assert f"{feedback.score:g}" in again.text
    await bot.core.daily_poster.wait_idle()
    edited = only(bot.messenger.edits[-1][2], DailyCard)
    assert edited.answers == 1
    assert only(await send(bot, Daily()), DailyCard).your_score == feedback.score


async def test_blank_and_control_character_answers_are_refused_and_not_saved(
    bot: BotProcess,
) -> None:
    await say(bot, SETUP, admin=True)
    await due(bot)
    card = only(await send(bot, Daily()), DailyCard)
    refused = only(
        await send(bot, DailyAnswer(post_id=card.post_id, text="\x1b[2J\x07 \t")), ErrorNotice
    )
    assert refused.code == "missing_text"
    assert only(await send(bot, Daily()), DailyCard).answers == 0


async def test_the_reveal_follows_the_window_and_late_answers_get_it(bot: BotProcess) -> None:
    await say(bot, SETUP + " window=2h", admin=True)
    await say(bot, "config me show-name=on", user="bob")
    await due(bot)
    card = only(await send(bot, Daily()), DailyCard)
    await send(bot, DailyAnswer(post_id=card.post_id, text=GOOD[card.question_id]), user="bob")
    await send(bot, DailyAnswer(post_id=card.post_id, text=GOOD[card.question_id]), user="carol")
    await send(bot, DailyAnswer(post_id=card.post_id, text="不知道"), user="dave")
    await due(bot, DUE + timedelta(hours=2))
    await due(bot, DUE + timedelta(hours=2, minutes=1))  # revealed once
    reveals = posted(bot.messenger, DailyReveal)
    assert len(reveals) == 1
    reveal = reveals[0]
    assert isinstance(reveal, DailyReveal)
    assert bot.messenger.posts[-1][2] == bot.messenger.posts[0][1]  # in reply to the post
    assert reveal.answers == 3 and sum(b.count for b in reveal.distribution) == 3
    # Carol did not opt in to her name; dave's 0 is nobody's best score.
    assert [e.name for e in reveal.best] == ["bob", None]
    assert only(bot.messenger.edits[-1][2], DailyCard).closed
    late = await send(bot, DailyAnswer(post_id=card.post_id, text=GOOD[card.question_id]))
    assert kinds(late) == ["notice", "daily_reveal"]
    assert only(late, Notice).code == "daily_closed"


async def test_a_reveal_the_dead_process_had_sent_is_recorded_not_sent_again(
    db_url: str, bank: Bank, clock: FakeClock
) -> None:
    channel = RecordingMessenger()  # the platform, shared by both processes
    first = await start_process(db_url, bank, clock, messenger=channel)
    await say(first, SETUP + " window=2h", admin=True)
    await due(first)
    card = only(await send(first, Daily()), DailyCard)
    await send(first, DailyAnswer(post_id=card.post_id, text=GOOD[card.question_id]), user="bob")
    closed = DUE + timedelta(hours=2)
    clock.set(closed)
    # The process claims the reveal, posts it, and dies before storing that it did.
    post = await first.store.claim_daily_reveal(
        card.post_id, now=closed, lease_until=closed + timedelta(seconds=60)
    )
    assert post is not None
    answers = await first.store.daily_answers_for(post.id)
    question = bank.questions[post.question_id]
    reveal = views.reveal(bank, post, question, answers, locale="zh-CN")
    ref = ChannelRef(**KEY.model_dump())
    shown = await channel.post(ref, [reveal], thread_of=post.message_id)
    await first.crash()
    second = await start_process(db_url, bank, clock, messenger=channel)
    try:
        await due(second, closed + timedelta(seconds=61))
        await due(second, closed + timedelta(seconds=121))
        assert len(posted(channel, DailyReveal)) == 1
        stored = await second.store.get_daily_post(post.id)
        assert stored is not None and stored.reveal_message_id == shown
        assert only(channel.edits[-1][2], DailyCard).closed  # the card says answers are closed
    finally:
        await second.crash()


async def test_a_channel_does_not_repeat_a_question_until_its_pool_is_used_up(
    bot: BotProcess, bank: Bank
) -> None:
    await say(bot, SETUP + " topics=rag", admin=True)
    pool = {q.id for q in bank.questions.values() if q.topic == "rag"}
    seen: list[str] = []
    for day in range(len(pool) + 1):
        await due(bot, DUE + timedelta(days=day))
        seen.append(only(bot.messenger.posts[-1][3], DailyCard).question_id)
    assert set(seen[: len(pool)]) == pool
    assert seen[-1] in pool


async def _crash_after_claiming(first: BotProcess, bank: Bank, clock: FakeClock) -> str:
    """The process claims the day, then dies before sending; the claimed question's id."""
    await say(first, SETUP, admin=True)
    clock.set(DUE)
    config = await first.store.get_daily_config(KEY)
    assert config is not None
    question = next(iter(bank.questions.values()))
    await first.store.claim_daily_post(
        NewDailyPost(
            config_id=config.id,
            **KEY.model_dump(),
            local_date="2026-01-05",
            question_id=question.id,
            topic=question.topic,
            difficulty=question.difficulty,
            locale="zh-CN",
            due_at=DUE,
            closes_at=DUE + timedelta(days=1),
        ),
        now=DUE,
        lease_until=DUE + timedelta(seconds=60),
    )
    await first.crash()
    return question.id


async def test_a_claim_left_by_a_crash_is_sent_once_after_the_restart(
    db_url: str, bank: Bank, clock: FakeClock
) -> None:
    question_id = await _crash_after_claiming(await start_process(db_url, bank, clock), bank, clock)
    second = await start_process(db_url, bank, clock)
    try:
        await due(second, DUE + timedelta(seconds=30))  # its lease still runs: hands off
        assert second.messenger.posts == []
        await due(second, DUE + timedelta(seconds=61))
        await due(second, DUE + timedelta(seconds=121))
        assert len(second.messenger.posts) == 1
        assert only(second.messenger.posts[0][3], DailyCard).question_id == question_id
    finally:
        await second.crash()


async def test_a_post_the_dead_process_had_sent_is_recorded_not_sent_again(
    db_url: str, bank: Bank, clock: FakeClock
) -> None:
    channel = RecordingMessenger()  # the platform: what the channel shows, whoever posted it
    await _crash_after_claiming(await start_process(db_url, bank, clock), bank, clock)
    second = await start_process(db_url, bank, clock, messenger=channel)
    try:
        # The dead process's post had reached the channel before it could store its id.
        [claim] = await second.store.daily_posts_to_resume(DUE + timedelta(seconds=61))
        question = bank.questions[claim.question_id]
        sent = views.card(bank, claim, question, locale="zh-CN", closed=False)
        message_id = await channel.post(ChannelRef(**KEY.model_dump()), [sent])
        await due(second, DUE + timedelta(seconds=61))
        await due(second, DUE + timedelta(seconds=121))
        assert len(channel.posts) == 1
        stored = await second.store.get_daily_post(claim.id)
        assert stored is not None and stored.message_id == message_id
        # The answer count is edited into that post.
        feedback = only(await say(second, f"daily {GOOD[claim.question_id]}"), Feedback)
        assert feedback.daily_post_id == claim.id
        await second.core.daily_poster.wait_idle()
        assert [m for _, m, _ in channel.edits] == [message_id]
    finally:
        await second.crash()


async def test_a_claim_of_another_platform_is_left_to_its_own_processes(
    db_url: str, bank: Bank, clock: FakeClock
) -> None:
    await _crash_after_claiming(await start_process(db_url, bank, clock), bank, clock)
    # A Discord process on the same database: the console channel is not its to post in.
    other = await start_process(db_url, bank, clock, platforms=frozenset({"discord"}))
    try:
        await due(other, DUE + timedelta(seconds=61))
        assert other.messenger.posts == []
    finally:
        await other.crash()
    own = await start_process(db_url, bank, clock)
    try:
        await due(own, DUE + timedelta(seconds=121))
        assert len(own.messenger.posts) == 1
    finally:
        await own.crash()


async def test_two_processes_due_at_once_post_once(
    db_url: str, bank: Bank, clock: FakeClock
) -> None:
    processes = [await start_process(db_url, bank, clock, seed=s) for s in (1, 2, 3)]
    try:
        for n in range(5):
            await processes[0].core.handle_text(
                who("admin", admin=True),
                Place(channel_id=f"c{n}"),
                SETUP,
                free_text_answers=False,
            )
        clock.set(DUE)
        await asyncio.gather(*(p.core.daily_poster.tick() for p in processes))
        await asyncio.gather(*(p.core.daily_poster.fire(1) for p in processes))
        channels = [c.channel_id for p in processes for c, _, _, _ in p.messenger.posts]
        assert sorted(channels) == [f"c{n}" for n in range(5)]
    finally:
        for process in processes:
            await process.crash()


async def asleep(clock: FakeClock, others: int) -> None:
    """Until a retry waits on the clock besides `others` sleepers (the deadline watcher)."""
    async with asyncio.timeout(5):
        # FakeClock has no event for a new sleeper; poll briefly, under the deadline.
        while clock.sleepers <= others:  # noqa: ASYNC110
            await asyncio.sleep(0.001)


class FlakyMessenger(RecordingMessenger):
    """Posts to channel c1 fail with `errors`, in order; then they go through."""

    def __init__(self, errors: Sequence[DeliveryError]) -> None:
        super().__init__()
        self.errors = list(errors)

    async def post(
        self, channel: ChannelRef, replies: Sequence[Reply], *, thread_of: str | None = None
    ) -> str:
        if self.errors and channel.channel_id == "c1":
            raise self.errors.pop(0)
        return await super().post(channel, replies, thread_of=thread_of)


async def test_platform_errors_are_retried_with_backoff_while_answers_are_open(
    db_url: str, bank: Bank, clock: FakeClock
) -> None:
    messenger = FlakyMessenger([DeliveryError("503"), DeliveryError("429", retry_after_s=30)])
    bot = await start_process(db_url, bank, clock, messenger=messenger)
    try:
        await say(bot, SETUP, admin=True)
        others = clock.sleepers
        clock.set(DUE)
        await bot.core.daily_poster.tick()
        assert messenger.posts == []
        await asleep(clock, others)
        clock.advance(4)
        await asleep(clock, others)
        clock.advance(1)  # the first backoff: 5 s
        await asleep(clock, others)  # 503 again → waits for the 429's Retry-After
        clock.advance(29)
        await asleep(clock, others)
        assert messenger.posts == []
        clock.advance(1)
        await bot.core.daily_poster.wait_idle()
        assert len(messenger.posts) == 1
    finally:
        await bot.crash()


async def test_a_gone_channel_turns_its_config_off_and_tells_the_admin(
    db_url: str, bank: Bank, clock: FakeClock
) -> None:
    messenger = FlakyMessenger([DeliveryError("channel not found", permanent=True)])
    bot = await start_process(db_url, bank, clock, messenger=messenger)
    try:
        await say(bot, SETUP, user="root", admin=True)
        await bot.core.handle_text(
            who("root", admin=True), Place(channel_id="c2"), SETUP, free_text_answers=False
        )
        clock.set(DUE)
        await bot.core.daily_poster.tick()
        await bot.core.daily_poster.wait_idle()
        view = only(await send(bot, ConfigShow()), ConfigView)
        assert not view.enabled and view.disabled_reason == "channel not found"
        ((actor, _, replies),) = messenger.deliveries
        assert actor.user_id == "root" and only(replies, Notice).code == "daily_disabled"
        # The other channel is unaffected.
        assert [c.channel_id for c, _, _, _ in messenger.posts] == ["c2"]
    finally:
        await bot.crash()


async def test_streaks_count_the_channels_posting_days_answered_well(bot: BotProcess) -> None:
    # Weekdays only: Friday → Monday is consecutive for the channel.
    await say(bot, SETUP + " days=mon-fri", admin=True)
    scores: list[float] = []
    for day in (0, 1, 2, 3, 4, 7, 8):  # Mon–Fri, then next Mon, Tue
        await due(bot, DUE + timedelta(days=day))
        card = only(await send(bot, Daily()), DailyCard)
        text = "不知道" if day == 2 else GOOD[card.question_id]  # Wednesday: a weak answer
        scores.append(only(await say(bot, f"daily {text}"), Feedback).score)
    assert scores[2] < 60 <= min(scores[:2] + scores[3:])
    stats = only(await send(bot, Stats()), StatsView)
    assert (stats.current_streak, stats.best_streak) == (4, 4)  # Thu, Fri, Mon, Tue
    # Wednesday's question is open and unanswered: the streak holds until it closes.
    await due(bot, DUE + timedelta(days=9))
    assert only(await send(bot, Stats()), StatsView).current_streak == 4
    await due(bot, DUE + timedelta(days=10))
    assert only(await send(bot, Stats()), StatsView).current_streak == 0
