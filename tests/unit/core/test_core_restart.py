"""Timers that survive restarts, and nothing scored twice (races, second processes)."""

from __future__ import annotations

import asyncio

from core_harness import GOOD, BotProcess, actor, kinds, only, start_process

from bot.core.clock import FakeClock
from bot.core.replies import Feedback, Notice, QuestionCard, Summary
from content.loader import Bank


async def test_after_a_crash_the_session_goes_on_with_the_time_it_had_left(
    bot: BotProcess, db_url: str, bank: Bank, clock: FakeClock
) -> None:
    card = only(await bot.say("start rag 2 5m"), QuestionCard)
    bot.clock.advance(100)
    await bot.crash()

    clock.advance(20)  # down for 20 s
    again = await start_process(db_url, bank, clock)
    try:
        assert again.messenger.pop() == []  # nothing was due
        views = await again.core.resume(actor(), again.place)
        assert only(views, Notice).code == "resumed"
        resumed = only(views, QuestionCard)
        assert (resumed.attempt_id, resumed.seconds_left) == (card.attempt_id, 180)

        deliveries = await again.advance(180)  # the new process's watcher fires it on time
        assert only(deliveries[0], Feedback).outcome == "expired"
        assert only(deliveries[0], QuestionCard).position == 2
    finally:
        await again.crash()


async def test_time_that_ran_out_while_down_is_expired_at_once_and_explained(
    bot: BotProcess, db_url: str, bank: Bank, clock: FakeClock
) -> None:
    await bot.say("start rag 2 60")
    await bot.crash()
    clock.advance(3600)  # down for an hour

    again = await start_process(db_url, bank, clock)
    try:
        # Delivered during start-up, before any front end shows anything.
        ((delivered_to, _, views),) = again.messenger.pop()
        assert delivered_to.user_id == "alice"
        feedback = only(views, Feedback)
        assert feedback.outcome == "expired" and feedback.while_offline
        assert feedback.time_taken_s == 60  # its time, not the hour the bot was down
        nxt = only(views, QuestionCard)
        assert (nxt.position, nxt.seconds_left) == (2, 60)  # the next one gets its full time
    finally:
        await again.crash()


async def test_the_answer_racing_its_timeout_is_scored_exactly_once(bot: BotProcess) -> None:
    card = only(await bot.say("start rag 2 60"), QuestionCard)
    await bot.watcher.stop()  # hold the watcher so the race below is ours to run
    bot.clock.advance(60)
    answer, _ = await asyncio.gather(
        bot.say(GOOD[card.question_id]), bot.core.expire(card.attempt_id, False)
    )
    delivered = [views for _, _, views in bot.messenger.pop()]
    feedbacks = [v for views in [answer, *delivered] for v in views if isinstance(v, Feedback)]
    assert [f.outcome for f in feedbacks] == ["expired"]  # once, and not as an answer
    cards = [v for views in [answer, *delivered] for v in views if isinstance(v, QuestionCard)]
    assert [c.position for c in cards] == [2]  # the next question was asked once
    attempts = await bot.store.session_attempts(card.session_id)
    assert [(a.position, a.state, a.points) for a in attempts] == [
        (1, "expired", 0.0),
        (2, "asking", 0.0),
    ]


async def test_a_timeout_cannot_undo_an_answer_given_in_time(bot: BotProcess) -> None:
    card = only(await bot.say("start rag 2 60"), QuestionCard)
    bot.clock.advance(59)
    answered = only(await bot.say(GOOD[card.question_id]), Feedback)
    bot.clock.advance(1)
    await bot.core.expire(card.attempt_id, False)  # a stale wake-up, e.g. from another process
    assert bot.messenger.pop() == []
    attempt = await bot.store.get_attempt(card.attempt_id)
    assert attempt is not None and attempt.state == "answered"
    assert attempt.score == answered.score


async def test_two_processes_on_one_database_expire_a_question_once(
    bot: BotProcess, db_url: str, bank: Bank, clock: FakeClock
) -> None:
    await bot.say("start rag 1 60")
    other = await start_process(db_url, bank, clock)  # loads the same pending deadline
    try:
        await bot.settle()
        await other.settle()
        clock.advance(60)
        await bot.settle()
        await other.settle()
        deliveries = bot.messenger.pop() + other.messenger.pop()
        assert len(deliveries) == 1
        assert kinds(deliveries[0][2]) == ["feedback", "summary"]
    finally:
        await other.crash()


async def test_a_process_leaves_other_platforms_sessions_alone(
    bot: BotProcess, db_url: str, bank: Bank, clock: FakeClock
) -> None:
    await bot.say("start rag 1 60", platform="discord", workspace="guild-1")
    deliveries = await bot.advance(120)
    assert deliveries == []  # a discord process would expire and deliver it
    views = await bot.say("status", platform="discord", workspace="guild-1")
    assert only(views, Feedback).outcome == "expired"  # the member's own next command does
    assert isinstance(views[-1], Summary)


async def test_an_early_wake_up_changes_nothing(bot: BotProcess) -> None:
    card = only(await bot.say("start rag 1 60"), QuestionCard)
    bot.clock.advance(30)
    await bot.core.expire(card.attempt_id, False)  # e.g. two processes' clocks disagree
    assert bot.messenger.pop() == []
    status = only(await bot.say("status"), QuestionCard)
    assert (status.attempt_id, status.seconds_left) == (card.attempt_id, 30)
    deliveries = await bot.advance(30)  # still watched: it fires at its real deadline
    assert only(deliveries[0], Feedback).outcome == "expired"
