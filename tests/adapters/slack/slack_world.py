"""The Slack bot as a member meets it: the real AsyncApp served on loopback, the real core and
store, a fake Slack on the other side. A "world" is one bot process; start another on the same
database and fake to play a restart."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_fakes import BOT_TOKEN, SIGNING_SECRET, FakeSlack, SignedSlack
from slack_payloads import block_action, message, slash, view_submission

from bot.adapters.slack.app import EVENTS_PATH, SlackParts, build_app, build_parts
from bot.adapters.slack.frontend import FrontEnd
from bot.core.clock import FakeClock
from bot.runtime import Services, open_services, start_watcher
from bot.settings import Settings
from content.loader import Bank

FIXTURE_BANK = Path(__file__).parents[2] / "unit" / "core" / "fixtures" / "bank"


@dataclass
class SlackWorld:
    fake: FakeSlack
    http: SignedSlack
    app: AsyncApp
    front: FrontEnd
    parts: SlackParts
    services: Services
    clock: FakeClock

    async def command(self, text: str, *, user: str = "U1", channel: str = "C1") -> int:
        fields = slash(text, user=user, channel=channel, response_url=self.fake.response_url())
        status, _ = await self.http.form(fields)
        return status

    def posts(self) -> list[dict[str, Any]]:
        return self.fake.of("chat.postMessage")

    def cards(self) -> list[dict[str, Any]]:
        """Posted question cards (messages with an Answer button), oldest first."""
        return [p for p in self.posts() if _action_ids(p, "iv:answer:")]

    async def wait_card(self, count: int) -> dict[str, Any]:
        await self.fake.wait_for(lambda: len(self.cards()) >= count, "question card")
        return self.cards()[count - 1]

    async def press(self, card: dict[str, Any] | None, prefix: str, *, user: str = "U1") -> int:
        """Press the button whose id starts with `prefix` on `card` (a posted message)."""
        action_id = _action_ids(card, prefix)[0] if card is not None else prefix
        # A button in App Home (no card) comes without a response_url, as on Slack.
        url = self.fake.response_url() if card is not None else None
        body = block_action(action_id, user=user, message=card, response_url=url)
        status, _ = await self.http.payload(body)
        return status

    async def submit(
        self, view: dict[str, Any], text: str | None, *, user: str = "U1"
    ) -> tuple[int, dict[str, Any]]:
        status, raw = await self.http.payload(view_submission(view, text, user=user))
        return status, (json.loads(raw) if raw.strip() else {})

    async def say(
        self,
        text: str,
        *,
        user: str = "U1",
        channel: str | None = None,
        thread_ts: str | None = None,
        **kw: Any,
    ) -> int:
        body = message(text, user=user, channel=channel or "D" + user, thread_ts=thread_ts, **kw)
        status, _ = await self.http.event(body)
        return status


def _action_ids(post: dict[str, Any] | None, prefix: str) -> list[str]:
    found = []
    for block in (post or {}).get("blocks") or []:
        for element in block.get("elements") or []:
            action_id = element.get("action_id", "")
            if action_id.startswith(prefix):
                found.append(action_id)
    return found


@asynccontextmanager
async def slack_bot(
    db_url: str, bank: Bank, clock: FakeClock, fake: FakeSlack
) -> AsyncIterator[SlackWorld]:
    settings = Settings(_env_file=None, database_url=db_url, default_timezone="Asia/Shanghai")  # type: ignore[call-arg]
    parts = build_parts(
        BOT_TOKEN, fake.api_url, default_tz=settings.timezone, channel_interval_s=0.01
    )
    async with open_services(
        settings, parts.messenger, platforms=frozenset({"slack"}), clock=clock, bank=bank
    ) as services:
        await start_watcher(services)
        app, front = build_app(services.core, parts, signing_secret=SIGNING_SECRET)
        runner = web.AppRunner(app.web_app(path=EVENTS_PATH))
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = runner.addresses[0][1]
        http = SignedSlack(f"http://127.0.0.1:{port}{EVENTS_PATH}")
        try:
            yield SlackWorld(fake, http, app, front, parts, services, clock)
        finally:
            await http.close()
            await runner.cleanup()
            await front.drain()
            await services.watcher.stop()


def block_text(blocks: list[dict[str, Any]]) -> str:
    """Everything a member reads in `blocks`, as plain lines (buttons as [label])."""
    lines: list[str] = []
    for block in blocks:
        text = block.get("text")
        if isinstance(text, dict):
            lines.append(str(text.get("text", "")))
        for element in block.get("elements") or []:
            if element.get("type") == "button":
                lines.append(f"[{element['text']['text']}]")
            elif "text" in element:
                lines.append(str(element["text"]))
        if block.get("type") == "input":
            lines.append(f"<input: {block['label']['text']}>")
    return "\n".join(lines)


def good_answer(bank: Bank, card: dict[str, Any]) -> str:
    """An answer that covers every key point of the question on `card`, in sentences."""
    shown = block_text(card["blocks"])
    question = next(q for q in bank.questions.values() if q.question in shown)
    return (
        "。".join(
            f"{kp.point}，也就是{(kp.aliases or [kp.point])[0]}" for kp in question.key_points
        )
        + "。"
    )
