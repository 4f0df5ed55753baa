"""Question cards this process did not post: the ones shown before a restart.

The messenger remembers which message shows which question only for the cards it posted
itself. When a question ends whose card it does not know (the bot restarted in between), the
last messages of the DM or the session's thread are read once, and the cards whose buttons
name that question are found there, so they can be closed too instead of keeping live buttons.
Best effort: if Slack refuses the read, the old card keeps its buttons, and a press gets the
core's "closed" notice.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

import structlog
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.core import ids

log = structlog.get_logger(__name__)

LOOKBACK = 50  # messages read back: an interview posts a few per question


async def find_cards(
    client: AsyncWebClient, channel: str, thread_ts: str | None, wanted: Collection[tuple[str, int]]
) -> list[tuple[tuple[str, int], dict[str, Any]]]:
    """(question key, message) for each card among the recent messages that shows a question
    in `wanted` ((session id, position)) with its buttons still on it."""
    try:
        if thread_ts is not None:
            response = await client.conversations_replies(
                channel=channel, ts=thread_ts, limit=LOOKBACK
            )
        else:
            response = await client.conversations_history(channel=channel, limit=LOOKBACK)
    except SlackApiError as exc:
        log.info("slack.earlier_cards_unread", channel=channel, error=exc.response.get("error"))
        return []
    found = []
    for message in response.get("messages") or []:
        key = _question_of(message)
        if key is not None and key in wanted:
            found.append((key, message))
    return found


def _question_of(message: dict[str, Any]) -> tuple[str, int] | None:
    for block in message.get("blocks") or []:
        for element in block.get("elements") or []:
            action = ids.decode(str(element.get("action_id") or ""))
            if isinstance(action, ids.QuestionAction) and action.verb == "answer":
                return (action.session_id, action.position)
    return None
