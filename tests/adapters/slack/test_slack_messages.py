"""Replies in the DM and in the session's thread answer; bots, the bot itself, retries and
other channel chatter are never answered."""

from __future__ import annotations

from slack_fakes import BOT_USER
from slack_world import SlackWorld, block_text, good_answer


def scored(slack: SlackWorld) -> list[dict]:  # type: ignore[type-arg]
    return [p for p in slack.posts() if "得分" in p["text"]]


async def test_a_dm_reply_answers_the_open_question(slack: SlackWorld) -> None:
    await slack.command("start rag 2 5m")
    card = await slack.wait_card(1)
    assert await slack.say(good_answer(slack.services.bank, card)) == 200
    await slack.wait_card(2)
    [feedback] = scored(slack)
    assert feedback["channel"] == "DU1"


async def test_a_thread_reply_answers_a_here_interview(slack: SlackWorld) -> None:
    await slack.command("start rag 1 5m here", channel="C5")
    card = await slack.wait_card(1)
    await slack.say(
        good_answer(slack.services.bank, card), channel="C5", thread_ts=card["thread_ts"]
    )
    await slack.fake.wait_for(lambda: len(scored(slack)) == 1)
    assert scored(slack)[0]["thread_ts"] == card["thread_ts"]


async def test_the_dm_reads_commands_like_the_console(slack: SlackWorld) -> None:
    await slack.say("start rag 1 5m")
    card = await slack.wait_card(1)
    assert card["channel"] == "DU1"
    await slack.say("hint")
    await slack.fake.wait_for(lambda: any("提示 1/" in p["text"] for p in slack.posts()))


async def test_bots_the_bot_itself_retries_and_chatter_are_not_answered(slack: SlackWorld) -> None:
    await slack.command("start rag 2 5m here", channel="C5")
    card = await slack.wait_card(1)
    answer = good_answer(slack.services.bank, card)
    thread = card["thread_ts"]
    await slack.say(answer, user="U1", channel="C5", thread_ts=thread, bot_id="B9")
    await slack.say(answer, user=BOT_USER, channel="C5", thread_ts=thread)
    await slack.say(answer, user="U1", channel="C5", thread_ts=thread, subtype="message_changed")
    await slack.say(answer, user="U1", channel="C5")  # the channel, not the thread
    await slack.say(answer, user="U2", channel="C5", thread_ts=thread)  # not U2's interview
    status = await slack.http.event(
        __import__("slack_payloads").message(answer, user="U1", channel="C5", thread_ts=thread),
        headers={"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"},
    )
    assert status[0] == 200
    # Then one real reply: it is the first and only answer scored.
    await slack.say(answer, user="U1", channel="C5", thread_ts=thread)
    await slack.wait_card(2)
    assert len(scored(slack)) == 1


async def test_a_5000_character_reply_is_refused_and_nothing_stored(slack: SlackWorld) -> None:
    await slack.command("start rag 1 5m here", channel="C5")
    card = await slack.wait_card(1)
    await slack.say("长" * 5000, channel="C5", thread_ts=card["thread_ts"])
    [whisper] = await slack.fake.wait_count("chat.postEphemeral", 1)
    assert whisper["user"] == "U1" and "5000" in whisper["text"]
    assert scored(slack) == []
    await slack.command("status")
    await slack.fake.wait_for(lambda: len(slack.cards()) == 2)
    assert block_text(slack.cards()[-1]["blocks"]).startswith("第 1/1 题")
