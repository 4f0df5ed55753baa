"""Slack payloads → who, where and what: the only module that knows their field names.

- `/interview <text>`: the text is the shared grammar (`bot.core.grammar`); empty means help.
  `start …` / `review …` may end with `here` (也可以写「这里」): the interview then runs in a
  thread in the current channel instead of the member's DM. That word is the only Slack-only
  grammar, and it is taken off before the core parses the line.
- Buttons: the place is the message the button sits on (its channel, and its thread if any).
- Message events: only a member's own plain messages count; other bots, the bot itself, edits,
  joins and other subtypes are ignored, and so is a redelivery (`X-Slack-Retry-Num`): Slack
  retries only after it missed our ack, and the first delivery was already handled.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.core.commands import Place
from bot.core.grammar import COMMAND_ALIASES

HERE_WORDS = frozenset({"here", "这里", "此处", "本频道"})
PLACED_COMMANDS = frozenset({"start", "review"})


@dataclass(frozen=True)
class SlashRequest:
    team_id: str
    user_id: str
    channel_id: str
    text: str  # for the core's grammar; "help" when the member typed nothing
    here: bool  # run the interview in a thread in this channel
    in_dm: bool  # typed in a direct message with the bot

    @property
    def command_word(self) -> str:
        first = self.text.split(maxsplit=1)[0] if self.text.split() else ""
        return COMMAND_ALIASES.get(first.lstrip("/").lower(), "")


def slash_request(body: Mapping[str, Any]) -> SlashRequest:
    text, here = strip_here(str(body.get("text") or ""))
    channel = str(body.get("channel_id") or "")
    return SlashRequest(
        team_id=str(body.get("team_id") or ""),
        user_id=str(body.get("user_id") or ""),
        channel_id=channel,
        text=text or "help",
        here=here,
        in_dm=channel.startswith("D") or body.get("channel_name") == "directmessage",
    )


def strip_here(text: str) -> tuple[str, bool]:
    """`start rag 3 here` → (`start rag 3`, True); `here` counts only after start/review."""
    words = text.split()
    if not words or COMMAND_ALIASES.get(words[0].lstrip("/").lower()) not in PLACED_COMMANDS:
        return text.strip(), False
    kept = [words[0], *(w for w in words[1:] if w.lower() not in HERE_WORDS)]
    return " ".join(kept), len(kept) != len(words)


def team_of(body: Mapping[str, Any]) -> str:
    team = body.get("team")
    if isinstance(team, Mapping) and team.get("id"):
        return str(team["id"])
    user = body.get("user")
    if isinstance(user, Mapping) and user.get("team_id"):
        return str(user["team_id"])
    return str(body.get("team_id") or "")


def user_of(body: Mapping[str, Any]) -> str:
    user = body.get("user")
    return (
        str(user.get("id") or "") if isinstance(user, Mapping) else str(body.get("user_id") or "")
    )


def action_place(body: Mapping[str, Any]) -> Place:
    """Where the pressed button's message is: its channel, and the thread it sits in."""
    container = body.get("container") or {}
    message = body.get("message") or {}
    channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
    thread = message.get("thread_ts") or container.get("thread_ts")
    return Place(channel_id=channel, thread_id=thread)


def first_action(body: Mapping[str, Any]) -> Mapping[str, Any]:
    found: Sequence[Mapping[str, Any]] = body.get("actions") or []
    return found[0] if found else {}


@dataclass(frozen=True)
class MessageRequest:
    team_id: str
    user_id: str
    channel_id: str
    thread_ts: str | None
    text: str
    in_dm: bool


def message_request(
    body: Mapping[str, Any], retry_num: Sequence[str] | None, bot_user_id: str | None
) -> MessageRequest | None:
    """The member's message as a request, or None for anything the bot must not answer."""
    event = body.get("event") or {}
    if retry_num:
        return None
    if event.get("subtype") or event.get("bot_id") or event.get("bot_profile"):
        return None
    user = event.get("user")
    text = event.get("text")
    if not user or not isinstance(text, str) or not text.strip() or user == bot_user_id:
        return None
    channel = str(event.get("channel") or "")
    return MessageRequest(
        team_id=str(body.get("team_id") or event.get("team") or ""),
        user_id=str(user),
        channel_id=channel,
        thread_ts=event.get("thread_ts"),
        text=text,
        in_dm=event.get("channel_type") == "im" or channel.startswith("D"),
    )
