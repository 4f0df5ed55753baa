"""A member's interview on Discord: start in a private thread, buttons, the answer modal."""

from __future__ import annotations

from harness import GOOD, DiscordBot
from payloads import GENERAL, Member

from bot.core import ids

ALICE = Member(750000000000000001, "alice")


async def test_start_opens_a_private_thread_with_the_first_question(bot: DiscordBot) -> None:
    payload = bot.payloads.slash(ALICE, "start", topic="rag", count=2, time=300)
    await bot.feed(payload)
    interaction_id = int(payload["id"])
    assert bot.fake.callbacks[interaction_id]["type"] == 5  # deferred first
    [thread] = bot.fake.threads()
    assert thread["type"] == 12 and thread["parent_id"] == str(GENERAL)
    assert (int(thread["id"]), ALICE.id) in bot.fake.thread_members
    card = bot.last_in(int(thread["id"]))
    assert "1/2" in card.embeds[0]["title"]
    labels = [c["label"] for row in card.components for c in row["components"]]
    assert labels == ["回答", "提示", "跳过", "结束"]
    pointer = [m for m in bot.fake.in_channel(GENERAL) if m.ephemeral]
    assert f"<#{thread['id']}>" in pointer[-1].content
