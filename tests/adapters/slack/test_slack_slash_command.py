"""`/interview …`: acked at once, then answered through the shared grammar.

Interview replies go to the interview's place (the DM, or a thread with `here`); everything
else is an ephemeral reply where the member typed.
"""

from __future__ import annotations

from typing import Any

from slack_world import SlackWorld, block_text


def said(responses: list[dict[str, Any]]) -> str:
    return "\n".join(
        r.get("text", "") + "\n" + block_text(r.get("blocks") or []) for r in responses
    )


async def test_empty_command_shows_help_privately(slack: SlackWorld) -> None:
    assert await slack.command("") == 200
    [response] = await slack.fake.wait_responses(1)
    assert response["response_type"] == "ephemeral"
    assert "start" in response["text"] and "leaderboard" in response["text"]


async def test_unknown_subcommand_gets_the_error_and_the_help(slack: SlackWorld) -> None:
    await slack.command("dance")
    responses = await slack.fake.wait_responses(2)
    assert all(r["response_type"] == "ephemeral" for r in responses)
    assert "dance" in said(responses) and "leaderboard" in said(responses)
    assert slack.fake.count("chat.postMessage") == 0


async def test_start_runs_the_interview_in_the_members_dm(slack: SlackWorld) -> None:
    assert await slack.command("start rag 2 5m", user="U1", channel="C1") == 200
    card = await slack.wait_card(1)
    assert card["channel"] == "DU1" and not card.get("thread_ts")
    assert slack.fake.of("conversations.open")[0]["users"] == "U1"
    [pointer] = await slack.fake.wait_responses(1)
    assert pointer["response_type"] == "ephemeral" and "私信" in pointer["text"]
    text = block_text(card["blocks"])
    assert text.startswith("第 1/2 题")
    assert "[作答]" in text and "[提示]" in text and "[跳过]" in text and "[结束]" in text
    # The started notice is in the DM too, before the card.
    assert "面试开始" in slack.posts()[0]["text"]


async def test_start_here_runs_in_a_thread_under_a_card_in_the_channel(slack: SlackWorld) -> None:
    await slack.command("start rag 1 5m here", channel="C9")
    card = await slack.wait_card(1)
    parent = slack.posts()[0]
    assert parent["channel"] == "C9" and "<@U1>" in parent["text"] and not parent.get("thread_ts")
    assert card["channel"] == "C9" and card["thread_ts"]
    assert slack.fake.count("conversations.open") == 0


async def test_a_refused_start_here_leaves_no_card_behind(slack: SlackWorld) -> None:
    await slack.command("start nosuchtopic here", channel="C9")
    [response] = await slack.fake.wait_responses(1)
    assert "nosuchtopic" in response["text"] and response["response_type"] == "ephemeral"
    [deleted] = slack.fake.of("chat.delete")
    assert deleted["ts"] == slack.posts()[0]["ts"]


async def test_out_of_range_numbers_are_explained_and_nothing_starts(slack: SlackWorld) -> None:
    await slack.command("start rag count=99")
    await slack.command("start rag time=5")
    responses = await slack.fake.wait_responses(2)
    assert all(r["response_type"] == "ephemeral" for r in responses)
    assert "20" in said(responses) and "30" in said(responses)
    await slack.command("status")
    await slack.fake.wait_responses(3)
    assert slack.cards() == []


async def test_every_information_subcommand_answers_privately(slack: SlackWorld) -> None:
    for text in ("topics", "leaderboard week", "leaderboard all", "stats", "help start", "review"):
        await slack.command(text)
    responses = await slack.fake.wait_responses(6)
    assert all(r["response_type"] == "ephemeral" for r in responses)
    text = said(responses)
    for expected in ("rag", "本周排行榜", "总排行榜", "start", "复习"):
        assert expected in text, expected
    assert slack.fake.count("chat.postMessage") == 0


async def test_lang_switches_what_the_member_reads(slack: SlackWorld) -> None:
    await slack.command("lang en")
    await slack.fake.wait_responses(1)
    await slack.command("start rag 1 5m")
    card = await slack.wait_card(1)
    assert block_text(card["blocks"]).startswith("Question 1/1")
    assert "[Answer]" in block_text(card["blocks"])


async def test_interview_commands_from_any_channel_act_in_the_dm(slack: SlackWorld) -> None:
    await slack.command("start rag 2 5m", channel="C1")
    await slack.wait_card(1)
    await slack.command("hint", channel="C2")
    await slack.fake.wait_for(lambda: any("提示 1/" in p["text"] for p in slack.posts()))
    await slack.command("skip", channel="C2")
    card = await slack.wait_card(2)
    assert card["channel"] == "DU1"
    await slack.command("answer 检索增强生成，先检索外部知识库再生成，缓解幻觉", channel="C3")
    await slack.fake.wait_for(
        lambda: any(p["text"].startswith("第 2/2 题 · 得分") for p in slack.posts())
    )
    await slack.fake.wait_for(lambda: any("面试结束" in p["text"] for p in slack.posts()))
    assert {p["channel"] for p in slack.posts()} == {"DU1"}


async def test_stop_and_a_second_start_while_one_runs(slack: SlackWorld) -> None:
    await slack.command("start rag 2 5m")
    await slack.wait_card(1)
    await slack.command("start quantization")
    responses = await slack.fake.wait_responses(2)  # the DM pointer, then the refusal
    assert any("已有" in r["text"] or "进行中" in r["text"] for r in responses), said(responses)
    await slack.command("stop")
    await slack.fake.wait_for(lambda: any("提前结束" in p["text"] for p in slack.posts()))
