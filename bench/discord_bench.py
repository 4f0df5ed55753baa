"""200 members press at the same moment against the fake Discord: `/interview start`, then the
answer modal.

The real discord.py client, logged in to the fake REST API on loopback (tests/adapters/discord),
on the real core and store. The fake runs on its own thread and event loop, as Discord is
another machine, and answers with rate-limit headers (50 requests per second per bucket, 429
beyond) that discord.py obeys. The members are spread over `--channels` text channels (thread
creation is limited per channel). All INTERACTION_CREATE payloads are handed to the client at once;
per interaction we time, from that moment, (1) the first response Discord receives (the defer)
and (2) the question card posted in the member's private thread (question 1 after start,
question 2 after the answer). Targets: p99 under 300 ms and under 1 s. Prints JSON:
{"interactions": N, "channels": C, "database": …, "start": {"first_response_ms": {"p50", "p99",
 "max"}, "card_in_thread_ms": {…}, "cards": N, "ok": bool}, "answer": {…}, "targets_ms": {…}}
Run: python bench/discord_bench.py [--interactions 200] [--channels 20] [--database-url URL]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

KIT = Path(__file__).resolve().parents[1] / "tests" / "adapters" / "discord"
sys.path.insert(0, str(KIT))

from fake_discord import FakeDiscord  # noqa: E402
from harness import FIXTURE_BANK, start_bot  # noqa: E402
from payloads import Member  # noqa: E402

from bot.adapters.discord.app import use_api_base  # noqa: E402
from bot.core.clock import FakeClock  # noqa: E402
from bot.runtime import configure_logging  # noqa: E402
from content.loader import load_bank  # noqa: E402

TARGET_FIRST_MS = 300.0
TARGET_CARD_MS = 1000.0
CHANNEL_BASE = 741000000000000000
# An answer that is graded like a real one (several key points of the RAG questions).
ANSWER = (
    "RAG 即检索增强生成：先从外部知识库检索相关文档，再基于检索内容生成答案，缓解幻觉、"
    "知识可实时更新并能给出引用来源。切分要权衡块大小、设置重叠、按语义边界切并保留元数据；"
    "两阶段检索：先召回 top-k，再用交叉编码器精排。"
)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def summary(values: list[float]) -> dict[str, float]:
    return {
        "p50": round(percentile(values, 0.50), 1),
        "p99": round(percentile(values, 0.99), 1),
        "max": round(max(values), 1),
    }


@contextmanager
def fake_on_its_own_thread() -> Iterator[tuple[FakeDiscord, str]]:
    fake = FakeDiscord()
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="fake-discord", daemon=True)
    thread.start()
    try:
        base = asyncio.run_coroutine_threadsafe(fake.start(), loop).result(timeout=30)
        yield fake, base
    finally:
        asyncio.run_coroutine_threadsafe(fake.stop(), loop).result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=30)
        loop.close()


async def run(count: int, channels: int, database_url: str) -> dict[str, Any]:
    bank = load_bank([FIXTURE_BANK], shipped=False)
    with fake_on_its_own_thread() as (fake, base):
        previous = use_api_base(base)
        bot = await start_bot(database_url, fake, bank, FakeClock())
        try:
            members = [Member(760000000000000000 + n, f"member{n}") for n in range(count)]
            starts = [
                bot.payloads.slash(
                    m, "start", channel_id=CHANNEL_BASE + n % channels, topic="rag", count=2
                )
                for n, m in enumerate(members)
            ]
            started = await phase(bot, starts, "1/2")
            answers = [
                bot.payloads.modal(m, card.custom_ids()[0], ANSWER, message=card)
                for m, card in zip(members, _open_cards(bot, members), strict=True)
            ]
            answered = await phase(bot, answers, "2/2")
        finally:
            await bot.close()
            use_api_base(previous)
    return {
        "interactions": count,
        "channels": channels,
        "database": database_url.split(":", 1)[0],
        "start": started,
        "answer": answered,
        "targets_ms": {"first_response_p99": TARGET_FIRST_MS, "card_in_thread_p99": TARGET_CARD_MS},
    }


async def phase(bot: Any, payloads: list[dict[str, Any]], card_title: str) -> dict[str, Any]:
    """Hand every payload to the client as the gateway would; time the first response of each
    and the card titled `card_title` that follows in the member's thread."""
    fake: FakeDiscord = bot.fake
    seen = len(fake.requests)
    for payload in payloads:
        message = payload.get("message")
        fake.expect_interaction(
            payload["token"], int(payload["channel_id"]), int(message["id"]) if message else None
        )
    parse = bot.client._connection.parsers["INTERACTION_CREATE"]
    fed_at: dict[str, float] = {}

    async def deliver_all() -> None:
        # As the gateway's reader does: parse one event, let the loop run, then the next.
        for payload in payloads:
            fed_at[payload["id"]] = time.monotonic()
            parse(payload)
            await asyncio.sleep(0)

    await bot._run(deliver_all, deadline_s=120)  # until every one is fully handled
    requests = fake.requests[seen:]
    first = [
        (r.at - fed_at[r.path.split("/")[2]]) * 1000
        for r in requests
        if r.method == "POST" and r.path.startswith("/interactions/")
    ]
    fed_in_thread = {_thread_of(fake, p): fed_at[p["id"]] for p in payloads}
    cards = [
        (r.at - fed_in_thread[int(r.path.split("/")[2])]) * 1000
        for r in requests
        if _is_card(r, card_title) and int(r.path.split("/")[2]) in fed_in_thread
    ]
    first_ms, card_ms = summary(first), summary(cards)
    return {
        "first_response_ms": first_ms,
        "card_in_thread_ms": card_ms,
        "cards": len(cards),
        "ok": first_ms["p99"] < TARGET_FIRST_MS and card_ms["p99"] < TARGET_CARD_MS,
    }


def _thread_of(fake: FakeDiscord, payload: dict[str, Any]) -> int:
    user = int(payload["member"]["user"]["id"])
    return next(thread for thread, member in fake.thread_members if member == user)


def _open_cards(bot: Any, members: list[Member]) -> list[Any]:
    threads = {member: thread for thread, member in bot.fake.thread_members}
    return [[m for m in bot.public(threads[x.id]) if m.custom_ids()][-1] for x in members]


def _is_card(request: Any, title: str) -> bool:
    return (
        request.method == "POST"
        and request.path.startswith("/channels/")
        and request.path.endswith("/messages")
        and request.status == 200
        and isinstance(request.body, dict)
        and any(title in (e.get("title") or "") for e in request.body.get("embeds") or [])
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interactions", type=int, default=200)
    parser.add_argument("--channels", type=int, default=20)
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    args = parser.parse_args()
    configure_logging("WARNING")  # to stderr: stdout is the JSON
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        result = asyncio.run(run(args.interactions, args.channels, url))
        print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
