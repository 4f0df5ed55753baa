"""The answer modal: stored first, acked after; problems come back in the ack and keep it open."""

from __future__ import annotations

from typing import Any

from slack_world import SlackWorld, block_text, good_answer


async def _open_modal(slack: SlackWorld, count: int = 2) -> tuple[dict[str, Any], dict[str, Any]]:
    await slack.command(f"start rag {count} 5m")
    card = await slack.wait_card(1)
    await slack.press(card, "iv:answer:")
    [opened] = await slack.fake.wait_count("views.open", 1)
    return card, opened["view"]


async def test_modal_round_trip_stores_then_closes(slack: SlackWorld) -> None:
    card, view = await _open_modal(slack)
    assert "<input: 你的答案>" in block_text(view["blocks"])
    element = next(b for b in view["blocks"] if b["type"] == "input")["element"]
    assert element["max_length"] == 3000
    status, ack = await slack.submit(view, good_answer(slack.services.bank, card))
    assert status == 200 and ack == {}  # closed: the answer is already stored
    await slack.wait_card(2)
    feedback = next(p for p in slack.posts() if "得分" in p["text"])
    assert feedback["channel"] == "DU1" and "✅" in block_text(feedback["blocks"])


async def test_empty_and_oversized_answers_keep_the_modal_open(slack: SlackWorld) -> None:
    _, view = await _open_modal(slack)
    status, ack = await slack.submit(view, "   ")
    assert status == 200 and ack["response_action"] == "errors"
    assert "不能为空" in ack["errors"]["answer"]
    # Slack itself stops at 3,000; a crafted submission past it is refused the same way.
    _, ack = await slack.submit(view, "长" * 3500)
    assert ack["response_action"] == "errors" and "3000" in ack["errors"]["answer"]
    assert not any("得分" in p["text"] for p in slack.posts())


async def test_a_modal_for_a_closed_question_changes_nothing(slack: SlackWorld) -> None:
    card, view = await _open_modal(slack)
    await slack.press(card, "iv:skip:")
    await slack.wait_card(2)
    posted = slack.fake.count("chat.postMessage")
    _, ack = await slack.submit(view, good_answer(slack.services.bank, card))
    assert ack["response_action"] == "errors" and "已经结束" in ack["errors"]["answer"]
    assert slack.fake.count("chat.postMessage") == posted


async def test_an_answer_not_stored_in_time_keeps_the_modal_open_and_arrives_later(
    slack: SlackWorld,
) -> None:
    card, view = await _open_modal(slack)
    slack.front.store_timeout_s = 0.0  # every store is "too slow"
    _, ack = await slack.submit(view, good_answer(slack.services.bank, card))
    assert ack["response_action"] == "errors" and "确认保存" in ack["errors"]["answer"]
    # It was not lost: the feedback is delivered once the store finishes.
    await slack.fake.wait_for(lambda: any("得分" in p["text"] for p in slack.posts()))
