"""Spaced review and self-assessment through the core, as a member meets them.

Questions answered badly come back hours (not minutes) later through `review`; `mark low|high`
is stored beside the automatic grade, moves the review, and never the leaderboard.
"""

from __future__ import annotations

from core_harness import GOOD, BotProcess, kinds, only

from bot.adapters.console.render import render_all
from bot.core.commands import Mark
from bot.core.replies import Board, Feedback, Notice, QuestionCard, StatsView
from bot.core.review.schedule import ReviewSchedule
from bot.core.scoring import points_for
from content.loader import Bank

HOUR = 3600.0
WEAK = "我不太清楚这个"


async def answer_once(bot: BotProcess, text: str, user: str = "alice") -> Feedback:
    """One-question interview on the easy RAG question, answered with `text`."""
    card = only(await bot.say("start rag 1 easy", user), QuestionCard)
    assert card.question_id == "rag-what-is-rag"
    return only(await bot.say(text, user), Feedback)


async def stats(bot: BotProcess, user: str = "alice") -> StatsView:
    return only(await bot.say("stats", user), StatsView)


async def test_a_badly_answered_question_comes_back_hours_later(bot: BotProcess) -> None:
    weak = await answer_once(bot, WEAK)
    assert weak.score < 40

    now = await stats(bot)
    assert now.reviews_due == 0 and now.next_review_in_s == 4 * HOUR
    assert "下一次复习：4 小时后" in render_all([now])
    bot.clock.advance(3 * HOUR)
    views = await bot.say("review")
    assert kinds(views) == ["notice"] and only(views, Notice).code == "no_reviews_due"
    assert "1 小时后到期" in render_all(views)

    bot.clock.advance(HOUR)
    due = await stats(bot)
    assert due.reviews_due == 1 and "待复习：1 题到期" in render_all([due])
    views = await bot.say("review")
    assert only(views, Notice).code == "review_started"
    card = only(views, QuestionCard)
    assert (card.question_id, card.position, card.total) == ("rag-what-is-rag", 1, 1)

    good = only(await bot.say(GOOD["rag-what-is-rag"]), Feedback)
    assert good.score >= 85
    after = await stats(bot)
    assert after.reviews_due == 0
    assert after.next_review_in_s is not None and after.next_review_in_s >= 24 * HOUR


async def test_a_question_answered_well_the_first_time_is_not_scheduled(bot: BotProcess) -> None:
    await answer_once(bot, GOOD["rag-what-is-rag"])
    bot.clock.advance(30 * 24 * HOUR)
    assert (await stats(bot)).next_review_in_s is None
    assert only(await bot.say("review"), Notice).code == "no_reviews_due"


async def test_skipped_and_timed_out_questions_come_back_too(bot: BotProcess) -> None:
    only(await bot.say("start rag 2 30s"), QuestionCard)
    await bot.say("skip")
    await bot.advance(31)  # the second question times out
    bot.clock.advance(5 * HOUR)
    assert (await stats(bot)).reviews_due == 2
    views = await bot.say("review 1")
    assert only(views, QuestionCard).total == 1  # the count asked for, not every due question


async def test_review_respects_a_topic_and_a_session_in_progress(bot: BotProcess) -> None:
    await answer_once(bot, WEAK)
    bot.clock.advance(5 * HOUR)
    assert only(await bot.say("review quantization"), Notice).code == "no_reviews_due"
    only(await bot.say("start quantization 1"), QuestionCard)
    views = await bot.say("review")
    assert kinds(views) == ["error"]
    assert "stop" in render_all(views)  # says how to end the current one first


async def test_mark_low_is_stored_beside_the_grade_and_delays_the_review(bot: BotProcess) -> None:
    weak = await answer_once(bot, WEAK)
    board_before = only(await bot.say("leaderboard"), Board)

    views = await bot.say("mark low")
    notice = only(views, Notice)
    assert notice.code == "mark_saved" and "积分不变" in notice.text
    attempt = await bot.store.get_attempt(weak.attempt_id)
    assert attempt is not None and attempt.self_assessment == "too_low"
    assert attempt.score == weak.score and attempt.points == weak.points  # grade untouched
    assert only(await bot.say("leaderboard"), Board) == board_before

    # Again (4 h) became Hard: it comes back later than it would have.
    later = await stats(bot)
    assert later.next_review_in_s is not None and later.next_review_in_s > 4 * HOUR


async def test_mark_high_on_a_good_grade_brings_the_question_back(bot: BotProcess) -> None:
    good = await answer_once(bot, GOOD["rag-what-is-rag"])
    assert (await stats(bot)).next_review_in_s is None
    views = await bot.say("自评 偏高")
    assert "偏高" in only(views, Notice).text
    assert (await stats(bot)).next_review_in_s is not None
    attempt = await bot.store.get_attempt(good.attempt_id)
    assert attempt is not None and attempt.self_assessment == "too_high"
    assert attempt.points == good.points


async def test_mark_needs_an_answered_question_of_ones_own(bot: BotProcess) -> None:
    assert only(await bot.say("mark low"), Notice).code == "mark_nothing"
    theirs = await answer_once(bot, WEAK, user="bob")
    # A button from bob's feedback pressed by alice changes nothing.
    views = await bot.send(Mark(verdict="too_low", attempt_id=theirs.attempt_id), user="alice")
    assert only(views, Notice).code == "mark_nothing"
    attempt = await bot.store.get_attempt(theirs.attempt_id)
    assert attempt is not None and attempt.self_assessment is None


async def test_mark_with_a_word_it_does_not_know_explains_itself(bot: BotProcess) -> None:
    views = await bot.say("/mark maybe")
    assert kinds(views) == ["error"] and "mark low" in render_all(views)


async def test_no_review_in_one_topic_says_when_that_topics_next_one_is(bot: BotProcess) -> None:
    await answer_once(bot, WEAK)  # a rag card, due in 4 h
    bot.clock.advance(5 * HOUR)
    views = await bot.say("review quantization")
    assert only(views, Notice).code == "no_reviews_due"
    assert "后到期" not in render_all(views)  # nothing scheduled in that topic: no date at all


async def test_marking_an_old_answer_says_it_is_due_now(bot: BotProcess) -> None:
    await answer_once(bot, GOOD["rag-what-is-rag"])
    bot.clock.advance(5 * 24 * HOUR)
    notice = only(await bot.say("mark high"), Notice)
    assert "现在就该复习" in notice.text and "0 秒" not in notice.text
    assert (await stats(bot)).reviews_due == 1


async def test_a_corrected_grade_that_shows_it_was_answered_well_unschedules_it(
    bot: BotProcess,
) -> None:
    weak = await answer_once(bot, WEAK)
    assert (await stats(bot)).next_review_in_s == 4 * HOUR
    # The judge's grade replaces the offline one (as the background refinement does).
    judged = {"grader": "llm-judge", "version": "1.0", "score": 95.0}
    assert await bot.store.replace_grade(
        weak.attempt_id, replaces="offline-keypoints", score=95.0, points=9.5, grade=judged
    )
    rerated = await ReviewSchedule(bot.store).rerate(weak.attempt_id)
    assert rerated.outcome == "none"
    after = await stats(bot)
    assert (after.reviews_due, after.next_review_in_s) == (0, None)


async def test_a_reviewed_question_earns_only_what_beats_the_earlier_best(
    bot: BotProcess, bank: Bank
) -> None:
    partial = await answer_once(bot, "RAG 就是先检索外部知识库，再让模型生成回答。")
    assert partial.points > 0 and partial.earlier_points == 0
    bot.clock.advance(24 * HOUR)
    only(await bot.say("review"), QuestionCard)
    views = await bot.say(GOOD["rag-what-is-rag"])
    good = only(views, Feedback)
    full = points_for(good.score, bank.questions["rag-what-is-rag"].difficulty)
    assert good.earlier_points == partial.points
    assert good.points == round(full - partial.points, 2)
    assert "之前已得" in render_all(views)
    board = only(await bot.say("leaderboard"), Board)
    assert board.rows[0].points == round(full, 2)  # the best answer's worth, once

    # Pasting the same answer again later earns nothing more.
    await bot.say("mark high")
    bot.clock.advance(24 * HOUR)
    only(await bot.say("review"), QuestionCard)
    again = only(await bot.say(GOOD["rag-what-is-rag"]), Feedback)
    assert again.score == good.score and again.points == 0
