"""The optional LLM judge in the interview: its grade is used; any failure leaves the offline one.

Only the network is faked (an httpx transport standing in for an OpenAI-compatible server); the
judge, the grader and the core are the real ones.
"""

from __future__ import annotations

import json
import random
from collections.abc import AsyncIterator, Callable
from zoneinfo import ZoneInfo

import httpx
import pytest
from core_harness import BotProcess, only

from bot.core.clock import FakeClock
from bot.core.deadlines import DeadlineWatcher
from bot.core.grading import build_offline_grader
from bot.core.grading.judge import build_judge
from bot.core.messenger import RecordingMessenger
from bot.core.service import Core
from bot.core.views import Feedback, QuestionCard
from content.loader import Bank
from storage import open_store

ANSWER = "RAG 会先检索外部知识库再生成，这样回答可以附上引用来源。"
Reply = Callable[[httpx.Request], httpx.Response]


def completion(points: list[dict[str, object]]) -> httpx.Response:
    content = json.dumps({"points": points}, ensure_ascii=False)
    return httpx.Response(200, json={"choices": [{"message": {"content": content}}]})


async def judged_bot(
    db_url: str, bank: Bank, clock: FakeClock, reply: Reply
) -> AsyncIterator[BotProcess]:
    store = await open_store(db_url)
    client = httpx.AsyncClient(transport=httpx.MockTransport(reply))
    judge = build_judge("http://judge.test/v1", "test-model", client=client)
    messenger = RecordingMessenger()
    watcher = DeadlineWatcher(clock)
    core = Core(
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
        await client.aclose()
        await store.close()


@pytest.mark.parametrize(
    ("reply", "grader"),
    [
        (
            lambda request: completion(
                [
                    {"id": 1, "covered": True, "evidence": "先检索外部知识库再生成"},
                    {"id": 4, "covered": True, "evidence": "附上引用来源"},
                ]
            ),
            "llm-judge",
        ),
        (lambda request: httpx.Response(500, text="overloaded"), "offline"),
        (lambda request: httpx.Response(200, json={"choices": []}), "offline"),
    ],
    ids=["judge-grades", "server-error", "bad-reply"],
)
async def test_the_judge_refines_or_the_offline_grade_stands(
    db_url: str, bank: Bank, clock: FakeClock, reply: Reply, grader: str
) -> None:
    async for bot in judged_bot(db_url, bank, clock, reply):
        card = only(await bot.say("start rag 1 easy"), QuestionCard)
        assert card.question_id == "rag-what-is-rag"
        feedback = only(await bot.say(ANSWER), Feedback)
        assert feedback.grader is not None and feedback.grader.startswith(grader)
        assert feedback.outcome == "answered" and feedback.score > 0
        attempt = await bot.store.get_attempt(card.attempt_id)
        assert attempt is not None and attempt.grade is not None
        assert attempt.grade["grader"].startswith(grader)  # what was stored is what was shown
