"""A member's whole run, dumped as text under transcripts/ to be read by a person: every
message, embed and button the bot posted, in order. The asserts keep it honest (no raw ids,
no Python reprs, no missing translations)."""

from __future__ import annotations

import re

import transcript
from harness import GOOD, DiscordBot
from payloads import GENERAL
from test_discord_interview import ALICE, question_id_in, start
from test_discord_refusals import BOB
from test_discord_typed import typing_bot  # noqa: F401  (the fixture)


def readable(text: str) -> None:
    assert "Traceback" not in text and "None" not in text
    # No template field left unfilled ("{count}") and no Python dict: a brace of its own is
    # fine (a model answer may write `R^{n×d}`; the daily question differs from day to day).
    assert not re.search(r"\{[a-z_]+\}|\{'", text), re.findall(r".*\{.*", text)
    assert not re.search(r"\b(card|feedback|notice|error|button|thread)\.[a-z_]+\b", text)


async def test_member_run_transcript(typing_bot: DiscordBot) -> None:  # noqa: F811
    bot = typing_bot
    await bot.feed(bot.payloads.slash(ALICE, "topics"))
    thread = await start(bot, topic="rag", count=3, time=120)
    card = bot.last_in(thread)
    await bot.feed(bot.payloads.button(ALICE, card, card.custom_ids()[1]))  # hint
    await bot.feed(
        bot.payloads.modal(
            ALICE, card.custom_ids()[0], GOOD[question_id_in(bot, thread)], message=card
        )
    )
    await bot.feed_message(bot.payloads.message(ALICE, thread, "不知道"))  # typed, weak
    await bot.advance(121)  # question 3 times out
    await bot.feed(bot.payloads.slash(ALICE, "leaderboard", period="all"))
    await bot.feed(bot.payloads.slash(ALICE, "stats"))
    await bot.feed(bot.payloads.slash(BOB, "start", topic="astrology"))
    await bot.feed(bot.payloads.slash(BOB, "start", count=99))
    path = transcript.write("member", bot.fake, {GENERAL: "#general"})
    text = path.read_text(encoding="utf-8")
    readable(text)
    assert "面试结束" in text and "时间到" in text and "There is no topic" in text


async def test_english_run_transcript(bot: DiscordBot) -> None:
    await bot.feed(bot.payloads.slash(BOB, "help"))
    thread = await start(bot, BOB, topic="rag", count=2, time=300)
    card = bot.last_in(thread)
    await bot.feed(bot.payloads.button(BOB, card, card.custom_ids()[1]))  # hint
    await bot.feed(bot.payloads.button(BOB, card, card.custom_ids()[2]))  # skip: card 2 stays open
    await bot.feed(
        bot.payloads.button(ALICE, bot.last_in(thread), bot.last_in(thread).custom_ids()[1])
    )
    await bot.feed(bot.payloads.slash(BOB, "status"))
    path = transcript.write("member_en", bot.fake, {GENERAL: "#general"})
    text = path.read_text(encoding="utf-8")
    readable(text)
    assert "Question 2/2" in text and "别人的面试" in text and "/interview start" in text
