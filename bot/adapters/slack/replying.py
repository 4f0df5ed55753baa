"""Where each reply goes on Slack.

An interview's replies (question, hint, feedback, summary, and the notices around them) go to
the session's place: the member's DM, or the thread under its card. Everything else (help,
boards, stats, refusals, errors) answers the member privately where they typed: an ephemeral
message through the request's `response_url` (`respond`).
"""

from __future__ import annotations

from collections.abc import Sequence

import structlog
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.errors import SlackApiError

from bot.adapters.slack.messenger import SlackMessenger
from bot.adapters.slack.people import Person
from bot.adapters.slack.render import render
from bot.core.commands import Actor, Place
from bot.core.replies import Reply

log = structlog.get_logger(__name__)

FLOW_KINDS = frozenset({"question", "hint", "feedback", "summary"})


def split_flow(replies: Sequence[Reply]) -> tuple[list[Reply], list[Reply]]:
    """(what belongs in the interview's place, what is said privately)."""
    if not any(reply.kind in FLOW_KINDS for reply in replies):
        return [], list(replies)
    return (
        [reply for reply in replies if reply.kind != "error"],
        [reply for reply in replies if reply.kind == "error"],
    )


async def ephemeral(respond: AsyncRespond, person: Person, replies: Sequence[Reply]) -> None:
    for message in render(replies, tz=person.tz):
        await respond(
            text=message.text,
            blocks=message.blocks,
            response_type="ephemeral",
            replace_original=False,
        )


async def answer(
    messenger: SlackMessenger,
    respond: AsyncRespond | None,
    actor: Actor,
    person: Person,
    place: Place,
    replies: Sequence[Reply],
) -> bool:
    """Show `replies`; True when some went to the interview's place."""
    flow, private = split_flow(replies)
    if flow:
        try:
            await messenger.show(actor, place, flow)
        except SlackApiError as exc:
            # The DM or thread cannot be written (closed, archived): say it where they typed.
            log.warning(
                "slack.flow_failed", channel=place.channel_id, error=exc.response.get("error")
            )
            private = list(replies)
            flow = []
    if private and respond is not None:
        await ephemeral(respond, person, private)
    elif private:
        await messenger.deliver(actor, place, private)
    return bool(flow)
