"""Everything the bot asked Slack to show, in order, as text a person can read and judge."""

from __future__ import annotations

from typing import Any

from slack_fakes import FakeSlack
from slack_world import block_text

SHOWN = {
    "chat.postMessage": "post",
    "chat.update": "update",
    "chat.postEphemeral": "ephemeral",
    "chat.delete": "delete",
    "response_url": "ephemeral reply",
    "views.open": "modal",
    "views.publish": "home tab",
    "modal.errors": "modal stays open, saying",
}


def _where(params: dict[str, Any]) -> str:
    parts = [str(params.get("channel") or params.get("user_id") or "")]
    if params.get("thread_ts"):
        parts.append(f"thread {params['thread_ts']}")
    if params.get("ts") and params.get("channel"):
        parts.append(f"ts {params['ts']}")
    return ", ".join(p for p in parts if p)


def transcript(fake: FakeSlack, since: int = 0) -> str:
    out = []
    for call in fake.calls[since:]:
        if call.method.startswith("step:"):
            out.append(f"\n===== {call.method[5:]} =====")
            continue
        kind = SHOWN.get(call.method)
        if kind is None:
            continue
        params = call.params
        blocks = params.get("blocks") or (params.get("view") or {}).get("blocks") or []
        body = block_text(blocks) if blocks else str(params.get("text", ""))
        out.append(f"--- {kind} ({_where(params)})")
        view = params.get("view") or {}
        if view.get("type") == "modal":
            labels = [view.get(k, {}).get("text", "") for k in ("title", "submit", "close")]
            out.append("title: {} · [{}] [{}]".format(*labels))
        out.append(body)
    return "\n".join(out) + "\n"


async def step(fake: FakeSlack, title: str) -> None:
    """A heading in the transcript: what the member does next."""
    from slack_fakes import Call

    async with fake._changed:
        fake.calls.append(Call(f"step:{title}", {}))


async def modal_ack(fake: FakeSlack, ack: dict[str, Any]) -> None:
    """What a modal submission's ack said (errors keep the modal open): into the transcript."""
    from slack_fakes import Call

    shown = "\n".join(str(v) for v in (ack.get("errors") or {}).values())
    async with fake._changed:
        fake.calls.append(Call("modal.errors" if shown else "modal.closed", {"text": shown}))
