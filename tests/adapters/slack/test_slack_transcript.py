"""A member's whole run, dumped as the text they would read (transcripts/member.txt when
SLACK_TRANSCRIPTS is set): read it to judge how the bot reads, beyond what asserts can say."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from slack_payloads import home_opened
from slack_transcript import step, transcript
from slack_world import SlackWorld, good_answer

OUT = Path(__file__).parent / "transcripts"


def keep(name: str, text: str) -> None:
    if os.environ.get("SLACK_TRANSCRIPTS"):
        OUT.mkdir(exist_ok=True)
        (OUT / name).write_text(text, encoding="utf-8")


async def test_a_members_run_reads_well(slack: SlackWorld) -> None:
    fake = slack.fake
    await step(fake, "/interview (empty)")
    await slack.command("")
    await fake.wait_responses(1)
    await step(fake, "/interview start rag 2 60s")
    await slack.command("start rag 2 60s")
    card = await slack.wait_card(1)
    await fake.wait_responses(2)
    await step(fake, "Hint button")
    await slack.press(card, "iv:hint:")
    await fake.wait_for(lambda: any("提示 1/" in p["text"] for p in slack.posts()))
    await step(fake, "Answer button, then submit the modal")
    await slack.press(card, "iv:answer:")
    [opened] = await fake.wait_count("views.open", 1)
    await slack.submit(opened["view"], good_answer(slack.services.bank, card))
    second = await slack.wait_card(2)
    await step(fake, "Grade too low button")
    feedback = next(p for p in slack.posts() if "得分" in p["text"])
    await slack.press(feedback, "iv:mark:")
    await fake.wait_responses(3)
    await step(fake, "question 2 times out")
    async with asyncio.timeout(10):
        await slack.services.watcher.wait_idle()
        slack.clock.advance(61)
        await slack.services.watcher.wait_idle()
    await fake.wait_for(lambda: any("面试结束" in p["text"] for p in slack.posts()))
    await step(fake, "old card's Skip button")
    await slack.press(second, "iv:skip:")
    await fake.wait_responses(4)
    for text in ("stats", "leaderboard week", "topics", "dance"):
        await step(fake, f"/interview {text}")
        before = len(fake.responses)
        await slack.command(text)
        await fake.wait_responses(before + 1)
        await asyncio.sleep(0)  # let a second reply (the help after an error) land in order
    await step(fake, "/interview start quantization 1 here (in #C5), then a thread reply")
    await slack.command("start quantization 1 here", channel="C5")
    card = await slack.wait_card(3)
    await slack.say("我不知道", channel="C5", thread_ts=card["thread_ts"])
    await fake.wait_for(lambda: sum("面试结束" in p["text"] for p in slack.posts()) == 2)
    await step(fake, "App Home opened")
    await slack.http.event(home_opened("U1"))
    await fake.wait_count("views.publish", 1)
    text = transcript(fake)
    keep("member.txt", text)
    assert "Traceback" not in text and "{" not in text.replace("{'", "")


async def test_an_admins_run_reads_well(slack: SlackWorld) -> None:
    from datetime import UTC, datetime, timedelta

    from slack_fakes import default_user

    fake = slack.fake
    fake.users["UADMIN"] = {**default_user("UADMIN"), "is_admin": True}
    poster = slack.services.core.daily_poster

    async def due(when: datetime) -> None:
        slack.clock.set(max(when, slack.clock.now()))
        async with asyncio.timeout(10):
            await poster.tick()
            await poster.wait_idle()

    await step(fake, "member: /interview config daily 17:05 (refused)")
    await slack.command("config daily 17:05", user="U1")
    await fake.wait_responses(1)
    await step(fake, "admin: /interview config daily 17:05 tz=Asia/Shanghai window=2h digest=on")
    await slack.command("config daily 17:05 tz=Asia/Shanghai window=2h digest=on", user="UADMIN")
    await fake.wait_responses(2)
    await step(fake, "admin: /interview config show")
    await slack.command("config show", user="UADMIN")
    await fake.wait_responses(3)
    await step(fake, "17:05 Shanghai: the daily post")
    due_at = datetime(2026, 1, 5, 9, 5, tzinfo=UTC)
    await due(due_at)
    [card] = await fake.wait_count("chat.postMessage", 1)
    await step(fake, "member presses Answer and submits")
    await slack.press(card, "iv:daily:", user="U2")
    [opened] = await fake.wait_count("views.open", 1)
    await slack.submit(opened["view"], good_answer(slack.services.bank, card), user="U2")
    await fake.wait_count("chat.postEphemeral", 1)
    await poster.wait_idle()
    await step(fake, "another member: /interview daily")
    await slack.command("daily", user="U3")
    await fake.wait_responses(4)
    await step(fake, "the window closes: reveal")
    await due(due_at + timedelta(hours=2, minutes=1))
    await fake.wait_for(lambda: any(p.get("thread_ts") == card["ts"] for p in slack.posts()))
    await step(fake, "next Monday 17:05 Shanghai: the weekly digest, then the question")
    await due(due_at + timedelta(days=7))
    await fake.wait_count("chat.postMessage", 4)
    await step(fake, "admin: /interview forget-me")
    await slack.command("forget-me", user="UADMIN")
    await fake.wait_responses(5)
    text = transcript(fake)
    keep("admin.txt", text)
    assert "Traceback" not in text and "每周小结" in text
