"""Buttons on question cards and feedback: acked first, decoded through bot.core.ids; a stale
or foreign press gets an ephemeral notice and changes nothing, also after a restart."""

from __future__ import annotations

from slack_fakes import FakeSlack
from slack_world import SlackWorld, block_text, slack_bot

from bot.core.clock import FakeClock
from content.loader import Bank


async def test_hint_skip_and_stop_buttons(slack: SlackWorld) -> None:
    await slack.command("start rag 3 5m")
    card = await slack.wait_card(1)
    assert await slack.press(card, "iv:hint:") == 200
    await slack.fake.wait_for(lambda: any("提示 1/" in p["text"] for p in slack.posts()))
    await slack.press(card, "iv:skip:")
    second = await slack.wait_card(2)
    assert block_text(second["blocks"]).startswith("第 2/3 题")
    # Question 1's card is closed: its buttons are gone.
    [closed] = await slack.fake.wait_count("chat.update", 1)
    assert closed["ts"] == card["ts"] and "[作答]" not in block_text(closed["blocks"])
    await slack.press(second, "iv:stop:")
    await slack.fake.wait_for(lambda: any("提前结束" in p["text"] for p in slack.posts()))
    # Cards this process posted are closed from memory: no reading the conversation back.
    assert not slack.fake.of("conversations.history")


async def test_a_closed_questions_button_changes_nothing(slack: SlackWorld) -> None:
    await slack.command("start rag 2 5m")
    first = await slack.wait_card(1)
    await slack.press(first, "iv:skip:")
    await slack.wait_card(2)
    posted = slack.fake.count("chat.postMessage")
    # (Stop is not among them: any card's Stop ends its session while it runs.)
    for prefix in ("iv:hint:", "iv:skip:", "iv:answer:"):
        await slack.press(first, prefix)
    responses = await slack.fake.wait_responses(4)  # the DM pointer, then three notices
    assert all(r["response_type"] == "ephemeral" for r in responses)
    assert sum("已经结束" in r["text"] for r in responses) == 3
    assert slack.fake.count("chat.postMessage") == posted
    assert slack.fake.count("views.open") == 0


async def test_another_members_button_is_not_theirs(slack: SlackWorld) -> None:
    await slack.command("start rag 2 5m", user="U1")
    card = await slack.wait_card(1)
    await slack.press(card, "iv:skip:", user="U2")
    await slack.press(card, "iv:answer:", user="U2")
    responses = await slack.fake.wait_responses(3)
    assert sum("别人的面试" in r["text"] for r in responses) == 2
    assert len(slack.cards()) == 1 and slack.fake.count("views.open") == 0


async def test_buttons_still_work_after_a_restart(
    sqlite_url: str, slack_bank: Bank, fake_slack: FakeSlack
) -> None:
    clock = FakeClock()
    async with slack_bot(sqlite_url, slack_bank, clock, fake_slack) as first:
        await first.command("start rag 2 5m")
        card = await first.wait_card(1)
    async with slack_bot(sqlite_url, slack_bank, clock, fake_slack) as second:
        await second.press(card, "iv:skip:")
        nxt = await second.wait_card(2)
        assert block_text(nxt["blocks"]).startswith("第 2/2 题")
        await second.press(nxt, "iv:answer:")
        [opened] = await fake_slack.wait_count("views.open", 1)
        assert opened["view"]["callback_id"] == "iv_answer_modal"
    # The card from before the restart was closed when its question ended, like any other.
    closed = [u for u in fake_slack.of("chat.update") if u["ts"] == card["ts"]]
    assert len(closed) == 1 and "🔒" in block_text(closed[0]["blocks"])
    assert "[作答]" not in block_text(closed[0]["blocks"])
    assert block_text(closed[0]["blocks"]).startswith("第 1/2 题")


async def test_a_card_from_before_a_restart_is_closed_in_a_thread_too(
    sqlite_url: str, slack_bank: Bank, fake_slack: FakeSlack
) -> None:
    clock = FakeClock()
    async with slack_bot(sqlite_url, slack_bank, clock, fake_slack) as first:
        await first.command("start rag 1 5m here", channel="C5")
        card = await first.wait_card(1)
    async with slack_bot(sqlite_url, slack_bank, clock, fake_slack) as second:
        await second.say("我不知道", channel="C5", thread_ts=card["thread_ts"])
        await fake_slack.wait_for(
            lambda: any(u["ts"] == card["ts"] for u in fake_slack.of("chat.update"))
        )
    [closed] = [u for u in fake_slack.of("chat.update") if u["ts"] == card["ts"]]
    assert closed["channel"] == "C5" and "[作答]" not in block_text(closed["blocks"])
    assert fake_slack.of("conversations.replies")[0]["ts"] == card["thread_ts"]


async def test_grade_buttons_record_the_members_view(slack: SlackWorld) -> None:
    await slack.command("start rag 1 5m")
    await slack.wait_card(1)
    await slack.command("answer RAG 先检索外部知识库再生成，可以缓解幻觉")
    await slack.fake.wait_for(lambda: any("得分" in p["text"] for p in slack.posts()))
    feedback = next(p for p in slack.posts() if "得分" in p["text"])
    assert "[评分偏低]" in block_text(feedback["blocks"])
    await slack.press(feedback, "iv:mark:")
    responses = await slack.fake.wait_responses(2)
    assert "偏低" in responses[-1]["text"] or "记下" in responses[-1]["text"], responses[-1]["text"]


async def test_an_unknown_action_id_is_ignored(slack: SlackWorld) -> None:
    await slack.press(None, "other-app:button")
    await slack.command("help")
    await slack.fake.wait_responses(1)
    assert [c.method for c in slack.fake.calls if c.method not in ("auth.test", "users.info")] == [
        "response_url"
    ]
