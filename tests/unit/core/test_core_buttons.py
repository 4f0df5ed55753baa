"""Buttons and modals name their question: a stale or foreign one changes nothing."""

from __future__ import annotations

from core_harness import GOOD, BotProcess, actor, kinds, only

from bot.core.commands import Answer, Hint, Place, QuestionRef, Skip, Stop
from bot.core.replies import ErrorNotice, Feedback, HintCard, Notice, QuestionCard


async def test_a_modal_for_the_open_question_answers_it(bot: BotProcess) -> None:
    card = only(await bot.say("start rag 2 5m"), QuestionCard)
    at = QuestionRef(session_id=card.session_id, position=card.position)
    replies = await bot.send(Answer(text=GOOD[card.question_id], at=at))
    assert kinds(replies) == ["feedback", "question"]
    assert only(replies, Feedback).score >= 85


async def test_buttons_of_a_closed_question_change_nothing(bot: BotProcess) -> None:
    first = only(await bot.say("start rag 2 5m"), QuestionCard)
    old = QuestionRef(session_id=first.session_id, position=1)
    await bot.say("skip")
    for command in (Answer(text="迟到的回答", at=old), Hint(at=old), Skip(at=old)):
        replies = await bot.send(command)
        assert [(r.kind, r.code) for r in replies if isinstance(r, Notice)] == [
            ("notice", "button_closed")
        ]
    status = only(await bot.say("status"), QuestionCard)
    assert (status.position, status.hints) == (2, [])  # still on question 2, no hint taken


async def test_another_members_buttons_are_refused(bot: BotProcess) -> None:
    card = only(await bot.say("start rag 2 5m"), QuestionCard)
    at = QuestionRef(session_id=card.session_id, position=1)
    await bot.say("start quantization 1 5m", user="bob")
    for command in (Hint(at=at), Skip(at=at), Stop(at=at), Answer(text="x", at=at)):
        replies = await bot.core.handle(actor("bob"), bot.place, command)
        assert only(replies, ErrorNotice).code == "button_not_yours"
    status = only(await bot.say("status"), QuestionCard)
    assert (status.session_id, status.position, status.hints) == (card.session_id, 1, [])


async def test_stop_button_stops_only_its_own_session(bot: BotProcess) -> None:
    first = only(await bot.say("start rag 1 5m"), QuestionCard)
    await bot.say("skip")  # that interview is over
    second = only(await bot.say("start rag 1 5m"), QuestionCard)
    replies = await bot.send(Stop(at=QuestionRef(session_id=first.session_id, position=1)))
    assert only(replies, Notice).code == "button_closed"
    replies = await bot.send(Hint(at=QuestionRef(session_id=second.session_id, position=1)))
    assert only(replies, HintCard).number == 1
    replies = await bot.send(Stop(at=QuestionRef(session_id=second.session_id, position=1)))
    assert "summary" in kinds(replies)


async def test_check_button_says_whether_a_modal_may_open_and_changes_nothing(
    bot: BotProcess,
) -> None:
    card = only(await bot.say("start rag 2 5m"), QuestionCard)
    at = QuestionRef(session_id=card.session_id, position=1)
    assert await bot.core.check_button(actor("alice"), at) is None
    foreign = await bot.core.check_button(actor("bob"), at)
    assert isinstance(foreign, ErrorNotice) and foreign.code == "button_not_yours"
    await bot.say("skip")
    closed = await bot.core.check_button(actor("alice"), at)
    assert isinstance(closed, Notice) and closed.code == "button_closed"
    status = only(await bot.say("status"), QuestionCard)
    assert (status.position, status.hints) == (2, [])


async def test_session_place_is_where_the_interview_started(bot: BotProcess) -> None:
    assert await bot.core.session_place(actor("alice")) is None
    here = Place(channel_id="C1", thread_id="171.5")
    await bot.core.handle_text(actor("alice"), here, "start rag 1 5m", free_text_answers=False)
    assert await bot.core.session_place(actor("alice")) == here
    await bot.core.handle_text(actor("alice"), Place(), "stop", free_text_answers=False)
    assert await bot.core.session_place(actor("alice")) is None
