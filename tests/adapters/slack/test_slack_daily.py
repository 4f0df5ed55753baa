"""The daily challenge on Slack: an admin configures a channel, the card is posted with an
Answer button, answers arrive through the modal (feedback only to the answerer), the count is
kept up to date with chat.update, the reveal lands in the post's thread, and on Monday the
weekly digest comes just before the question."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from slack_fakes import default_user
from slack_world import SlackWorld, block_text, good_answer

# The fake clock starts on Monday 2026-01-05 09:00 UTC = 17:00 in Shanghai.
SETUP = "config daily 17:05 tz=Asia/Shanghai window=2h"
DUE = datetime(2026, 1, 5, 9, 5, tzinfo=UTC)


async def _due(slack: SlackWorld, when: datetime) -> None:
    slack.clock.set(max(when, slack.clock.now()))
    poster = slack.services.core.daily_poster
    async with asyncio.timeout(10):
        await poster.tick()
        await poster.wait_idle()


async def _posted_card(slack: SlackWorld, setup: str = SETUP) -> dict:  # type: ignore[type-arg]
    slack.fake.users["UADMIN"] = {**default_user("UADMIN"), "is_admin": True}
    await slack.command(setup, user="UADMIN", channel="C1")
    await slack.fake.wait_responses(1)
    await _due(slack, DUE)
    [card] = await slack.fake.wait_count("chat.postMessage", 1)
    return card


async def test_daily_post_answer_count_and_reveal(slack: SlackWorld) -> None:
    card = await _posted_card(slack)
    assert card["channel"] == "C1" and "每日一题" in card["text"]
    assert "[作答]" in block_text(card["blocks"])
    await slack.press(card, "iv:daily:", user="U2")
    [opened] = await slack.fake.wait_count("views.open", 1)
    assert opened["view"]["callback_id"] == "iv_daily_modal"
    status, ack = await slack.submit(
        opened["view"], good_answer(slack.services.bank, card), user="U2"
    )
    assert status == 200 and ack == {}
    [feedback] = await slack.fake.wait_count("chat.postEphemeral", 1)
    assert feedback["user"] == "U2" and feedback["channel"] == "C1"
    assert "每日一题 · 得分" in feedback["text"] and "[评分偏低]" not in block_text(
        feedback["blocks"]
    )
    await slack.services.core.daily_poster.wait_idle()
    edits = await slack.fake.wait_count("chat.update", 1)
    assert edits[-1]["ts"] == card["ts"] and "已有 1 人作答" in block_text(edits[-1]["blocks"])
    # A second answer from the same member: refused in the modal, nothing changes.
    _, again = await slack.submit(opened["view"], "再答一次", user="U2")
    assert again["response_action"] == "errors"
    # The window closes: the reveal goes into the post's thread, the card says closed.
    await _due(slack, DUE + timedelta(hours=2, minutes=1))
    await slack.fake.wait_for(lambda: any(p.get("thread_ts") == card["ts"] for p in slack.posts()))
    reveal = next(p for p in slack.posts() if p.get("thread_ts") == card["ts"])
    text = block_text(reveal["blocks"])
    assert "揭晓" in text and "共 1 人作答" in text and "参考答案" in text
    closed = slack.fake.of("chat.update")[-1]
    assert "作答已截止" in block_text(closed["blocks"]) and "[作答]" not in block_text(
        closed["blocks"]
    )
    assert "讨论串" in block_text(closed["blocks"])  # where the reveal is
    # A modal opened before the close: submitting it closes it and shows the reveal, to them.
    _, late = await slack.submit(opened["view"], "晚到的答案", user="U4")
    assert late == {}
    whispers = await slack.fake.wait_count("chat.postEphemeral", 3)
    said = [block_text(w["blocks"]) for w in whispers[1:] if w["user"] == "U4"]
    assert "已经截止" in said[0] and "揭晓" in said[1] and "参考答案" in said[1]


async def test_the_weekly_digest_comes_on_monday_just_before_the_question(
    slack: SlackWorld,
) -> None:
    await slack.command("config me show-name=on", user="U2", channel="C1")
    await slack.fake.wait_responses(1)
    card = await _posted_card(slack, SETUP + " digest=on")
    for number, user in enumerate(("U2", "U3", "U4"), start=1):
        await slack.press(card, "iv:daily:", user=user)
        opened = (await slack.fake.wait_count("views.open", number))[-1]
        answer = good_answer(slack.services.bank, card) if user == "U2" else "不知道"
        await slack.submit(opened["view"], answer, user=user)
    await slack.fake.wait_count("chat.postEphemeral", 3)
    await _due(slack, DUE + timedelta(days=7))  # the next Monday, 17:05 in Shanghai
    await slack.fake.wait_count("chat.postMessage", 4)  # card, reveal, digest, card
    digest, monday = slack.posts()[-2:]
    assert "[作答]" in block_text(monday["blocks"]) and "2026-01-12" in monday["text"]
    assert digest["channel"] == "C1" and digest.get("thread_ts") is None
    assert digest["text"].startswith("📊 每周小结 · 2026-01-05 至 2026-01-11")
    text = block_text(digest["blocks"])
    assert "\n1. u2 — " in text and "积分（1 题）" in text  # named: u2 opted in
    assert "一位成员" not in text and "[" not in text  # U3, U4 earned nothing; no buttons
    assert "进步最大：暂无" in text
    assert "最难的题：2026-01-05 的每日一题" in text and "3 人作答" in text
    await _due(slack, DUE + timedelta(days=7, minutes=1))
    assert sum("每周小结" in p["text"] for p in slack.posts()) == 1


async def test_daily_command_and_typed_answer_stay_private(slack: SlackWorld) -> None:
    card = await _posted_card(slack)
    await slack.command("daily", user="U3", channel="C1")
    responses = await slack.fake.wait_responses(2)
    assert responses[-1]["response_type"] == "ephemeral" and "每日一题" in responses[-1]["text"]
    await slack.command("daily " + good_answer(slack.services.bank, card), user="U3", channel="C1")
    responses = await slack.fake.wait_responses(3)
    assert responses[-1]["response_type"] == "ephemeral" and "得分" in responses[-1]["text"]
    assert slack.fake.count("chat.postMessage") == 1  # nothing public but the card


async def test_forget_me_asks_first_then_deletes(slack: SlackWorld) -> None:
    await slack.command("start rag 1 5m")
    await slack.wait_card(1)
    await slack.command("stop")
    await slack.fake.wait_for(lambda: any("提前结束" in p["text"] for p in slack.posts()))
    await slack.command("forget-me")
    responses = await slack.fake.wait_responses(2)
    ask = responses[-1]
    assert "[确认删除]" in block_text(ask["blocks"]) and "[取消]" in block_text(ask["blocks"])
    message = {"channel": "C1", "ts": "1.1", "blocks": ask["blocks"], "text": ask["text"]}
    await slack.press(message, "iv:forget:no")
    cancelled = (await slack.fake.wait_responses(3))[-1]
    assert "没有删除" in cancelled["text"]
    await slack.press(message, "iv:forget:yes")
    done = (await slack.fake.wait_responses(4))[-1]
    assert "删除" in done["text"]
    await slack.command("stats")
    stats = (await slack.fake.wait_responses(5))[-1]
    assert "还没有完成过题目" in block_text(stats["blocks"])


async def test_the_answer_button_on_an_ephemeral_card_opens_the_modal_with_its_question(
    slack: SlackWorld,
) -> None:
    card = await _posted_card(slack)
    await slack.command("daily", user="U3", channel="C1")
    shown = (await slack.fake.wait_responses(2))[-1]
    # Slack sends no `message` for a button on an ephemeral message: only where it was.
    await slack.press(
        {**shown, "channel": "C1", "ts": "1.1"}, "iv:daily:", user="U3", ephemeral=True
    )
    [opened] = await slack.fake.wait_count("views.open", 1)
    question = next(q for q in slack.services.bank.questions.values() if q.question in card["text"])
    assert question.question in block_text(opened["view"]["blocks"])
    status, ack = await slack.submit(
        opened["view"], good_answer(slack.services.bank, card), user="U3"
    )
    assert status == 200 and ack == {}
    [feedback] = await slack.fake.wait_count("chat.postEphemeral", 1)
    assert feedback["user"] == "U3" and feedback["channel"] == "C1" and "得分" in feedback["text"]
