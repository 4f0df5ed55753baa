"""A timed mock interview through the core: what the member sees at each step."""

from __future__ import annotations

import structlog
from core_harness import GOOD, BotProcess, actor, kinds, only, start_process

from bot.adapters.console.render import render_all
from bot.core.clock import FakeClock
from bot.core.commands import Answer, Start
from bot.core.grading import GradeResult
from bot.core.replies import (
    ErrorNotice,
    Feedback,
    HintCard,
    Notice,
    QuestionCard,
    Summary,
)
from bot.core.scoring import points_for
from content.loader import Bank
from content.schema import Question


async def test_a_full_interview_grades_reveals_and_summarises(bot: BotProcess, bank: Bank) -> None:
    views = await bot.say("start rag 2 5m")
    assert kinds(views) == ["notice", "question"]
    first = only(views, QuestionCard)
    assert (first.position, first.total, first.topic_name) == (1, 2, "RAG与应用")
    assert (first.seconds_left, first.max_score, first.hints) == (300, 100, [])
    question = bank.questions[first.question_id]
    assert first.question == question.question and first.difficulty == question.difficulty

    bot.clock.advance(40)  # the member types for 40 s
    views = await bot.say(GOOD[first.question_id])
    assert kinds(views) == ["feedback", "question"]
    good = only(views, Feedback)
    assert good.outcome == "answered" and good.score >= 85
    assert [p.point for p in good.covered] == [k.point for k in question.key_points]
    assert all(p.matched for p in good.covered) and good.missed == []
    assert good.reference_answer == question.answer
    assert good.points == points_for(good.score, question.difficulty)
    assert good.time_taken_s == 40 and good.grader

    second = only(views, QuestionCard)
    assert (second.position, second.total, second.seconds_left) == (2, 2, 300)
    assert second.question_id != first.question_id

    views = await bot.say("我不太清楚这个")
    weak = only(views, Feedback)
    assert weak.score < 20 and weak.covered == []
    assert len(weak.missed) == len(bank.questions[second.question_id].key_points)
    summary = only(views, Summary)
    assert summary.ended == "finished"
    assert [(i.position, i.outcome) for i in summary.items] == [(1, "answered"), (2, "answered")]
    assert summary.total_score == round(good.score + weak.score, 1)
    assert summary.points == round(good.points + weak.points, 2)
    assert summary.items[0].time_taken_s == 40

    assert kinds(await bot.say("status")) == ["notice"]  # no session any more


async def test_rendered_feedback_marks_covered_and_missed_points(bot: BotProcess) -> None:
    card = only(await bot.say("start rag 1 easy"), QuestionCard)
    assert card.question_id == "rag-what-is-rag"
    text = render_all(await bot.say("检索增强生成会先检索外部知识库，然后再生成。"))
    assert "✅ 先检索外部知识库再生成" in text and "❌ 缓解幻觉" in text
    assert "参考答案" in text and "第 1/1 题" in text


async def test_questions_are_not_repeated_and_unseen_ones_come_first(bot: BotProcess) -> None:
    first = await _play_through(bot, "start rag 2")
    second = await _play_through(bot, "start rag 1")
    assert len(set(first)) == 2
    assert second[0] not in first  # the one rag question not yet seen
    third = await _play_through(bot, "start rag 3")
    assert sorted(third) == sorted({*first, *second})  # all seen: random, still no repeats


async def _play_through(bot: BotProcess, start: str) -> list[str]:
    views = await bot.say(start)
    asked = []
    while True:
        card = only(views, QuestionCard)
        asked.append(card.question_id)
        views = await bot.say("skip")
        if any(isinstance(v, Summary) for v in views):
            return asked


async def test_not_enough_questions_is_refused_clearly(bot: BotProcess) -> None:
    error = only(await bot.say("start quantization 5"), ErrorNotice)
    assert error.code == "not_enough_questions" and "2" in error.text
    error = only(await bot.say("start rag hard 2"), ErrorNotice)
    assert error.code == "not_enough_questions" and "1" in error.text
    assert only(await bot.say("status"), Notice).code == "no_session"


async def test_hints_lower_the_maximum_and_cap_the_score(bot: BotProcess, bank: Bank) -> None:
    card = only(await bot.say("start quantization 1 difficulty=1"), QuestionCard)
    question = bank.questions[card.question_id]
    hints = [only(await bot.say("hint"), HintCard) for _ in range(2)]
    assert [(h.number, h.max_score) for h in hints] == [(1, 80), (2, 60)]
    assert [h.point for h in hints] == [k.point for k in question.key_points[:2]]
    status = only(await bot.say("status"), QuestionCard)
    assert status.max_score == 60 and status.hints == [h.point for h in hints]

    feedback = only(await bot.say(GOOD[card.question_id]), Feedback)
    assert (feedback.score, feedback.max_score) == (60, 60)  # a perfect answer, capped
    assert feedback.points == points_for(60, question.difficulty)


async def test_hints_floor_at_forty_and_run_out(bot: BotProcess, bank: Bank) -> None:
    card = only(await bot.say("start rag 1 hard"), QuestionCard)  # 3 key points
    points = len(bank.questions[card.question_id].key_points)
    maxima = [only(await bot.say("提示"), HintCard).max_score for _ in range(points)]
    assert maxima == [80, 60, 40][:points]
    notice = only(await bot.say("hint"), Notice)
    assert notice.code == "no_more_hints"


async def test_skip_scores_zero_reveals_and_moves_on(bot: BotProcess, bank: Bank) -> None:
    card = only(await bot.say("start rag 2"), QuestionCard)
    views = await bot.say("跳过")
    feedback = only(views, Feedback)
    assert (feedback.outcome, feedback.score, feedback.points) == ("skipped", 0, 0)
    assert feedback.missed == [k.point for k in bank.questions[card.question_id].key_points]
    assert feedback.reference_answer == bank.questions[card.question_id].answer
    assert only(views, QuestionCard).position == 2


async def test_time_running_out_scores_zero_and_asks_the_next(bot: BotProcess) -> None:
    card = only(await bot.say("start rag 2 60"), QuestionCard)
    assert await bot.advance(59) == []  # one second to go: nothing happens
    deliveries = await bot.advance(1)
    assert len(deliveries) == 1
    feedback = only(deliveries[0], Feedback)
    assert (feedback.outcome, feedback.score, feedback.position) == ("expired", 0, 1)
    assert feedback.question_id == card.question_id and feedback.time_taken_s == 60
    assert not feedback.while_offline
    nxt = only(deliveries[0], QuestionCard)
    assert (nxt.position, nxt.seconds_left) == (2, 60)

    deliveries = await bot.advance(60)
    summary = only(deliveries[0], Summary)
    assert [i.outcome for i in summary.items] == ["expired", "expired"]
    assert summary.total_score == 0 and summary.weakest_topics == ["RAG与应用"]


async def test_an_answer_after_the_deadline_is_not_scored(bot: BotProcess) -> None:
    # The watcher is stopped, as if it were busy: the answer itself notices the deadline.
    await bot.watcher.stop()
    card = only(await bot.say("start rag 2 60"), QuestionCard)
    bot.clock.advance(61)
    views = await bot.say(GOOD[card.question_id])
    assert only(views, Notice).code == "too_late"
    assert only(views, Feedback).outcome == "expired"
    assert only(views, QuestionCard).position == 2


async def test_stop_ends_early_with_a_summary(bot: BotProcess) -> None:
    card = only(await bot.say("start rag 3"), QuestionCard)
    await bot.say(GOOD[card.question_id])
    views = await bot.say("stop")
    # The open question was not answered: no "0/100 · +0" feedback, not counted as asked.
    assert kinds(views) == ["summary"]
    summary = only(views, Summary)
    assert summary.ended == "stopped" and (summary.asked, summary.planned) == (1, 3)
    assert [i.outcome for i in summary.items] == ["answered"]
    assert only(await bot.say("stop"), Notice).code == "no_session"
    assert await bot.advance(400) == []  # the stopped question never times out


async def test_a_second_start_says_what_is_running_and_how_to_stop(bot: BotProcess) -> None:
    await bot.say("start rag 3 5m")
    bot.clock.advance(100)
    error = only(await bot.say("start quantization"), ErrorNotice)
    assert error.code == "session_exists"
    assert "1/3" in error.text and "stop" in error.text and "3 分 20 秒" in error.text


async def test_an_answer_without_a_session_says_how_to_start(bot: BotProcess) -> None:
    notice = only(await bot.say("RAG 先检索再生成"), Notice)
    assert notice.code == "no_session" and "start" in notice.text
    notice = only(await bot.send(Answer(text="anything")), Notice)
    assert notice.code == "no_session"


async def test_an_oversized_answer_is_refused_and_nothing_is_stored(bot: BotProcess) -> None:
    card = only(await bot.say("start rag 1"), QuestionCard)
    error = only(await bot.say("很" * 4001), ErrorNotice)
    assert error.code == "answer_too_long" and "4000" in error.text and "4001" in error.text
    attempt = await bot.store.get_attempt(card.attempt_id)
    assert attempt is not None and (attempt.state, attempt.answer) == ("asking", None)
    # Exactly at the limit is fine.
    feedback = only(await bot.say(GOOD[card.question_id].ljust(4000, "。")), Feedback)
    assert feedback.outcome == "answered"


async def test_a_line_starting_with_a_command_word_is_an_answer_while_asked(
    bot: BotProcess,
) -> None:
    card = only(await bot.say("start rag 1"), QuestionCard)
    views = await bot.say("start with " + GOOD[card.question_id])
    assert only(views, Feedback).outcome == "answered"


async def test_unknown_topic_lists_the_topics(bot: BotProcess) -> None:
    error = only(await bot.say("start cooking 3"), ErrorNotice)
    assert error.code == "unknown_topic"
    assert "rag" in error.text and "quantization" in error.text
    error = only(await bot.send(Start(topic="cooking")), ErrorNotice)  # typed (Discord) path
    assert error.code == "unknown_topic"


async def test_out_of_range_numbers_say_the_allowed_range(bot: BotProcess) -> None:
    assert "1–20" in only(await bot.say("start 0"), ErrorNotice).text
    assert "30–1800" in only(await bot.say("start 5s"), ErrorNotice).text
    assert "1–3" in only(await bot.say("start difficulty=9"), ErrorNotice).text


async def test_an_unknown_command_shows_the_help(bot: BotProcess) -> None:
    views = await bot.core.handle_text(
        actor(), bot.place, "frobnicate now", free_text_answers=False
    )
    assert kinds(views) == ["error", "help"]


async def test_a_failure_inside_becomes_an_error_notice_and_a_log_line(
    db_url: str, bank: Bank, clock: FakeClock
) -> None:
    class BrokenGrader:
        name, version = "broken", "0"

        def grade(self, question: Question, answer: str) -> GradeResult:
            raise RuntimeError("grader exploded")

    process = await start_process(db_url, bank, clock, grader=BrokenGrader())
    try:
        await process.say("start rag 1")
        with structlog.testing.capture_logs() as logs:
            views = await process.say("检索增强生成")
        error = only(views, ErrorNotice)
        assert error.code == "internal" and "exploded" not in error.text
        assert "Traceback" not in render_all(views)
        failed = [e for e in logs if e["event"] == "core.command_failed"]
        assert failed and failed[0]["user_id"] == "alice" and failed[0]["log_level"] == "error"
        # Nothing half-done: the question is still open.
        assert only(await process.say("status"), QuestionCard).position == 1
    finally:
        await process.crash()


async def test_a_sooner_deadline_wakes_the_watcher(bot: BotProcess) -> None:
    await bot.say("start rag 1 5m", user="alice")
    await bot.settle()  # the watcher now sleeps until alice's deadline
    await bot.say("start quantization 1 60", user="bob")
    deliveries = await bot.advance(60)
    assert [only(views, Feedback).outcome for views in deliveries] == ["expired"]
    assert only(deliveries[0], Summary).items[0].topic_name == "量化与低精度"


async def test_the_whole_interview_reads_in_english(bot: BotProcess) -> None:
    await bot.say("lang en")
    text = render_all(await bot.say("start rag 2 90s easy"))
    assert "Only 1 question(s) match (RAG and applications · easy); you asked for 2" in text
    text = render_all(await bot.say("start quantization 1 90s"))
    assert "Interview started: 1 question(s), 1m 30s each" in text
    assert "Question 1/1" in text and "Time left: 1m 30s" in text
    assert "Hint 1/4" in render_all(await bot.say("hint"))
    text = render_all(await bot.say("量化用 int8 低比特表示权重，可以降低显存。"))
    assert "✅ Covered" in text and "❌ Missed" in text and "Reference answer:" in text
    assert "Interview finished" in text and "points earned" in text
    assert "Your stats" in render_all(await bot.say("stats"))
    assert "Leaderboard: this week" in render_all(await bot.say("leaderboard"))
    assert "Topics (use the id" in render_all(await bot.say("topics"))


async def test_a_guards_note_follows_the_verdict_as_one_chinese_sentence(bot: BotProcess) -> None:
    await bot.say("start rag 1 5m")
    views = await bot.say(
        "量化把权重从 FP16 映射到 INT8 等低比特表示，降低显存占用，提升推理速度。"
    )
    verdict = only(views, Feedback).verdict
    assert "。" in verdict.rstrip("。")  # the verdict and at least one guard's note
    assert "。 " not in verdict
