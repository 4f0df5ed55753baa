"""Messages this process did not post, found among a conversation's recent messages.

- Question cards shown before a restart: the messenger remembers which message shows which
  question only for the cards it posted itself. When a question ends whose card it does not
  know, the last messages of the DM or the session's thread are read once, and the cards whose
  buttons name that question are found there, so they can be closed too instead of keeping
  live buttons. If Slack refuses the read, the old card keeps its buttons, and a press gets the
  core's "closed" notice.
- A channel post a killed process sent but could not record (`find_message`): found by its
  buttons, or by its text when it has none, so the daily poster does not send it twice.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import structlog
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack.blocks import SlackMessage
from bot.core import ids

log = structlog.get_logger(__name__)

LOOKBACK = 50  # messages read back: an interview posts a few per question


async def find_cards(
    client: AsyncWebClient, channel: str, thread_ts: str | None, wanted: Collection[tuple[str, int]]
) -> list[tuple[tuple[str, int], dict[str, Any]]]:
    """(question key, message) for each card among the recent messages that shows a question
    in `wanted` ((session id, position)) with its buttons still on it."""
    found = []
    for message in await _recent(client, channel, thread_ts):
        key = _question_of(message)
        if key is not None and key in wanted:
            found.append((key, message))
    return found


async def find_message(
    client: AsyncWebClient, channel: str, thread_ts: str | None, message: SlackMessage
) -> str | None:
    """The ts of a recent message that is `message`: the same buttons (their ids name the
    post), or the same text when it has no buttons."""
    actions = _action_ids(message.blocks)
    for held in await _recent(client, channel, thread_ts):
        if held.get("ts") == thread_ts:
            continue  # conversations.replies lists the thread's parent first
        same = (
            _action_ids(held.get("blocks") or []) == actions
            if actions
            else held.get("text") == message.text
        )
        if same:
            return str(held["ts"])
    return None


async def _recent(
    client: AsyncWebClient, channel: str, thread_ts: str | None
) -> list[dict[str, Any]]:
    try:
        if thread_ts is not None:
            response = await client.conversations_replies(
                channel=channel, ts=thread_ts, limit=LOOKBACK
            )
        else:
            response = await client.conversations_history(channel=channel, limit=LOOKBACK)
    except SlackApiError as exc:
        log.info("slack.recent_unread", channel=channel, error=exc.response.get("error"))
        return []
    return list(response.get("messages") or [])


def _action_ids(blocks: list[dict[str, Any]]) -> set[str]:
    return {
        str(element["action_id"])
        for block in blocks
        for element in block.get("elements") or []
        if element.get("action_id")
    }


def _question_of(message: dict[str, Any]) -> tuple[str, int] | None:
    for block in message.get("blocks") or []:
        for element in block.get("elements") or []:
            action = ids.decode(str(element.get("action_id") or ""))
            if isinstance(action, ids.QuestionAction) and action.verb == "answer":
                return (action.session_id, action.position)
    return None
