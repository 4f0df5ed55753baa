"""The core's Messenger on Discord: posts into a channel, a thread under a post, edits, and
refusals as DeliveryError (what the daily poster records)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from harness import DiscordBot
from payloads import GENERAL

from bot.adapters.discord.messenger import DiscordMessenger
from bot.core.commands import Actor, Place
from bot.core.messenger import ChannelRef, DeliveryError
from bot.core.replies import DailyCard, Notice

NOTICE = Notice(locale="zh-CN", code="x", text="今天的题目来了")


def channel(channel_id: int) -> ChannelRef:
    return ChannelRef(platform="discord", workspace_id="1", channel_id=str(channel_id))


async def test_post_edit_and_a_thread_under_the_post(bot: DiscordBot) -> None:
    port = DiscordMessenger()
    port.attach(bot.client, bot.client.poster)
    post_id = await port.post(channel(GENERAL), [NOTICE])
    assert "今天的题目来了" in bot.fake.messages[int(post_id)].text()
    await port.edit(channel(GENERAL), post_id, [NOTICE.model_copy(update={"text": "已截止"})])
    assert "已截止" in bot.fake.messages[int(post_id)].text()
    reveal = await port.post(channel(GENERAL), [NOTICE], thread_of=post_id)
    assert bot.fake.messages[int(reveal)].channel_id == int(post_id)  # in the post's thread
    assert bot.fake.channels[int(post_id)]["type"] == 11
    again = await port.post(channel(GENERAL), [NOTICE], thread_of=post_id)  # thread exists
    assert bot.fake.messages[int(again)].channel_id == int(post_id)


async def test_refusals_become_delivery_errors(bot: DiscordBot) -> None:
    port = DiscordMessenger()
    with pytest.raises(DeliveryError):  # not attached to a running client yet
        await port.post(channel(GENERAL), [NOTICE])
    port.attach(bot.client, bot.client.poster)
    with pytest.raises(DeliveryError) as missing:
        await port.edit(channel(GENERAL), "123", [NOTICE])
    assert missing.value.permanent


async def test_deliver_with_no_place_goes_to_the_members_dms(bot: DiscordBot) -> None:
    port = DiscordMessenger()
    port.attach(bot.client, bot.client.poster)
    actor = Actor(platform="discord", workspace_id="1", user_id="750000000000000005")
    await port.deliver(actor, Place(), [NOTICE])
    [dm] = [cid for cid, c in bot.fake.channels.items() if c["type"] == 1]
    assert "今天的题目来了" in bot.last_in(dm).text()


async def test_deliver_never_raises_when_discord_refuses(bot: DiscordBot) -> None:
    port = DiscordMessenger()
    port.attach(bot.client, bot.client.poster)
    bot.fake.channels[123] = {"id": "123", "type": 12, "_deleted": True}
    actor = Actor(platform="discord", workspace_id="1", user_id="1")
    await port.deliver(actor, Place(channel_id="9", thread_id="123"), [NOTICE])  # logged only


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


async def test_a_post_sent_before_a_crash_is_found_among_the_recent_messages(
    bot: DiscordBot,
) -> None:
    port = DiscordMessenger()
    port.attach(bot.client, bot.client.poster)
    assert await port.find_post(channel(GENERAL), [daily_card(7)]) is None
    sent = await port.post(channel(GENERAL), [daily_card(7)])
    await port.post(channel(GENERAL), [daily_card(8)])  # another day's card, posted after it
    await port.post(channel(GENERAL), [NOTICE])
    # The card is known by its Answer button (it names post 7), not by looking alike.
    assert await port.find_post(channel(GENERAL), [daily_card(7)]) == sent
    assert await port.find_post(channel(GENERAL), [daily_card(9)]) is None
    # A post without buttons (the reveal) is known by its embed, in the post's thread.
    assert await port.find_post(channel(GENERAL), [NOTICE], thread_of=sent) is None
    reveal = await port.post(channel(GENERAL), [NOTICE], thread_of=sent)
    assert await port.find_post(channel(GENERAL), [NOTICE], thread_of=sent) == reveal
    other = NOTICE.model_copy(update={"text": "另一条"})
    assert await port.find_post(channel(GENERAL), [other], thread_of=sent) is None
