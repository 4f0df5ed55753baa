"""What a new user hit in the console: commands typed while a question is open, answers made
of control characters or escape sequences, and what `stop` shows."""

from __future__ import annotations

import pytest
from core_harness import GOOD, BotProcess, kinds, only

from bot.core.replies import ErrorNotice, Feedback, QuestionCard, Summary


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ("start rag 3 10", "duplicate_value"),
        ("start rag 3 10s", "time_range"),
        ("start rag 3 60", "session_exists"),
        ("start topic=nonexistent", "unknown_topic"),
        ("start nonexistent 3", "unknown_topic"),
        ("start count=99", "count_range"),
        ("review difficulty=2", "review_unknown_key"),
    ],
)
async def test_a_command_typed_while_a_question_is_open_is_a_command(
    bot: BotProcess, line: str, code: str
) -> None:
    card = only(await bot.say("start rag 2 60"), QuestionCard)
    error = only(await bot.say(line), ErrorNotice)
    assert error.code == code
    # The question is still open and unanswered.
    status = only(await bot.say("status"), QuestionCard)
    assert status.attempt_id == card.attempt_id


async def test_start_while_open_says_to_stop_first_or_answer(bot: BotProcess) -> None:
    await bot.say("start rag 2 60")
    error = only(await bot.say("start rag 3 60"), ErrorNotice)
    assert "stop" in error.text and "继续作答" in error.text


async def test_prose_that_starts_with_a_command_word_is_still_an_answer(bot: BotProcess) -> None:
    card = only(await bot.say("start rag 1 60"), QuestionCard)
    replies = await bot.say("start with " + GOOD[card.question_id])
    assert only(replies, Feedback).outcome == "answered"


@pytest.mark.parametrize("text", ["\x1b[A\x1b[B", "\x00\x07\x08", " \t\u200b ", "\x1b]0;title\x07"])
async def test_control_character_answers_are_empty_and_change_nothing(
    bot: BotProcess, text: str
) -> None:
    card = only(await bot.say("start rag 1 60"), QuestionCard)
    error = only(await bot.say(f"answer {text}"), ErrorNotice)
    assert error.code == "missing_text"
    assert only(await bot.say("status"), QuestionCard).attempt_id == card.attempt_id
    attempt = await bot.store.get_attempt(card.attempt_id)
    assert attempt is not None and attempt.state == "asking" and attempt.answer is None


async def test_escape_sequences_are_never_stored_or_echoed(bot: BotProcess) -> None:
    card = only(await bot.say("start rag 1 60"), QuestionCard)
    await bot.say("\x1b[31m" + GOOD[card.question_id] + "\x1b[0m")
    attempt = await bot.store.get_attempt(card.attempt_id)
    assert attempt is not None and attempt.answer == GOOD[card.question_id]


async def test_stop_neither_scores_nor_counts_the_open_question(bot: BotProcess) -> None:
    card = only(await bot.say("start rag 3 60"), QuestionCard)
    await bot.say(GOOD[card.question_id])
    replies = await bot.say("stop")
    assert kinds(replies) == ["summary"]  # no "0/100 · +0" feedback for question 2
    summary = only(replies, Summary)
    assert summary.asked == 1 and summary.planned == 3
    assert [item.outcome for item in summary.items] == ["answered"]
    assert summary.total_possible == 100.0


def test_a_scripted_line_is_echoed_without_its_escape_sequences() -> None:
    import io

    from bot.adapters.console.terminal import Terminal

    out = io.StringIO()
    Terminal(out, interactive=False).echo("\x1b[2J\x1b]0;pwned\x07RAG \x07答案")
    assert out.getvalue() == "> RAG 答案\n"
