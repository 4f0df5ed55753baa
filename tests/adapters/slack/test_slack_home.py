"""App Home: stats, due reviews with a Start review button, the weekly board."""

from __future__ import annotations

from slack_payloads import home_opened
from slack_world import SlackWorld, block_text


async def test_home_tab_shows_stats_and_the_weekly_board(slack: SlackWorld) -> None:
    await slack.command("start rag 1 5m")
    await slack.wait_card(1)
    await slack.command("answer RAG 先检索外部知识库再生成")
    await slack.fake.wait_for(lambda: any("面试结束" in p["text"] for p in slack.posts()))
    status, _ = await slack.http.event(home_opened("U1"))
    assert status == 200
    [published] = await slack.fake.wait_count("views.publish", 1)
    assert published["user_id"] == "U1" and published["view"]["type"] == "home"
    text = block_text(published["view"]["blocks"])
    assert "你的战绩" in text and "本周排行榜" in text and "u1" in text


async def test_start_review_button_from_home_runs_in_the_dm(slack: SlackWorld) -> None:
    await slack.press(None, "iv:review")
    await slack.fake.wait_for(lambda: slack.fake.count("chat.postMessage") >= 1)
    # Nothing is due for a new member: the core says so, in the DM (Home has no response_url).
    [notice] = slack.posts()
    assert notice["channel"] == "DU1" and "复习" in notice["text"]
