"""What the core says later (a timeout) reaches the session's DM or thread; channel posts and
edits for the daily challenge; 429s retried after Retry-After; refusals as DeliveryError."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from slack_fakes import Failure
from slack_world import SlackWorld, block_text

from bot.core.i18n import t
from bot.core.messenger import ChannelRef, DeliveryError
from bot.core.replies import DailyCard, Notice


async def _time_out(slack: SlackWorld, seconds: float) -> None:
    async with asyncio.timeout(10):
        await slack.services.watcher.wait_idle()
        slack.clock.advance(seconds)
        await slack.services.watcher.wait_idle()


async def test_a_timeout_is_delivered_to_the_thread_and_closes_the_card(slack: SlackWorld) -> None:
    await slack.command("start rag 2 60s here", channel="C7")
    card = await slack.wait_card(1)
    await _time_out(slack, 61)
    second = await slack.wait_card(2)
    assert second["channel"] == "C7" and second["thread_ts"] == card["thread_ts"]
    expired = next(p for p in slack.posts() if "得分" in p["text"])
    assert expired["thread_ts"] == card["thread_ts"] and "时间到" in block_text(expired["blocks"])
    [closed] = await slack.fake.wait_count("chat.update", 1)
    assert closed["ts"] == card["ts"] and "已结束" in block_text(closed["blocks"])


def notice(text: str) -> Notice:
    return Notice(locale="zh-CN", code="test", text=text)


async def test_post_and_edit_a_channel_message(slack: SlackWorld) -> None:
    messenger = slack.parts.messenger
    channel = ChannelRef(platform="slack", workspace_id="T0TEAM", channel_id="C1")
    ts = await messenger.post(channel, [notice("今日一题")])
    reply = await messenger.post(channel, [notice("揭晓")], thread_of=ts)
    await messenger.edit(channel, ts, [notice("今日一题（已截止）")])
    first, second = slack.posts()
    assert (first["channel"], first["ts"]) == ("C1", ts) and second["thread_ts"] == ts
    assert reply == second["ts"]
    [edit] = slack.fake.of("chat.update")
    assert edit["ts"] == ts and "已截止" in edit["text"]


async def test_a_429_is_retried_after_retry_after(slack: SlackWorld) -> None:
    slack.fake.failures["chat.postMessage"] = Failure(status=429, retry_after=0, times=1)
    channel = ChannelRef(platform="slack", workspace_id="T0TEAM", channel_id="C1")
    ts = await slack.parts.messenger.post(channel, [notice("hello")])
    assert [c.method for c in slack.fake.calls if "postMessage" in c.method] == [
        "chat.postMessage!failed",
        "chat.postMessage",
    ]
    assert ts == slack.posts()[0]["ts"]


async def test_refusals_become_delivery_errors(slack: SlackWorld) -> None:
    messenger = slack.parts.messenger
    channel = ChannelRef(platform="slack", workspace_id="T0TEAM", channel_id="CGONE")
    slack.fake.failures["chat.postMessage"] = Failure(error="channel_not_found")
    with pytest.raises(DeliveryError) as gone:
        await messenger.post(channel, [notice("x")])
    assert gone.value.permanent
    # Still limited after every retry: a temporary failure with the wait Slack asked for.
    slack.fake.failures["chat.postMessage"] = Failure(status=429, retry_after=0, times=3)
    with pytest.raises(DeliveryError) as limited:
        await messenger.post(channel, [notice("x")])
    assert not limited.value.permanent and limited.value.retry_after_s == 0


async def test_deliver_never_raises(slack: SlackWorld) -> None:
    slack.fake.failures["chat.postMessage"] = Failure(error="is_archived", times=5)
    from bot.core.commands import Actor, Place

    actor = Actor(platform="slack", workspace_id="T0TEAM", user_id="U1")
    await slack.parts.messenger.deliver(
        actor, Place(channel_id="C1"), [notice(t("zh-CN", "notice.no_session"))]
    )
    assert slack.fake.count("chat.postMessage!failed") == 1


def daily_card(post_id: int) -> DailyCard:
    return DailyCard(
        locale="zh-CN",
        post_id=post_id,
        local_date="2026-01-05",
        question_id="rag-what-is-rag",
        question="什么是 RAG？",
        topic_id="rag",
        topic_name="RAG与应用",
        difficulty=2,
        closes_at=datetime(2026, 1, 6, 1, tzinfo=UTC),
        answers=0,
        closed=False,
    )


async def test_a_post_sent_before_a_crash_is_found_in_the_conversation(slack: SlackWorld) -> None:
    messenger = slack.parts.messenger
    channel = ChannelRef(platform="slack", workspace_id="T0TEAM", channel_id="C1")
    assert await messenger.find_post(channel, [daily_card(7)]) is None
    ts = await messenger.post(channel, [daily_card(7)])
    await messenger.post(channel, [daily_card(8)])  # another day's card, posted after it
    # Known by its Answer button, which names post 7.
    assert await messenger.find_post(channel, [daily_card(7)]) == ts
    assert await messenger.find_post(channel, [daily_card(9)]) is None
    # A post without buttons (the reveal), by its text, in the post's thread only.
    assert await messenger.find_post(channel, [notice("揭晓")], thread_of=ts) is None
    reveal = await messenger.post(channel, [notice("揭晓")], thread_of=ts)
    assert await messenger.find_post(channel, [notice("揭晓")], thread_of=ts) == reveal
    assert await messenger.find_post(channel, [notice("揭晓")]) is None
