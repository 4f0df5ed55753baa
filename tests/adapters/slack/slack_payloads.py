"""Payloads shaped as Slack sends them (trimmed to the fields Slack always includes)."""

from __future__ import annotations

import uuid
from typing import Any

from slack_fakes import TEAM


def slash(text: str, *, user: str, channel: str, response_url: str) -> dict[str, str]:
    return {
        "token": "legacy",
        "team_id": TEAM,
        "team_domain": "acme",
        "channel_id": channel,
        "channel_name": "directmessage" if channel.startswith("D") else "general",
        "user_id": user,
        "user_name": user.lower(),
        "command": "/interview",
        "text": text,
        "api_app_id": "A1",
        "response_url": response_url,
        "trigger_id": f"trigger.{uuid.uuid4().hex[:8]}",
    }


def block_action(
    action_id: str,
    *,
    user: str,
    message: dict[str, Any] | None,
    response_url: str | None,
    value: str | None = None,
    ephemeral: bool = False,
) -> dict[str, Any]:
    """A button press on `message` (as the bot posted it: channel, ts, blocks, thread_ts).
    On an ephemeral message Slack sends where it was, but not the message itself."""
    body: dict[str, Any] = {
        "type": "block_actions",
        "team": {"id": TEAM, "domain": "acme"},
        "user": {"id": user, "username": user.lower(), "team_id": TEAM},
        "api_app_id": "A1",
        "trigger_id": f"trigger.{uuid.uuid4().hex[:8]}",
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": "b1",
                "value": action_id if value is None else value,
                "action_ts": "1700000000.1",
            }
        ],
    }
    if message is not None:
        body["container"] = {
            "type": "message",
            "channel_id": message["channel"],
            "message_ts": message["ts"],
            "is_ephemeral": ephemeral,
        }
        body["channel"] = {"id": message["channel"], "name": "x"}
    if message is not None and not ephemeral:
        body["message"] = {
            "type": "message",
            "ts": message["ts"],
            "text": message.get("text", ""),
            "blocks": message.get("blocks", []),
            **({"thread_ts": message["thread_ts"]} if message.get("thread_ts") else {}),
        }
    if message is None:
        body["container"] = {"type": "view", "view_id": "VHOME"}
        body["view"] = {"id": "VHOME", "type": "home"}
    if response_url is not None:
        body["response_url"] = response_url
    return body


def view_submission(view: dict[str, Any], text: str | None, *, user: str) -> dict[str, Any]:
    """Submitting the modal the bot opened (`view` as sent to views.open) with `text` typed."""
    values: dict[str, Any] = {}
    for block in view["blocks"]:
        if block.get("type") == "input":
            action = block["element"]["action_id"]
            values[block["block_id"]] = {action: {"type": "plain_text_input", "value": text}}
    return {
        "type": "view_submission",
        "team": {"id": TEAM, "domain": "acme"},
        "user": {"id": user, "username": user.lower(), "team_id": TEAM},
        "api_app_id": "A1",
        "trigger_id": f"trigger.{uuid.uuid4().hex[:8]}",
        "view": {
            "id": "VMODAL",
            "team_id": TEAM,
            "type": "modal",
            "callback_id": view["callback_id"],
            "private_metadata": view.get("private_metadata", ""),
            "blocks": view["blocks"],
            "state": {"values": values},
            "hash": "1.abc",
        },
        "response_urls": [],
    }


def event(inner: dict[str, Any]) -> dict[str, Any]:
    return {
        "token": "legacy",
        "team_id": TEAM,
        "api_app_id": "A1",
        "type": "event_callback",
        "event_id": f"Ev{uuid.uuid4().hex[:10]}",
        "event_time": 1700000000,
        "authorizations": [{"team_id": TEAM, "user_id": "UBOT", "is_bot": True}],
        "event": inner,
    }


def message(
    text: str,
    *,
    user: str,
    channel: str,
    thread_ts: str | None = None,
    bot_id: str | None = None,
    subtype: str | None = None,
) -> dict[str, Any]:
    inner: dict[str, Any] = {
        "type": "message",
        "channel": channel,
        "channel_type": "im" if channel.startswith("D") else "channel",
        "user": user,
        "text": text,
        "ts": f"1700001000.{uuid.uuid4().int % 1000000:06d}",
        "event_ts": "1700001000.000001",
    }
    if thread_ts is not None:
        inner["thread_ts"] = thread_ts
    if bot_id is not None:
        inner["bot_id"] = bot_id
    if subtype is not None:
        inner["subtype"] = subtype
    return event(inner)


def home_opened(user: str) -> dict[str, Any]:
    return event(
        {
            "type": "app_home_opened",
            "user": user,
            "channel": "D" + user,
            "tab": "home",
            "event_ts": "1.2",
        }
    )
