"""What a member does on Slack, seen from Slack's side: signed slash commands, button presses,
modal submissions and messages sent to the bot's HTTP endpoint, and what the fake Slack
recorded back. Used against an in-process app (slack_world.py) and a real process (tests/e2e)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from slack_fakes import FakeSlack, SignedSlack
from slack_payloads import block_action, home_opened, message, slash, view_submission

from content.loader import Bank


@dataclass
class SlackUser:
    fake: FakeSlack
    http: SignedSlack

    async def command(self, text: str, *, user: str = "U1", channel: str = "C1") -> int:
        fields = slash(text, user=user, channel=channel, response_url=self.fake.response_url())
        status, _ = await self.http.form(fields)
        return status

    def posts(self) -> list[dict[str, Any]]:
        return self.fake.of("chat.postMessage")

    def cards(self) -> list[dict[str, Any]]:
        """Posted question cards (messages with an Answer button), oldest first."""
        return [p for p in self.posts() if action_ids(p, "iv:answer:")]

    async def wait_card(self, count: int) -> dict[str, Any]:
        await self.fake.wait_for(lambda: len(self.cards()) >= count, "question card")
        return self.cards()[count - 1]

    async def press(
        self,
        card: dict[str, Any] | None,
        prefix: str,
        *,
        user: str = "U1",
        ephemeral: bool = False,
    ) -> int:
        """Press the button whose id starts with `prefix` on `card` (a posted message, or an
        ephemeral one: then `card` needs a "channel")."""
        action_id = action_ids(card, prefix)[0] if card is not None else prefix
        # A button in App Home (no card) comes without a response_url, as on Slack.
        url = self.fake.response_url() if card is not None else None
        body = block_action(
            action_id,
            user=user,
            message=card,
            response_url=url,
            value=_button_value(card, action_id),
            ephemeral=ephemeral,
        )
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

    async def open_home(self, user: str = "U1") -> int:
        status, _ = await self.http.event(home_opened(user))
        return status


def action_ids(post: dict[str, Any] | None, prefix: str) -> list[str]:
    found = []
    for block in (post or {}).get("blocks") or []:
        for element in block.get("elements") or []:
            action_id = element.get("action_id", "")
            if action_id.startswith(prefix):
                found.append(action_id)
    return found


def _button_value(post: dict[str, Any] | None, action_id: str) -> str | None:
    for block in (post or {}).get("blocks") or []:
        for element in block.get("elements") or []:
            if element.get("action_id") == action_id:
                return str(element.get("value", ""))
    return None


def unescaped(mrkdwn: str) -> str:
    """What Slack shows for mrkdwn's escapes (&lt; &gt; &amp;)."""
    return mrkdwn.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


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
    shown = unescaped(block_text(card["blocks"]))
    question = next(q for q in bank.questions.values() if q.question in shown)
    return (
        "。".join(
            f"{kp.point}，也就是{(kp.aliases or [kp.point])[0]}" for kp in question.key_points
        )
        + "。"
    )
