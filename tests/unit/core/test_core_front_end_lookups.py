"""What chat front ends ask the core besides commands: where a session lives, whose workspace a
button belongs to, and the wording of an option out of range."""

from __future__ import annotations

from core_harness import BotProcess, actor, only

from bot.core.commands import ParseError, Place
from bot.core.replies import ErrorNotice, Feedback, QuestionCard


async def test_workspace_of_a_session_and_of_an_attempt(bot: BotProcess) -> None:
    card = only(await bot.say("start rag 2 5m"), QuestionCard)
    feedback = only(await bot.say("skip"), Feedback)
    assert await bot.core.workspace_of(session_id=card.session_id) == "local"
    assert await bot.core.workspace_of(attempt_id=feedback.attempt_id) == "local"
    assert await bot.core.workspace_of(session_id="0" * 32) is None
    assert await bot.core.workspace_of(attempt_id=999_999) is None


async def test_explain_words_an_option_error_in_the_members_language(bot: BotProcess) -> None:
    await bot.say("lang en")
    replies = await bot.core.explain(
        actor("alice"),
        Place(),
        ParseError(code="count_range", command="start", params={"value": 99, "min": 1, "max": 20}),
    )
    error = only(replies, ErrorNotice)
    assert error.code == "count_range" and error.locale == "en"
    assert "99" in error.text and "20" in error.text
