"""`/interview …`: acked at once, then answered through the shared grammar."""

from __future__ import annotations

from slack_world import SlackWorld


def texts(responses: list[dict]) -> str:  # type: ignore[type-arg]
    return "\n".join(r.get("text", "") for r in responses)


async def test_empty_command_shows_help_privately(slack: SlackWorld) -> None:
    assert await slack.command("") == 200
    [response] = await slack.fake.wait_responses(1)
    assert response["response_type"] == "ephemeral"
    assert "start" in response["text"] and "leaderboard" in response["text"]


async def test_start_runs_the_interview_in_the_members_dm(slack: SlackWorld) -> None:
    assert await slack.command("start rag 2 5m", user="U1", channel="C1") == 200
    card = await slack.wait_card(1)
    assert card["channel"] == "DU1" and not card.get("thread_ts")
    assert slack.fake.of("conversations.open")[0]["users"] == "U1"
    [pointer] = await slack.fake.wait_responses(1)
    assert pointer["response_type"] == "ephemeral" and "私信" in pointer["text"]
    header = card["blocks"][0]["text"]["text"]
    assert header.startswith("第 1/2 题")
