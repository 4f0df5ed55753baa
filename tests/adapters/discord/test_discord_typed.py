"""Typing in the interview thread answers, when the Message Content intent is on; anything
typed by someone else, by a bot or elsewhere is ignored."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from fake_discord import FakeDiscord
from harness import GOOD, DiscordBot, start_bot
from payloads import GENERAL
from test_discord_interview import ALICE, question_id_in, start
from test_discord_refusals import BOB

from bot.core.clock import FakeClock
from content.loader import Bank


@pytest.fixture
async def typing_bot(
    db_url: str, fake: FakeDiscord, bank: Bank, clock: FakeClock
) -> AsyncIterator[DiscordBot]:
    running = await start_bot(db_url, fake, bank, clock, typed_answers=True)
    try:
        yield running
    finally:
        await running.close()


async def test_a_reply_in_the_thread_is_the_answer(typing_bot: DiscordBot) -> None:
    bot = typing_bot
    thread = await start(bot, topic="rag", count=2)
    card = bot.last_in(thread)
    assert "直接在本帖回复" in card.text()
    typed = bot.payloads.message(ALICE, thread, GOOD[question_id_in(bot, thread)])
    await bot.feed_message(typed)
    posted = [
        r
        for r in bot.fake.requests
        if r.method == "POST" and r.path == f"/channels/{thread}/messages"
    ]
    assert str(posted[-2].body["message_reference"]["message_id"]) == typed["id"]  # a reply
    assert any("得分" in m.text() for m in bot.public(thread))
    assert "第 2/2 题" in bot.last_in(thread).embeds[-1]["title"]
    assert bot.fake.messages[card.id].custom_ids() == []


async def test_others_bots_and_other_channels_are_ignored(typing_bot: DiscordBot) -> None:
    bot = typing_bot
    thread = await start(bot, topic="rag", count=1)
    before = len(bot.fake.requests)
    for payload in (
        bot.payloads.message(BOB, thread, "我来替 alice 回答"),
        bot.payloads.message(ALICE, thread, "机器人说的话", bot=True),
        bot.payloads.message(ALICE, GENERAL, "在大厅里说话"),
    ):
        await bot.feed_message(payload)
    assert len(bot.fake.requests) == before  # nothing posted, nothing graded


async def test_a_5000_character_reply_is_refused_and_changes_nothing(
    typing_bot: DiscordBot,
) -> None:
    bot = typing_bot
    thread = await start(bot, topic="rag", count=1)
    card = bot.last_in(thread)
    await bot.feed_message(bot.payloads.message(ALICE, thread, "长" * 5000))
    assert "5000" in bot.last_in(thread).text() and "4000" in bot.last_in(thread).text()
    assert bot.fake.messages[card.id].custom_ids() != []  # the question is still open


async def test_without_the_intent_typing_does_nothing(bot: DiscordBot) -> None:
    thread = await start(bot, topic="rag", count=1)
    assert "直接在本帖回复" not in bot.last_in(thread).text()
    before = len(bot.fake.requests)
    await bot.feed_message(bot.payloads.message(ALICE, thread, GOOD[question_id_in(bot, thread)]))
    assert len(bot.fake.requests) == before
