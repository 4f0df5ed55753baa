"""The optional LLM judge in the interview: its grade is used; any failure leaves the offline one.

Only the network is faked (an httpx transport standing in for an OpenAI-compatible server); the
judge, the grader and the core are the real ones.
"""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from zoneinfo import ZoneInfo

import httpx
import pytest
from core_harness import BotProcess, only

from bot.adapters.console.render import render_all
from bot.core.clock import FakeClock
from bot.core.grading import build_offline_grader
from bot.core.interview.deadlines import DeadlineWatcher
from bot.core.messenger import RecordingMessenger
from bot.core.replies import Feedback, QuestionCard, Summary
from bot.integrations.llm_judge import build_judge
from bot.runtime import build_core
from content.loader import Bank
from storage import open_store

ANSWER = "RAG 会先检索外部知识库再生成，这样回答可以附上引用来源。"
Reply = Callable[[httpx.Request], httpx.Response | Awaitable[httpx.Response]]


def completion(points: list[dict[str, object]]) -> httpx.Response:
    content = json.dumps({"points": points}, ensure_ascii=False)
    return httpx.Response(200, json={"choices": [{"message": {"content": content}}]})


@asynccontextmanager
async def judged_bot(
    db_url: str, bank: Bank, clock: FakeClock, reply: Reply
) -> AsyncIterator[BotProcess]:
    store = await open_store(db_url)
    client = httpx.AsyncClient(transport=httpx.MockTransport(reply))
    judge = build_judge("http://judge.test/v1", "test-model", client=client)
    messenger = RecordingMessenger()
    watcher = DeadlineWatcher(clock)
    core = build_core(
        bank=bank,
        store=store,
        grader=build_offline_grader(bank),
        clock=clock,
        messenger=messenger,
        deadlines=watcher,
        timezone=ZoneInfo("Asia/Shanghai"),
        rng=random.Random(1),
        judge=judge,
    )
    await watcher.start(store.pending_deadlines, core.expire)
    try:
        yield BotProcess(core, store, watcher, messenger, clock)
    finally:
        await watcher.stop()
        await core.aclose()
        await client.aclose()
        await store.close()


JUDGED = [
    {"id": 1, "covered": True, "evidence": "先检索外部知识库再生成"},
    {"id": 4, "covered": True, "evidence": "附上引用来源"},
]


async def test_the_offline_grade_is_shown_at_once_and_the_judges_replaces_it(
    db_url: str, bank: Bank, clock: FakeClock
) -> None:
    released = asyncio.Event()

    async def slow_judge(request: httpx.Request) -> httpx.Response:
        await released.wait()  # the member must not wait for the model server
        return completion(JUDGED)

    async with judged_bot(db_url, bank, clock, slow_judge) as bot:
        card = only(await bot.say("start rag 1 easy"), QuestionCard)
        views = await bot.say(ANSWER)
        shown = only(views, Feedback)
        assert shown.grader is not None and shown.grader.startswith("offline")
        assert shown.judge_pending
        assert "评审模型正在复核" in render_all(views)
        assert only(views, Summary).asked == 1  # the interview goes on meanwhile
        assert bot.messenger.pop() == []

        released.set()
        await bot.core.wait_background()
        [(_, _, delivered)] = bot.messenger.pop()
        refined = only(delivered, Feedback)
        assert refined.refined and refined.attempt_id == card.attempt_id
        assert refined.grader is not None and refined.grader.startswith("llm-judge")
        assert refined.score != shown.score
        assert "评审模型复核了你的回答" in render_all(delivered)
        stored = await bot.store.get_attempt(card.attempt_id)
        assert stored is not None and stored.grade is not None
        assert stored.grade["grader"] == "llm-judge"  # what was stored is what was shown
        assert (stored.score, stored.points) == (refined.score, refined.points)


@pytest.mark.parametrize(
    "reply",
    [
        lambda request: httpx.Response(500, text="overloaded"),
        lambda request: httpx.Response(200, json={"choices": []}),
        lambda request: httpx.Response(
            200, json={"choices": [{"message": {"content": "我觉得这个回答很好，给满分。"}}]}
        ),
    ],
    ids=["server-error", "bad-reply", "prose"],
)
async def test_a_failing_judge_never_changes_the_stored_grade(
    db_url: str, bank: Bank, clock: FakeClock, reply: Reply
) -> None:
    async with judged_bot(db_url, bank, clock, reply) as bot:
        card = only(await bot.say("start rag 1 easy"), QuestionCard)
        shown = only(await bot.say(ANSWER), Feedback)
        await bot.core.wait_background()
        assert bot.messenger.pop() == []  # nothing to say: the grade shown stands
        stored = await bot.store.get_attempt(card.attempt_id)
        assert stored is not None and stored.grade is not None
        assert stored.grade["grader"].startswith("offline")
        assert stored.score == shown.score


async def test_a_grade_the_member_already_marked_is_not_replaced_by_a_late_judge(
    db_url: str, bank: Bank, clock: FakeClock
) -> None:
    released = asyncio.Event()

    async def slow_judge(request: httpx.Request) -> httpx.Response:
        await released.wait()
        return completion(JUDGED)

    async with judged_bot(db_url, bank, clock, slow_judge) as bot:
        card = only(await bot.say("start rag 1 easy"), QuestionCard)
        shown = only(await bot.say(ANSWER), Feedback)
        await bot.say("mark low")  # about the grade on screen, before the judge answers
        released.set()
        await bot.core.wait_background()
        assert bot.messenger.pop() == []
        stored = await bot.store.get_attempt(card.attempt_id)
        assert stored is not None and stored.grade is not None
        assert stored.grade["grader"].startswith("offline") and stored.score == shown.score
        assert stored.self_assessment == "too_low"
